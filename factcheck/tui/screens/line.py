"""The one-line dialog (tags, related ids, an assignee) with completion of known words."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label


class ListSuggester(Suggester):
    """Completes the last item of a comma-separated list from known words."""

    def __init__(self, words: Sequence[str]):
        super().__init__(use_cache=False, case_sensitive=True)
        self.words = sorted(set(words))

    async def get_suggestion(self, value: str) -> str | None:
        head, _, last = value.rpartition(",")
        typed = last.lstrip()
        if not typed:
            return None
        taken = {w.strip() for w in head.split(",")}
        for word in self.words:
            if word.startswith(typed.lower()) and word != typed and word not in taken:
                return value[: len(value) - len(typed)] + word
        return None


class LineScreen(ModalScreen[str | None]):
    """Edit one line (tags, related ids); enter saves, escape cancels; right arrow completes."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str = "", help_text: str = "", check=None, words: Sequence[str] = (), notes: bool = False, submit=None):
        super().__init__()
        self.submit = submit  # str -> None when saved, else why not (the dialog stays open with the text)
        self.notes = notes  # check gives notes (shown), not errors (that block saving)
        self.title_text = title
        self.value = value
        self.help_text = help_text
        self.check = check  # str -> error message or None
        self.words = words

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(self.title_text, classes="dialog-title")
            if self.help_text:
                yield Label(self.help_text, classes="dialog-help")
            yield Input(self.value, id="line", select_on_focus=False, suggester=ListSuggester(self.words) if self.words else None)
            yield Label("", id="line-error", classes="field-error")
            yield Label("enter save · esc cancel", classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Changed)
    def changed(self, event: Input.Changed) -> None:
        error = self.check(event.value) if self.check else None
        self.query_one("#line-error", Label).update(error or "")

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        error = self.check(event.value) if self.check else None
        if error and not self.notes:
            self.query_one("#line-error", Label).update(error)
            return
        reason = self.submit(event.value) if self.submit is not None else None
        if reason is not None:
            self.query_one("#line-error", Label).update(reason)
            return
        self.dismiss(event.value)

    @property
    def typed(self) -> str:
        return self.query_one(Input).value

    def action_cancel(self) -> None:
        self.dismiss(None)
