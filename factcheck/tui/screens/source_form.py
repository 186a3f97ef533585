"""The add-source form: every field read from the model, checked as you type."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select

from factcheck.forms import form_fields, source_from_text
from factcheck.model import Source
from factcheck.store import today

#: The add-source form's fields, read from the model (labels, hints, limits, kinds).
SOURCE_FIELDS = form_fields(Source)
FORM_FIELDS = [f for f in SOURCE_FIELDS if f.kind != "choice"]


#: Tab and shift+tab in a form of several fields. Priority bindings: the focus moves when
#: the screen reads the key, before the keys typed after it reach a field (else, typed
#: fast, the words meant for the next field land in the one that had the focus).
FIELD_KEYS = [
    Binding("tab", "app.focus_next", "Next field", show=False, priority=True),
    Binding("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True),
]


class SourceForm(ModalScreen[Source | None]):
    """Add a source: every field checked as you type; an invalid source is not saved."""

    BINDINGS = [Binding("ctrl+s", "save", "Save", priority=True), Binding("escape", "cancel", "Cancel"), *FIELD_KEYS]
    AUTO_FOCUS = "#f-url"

    def __init__(self, claim_id: str, existing_urls: Sequence[str] = ()):
        super().__init__()
        self.claim_id = claim_id
        self.existing_urls = list(existing_urls)
        self._discard_warned = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide form"):
            yield Label(f"Add a source to {self.claim_id}", classes="dialog-title")
            with VerticalScroll(classes="form-fields"):
                yield from self._fields()
            with Horizontal(classes="form-buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel (esc)", id="cancel")

    def _fields(self) -> ComposeResult:
        for field in SOURCE_FIELDS:
            with Horizontal(classes="form-row"):
                yield Label(field.label, classes="form-label")
                if field.kind == "choice":
                    yield Select([(w, w) for w in field.choices], prompt="choose…", id=f"f-{field.name}", compact=True)
                else:
                    yield Input(today().isoformat() if field.name == "accessed" else "", placeholder=field.hint, id=f"f-{field.name}", compact=True)
            yield Label("", id=f"e-{field.name}", classes="field-error")

    def _values(self) -> dict[str, str]:
        values = {f.name: self.query_one(f"#f-{f.name}", Input).value for f in FORM_FIELDS}
        stance = self.query_one("#f-stance", Select).value
        return {**values, "stance": stance if isinstance(stance, str) else ""}

    def _source(self) -> tuple[Source | None, dict[str, str]]:
        return source_from_text(self._values(), self.existing_urls, today())

    def _show(self, errors: dict[str, str], only: set[str] | None = None) -> None:
        for name in [f.name for f in SOURCE_FIELDS]:
            if only is not None and name not in only:
                continue
            self.query_one(f"#e-{name}", Label).update(errors.get(name, ""))

    @on(Input.Changed)
    def field_changed(self, event: Input.Changed) -> None:
        _, errors = self._source()
        name = (event.input.id or "f-").removeprefix("f-")
        # Check the field being typed at once; leave untouched empty fields quiet.
        self._show(errors if event.value else {k: v for k, v in errors.items() if k != name}, {name})

    @on(Select.Changed)
    def stance_changed(self) -> None:
        _, errors = self._source()
        self._show(errors, {"stance"})

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        source, errors = self._source()
        self._show(errors)
        if source is None:
            self.notify(f"Not saved: {len(errors)} field{'s' if len(errors) != 1 else ''} to fix", severity="error")
            return
        self.dismiss(source)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        typed = any(v.strip() for k, v in self._values().items() if k != "accessed")
        if typed and not self._discard_warned:
            self._discard_warned = True
            self.notify("Press esc again to discard this source", severity="warning", timeout=4)
            return
        self.dismiss(None)
