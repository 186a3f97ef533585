"""What the review screen's tests share: starting the app, choosing in a list, reading what is shown."""

from __future__ import annotations

from pathlib import Path

from factcheck.tui.app import FactcheckApp
from factcheck.tui.screens import ChooseScreen

STAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"
SIZE = (150, 45)


async def started(app: FactcheckApp, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


def path_of(tree: Path, claim_id: str) -> Path:
    return tree / "test-article" / f"{claim_id}.yaml"


def appended(before: str, after: str, anchor: str = "history:\n") -> str:
    """What an edit added at the end of the history (and checks nothing before changed)."""
    assert after.startswith(before.rstrip("\n")[: before.index(anchor)])
    assert after.startswith(before), "an edit only appends to the history here"
    return after[len(before):]


async def choose(pilot, value: str) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, ChooseScreen)
    index = [v for v, _ in screen.choices].index(value)
    option_list = screen.query_one("OptionList")
    option_list.highlighted = index
    await pilot.press("enter")
    await pilot.pause()


def shown_text(node, selector: str) -> str:
    """The text a Static or Label shows, as a person would read it (no styles)."""
    from rich.console import Console

    content = node.query_one(selector).content
    console = Console(width=200, record=True, file=open("/dev/null", "w"))
    console.print(content)
    return console.export_text()


def notifications(app) -> list[str]:
    """The notifications' text as the screen shows it (markup rendered, where it is markup)."""
    from textual.content import Content

    return [Content.from_markup(n.message).plain if n.markup else n.message for n in app._notifications]


async def verdict_and_summary(pilot) -> None:
    """support-rose (the second row) gets a verdict and a summary: ready to publish."""
    await pilot.press("down", "v")
    await choose(pilot, "accurate")
    await pilot.press("e", *"The survey says 68%.", "ctrl+s")
    await pilot.pause()


def typed_at_once(app, keys: list[str]) -> None:
    """Keys queued all at once, as a fast typist or a paste sends them: unlike
    ``pilot.press``, nothing waits for the screen to handle one before the next comes."""
    from textual import events
    from textual.keys import _character_to_key

    for key in keys:
        name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
        char = key if len(key) == 1 else " " if name == "space" else None
        event = events.Key(name, char)
        event.set_sender(app)
        app.post_message(event)
