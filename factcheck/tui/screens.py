"""Modal screens: choosers, the text editor, the add-source form, help, and the article view."""

from __future__ import annotations

from collections.abc import Sequence

import attrs
from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Footer, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from factcheck.forms import check, form_fields, source_from_text
from factcheck.model import Source
from factcheck.rules import closest_passage, find_quote
from factcheck.store import ClaimRecord, ClaimRow, EditRefused, today
from factcheck.textsafe import escape_line, escape_mapped
from factcheck.tui.style import highlight_style


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


class TextScreen(ModalScreen[str | None]):
    """Edit a multi-line text; ctrl+s saves, escape cancels.

    With ``submit`` (text -> None when done, else why not), a refused save keeps the
    dialog open with the text as typed and the reason shown above it.
    """

    BINDINGS = [Binding("ctrl+s", "save", "Save", priority=True), Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, text: str = "", help_text: str = "", submit=None):
        super().__init__()
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


# -- the add-source form ---------------------------------------------------------------

#: The add-source form's fields, read from the model (labels, hints, limits, kinds).
SOURCE_FIELDS = form_fields(Source)
FORM_FIELDS = [f for f in SOURCE_FIELDS if f.kind != "choice"]


class SourceForm(ModalScreen[Source | None]):
    """Add a source: every field checked as you type; an invalid source is not saved."""

    BINDINGS = [Binding("ctrl+s", "save", "Save", priority=True), Binding("escape", "cancel", "Cancel")]

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

    def on_mount(self) -> None:
        self.query_one("#f-url", Input).focus()

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


# -- the claim's own fields ---------------------------------------------------------------


class ClaimForm(ModalScreen[bool | None]):
    """Fix a claim's text, quote, claimant and kind, also when the claim does not validate.

    Fields come from the model (:func:`factcheck.forms.form_fields`), each checked as you
    type; the quote is looked up in the article as you type. ``submit(values)`` (only the
    changed fields) returns None when saved, else why not: the form then stays open.
    """

    BINDINGS = [Binding("ctrl+s", "save", "Save", priority=True), Binding("escape", "cancel", "Cancel")]

    def __init__(self, claim_id: str, names: Sequence[str], current: dict, article_text: str | None, submit, published: bool = False):
        from factcheck.model import Claim

        super().__init__()
        self.claim_id = claim_id
        self.fields = form_fields(Claim, names)
        self.current = current  # field -> value as in the file (may be a bad value)
        self.article_text = article_text
        self.submit = submit
        self.published = published

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
                    yield Input(self._start(field.name), placeholder=field.hint, id=f"f-{field.name}", compact=True)
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


# -- help ------------------------------------------------------------------------------

HELP_TEXT = (
    '[b]factcheck review[/b]: the claim queue on the left, the selected claim on the right.\n'
    '\n'
    '[b]Workflow[/b]: new → to-check → researching → in-review → published, or dismissed (not check-worthy). A claim is published from '
    'in-review, by an editor other than the one who moved it there; it needs a verdict, a summary and a source; accurate / '
    'mostly-accurate need a supporting source, inaccurate / mostly-inaccurate a refuting one. An action that would break a rule is '
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
    "asks for the claim restated in one line and creates it (status new) · d dismiss (asks why, optional; kept in the article's "
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


# -- the article view ---------------------------------------------------------------------


@attrs.frozen
class Highlight:
    start: int
    end: int
    record: ClaimRecord
    row: ClaimRow  # the record's row: only a claim with one has a quote to find


def article_highlights(text: str, records: Sequence[ClaimRecord]) -> list[Highlight]:
    """Every claimed passage of the article, in reading order."""
    out = []
    for record in records:
        if record.row is None:
            continue
        span = find_quote(record.row.quote, text)
        if span is not None:
            out.append(Highlight(span[0], span[1], record, record.row))
    out.sort(key=lambda h: (h.start, -h.end))
    return out


class ArticleScreen(ModalScreen[str | None]):
    """The whole article, every claimed passage coloured by status and verdict.

    tab / n and shift+tab / p move through the passages; enter selects the claim.
    """

    BINDINGS = [
        Binding("tab,n,down", "move(1)", "Next claim", priority=True),
        Binding("shift+tab,p,up", "move(-1)", "Previous claim", priority=True),
        Binding("enter", "choose", "Select claim"),
        Binding("escape,A,q", "close", "Back"),
    ]

    def __init__(self, title: str, text: str, records: Sequence[ClaimRecord], current: ClaimRecord | None):
        super().__init__()
        self.title_text = title
        self.text = text
        self.highlights = article_highlights(text, records)
        self.index = 0
        for i, h in enumerate(self.highlights):
            if h.record is current:
                self.index = i
                break

    def compose(self) -> ComposeResult:
        with Vertical(id="article-view"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(id="article-claim")
            with VerticalScroll(id="article-body"):
                for number, _ in enumerate(self._paragraphs()):
                    yield Static(id=f"para-{number}", classes="article-para")
            yield Footer()

    def _paragraphs(self) -> list[tuple[int, int]]:
        spans = []
        start = 0
        for chunk in self.text.split("\n\n"):
            spans.append((start, start + len(chunk)))
            start += len(chunk) + 2
        return spans

    def on_mount(self) -> None:
        self._draw()
        self.call_after_refresh(self._scroll_to_current)

    def _scroll_to_current(self) -> None:
        if not self.highlights:
            return
        current = self.highlights[self.index]
        for number, (p_start, p_end) in enumerate(self._paragraphs()):
            if p_start <= current.start < p_end + 2:
                body = self.query_one("#article-body", VerticalScroll)
                body.scroll_to_center(self.query_one(f"#para-{number}"), animate=False)
                break

    def _draw(self) -> None:
        current = self.highlights[self.index] if self.highlights else None
        for number, (p_start, p_end) in enumerate(self._paragraphs()):
            shown, positions = escape_mapped(self.text[p_start:p_end])
            text = Text(shown)
            for h in self.highlights:
                if h.end <= p_start or h.start >= p_end:
                    continue
                style = highlight_style(h.row.status, h.row.verdict)
                if h is current:
                    style = style + Style(bold=True, underline=True, reverse=True)
                text.stylize(style, positions[max(0, h.start - p_start)], positions[min(p_end, h.end) - p_start])
            self.query_one(f"#para-{number}", Static).update(text)
        info = self.query_one("#article-claim", Static)
        if current is None:
            info.update(Text("No claim of this article is found in its text.", style="dim"))
            return
        row = current.row
        line = Text(f"{self.index + 1}/{len(self.highlights)}  ", style="dim")
        line.append(row.id, "bold")
        line.append(f"  {row.status}", highlight_style(row.status, None))
        if row.verdict:
            line.append(f"  {row.verdict}", highlight_style("published", row.verdict))
        line.append(f"\n{escape_line(row.text)}")
        info.update(line)
        self._scroll_to_current()

    def action_move(self, step: int) -> None:
        if self.highlights:
            self.index = (self.index + step) % len(self.highlights)
            self._draw()

    def action_choose(self) -> None:
        if self.highlights:
            self.dismiss(self.highlights[self.index].record.id)

    def action_close(self) -> None:
        self.dismiss(None)


# -- the triage view ------------------------------------------------------------------------


class TriageScreen(ModalScreen[str | None]):
    """An article's sentences, ranked by check-worthiness (or in reading order), to accept
    as claims or dismiss.

    The sentences are scored once, when the view opens (in a worker thread). ``accept(candidate,
    text)`` (returns the new claim's id) and ``dismiss_sentence(candidate, reason)`` write
    through the core, or raise :class:`EditRefused`: the dialog then stays open with the text
    as typed and the reason. Closing returns the id of the last claim made, so the queue can
    select it.
    """

    BINDINGS = [
        Binding("enter", "accept", "Accept", priority=True),
        Binding("d", "dismiss_sentence", "Dismiss"),
        Binding("s", "toggle_order", "Order"),
        Binding("c", "toggle_claimed", "Hide claimed"),
        Binding("j", "move(1)", "Down", show=False),
        Binding("k", "move(-1)", "Up", show=False),
        Binding("escape,q,T", "close", "Back"),
    ]

    def __init__(self, title: str, load, accept, dismiss_sentence, drafts: dict | None = None, default_claimant: str = "the author"):
        super().__init__()
        self.default_claimant = default_claimant  # a claim's claimant when the sentence names none
        self.title_text = title
        self.load = load  # () -> triage.Proposals
        self.accept = accept
        self.dismiss_sentence = dismiss_sentence
        self.drafts = drafts if drafts is not None else {}
        self.sentences: list = []  # suggest.Candidate, reading order
        self.dismissed = 0
        self.reading_order = False
        self.hide_claimed = False
        self.shown: list = []
        self.last_created: str | None = None
        self.load_seconds: float | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="triage-view"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static("Scoring the article's sentences…", id="triage-status")
            yield OptionList(id="triage-list")
            yield Static(id="triage-sentence")
            yield Footer()

    def on_mount(self) -> None:
        self.query_one("#triage-list", OptionList).focus()
        self._score()

    @work(thread=True, exclusive=True, group="triage")
    def _score(self) -> None:
        import time

        started = time.perf_counter()
        found = self.load()
        self.app.call_from_thread(self._scored, found, time.perf_counter() - started)

    def _scored(self, found, seconds: float) -> None:
        self.load_seconds = seconds
        self.sentences, self.dismissed = list(found.sentences), found.dismissed
        if found.problems:
            what = "cannot be read: nothing is left out as dismissed" if not found.readable else "has problems"
            self.notify(f"dismissed.yaml {what}; run factcheck validate", severity="error" if not found.readable else "warning", timeout=8)
        self._fill()

    # -- drawing

    def _ordered(self) -> list:
        from factcheck.suggest import ranked

        shown = self.sentences if self.reading_order else ranked(self.sentences)
        return [c for c in shown if not (self.hide_claimed and c.claimed_by)]

    def _row(self, candidate, width: int, kind_width: int, claimant_width: int) -> Text:
        row = Text(no_wrap=True, overflow="ellipsis", end="")
        row.append(f"{candidate.line:>3} ", "dim")
        row.append(f"{candidate.score:.2f} ", "bold" if candidate.score >= 0.5 else "")
        row.append("✓ " if candidate.claimed_by else "  ", "#16a34a bold")
        row.append(f"{candidate.kind.value:<{kind_width}} ", "#3b82f6")
        if claimant_width:
            row.append(f"{escape_line(candidate.claimant or '')[:claimant_width - 1]:<{claimant_width}}", "#a855f7")
        text = escape_line(candidate.text)
        room = max(10, width - len(row))
        row.append(text if len(text) <= room else text[: room - 1] + "…", "dim" if candidate.claimed_by else "")
        return row

    def _fill(self, keep=None) -> None:
        option_list = self.query_one("#triage-list", OptionList)
        if keep is None and option_list.highlighted is not None and option_list.highlighted < len(self.shown):
            keep = self.shown[option_list.highlighted]
        self.shown = self._ordered()
        width = (option_list.scrollable_content_region.width or self.size.width or 80) - 3  # the scroll bar
        kind_width = max((len(c.kind.value) for c in self.shown), default=5)
        claimant_width = 22 if width >= 110 else 0
        option_list.set_options([Option(self._row(c, width, kind_width, claimant_width)) for c in self.shown])
        if self.shown:
            index = next((i for i, c in enumerate(self.shown) if keep is not None and c.text == keep.text and c.line == keep.line), 0)
            option_list.highlighted = index
        self._status()
        self._describe()

    def on_resize(self) -> None:
        if self.sentences:
            self._fill()

    def _status(self) -> None:
        claimed = sum(1 for c in self.sentences if c.claimed_by)
        line = Text()
        line.append("reading order" if self.reading_order else "ranked by score", "bold")
        line.append(f" · {len(self.sentences)} sentences · ✓ {claimed} claimed")
        if self.dismissed:
            line.append(f" · {self.dismissed} dismissed")
        if self.hide_claimed:
            line.append(" · claimed hidden", "italic")
        if not self.sentences:
            line = Text("No sentence to triage: every sentence is claimed or dismissed, or the text has none.", style="dim")
        self.query_one("#triage-status", Static).update(line)

    @property
    def current(self):
        option_list = self.query_one("#triage-list", OptionList)
        index = option_list.highlighted
        return self.shown[index] if index is not None and 0 <= index < len(self.shown) else None

    def _describe(self) -> None:
        candidate = self.current
        panel = self.query_one("#triage-sentence", Static)
        if candidate is None:
            panel.update("")
            return
        text = Text()
        text.append(f"Sentence {candidate.line} · score {candidate.score:.2f} · ", "dim")
        if candidate.claimed_by:
            text.append(f"already a claim: {', '.join(candidate.claimed_by)}", "#16a34a bold")
        else:
            text.append("not a claim yet", "bold")
        who = candidate.claimant or f"{self.default_claimant} (the sentence names no one)"
        text.append(f"\nguessed kind: {candidate.kind.value} · claimant: {escape_line(who)}\n", "dim")
        text.append(escape_line(candidate.text))
        panel.update(text)

    @on(OptionList.OptionHighlighted)
    def highlighted(self) -> None:
        self._describe()

    @on(OptionList.OptionSelected)
    def selected(self) -> None:  # a click
        self.action_accept()

    # -- actions

    def action_move(self, step: int) -> None:
        option_list = self.query_one("#triage-list", OptionList)
        (option_list.action_cursor_down if step > 0 else option_list.action_cursor_up)()

    def action_toggle_order(self) -> None:
        self.reading_order = not self.reading_order
        self._fill()

    def action_toggle_claimed(self) -> None:
        self.hide_claimed = not self.hide_claimed
        self._fill()

    def _replace(self, old, new) -> None:
        self.sentences = [new if c is old else c for c in self.sentences]

    def _refill_after(self, done) -> None:
        """Draw the list again after ``done`` was accepted or dismissed; the next sentence is highlighted."""
        following = self.shown[self.shown.index(done) + 1:] if done in self.shown else []
        self._fill(keep=following[0] if following else None)
        option_list = self.query_one("#triage-list", OptionList)
        if not following and self.shown:
            option_list.highlighted = len(self.shown) - 1

    def action_accept(self) -> None:
        candidate = self.current
        if candidate is None:
            return
        if candidate.claimed_by:
            self.notify(f"Already a claim: {', '.join(candidate.claimed_by)} (esc, then find it in the queue)", severity="warning")
            return
        key = ("triage", candidate.text)
        draft = self.drafts.get(key)

        def submit(value: str) -> str | None:
            if not value.strip():
                return "Write the claim first (esc cancels)"
            try:
                claim_id = self.accept(candidate, value)
            except EditRefused as exc:
                return f"Not saved: {exc.message}"
            self.drafts.pop(key, None)
            self.last_created = claim_id
            from factcheck.triage import claimed

            self._replace(candidate, claimed(candidate, claim_id))
            self._refill_after(candidate)
            self.notify(f"{claim_id}: created (new); it is in the queue", timeout=4)
            return None

        screen = LineScreen(
            "Accept as a claim: restate it as one checkable proposition",
            draft if draft is not None else candidate.text,
            f"The sentence stays the quote, verbatim. Kind: {candidate.kind.value} · claimant: {escape_line(candidate.claimant or self.default_claimant)} "
            "(E in the queue fixes them)." + (" · your unsaved text from before" if draft is not None else ""),
            submit=submit,
        )

        def closed(value: str | None) -> None:
            typed = screen.typed
            if value is None and typed.strip() and typed != candidate.text:
                self.drafts[key] = typed
                self.notify("Not saved; your text is kept for the next time you accept this sentence", timeout=4)

        self.app.push_screen(screen, closed)

    def action_dismiss_sentence(self) -> None:
        candidate = self.current
        if candidate is None:
            return
        if candidate.claimed_by:
            self.notify(
                f"A claim quotes this sentence ({', '.join(candidate.claimed_by)}): dismiss the claim itself in the queue (s → dismissed)",
                severity="warning",
                timeout=6,
            )
            return

        def submit(value: str) -> str | None:
            try:
                self.dismiss_sentence(candidate, value)
            except EditRefused as exc:
                return f"Not saved: {exc.message}"
            self.sentences = [c for c in self.sentences if c is not candidate]
            self.dismissed += 1
            self._refill_after(candidate)
            self.notify("Dismissed; recorded in dismissed.yaml", timeout=3)
            return None

        self.app.push_screen(LineScreen(
            "Dismiss: not worth a claim",
            "",
            f"“{escape_line(candidate.text)[:200]}” · why (optional)? Recorded in the article folder's dismissed.yaml with your name and the time.",
            submit=submit,
        ))

    def action_close(self) -> None:
        self.dismiss(self.last_created)
