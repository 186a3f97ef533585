"""The claim detail: everything about one claim, as Rich renderables."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.style import Style
from rich.text import Text

from factcheck.model import Stance
from factcheck.rules import find_quote
from factcheck.store import ClaimRecord
from factcheck.tui.style import STANCE_STYLE, STATUS_STYLE, VERDICT_STYLE, highlight_style

HEADING = Style(bold=True, underline=True)
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
    text = Text(article_text[para_start:para_end].strip("\n"))
    offset = para_start + (len(article_text[para_start:para_end]) - len(article_text[para_start:para_end].lstrip("\n")))
    text.stylize(highlight_style(status, verdict), start - offset, end - offset)
    return text


def render_detail(record: ClaimRecord | None) -> RenderableType:
    if record is None:
        return Text("No claim selected.", style=DIM)
    claim = record.claim
    parts: list[RenderableType] = []
    if claim is None:
        parts.append(Text(record.id, style="bold"))
        parts.append(Text("This file cannot be read as a claim:", style="red"))
        for p in record.problems:
            parts.append(Text(f"  line {p.line}, column {p.col}: {p.message} [{p.code}]"))
        return Group(*parts)

    title = Text(claim.id, style="bold")
    parts.append(title)
    meta = Text()
    meta.append(claim.status.value, STATUS_STYLE.get(claim.status.value))
    meta.append("  ·  ")
    if claim.verdict:
        meta.append(claim.verdict.value, VERDICT_STYLE.get(claim.verdict.value))
    else:
        meta.append("no verdict", DIM)
    meta.append(f"  ·  {claim.kind.value}  ·  claimant: {claim.claimant}")
    parts.append(meta)
    parts.append(Text(""))
    parts.append(Text(claim.text, style="bold"))

    parts.append(Text(""))
    parts.append(Text("In the article", style=HEADING))
    article_text = record.article.text if record.article else None
    para = paragraph_with_quote(article_text, claim.quote, claim.status.value, claim.verdict.value if claim.verdict else None) if article_text else None
    parts.append(Padding(para if para is not None else Text(f"“{claim.quote}”", style="italic"), (0, 0, 0, 2)))

    parts.append(Text(""))
    parts.append(Text("Summary", style=HEADING))
    parts.append(Padding(Text(claim.summary) if claim.summary else Text("No summary yet (e to write one).", style=DIM), (0, 0, 0, 2)))

    if claim.tags or claim.related:
        parts.append(Text(""))
        if claim.tags:
            parts.append(Text.assemble(("Tags: ", "bold"), ", ".join(claim.tags)))
        if claim.related:
            parts.append(Text.assemble(("Related: ", "bold"), ", ".join(claim.related)))

    parts.append(Text(""))
    counts = claim.stance_counts()
    parts.append(Text(f"Sources ({len(claim.sources)}: {counts[Stance.SUPPORTS]} supporting, {counts[Stance.REFUTES]} refuting, {counts[Stance.CONTEXT]} context)", style=HEADING))
    if not claim.sources:
        parts.append(Padding(Text("No sources yet (a to add one).", style=DIM), (0, 0, 0, 2)))
    for index, source in enumerate(claim.sources, 1):
        head = Text(f"{index}. ")
        head.append(f"[{source.stance.value}]", STANCE_STYLE.get(source.stance.value))
        head.append(f" {source.title}", "bold")
        line2 = Text(f"{source.publisher}", style="italic")
        if source.published:
            line2.append(f", {source.published.isoformat()}")
        line2.append(f" · read {source.accessed.isoformat()}", DIM)
        body = [head, Padding(line2, (0, 0, 0, 3)), Padding(Text(f"“{source.excerpt}”"), (0, 0, 0, 3)), Padding(Text(source.url, style=Style(color="#3b82f6", underline=True)), (0, 0, 0, 3))]
        if source.archive_url:
            body.append(Padding(Text(f"archive: {source.archive_url}", style=DIM), (0, 0, 0, 3)))
        parts.append(Group(*body))

    if claim.corrections:
        parts.append(Text(""))
        parts.append(Text("Corrections", style=HEADING))
        for c in claim.corrections:
            parts.append(Padding(Text(f"{c.date.isoformat()}  {c.change} — {c.reason}"), (0, 0, 0, 2)))

    parts.append(Text(""))
    parts.append(Text("Problems", style=HEADING))
    if record.problems:
        for p in record.problems:
            parts.append(Padding(Text(f"line {p.line}, column {p.col}: {p.message} [{p.code}]", style="red"), (0, 0, 0, 2)))
    else:
        parts.append(Padding(Text("None: this claim passes every check.", style=DIM), (0, 0, 0, 2)))

    parts.append(Text(""))
    parts.append(Text("History", style=HEADING))
    for entry in claim.history:
        line = Text(f"{entry.at.strftime('%Y-%m-%d %H:%M')}  ", style=DIM)
        line.append(entry.by, "bold")
        line.append(f"  {entry.action.value}")
        if entry.before is not None and entry.after is not None:
            line.append(f": {entry.before} → {entry.after}")
        elif entry.after is not None:
            line.append(f": {entry.after}")
        elif entry.before is not None:
            line.append(f": {entry.before}")
        parts.append(Padding(line, (0, 0, 0, 2)))
        if entry.note:
            parts.append(Padding(Text(entry.note, style="italic"), (0, 0, 0, 6)))
    return Group(*parts)
