"""Checked before: a claim's earlier fact-checks, to open or to add to its related claims."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from factcheck.textsafe import escape, escape_line


def match_line(match, wrap: bool = False) -> Text:
    """One earlier check in one line: score, rating, publisher, date, and the claim's id
    (with its status when it is not published) or the review's URL. Every text escaped:
    it may come from another fact-checker's feed."""
    r = match.review
    line = Text(no_wrap=not wrap, overflow="fold" if wrap else "ellipsis", end="")
    line.append(f"{match.score:.2f} ", "bold")
    line.append(escape_line(r.rating or "no rating"), "#d97706" if r.rating else "dim")
    line.append(f" · {escape_line(r.publisher or '-')} · {escape_line(r.date or '-')} · ", "dim")
    if r.id:
        line.append(escape_line(r.id) + (f" ({escape_line(r.status)})" if r.status else ""), "#3b82f6")
    else:
        line.append(escape_line(r.url or "-"), "#3b82f6")
    return line


def match_details(match) -> Text:
    """Everything known of one earlier check, escaped."""
    r = match.review
    text = Text()
    text.append(escape(r.claim), "bold")
    for label, value in (
        ("headline", r.headline), ("rating", r.rating), ("claimant", r.claimant), ("publisher", r.publisher), ("date", r.date),
        ("url", r.url), ("claim of this tree", r.id), ("status", r.status),
    ):
        if value:
            text.append(f"\n{label}: ", "dim")
            text.append(escape_line(value))
    if r.description:
        text.append("\n" + escape(r.description), "italic")
    return text


class MatchesScreen(ModalScreen[str | None]):
    """The earlier checks of a claim. ``enter`` opens one: a claim of the tree is selected
    in the queue (the screen answers with its id), a review of a feed shows its details and
    URL; ``r`` adds the highlighted claim of the tree to the claim's related claims
    (``relate(id)`` writes it through the one edit flow)."""

    BINDINGS = [
        Binding("enter", "open", "Open", priority=True, id="open-match"),
        Binding("r", "relate", "Add to related", id="relate-match"),
        Binding("j", "move(1)", "Down", show=False),
        Binding("k", "move(-1)", "Up", show=False),
        Binding("escape,q", "close", "Back", id="close-matches"),
    ]

    def __init__(self, title: str, matches: Sequence, relate: Callable[[str], None]):
        super().__init__()
        self.title_text = title
        self.matches = list(matches)
        self.relate = relate

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(self.title_text, classes="dialog-title")
            yield OptionList(*(Option(match_line(m)) for m in self.matches), id="matches")
            yield Static(id="match-details")
            yield Label("enter open · r add a claim of this tree to related · esc back", classes="dialog-help")

    def on_mount(self) -> None:
        option_list = self.query_one("#matches", OptionList)
        option_list.focus()
        if self.matches:
            option_list.highlighted = 0

    @property
    def current(self):
        index = self.query_one("#matches", OptionList).highlighted
        return self.matches[index] if index is not None and 0 <= index < len(self.matches) else None

    def action_move(self, step: int) -> None:
        option_list = self.query_one("#matches", OptionList)
        (option_list.action_cursor_down if step > 0 else option_list.action_cursor_up)()

    @on(OptionList.OptionSelected)
    def selected(self) -> None:  # a click
        self.action_open()

    def action_open(self) -> None:
        match = self.current
        if match is None:
            return
        if match.review.id:
            self.dismiss(match.review.id)
        else:
            self.query_one("#match-details", Static).update(match_details(match))

    def action_relate(self) -> None:
        match = self.current
        if match is None:
            return
        if not match.review.id:
            self.notify("Only a claim of this tree can be related (this is another fact-checker's review)", severity="warning")
            return
        self.relate(match.review.id)

    def action_close(self) -> None:
        self.dismiss(None)
