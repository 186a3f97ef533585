"""What ``factcheck match`` prints: text for a person, JSON for a program.

Every text here may come from another fact-checker's feed: each one is escaped (control
and bidi characters shown as escapes, one line each) before it is printed, and JSON is
written with :func:`factcheck.textsafe.json_dumps`.
"""

from __future__ import annotations

from collections.abc import Sequence

from factcheck.match import Match
from factcheck.textsafe import escape_line, json_dumps


def as_json(texts: Sequence[str], found: Sequence[Sequence[Match]]) -> list[dict]:
    """One object per input text, in input order (the interface a benchmark reads)."""
    return [{"line": n, "text": text, "matches": [m.as_json() for m in matches]} for n, (text, matches) in enumerate(zip(texts, found, strict=True), 1)]


def _match_line(match: Match) -> str:
    r = match.review
    parts = [f"{match.score:.3f}", r.rating or "-", r.publisher or "-", r.date or "-", r.url or "-"]
    if r.id:
        parts.append(f"[{r.id}{', ' + r.status if r.status else ''}]")
    return "  " + "  ".join(escape_line(p) for p in parts) + "\n      " + escape_line(r.claim)


def as_text(texts: Sequence[str], found: Sequence[Sequence[Match]]) -> str:
    """Each text by its line number, then its matches best first (score, rating,
    publisher, date, url; a claim of the tree with its id, and its status if not published)."""
    out: list[str] = []
    for n, (text, matches) in enumerate(zip(texts, found, strict=True), 1):
        out.append(f"{n}: {escape_line(text)}")
        out.extend(_match_line(m) for m in matches)
        if not matches:
            out.append("  no match")
    return "".join(line + "\n" for line in out)


def render(texts: Sequence[str], found: Sequence[Sequence[Match]], form: str) -> str:
    if form == "json":
        return json_dumps(as_json(texts, found)) + "\n"
    return as_text(texts, found)
