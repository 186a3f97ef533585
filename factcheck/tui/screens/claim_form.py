"""Fix a claim's own fields (text, quote, claimant, kind), also when it does not validate."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, Select, Static

from factcheck.forms import check, form_fields
from factcheck.rules import ClaimantNames, claimant_rule, closest_passage, find_quote
from factcheck.store import today
from factcheck.textsafe import escape_line


class ClaimForm(ModalScreen[bool | None]):
    """Fix a claim's text, quote, claimant and kind, also when the claim does not validate.

    Fields come from the model (:func:`factcheck.forms.form_fields`), each checked as you
    type; the quote is looked up in the article as you type, and the claimant in the
    tree's claimant registry (``claimants``: its names, offered as you type; None: the
    tree has none). ``submit(values)`` (only the changed fields) returns None when saved,
    else why not: the form then stays open.
    """

    BINDINGS = [Binding("ctrl+s", "save", "Save", priority=True), Binding("escape", "cancel", "Cancel")]

    def __init__(self, claim_id: str, names: Sequence[str], current: dict, article_text: str | None, submit, published: bool = False,
                 claimants: ClaimantNames | None = None):
        from factcheck.model import Claim

        super().__init__()
        self.claim_id = claim_id
        self.fields = form_fields(Claim, names)
        self.current = current  # field -> value as in the file (may be a bad value)
        self.article_text = article_text
        self.submit = submit
        self.published = published
        self.claimants = claimants

    def _start(self, name: str) -> str:
        value = self.current.get(name)
        return value if isinstance(value, str) else ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide form"):
            yield Label(f"Fix the fields of {self.claim_id}", classes="dialog-title")
            with VerticalScroll(classes="form-fields"):
                yield from self._fields()
            yield Static("", id="form-refused", classes="field-error")
            with Horizontal(classes="form-buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel (esc)", id="cancel")

    def _fields(self) -> ComposeResult:
        for field in self.fields:
            with Horizontal(classes="form-row"):
                yield Label(field.label, classes="form-label")
                if field.kind == "choice":
                    now = self._start(field.name)
                    prompt = "choose…" if now in field.choices or not now else f"choose… (now: {escape_line(now)})"
                    value = now if now in field.choices else Select.NULL
                    yield Select([(w, w) for w in field.choices], prompt=prompt, id=f"f-{field.name}", compact=True, value=value)
                else:
                    known = sorted(self.claimants.names) if field.name == "claimant" and self.claimants is not None else None
                    suggester = SuggestFromList(known, case_sensitive=False) if known else None
                    yield Input(self._start(field.name), placeholder=field.hint, id=f"f-{field.name}", compact=True, suggester=suggester)
            yield Label("", id=f"e-{field.name}", classes="field-error")
        if self.published:
            with Horizontal(classes="form-row"):
                yield Label("Correction", classes="form-label")
                yield Input("", placeholder="published: why it changes (recorded in corrections)", id="f-correction", compact=True)

    def on_mount(self) -> None:
        self.query_one("#form-refused").display = False
        self.query_one(f"#f-{self.fields[0].name}").focus()
        for field in self.fields:
            self._check(field.name)

    def _value(self, name: str) -> str:
        widget = self.query_one(f"#f-{name}")
        if isinstance(widget, Select):
            return widget.value if isinstance(widget.value, str) else ""
        return self.query_one(f"#f-{name}", Input).value  # every other field is an Input

    def _check(self, name: str) -> str | None:
        from factcheck.model import Claim

        field = next((f for f in self.fields if f.name == name), None)
        if field is None:
            return None
        _, error = check(Claim, field, self._value(name), today())
        label = self.query_one(f"#e-{name}", Label)
        if error is None and name == "quote" and self.article_text is not None:
            if find_quote(self._value(name), self.article_text) is None:
                error = f"not in the article; closest: “{escape_line(closest_passage(self._value(name), self.article_text))[:160]}”"
            else:
                label.update(Text("found in the article", style="green"))
                return None
        if error is None and name == "claimant":
            error = next((escape_line(e.message) for e in claimant_rule(self._value(name), self.claimants)), None)
        label.update(error or "")
        return error

    @on(Input.Changed)
    def field_changed(self, event: Input.Changed) -> None:
        self._check((event.input.id or "f-").removeprefix("f-"))

    @on(Select.Changed)
    def choice_changed(self, event: Select.Changed) -> None:
        self._check((event.select.id or "f-").removeprefix("f-"))

    def changed_values(self) -> dict[str, str]:
        return {f.name: self._value(f.name) for f in self.fields if self._value(f.name) != self._start(f.name)}

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        errors = [e for e in (self._check(f.name) for f in self.fields) if e]
        refused = self.query_one("#form-refused", Static)
        if errors:
            refused.update(f"Not saved: {len(errors)} field{'s' if len(errors) != 1 else ''} to fix")
            refused.display = True
            return
        correction = self.query_one("#f-correction", Input).value if self.published else None
        reason = self.submit(self.changed_values(), correction)
        if reason is None:
            self.dismiss(True)
            return
        refused.update(reason)
        refused.display = True

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
