"""A chooser: pick one of a few words; answers with the word, or None when cancelled."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option


class ChooseScreen(ModalScreen[str | None]):
    """Pick one of a few words; returns the word, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("j", "move(1)", "Down", show=False),
        Binding("k", "move(-1)", "Up", show=False),
    ]

    def action_move(self, step: int) -> None:
        option_list = self.query_one(OptionList)
        (option_list.action_cursor_down if step > 0 else option_list.action_cursor_up)()

    def __init__(self, title: str, choices: Sequence[tuple[str, str]], current: str | None = None):
        super().__init__()
        self.title_text = title
        self.choices = list(choices)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            options = [Option(label, id=value) for value, label in self.choices]
            yield OptionList(*options, id="choices")
            yield Label("enter choose · esc cancel", classes="dialog-help")

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        for index, (value, _) in enumerate(self.choices):
            if value == self.current:
                option_list.highlighted = index
        option_list.focus()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
