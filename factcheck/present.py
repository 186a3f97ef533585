"""How a claim reads as plain text: for `show`, `log` and other text outputs. No I/O."""

from __future__ import annotations

import datetime as dt
import textwrap

from factcheck.fields import SOURCE_LAID_OUT, field_views, shown
from factcheck.model import Action, Source
from factcheck.textsafe import escape_line

#: The fields of a source that ``show`` does not lay out itself: any field the model adds.
_MORE = field_views(Source, SOURCE_LAID_OUT)


def more_of_source(source) -> list:
    """(field view, value) of each field of a source beyond the laid-out ones that has a value."""
    return [(f, value) for f in _MORE if (value := getattr(source, f.name, None)) is not None and value != ""]


def format_claim(record) -> str:
    claim = record.claim
    if claim is None:
        lines = [f"{escape_line(record.id)}  (cannot be read as a claim)"]
        lines += [f"  {p.line}:{p.col} [{p.code}] {p.message}" for p in record.problems]
        return "\n".join(lines)
    wrap = lambda text, indent="  ": textwrap.fill(text, 88, initial_indent=indent, subsequent_indent=indent)  # noqa: E731
    out = [
        f"{claim.id}",
        f"  status {claim.status.value}   verdict {claim.verdict.value if claim.verdict else '-'}   kind {claim.kind.value}",
        f"  claimant {claim.claimant}",
        f"  file {escape_line(record.path)}",
        "",
        wrap(claim.text),
        "",
        wrap(f"“{claim.quote}”"),
    ]
    if claim.summary:
        out += ["", "Summary", wrap(claim.summary)]
    if claim.quantities:
        out += ["", f"Quantities ({len(claim.quantities)})"]
        out += [f"  {quantity_line(q)}" for q in claim.quantities]
    if claim.tags:
        out += ["", "Tags: " + ", ".join(claim.tags)]
    if claim.related:
        out += ["Related: " + ", ".join(claim.related)]
    out += ["", f"Sources ({len(claim.sources)})"]
    for i, s in enumerate(claim.sources, 1):
        out.append(f"  {i}. [{s.stance.value}] {s.title} — {s.publisher}" + (f", {s.published.isoformat()}" if s.published else ""))
        out.append(f"     {s.url}")
        out.append(wrap(f"“{s.excerpt}”", "     "))
        out += [f"     {f.label}: {shown(value)}" for f, value in more_of_source(s)]
        out += [f"     Snapshot: {snapshot_line(snapshot)}" for snapshot in s.snapshots]
    if claim.corrections:
        out += ["", "Corrections"]
        out += [f"  {c.date.isoformat()}  {c.change} — {c.reason}" for c in claim.corrections]
    out += ["", "History"]
    for h in claim.history:
        out.append("  " + describe_entry(h))
    if record.problems:
        out += ["", "Problems"]
        out += [f"  {p.line}:{p.col} [{p.code}] {p.message}" for p in record.problems]
    return "\n".join(out)


def number(value: int | float) -> str:
    """A quantity's value as people read it: 5,000,000,000; 57.5."""
    return f"{value:,}" if isinstance(value, int) else f"{value:,.15g}" if abs(value) < 1e15 else repr(value)


def quantity_short(quantity) -> str:
    """'57 percent (as of 2017)': the value, its unit and its date."""
    when = quantity.as_of.isoformat() if hasattr(quantity.as_of, "isoformat") else quantity.as_of
    return f"{number(quantity.value)} {quantity.unit}" + (f" (as of {when})" if when is not None else "")


def quantity_line(quantity) -> str:
    """One quantity in full: value, unit, date, label and the quote's words it comes from."""
    label = f", {quantity.label}" if quantity.label else ""
    return f"{quantity_short(quantity)}{label} — “{quantity.text}”"


def quantities_summary(quantities, limit: int | None = None) -> str | None:
    """Quantities on one line ('57 percent (as of 2017); 68 percent (as of 2021)'), None if there are none."""
    if not quantities:
        return None
    text = "; ".join(quantity_short(q) for q in quantities)
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def snapshot_line(snapshot) -> str:
    """A kept copy of a source's page on one line: when, the HTTP status, the final address if
    it moved, and the file ('2026-12-05 00:40 UTC, HTTP 200, evidence/ab12….warc.gz')."""
    when = snapshot.captured.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return escape_line(f"{when}, HTTP {snapshot.status}, {snapshot.final_url}, {snapshot.path}")


def describe_entry(entry) -> str:
    when = entry.at.strftime("%Y-%m-%d %H:%M")
    what = entry.action.value
    if entry.before is None and entry.after is not None:  # nothing before (a creation, an addition): no arrow from nothing
        what += f" as {entry.after}" if entry.action is Action.CREATED else f" {entry.after}"
    elif entry.before is not None or entry.after is not None:
        what += f" {entry.before} → {entry.after or '-'}"
    note = f" — {entry.note}" if entry.note else ""
    return f"{when}  {entry.by}: {what}{note}"


def plural(n: int, one: str, many: str) -> str:
    """``1 source``, ``2 sources``."""
    return f"{n} {one if n == 1 else many}"
