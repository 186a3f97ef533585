"""The one way the review screen edits a claim.

Ask the core what a change needs (:func:`factcheck.session.needs`); if it needs a
field or a review step first, say so and stop; if it needs a text (a note, a
correction), ask for it; then act through the session and report what happened or
why it was refused. Every action of the screen goes through :meth:`EditFlow.change`
(or :meth:`EditFlow.change_many` for marked claims).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import attrs

from factcheck.session import Need, correction_needed, missing_fields, note_needed
from factcheck.store import ClaimRecord, EditRefused
from factcheck.tui.screens import TextScreen

if TYPE_CHECKING:
    from factcheck.model import Claim
    from factcheck.tui.app import FactcheckApp

T = TypeVar("T")

#: The key that gives the core what a refused change needs.
NEED_KEYS = {
    "verdict": "press v to set a verdict",
    "summary": "press e to write a summary",
    "source": "press a to add a source",
    "in-review": "press s to move it to in-review",
    "second-editor": "the other editor presses P in their own review screen, or opens it with factcheck --editor THEIR-HANDLE",
    "correction": "say why in the correction",
    "note": "say why in the note",
}

#: Where each kind of asked text is recorded, as the dialog says.
RECORDED = {
    "correction": "Recorded in the claim's corrections, as the IFCN code asks.",
    "note": "Recorded in the history with your name.",
}


def refusal(exc: EditRefused) -> str:
    """Why a change was refused, and the keys that fix it."""
    keys = [NEED_KEYS[n] for n in exc.needs if n in NEED_KEYS]
    return exc.message + (f" ({'; '.join(keys)})" if keys else "")


def unless_cancelled(act: Callable[[T], object]) -> Callable[[T | None], None]:
    """A dialog's callback: ``act(result)``, unless the dialog was cancelled (None)."""

    def callback(result: T | None) -> None:
        if result is not None:
            act(result)

    return callback


def split(value: str) -> list[str]:
    """The items of a comma- (or semicolon-) separated line."""
    return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]


@attrs.frozen
class Prompt:
    """How to ask for a text: the draft's key, the dialog's title and its help line."""

    key: tuple
    title: str
    help: str


@attrs.frozen
class Change:
    """One change of one claim, as the flow runs it.

    ``found``: what the core says it needs. ``act(note, correction)`` makes it through
    the session (the text asked for is the note, and the correction too when one is
    needed). ``prompt(need)``: how to ask for the text ``need`` asks for. ``blocked``
    is put before the reason when something must come first.
    """

    found: list[Need]
    act: Callable[[str | None, str | None], object]
    done: str
    prompt: Callable[[Need], Prompt] | None = None
    blocked: str = ""


class EditFlow:
    """Ask for what the core says a change needs, act through the session, report."""

    def __init__(self, app: FactcheckApp):
        self.app = app
        #: Texts closed unsaved, by dialog: offered back when the same dialog opens.
        self.drafts: dict[tuple, str] = {}

    # -- the claim acted on -------------------------------------------------------------

    def target(self) -> tuple[ClaimRecord, Claim] | None:
        """The selected claim, when it validates (else say why nothing happens)."""
        record = self.app.current
        if record is None:
            self.app.notify("No claim selected", severity="warning")
            return None
        if record.claim is None:
            self.app.notify("This claim does not validate: press E to fix its text, quote, claimant or kind (see its problems)", severity="error")
            return None
        return record, record.claim

    # -- acting and reporting -----------------------------------------------------------

    def attempt(self, action: Callable[[], object], done: str | None = None) -> str | None:
        """Run a session action; None when it was made, else why not (with the key that fixes it)."""
        try:
            record = action()
        except EditRefused as exc:
            current = self.app.current
            if current is not None:
                self.app.refresh_current(current)
            return refusal(exc)
        if isinstance(record, tuple):
            record = record[0]
        self.app.refresh_current(record if isinstance(record, ClaimRecord) else None)
        if done:
            self.app.notify(done, timeout=3)
        return None

    def run(self, action: Callable[[], object], done: str | None = None) -> bool:
        """Run a session action now; show what happened or why it was refused."""
        reason = self.attempt(action, done)
        if reason is not None:
            self.app.notify(reason, title="Refused", severity="error", timeout=8)
        return reason is None

    # -- the one flow ---------------------------------------------------------------------

    def change(self, change: Change) -> None:
        """Refuse what must come first, ask for the text the change needs, then make it."""
        missing = missing_fields(change.found)
        if missing is not None:  # say what to do first, before asking for any text
            self.app.notify(change.blocked + refusal(missing), title="Refused", severity="error", timeout=8)
            return
        correction, note = correction_needed(change.found), note_needed(change.found)
        asked = correction or note
        if asked is None or change.prompt is None:
            self.run(lambda: change.act(None, None), change.done)
            return
        done = change.done + (", correction recorded" if correction is not None else "")
        self.ask(change.prompt(asked), lambda why: self.attempt(lambda: change.act(why, why if correction else None), done))

    def change_many(
        self, what: str, records: list[ClaimRecord], change_of: Callable[[ClaimRecord], Change | str], prompt: Callable[[list[Need]], Prompt]
    ) -> None:
        """One change on each claim (one history entry each), one text asked for all of them.

        ``change_of(record)`` is the change, or why that claim is left out before anything is asked.
        """
        changes: dict[str, Change] = {}
        blocked: dict[str, str] = {}
        for record in records:
            change = change_of(record)
            if isinstance(change, str):
                blocked[record.path] = change
            elif (missing := missing_fields(change.found)) is not None:
                blocked[record.path] = refusal(missing)
            else:
                changes[record.path] = change
        asked = [n for c in changes.values() for n in c.found if n.what in ("note", "correction")]

        def apply(text: str | None) -> str | None:
            def act(record: ClaimRecord) -> str | None:
                if record.path in blocked:
                    return blocked[record.path]
                change = changes[record.path]
                correction = text if correction_needed(change.found) else None
                return self.attempt(lambda: change.act(text, correction))

            self.bulk(what, records, act)
            return None

        if asked:
            self.ask(prompt(asked), apply)
        else:
            apply(None)

    def bulk(self, what: str, records: list[ClaimRecord], act: Callable[[ClaimRecord], str | None]) -> None:
        """``act(record)`` for each claim; refusals reported per claim."""
        done: list[tuple[str, str | None]] = []
        refused: list[tuple[str, str | None]] = []
        for record in records:
            reason = act(record)
            (done if reason is None else refused).append((record.id, reason))
        self.app.apply_view()
        message = f"{what}: {len(done)} of {len(records)} claims changed"
        if refused:
            message += "; refused: " + "; ".join(f"{claim_id}: {reason}" for claim_id, reason in refused[:5])
            message += f" and {len(refused) - 5} more" if len(refused) > 5 else ""
        self.app.notify(message, title="Bulk change", severity="error" if refused else "information", timeout=10)

    # -- asking for a text ------------------------------------------------------------------

    def ask(self, prompt: Prompt, then: Callable[[str], str | None], required: bool = True) -> None:
        """Ask for a text (a note, a correction), then act on it (``then`` -> None or why not)."""

        def submit(text: str) -> str | None:
            if required and not text.strip():
                return "Write a reason first (esc cancels)"
            return then(text.strip() if required else text)

        self.edit_text(prompt, "", submit)

    def edit_text(self, prompt: Prompt, text: str, submit: Callable[[str], object]) -> None:
        """A text dialog whose save is ``submit(text)`` (None when done, else why not).

        A refused save keeps the dialog open with the text as typed; text closed unsaved
        with esc is kept as a draft and offered back, on its own, when the same dialog
        opens: a fresh text (a note, a reason) then replaces it rather than joining it.
        """
        draft = self.drafts.get(prompt.key)
        offered = draft is not None and not text
        help_text = prompt.help
        if offered:  # said instead of the help, which would not leave it room on one line
            help_text = "Your unsaved text from before, selected: ctrl+s saves it, typing replaces it."
        elif draft is not None:
            help_text += " · your unsaved text from before"
        screen = TextScreen(prompt.title, draft if draft is not None else text, help_text, submit=submit, offered=offered)

        def closed(result: str | None) -> None:
            typed = screen.typed
            if result is None and typed.strip() and typed != text:
                self.drafts[prompt.key] = typed
                self.app.notify("Not saved; your text is kept for the next time you open this", timeout=4)
            else:
                self.drafts.pop(prompt.key, None)

        self.app.push_screen(screen, closed)
