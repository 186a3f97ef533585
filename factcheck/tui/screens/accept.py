"""The accept dialog of the triage view: the restated claim, its claimant, kind and id."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Static

from factcheck.claimreview import CLAIM_REVIEWED_LIMIT
from factcheck.model import Kind
from factcheck.textsafe import escape_line


@attrs.frozen
class Accepted:
    """What the editor saves: the restated claim and the claimant, kind and id chosen."""

    text: str
    claimant: str
    kind: Kind
    claim_id: str


def count_line(text: str) -> Text:
    """The restatement's length against ClaimReview's limit (Google shows at most 75 characters)."""
    n = len(text.strip())
    line = Text(f"{n}/{CLAIM_REVIEWED_LIMIT} characters", style="bold #dc2626" if n > CLAIM_REVIEWED_LIMIT else "dim")
    if n > CLAIM_REVIEWED_LIMIT:
        line.append(f" · {n - CLAIM_REVIEWED_LIMIT} over ClaimReview's limit: search results cut it; shorten it", "#dc2626")
    else:
        line.append(f" · ClaimReview wants at most {CLAIM_REVIEWED_LIMIT}", "dim")
    return line


class AcceptScreen(ModalScreen[Accepted | None]):
    """Accept a sentence as a claim: the restatement (prefilled with the sentence; ctrl+u
    clears it) with a live count against ClaimReview's 75 characters, and the guessed
    claimant, kind and id, each editable (right arrow completes a claimant or a kind).

    ``guess(text)`` gives the :class:`~factcheck.triage.Guess` for a restatement (the id
    follows the text until the editor edits the id); ``submit(accepted)`` saves and returns
    None, else the reason it did not (the dialog stays open). A restatement over the limit
    is saved on the second enter, after a warning.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, sentence: str, text: str, guess: Callable, submit: Callable[[Accepted], str | None],
                 claimants: Sequence[str] = (), note: str = ""):
        super().__init__()
        self.sentence = sentence
        self.start_text = text
        self.guess = guess
        self.submit = submit
        self.claimants = sorted(set(claimants))
        self.note = note
        first = guess(text)
        self.first = first
        self.auto_id = first.claim_id
        self.id_edited = False
        self.warned_for: str | None = None

    def compose(self) -> ComposeResult:
        first = self.first
        with VerticalScroll(classes="dialog wide", id="accept-dialog"):  # scrolls on a small terminal
            yield Label("Accept as a claim: restate it as one checkable proposition", classes="dialog-title")
            yield Label(f"The sentence stays the quote, verbatim: “{escape_line(self.sentence)[:300]}”{self.note}", classes="dialog-help")
            yield Label("Claim (ctrl+u clears the box; it starts as the sentence):", classes="accept-label")
            yield Input(self.start_text, id="accept-text", select_on_focus=False)
            yield Static(count_line(self.start_text), id="accept-count")
            with Horizontal(classes="form-row"):
                yield Label("Claimant", classes="form-label")
                yield Input(first.claimant, id="accept-claimant", select_on_focus=False,
                            suggester=SuggestFromList(self.claimants, case_sensitive=False))
            yield Label(f"guessed: {escape_line(first.why)}", id="accept-why", classes="accept-note")
            with Horizontal(classes="form-row"):
                yield Label("Kind", classes="form-label")
                yield Input(first.kind.value, id="accept-kind", select_on_focus=False, suggester=SuggestFromList(Kind.words(), case_sensitive=False))
            yield Label(" · ".join(Kind.words()), classes="accept-note")
            with Horizontal(classes="form-row"):
                yield Label("Id", classes="form-label")
                yield Input(first.claim_id, id="accept-id", select_on_focus=False)
            yield Label(f"the id is the public page's address: claims/{first.claim_id}.html", id="accept-address", classes="accept-note")
            yield Label("", id="accept-error", classes="field-error")
            yield Label("enter save · tab next field · → completes · esc cancel", classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#accept-text", Input).focus()

    @property
    def typed(self) -> str:
        return self.query_one("#accept-text", Input).value

    def _value(self, name: str) -> str:
        return self.query_one(f"#accept-{name}", Input).value.strip()

    @on(Input.Changed, "#accept-text")
    def text_changed(self, event: Input.Changed) -> None:
        self.query_one("#accept-count", Static).update(count_line(event.value))
        if not self.id_edited and event.value.strip():
            self.auto_id = self.guess(event.value).claim_id
            box = self.query_one("#accept-id", Input)
            box.value = self.auto_id
            box.cursor_position = len(self.auto_id)

    @on(Input.Changed, "#accept-id")
    def id_changed(self, event: Input.Changed) -> None:
        self.id_edited = self.id_edited or event.value != self.auto_id
        self.query_one("#accept-address", Label).update(f"the id is the public page's address: claims/{escape_line(event.value.strip())}.html")

    def _error(self, message: str) -> None:
        self.query_one("#accept-error", Label).update(message)

    @on(Input.Submitted)
    def submitted(self) -> None:
        text, claimant, kind, claim_id = self._value("text"), self._value("claimant"), self._value("kind").lower(), self._value("id")
        if not text:
            return self._error("Write the claim first (esc cancels)")
        if not claimant:
            return self._error("Name the claimant: who makes the claim")
        if kind not in Kind.words():
            return self._error(f"Kind: one of {', '.join(Kind.words())}")
        if not claim_id:
            return self._error("Give the claim an id (its page's address)")
        if len(text) > CLAIM_REVIEWED_LIMIT and self.warned_for != text:
            self.warned_for = text
            return self._error(f"The claim is {len(text)} characters; ClaimReview wants at most {CLAIM_REVIEWED_LIMIT} "
                               "(build warns too). Shorten it, or press enter again to save it as it is.")
        reason = self.submit(Accepted(text, claimant, Kind(kind), claim_id))
        if reason is not None:
            return self._error(reason)
        self.dismiss(Accepted(text, claimant, Kind(kind), claim_id))
        return None

    def action_cancel(self) -> None:
        self.dismiss(None)
