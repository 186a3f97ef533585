"""The claim detail: everything about one claim, as Rich renderables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from factcheck.fields import SOURCE_LAID_OUT
from factcheck.forms import form_fields
from factcheck.model import Claim, Source, Stance, Status
from factcheck.present import quantity_short, snapshot_line
from factcheck.provenance.linkstate import SNAPSHOT_PROBLEMS, LinkResult, evidence_state
from factcheck.rules import find_quote
from factcheck.store import ClaimRecord
from factcheck.textsafe import escape, escape_line, escape_mapped
from factcheck.tui.style import STANCE_STYLE, STATUS_STYLE, VERDICT_STYLE, highlight_style
from factcheck.workflow import publish_fault, review_round

HEADING = Style(bold=True, underline=True)

#: Source fields the detail view lays out itself (:data:`factcheck.fields.SOURCE_LAID_OUT`);
#: any other field of the model (a new one included) is shown after them as "label: value".
SOURCE_MORE = [f for f in form_fields(Source) if f.name not in SOURCE_LAID_OUT]
DIM = Style(dim=True)


def paragraph_with_quote(article_text: str, quote: str, status: str, verdict: str | None) -> Text | None:
    """The article paragraph that holds ``quote``, with the quote highlighted."""
    span = find_quote(quote, article_text)
    if span is None:
        return None
    start, end = span
    para_start = article_text.rfind("\n\n", 0, start)
    para_start = 0 if para_start < 0 else para_start + 2
    para_end = article_text.find("\n\n", end)
    para_end = len(article_text) if para_end < 0 else para_end
    shown, positions = escape_mapped(article_text[para_start:para_end].strip("\n"))
    text = Text(shown)
    offset = para_start + (len(article_text[para_start:para_end]) - len(article_text[para_start:para_end].lstrip("\n")))
    text.stylize(highlight_style(status, verdict), positions[start - offset], positions[end - offset])
    return text


def render_detail(
    record: ClaimRecord | None, editor: str | None = None, links: Mapping[str, LinkResult] | None = None, checked: Sequence | None = None,
) -> RenderableType:
    """Everything about one claim, section by section (or why its file is not a claim);
    ``editor``: who is looking, told whether they can publish a claim in review.

    ``links``: the last link check of each URL (:mod:`factcheck.provenance.linkstate`),
    for the state of each source's evidence; ``checked``: its earlier fact-checks
    (:mod:`factcheck.match.checked`), shown when there are some."""
    if record is None:
        return Text("No claim selected.", style=DIM)
    claim = record.claim
    if claim is None:
        return _unreadable(record)
    parts: list[RenderableType] = [*_heading(record, claim), *_review(claim, editor), *_in_article(record, claim), *_quantities(claim), *_summary(claim)]
    parts += [*_checked_before(checked), *_sources(record, claim, links or {}), *_corrections(claim), *_problems(record), *_history(claim)]
    return Group(*parts)


def _indented(renderable: RenderableType, left: int = 2) -> Padding:
    return Padding(renderable, (0, 0, 0, left))


def _section(title: str) -> list[RenderableType]:
    return [Text(""), Text(title, style=HEADING)]


def _problem_line(p) -> str:
    return f"line {p.line}, column {p.col}: {escape_line(p.message)} [{p.code}]"


def _unreadable(record: ClaimRecord) -> RenderableType:
    parts: list[RenderableType] = [
        Text(escape_line(record.id), style="bold"),
        Text("This file cannot be read as a claim:", style="red"),
        Text("press E to fix its text, quote, claimant or kind", style="dim"),
    ]
    parts += [Text(f"  {_problem_line(p)}") for p in record.problems]
    return Group(*parts)


def _heading(record: ClaimRecord, claim: Claim) -> list[RenderableType]:
    meta = Text()
    meta.append(claim.status.value, STATUS_STYLE.get(claim.status.value))
    meta.append("  ·  ")
    if claim.verdict:
        meta.append(claim.verdict.value, VERDICT_STYLE.get(claim.verdict.value))
    else:
        meta.append("no verdict", DIM)
    meta.append(f"  ·  {claim.kind.value}  ·  claimant: {escape_line(claim.claimant)}")
    assignee = record.row.assignee if record.row else None
    meta.append(f"  ·  assigned to {escape_line(assignee)}" if assignee else "  ·  unassigned", None if assignee else DIM)
    return [Text(claim.id, style="bold"), meta, Text(""), Text(escape(claim.text), style="bold")]


def _review(claim: Claim, editor: str | None) -> list[RenderableType]:
    """Who sent a claim in review, and whether ``editor`` publishes it (P) or another editor must."""
    state = review_round(claim.history)
    if editor is None or state.status != Status.IN_REVIEW.value or state.sender is None:
        return []
    line = Text(f"Sent to review by {escape_line(state.sender)}: ", style="bold")
    if publish_fault(state, editor) is None:
        line.append("press P to publish it (you review it: a second editor)", "bold green")
    else:
        line.append("another editor publishes it (P in their own review screen, or factcheck --editor THEIR-HANDLE)", DIM)
    return [line]


def _in_article(record: ClaimRecord, claim: Claim) -> list[RenderableType]:
    article_text = record.article.text if record.article else None
    verdict = claim.verdict.value if claim.verdict else None
    para = paragraph_with_quote(article_text, claim.quote, claim.status.value, verdict) if article_text else None
    return [*_section("In the article"), _indented(para if para is not None else Text(f"“{escape(claim.quote)}”", style="italic"))]


def _quantities(claim: Claim) -> list[RenderableType]:
    if not claim.quantities:
        return []
    parts = _section(f"Quantities ({len(claim.quantities)})")
    for quantity in claim.quantities:
        line = Text(escape_line(quantity_short(quantity)), style="bold")
        if quantity.label:
            line.append(escape_line(f", {quantity.label}"))
        line.append(escape_line(f" — “{quantity.text}”"), DIM)
        parts.append(_indented(line))
    return parts


def _summary(claim: Claim) -> list[RenderableType]:
    parts = [*_section("Summary"), _indented(Text(escape(claim.summary)) if claim.summary else Text("No summary yet (e to write one).", style=DIM))]
    if claim.tags or claim.related:
        parts.append(Text(""))
        if claim.tags:
            parts.append(Text.assemble(("Tags: ", "bold"), escape_line(", ".join(claim.tags))))
        if claim.related:
            parts.append(Text.assemble(("Related: ", "bold"), escape_line(", ".join(claim.related))))
    return parts


def _checked_before(checked: Sequence | None) -> list[RenderableType]:
    if not checked:
        return []
    from factcheck.tui.screens.matches import match_line

    return [*_section(f"Checked before ({len(checked)}; c to open one or relate it)"), *(_indented(match_line(m, wrap=True)) for m in checked)]


def _sources(record: ClaimRecord, claim: Claim, links: Mapping[str, LinkResult]) -> list[RenderableType]:
    counts = claim.stance_counts()
    parts: list[RenderableType] = [
        Text(""),
        Text(
            f"Sources ({len(claim.sources)}: {counts[Stance.SUPPORTS]} supporting, {counts[Stance.REFUTES]} refuting, {counts[Stance.CONTEXT]} context)",
            style=HEADING,
        ),
    ]
    if not claim.sources:
        parts.append(_indented(Text("No sources yet (a to add one).", style=DIM)))
    article_date = record.article.article.published if record.article and record.article.article else None
    parts += [
        _source(index, source, article_date, evidence_state(source, links.get(source.url), snapshot_problems(record, source)))
        for index, source in enumerate(claim.sources, 1)
    ]
    return parts


def _source(index: int, source: Source, article_date: dt.date | None, evidence: list[tuple[str, str]]) -> RenderableType:
    head = Text(f"{index}. ")
    head.append(f"[{source.stance.value}]", STANCE_STYLE.get(source.stance.value))
    head.append(f" {escape_line(source.title)}", "bold")
    line2 = Text(escape_line(source.publisher), style="italic")
    if source.published:
        line2.append(f", {source.published.isoformat()}")
        if article_date is not None and source.published > article_date:
            line2.append(" (after the article)", "bold #d97706")
    line2.append(f" · read {source.accessed.isoformat()}", DIM)
    body: list[RenderableType] = [
        head,
        _indented(line2, 3),
        _indented(Text(f"“{escape(source.excerpt)}”"), 3),
        _indented(Text(escape_line(source.url), style=Style(color="#3b82f6", underline=True)), 3),
    ]
    for field in SOURCE_MORE:  # every other field of the model, as label: value
        value = getattr(source, field.name)
        if value is not None and value != "":
            shown = value.isoformat() if hasattr(value, "isoformat") else str(getattr(value, "value", value))
            body.append(_indented(Text(f"{field.label}: {escape_line(shown)}", style=DIM), 3))
    body += [_indented(Text(f"Snapshot: {snapshot_line(snapshot)}", style=DIM), 3) for snapshot in source.snapshots]
    state = Text("Evidence: ", style=DIM)
    for n, (word, detail) in enumerate(evidence):
        state.append(", " if n else "", DIM)
        state.append(word, EVIDENCE_STYLE.get(word, DIM))
        state.append(f" ({escape_line(detail)})" if detail else "", DIM)
    body.append(_indented(state, 3))
    return Group(*body)


#: How each word of a source's evidence state is shown (the others dim).
EVIDENCE_STYLE = {
    "kept": "green", "excerpt missing": "bold #d97706", "file missing": "bold red", "file changed": "bold red", "unreadable": "#d97706",
    "outside the evidence folder": "bold red", "page dead": "bold red", "moved": "#d97706", "page changed": "#d97706",
}


def snapshot_problems(record: ClaimRecord, source: Source) -> list[str]:
    """The codes of the problems validate found in the source's snapshots (each names its file)."""
    named = [f"snapshot {s.path}" for s in source.snapshots]
    return [p.code for p in record.problems if p.code in SNAPSHOT_PROBLEMS and any(n in p.message for n in named)]


def _corrections(claim: Claim) -> list[RenderableType]:
    if not claim.corrections:
        return []
    return [*_section("Corrections"), *(_indented(Text(escape(f"{c.date.isoformat()}  {c.change} — {c.reason}"))) for c in claim.corrections)]


def _problems(record: ClaimRecord) -> list[RenderableType]:
    if not record.problems:
        return [*_section("Problems"), _indented(Text("None: this claim passes every check.", style=DIM))]
    return [*_section("Problems"), *(_indented(Text(_problem_line(p), style="red")) for p in record.problems)]


def _history(claim: Claim) -> list[RenderableType]:
    parts = _section("History")
    for entry in claim.history:
        line = Text(f"{entry.at.strftime('%Y-%m-%d %H:%M')}  ", style=DIM)
        line.append(escape_line(entry.by), "bold")
        line.append(f"  {entry.action.value}")
        if entry.before is not None and entry.after is not None:
            line.append(escape(f": {entry.before} → {entry.after}"))
        elif entry.after is not None:
            line.append(escape(f": {entry.after}"))
        elif entry.before is not None:
            line.append(escape(f": {entry.before}"))
        parts.append(_indented(line))
        if entry.note:
            note = Text("internal: ", style="bold dim") if entry.internal else Text()
            note.append(escape(entry.note), "italic dim" if entry.internal else "italic")
            parts.append(_indented(note, 6))
    return parts


class DetailView(ScrollView, can_focus=True):
    """The detail pane: a renderable drawn once into lines, then scrolled.

    Drawing into lines here (not a Static in a scrolling container) keeps a new
    selection from re-laying-out the whole screen.
    """

    DEFAULT_CSS = """
    DetailView { scrollbar-gutter: stable; }
    """

    BINDINGS = [
        Binding("up,k", "scroll_up", "Scroll up", show=False),
        Binding("down,j", "scroll_down", "Scroll down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
    ]

    def __init__(self, **kw):
        super().__init__(**kw)
        self._renderable: RenderableType = Text("")
        self._lines: list[Strip] = []
        self._width = 0

    def show(self, renderable: RenderableType, keep_scroll: bool = False) -> None:
        self._renderable = renderable
        self._draw()
        if not keep_scroll:
            self.scroll_to(y=0, animate=False)

    @property
    def plain(self) -> str:
        """What the pane shows, as text."""
        return "\n".join(strip.text.rstrip() for strip in self._lines)

    def _draw(self) -> None:
        width = self.scrollable_content_region.width or self.size.width or 60
        self._width = width
        console = self.app.console
        options = console.options.update_width(width)
        lines = console.render_lines(self._renderable, options, style=self.rich_style, pad=True)
        self._lines = [Strip(line, width) for line in lines]
        size = Size(width, len(self._lines))
        if size != self.virtual_size:
            # Setting virtual_size the usual way re-lays-out the whole screen (it is a
            # layout reactive); only this widget's scroll range changes, so update that.
            self.set_reactive(DetailView.virtual_size, size)
            self._scroll_update(size)
        self.refresh()

    def on_resize(self) -> None:
        if self.scrollable_content_region.width != self._width:
            self._draw()

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_y) + y
        if 0 <= index < len(self._lines):
            return self._lines[index]
        return Strip.blank(self.scrollable_content_region.width, self.rich_style)
