"""The multi-line text dialog: notes, reasons, corrections, the summary."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static, TextArea


class TextScreen(ModalScreen[str | None]):
    """Edit a multi-line text; ctrl+s saves, escape cancels.

    With ``submit`` (text -> None when done, else why not), a refused save keeps the
    dialog open with the text as typed and the reason shown above it. With ``offered``,
    the text is one kept from before, offered on its own: it opens selected, so ctrl+s
    saves it as it is and the first key typed replaces it (never joins it).
    """

    BINDINGS = [Binding("ctrl+s", "save", "Save", priority=True), Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, text: str = "", help_text: str = "", submit=None, offered: bool = False):
        super().__init__()
        self.offered = offered
        self.title_text = title
        self.initial = text
        self.help_text = help_text
        self.submit = submit

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(self.title_text, classes="dialog-title")
            if self.help_text:
                yield Label(self.help_text, classes="dialog-help")
            yield Static("", id="text-error", classes="field-error")
            yield TextArea(self.initial, id="text", soft_wrap=True)
            yield Label("ctrl+s save · esc cancel", classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#text-error").display = False
        area = self.query_one(TextArea)
        area.focus()
        if self.offered:
            area.select_all()
        else:
            area.move_cursor(area.document.end)

    @property
    def typed(self) -> str:
        return self.query_one(TextArea).text

    def refused(self, reason) -> None:
        error = self.query_one("#text-error", Static)
        error.update(reason)
        error.display = True

    def action_save(self) -> None:
        text = self.typed
        reason = self.submit(text) if self.submit is not None else None
        if reason is None:
            self.dismiss(text)
        else:
            self.refused(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)
