"""The help screen: the workflow in a few lines and every key."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from factcheck.model import STATUS_FLOW, VERDICT_NEEDS_STANCE, Stance, Status


def _needing(stance: Stance) -> str:
    """The verdicts that need a source of this stance, as the help names them."""
    return " / ".join(v.value for v, s in VERDICT_NEEDS_STANCE.items() if s is stance)


HELP_TEXT = (
    '[b]factcheck review[/b]: the claim queue on the left, the selected claim on the right.\n'
    '\n'
    f'[b]Workflow[/b]: {" → ".join(STATUS_FLOW)}, or {Status.DISMISSED} (not check-worthy). A claim is {Status.PUBLISHED} from '
    f'{Status.IN_REVIEW}, by an editor other than the one who moved it there (P publishes a claim someone else sent to review; '
    'to publish your own, another editor opens their own screen, or factcheck --editor THEIR-HANDLE); it needs a verdict, a summary and a source; '
    f'{_needing(Stance.SUPPORTS)} need a supporting source, {_needing(Stance.REFUTES)} a refuting one. An action that would break a rule is '
    'refused, with the reason and the key that fixes it.\n'
    '\n'
    "Every change is written to the claim's file at once (only the lines it must change), with a history entry naming you and the "
    'time. ctrl+z takes back the last change of this session, and that is recorded too. Files added, changed or removed on disk (git '
    'pull, another editor) reach the queue within seconds; an edit of a field someone else changed meanwhile is refused and your text '
    'kept.\n'
    '\n'
    '[b]Article view[/b] (A): tab or n next claimed passage · shift+tab or p previous · enter select the claim · esc back\n'
    '\n'
    "[b]Triage view[/b] (T): the article's sentences ranked by check-worthiness, ✓ where a claim already quotes one · enter accept: "
    "asks for the claim restated in one line (ctrl+u clears it; counted against ClaimReview's 75 characters) with the guessed "
    "claimant, kind and id, each editable (→ completes), and creates it (status new) · d dismiss (asks why, optional; kept in the article's "
    'dismissed.yaml, so it is not proposed again) · s ranked or reading order · c hide or show the claimed · esc back\n'
    '\n'
    '[b]Keys[/b]\n'
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close")]

    def __init__(self, keys: Sequence[tuple[str, str]]):
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide"):
            yield Static(HELP_TEXT, markup=True)
            width = max(len(k) for k, _ in self.keys)
            yield Static("\n".join(f"  {k:<{width}}  {d}" for k, d in self.keys), markup=False)
            yield Label("esc close", classes="dialog-help")

    def action_close(self) -> None:
        self.dismiss(None)
