"""What the pages show: the values the templates read, and the Jinja environment.

Text that reaches a page is either checked by ``validate`` (claims, articles; ``build``
publishes nothing it finds an error in), refused by the config reader, or escaped
here (the article's own text, which no rule reads): no control or bidi character is
written raw into a page or its JSON-LD.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import uuid
from typing import Any

import attrs

from factcheck import claimreview, siteconfig
from factcheck.fields import SOURCE_ARCHIVE, SOURCE_LAID_OUT, field_views
from factcheck.model import VERDICT_NEEDS_STANCE, Source, Status, Verdict
from factcheck.present import number
from factcheck.rules import find_quote
from factcheck.scales import BEST_RATING, STANCE_MEANING, STATUS_MEANING, VERDICT_SCALE, WORST_RATING
from factcheck.textsafe import escape, first_control


def link_url(value: Any) -> str | None:
    """The URL if it may be a link (http or https only), else None: the template shows it as text."""
    return value if siteconfig.is_http_url(value) else None


def verdict_class(verdict: str | None) -> str:
    return verdict if verdict in _VERDICT_WORDS else "none"


_VERDICT_WORDS = set(Verdict.words())


def verdict_label(verdict: str | None) -> str:
    return VERDICT_SCALE[Verdict(verdict)].label if verdict in _VERDICT_WORDS else "No verdict yet"


def status_label(status: str) -> str:
    try:
        return STATUS_MEANING[Status(status)].label
    except ValueError:
        return status


def long_date(value: str | dt.date | None) -> str:
    if not value:
        return ""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return f"{day.day} {day.strftime('%B')} {day.year}"


def stamp(value: str | None) -> str:
    """A recorded UTC time (``2024-04-01T09:00:00Z``) as ``2024-04-01 09:00 UTC``."""
    if not value:
        return ""
    return f"{value[:10]} {value[11:16]} UTC"


def describe_entry(entry: dict) -> tuple[str, str | None]:
    """(what happened, a detail) of a history entry, for the provenance timeline."""
    action = entry.get("action")
    before, after = entry.get("before"), entry.get("after")
    if action == "created":
        return "Claim recorded", None
    if action == "status":
        return f"Status: {status_label(before) if before else '—'} → {status_label(after) if after else '—'}", None
    if action == "verdict":
        return f"Verdict: {verdict_label(before) if before else '—'} → {verdict_label(after) if after else '—'}", None
    if action == "summary":
        return ("Summary written" if not before else "Summary changed"), None
    if action == "source-added":
        return "Source added", after
    if action == "source-removed":
        return "Source removed", before
    if action == "source-changed":
        return f"Source changed ({entry.get('field') or 'a field'})", after
    if action == "correction":
        return "Correction recorded", None
    if action == "undo":
        return "Change undone", None
    if action in ("tags", "related"):
        return f"{action.capitalize()} changed", None
    if action == "quantities":
        return ("Quantities recorded" if not before else "Quantities changed"), after
    return "Note", None


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


@functools.lru_cache(maxsize=64)
def paragraph_spans(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each paragraph (blocks separated by blank lines), trimmed."""
    spans = []
    start = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    out = []
    for a, b in spans:
        chunk = text[a:b]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk.rstrip())
        if trail > lead:
            out.append((a + lead, a + trail))
    return tuple(out)


@attrs.frozen
class Mark:
    id: str
    verdict: str
    label: str
    title: str
    draft: bool


def article_text_clean(text: str | None) -> bool:
    """Whether an article's text holds no control or bidi character (looked at once per article)."""
    return text is None or first_control(text, line_breaks=True) is None


def _as_is(text: str) -> str:
    return text


def marked_paragraphs(text: str, marks: list[tuple[int, int, Mark]], clean: bool = False) -> list[list[dict]]:
    """The article as paragraphs of pieces: plain text, or a passage with the claims that quote it.

    Overlapping quotes form one passage; every claim keeps exactly one mark. Each
    piece's control and bidi characters are escaped, unless the text is known ``clean``.
    """
    shown = _as_is if clean else escape
    clusters: list[list] = []  # [start, end, [marks]]
    for start, end, mark in sorted(marks, key=lambda m: (m[0], -m[1], m[2].id)):
        if clusters and start < clusters[-1][1]:
            clusters[-1][1] = max(clusters[-1][1], end)
            clusters[-1][2].append(mark)
        else:
            clusters.append([start, end, [mark]])
    out: list[list[dict]] = []
    spans = paragraph_spans(text)
    index = 0
    for p_start, p_end in spans:
        pieces: list[dict] = []
        pos = p_start
        while index < len(clusters) and clusters[index][0] < p_end:
            c_start, c_end, c_marks = clusters[index]
            c_start = max(c_start, pos)
            if c_start > pos:
                pieces.append({"text": shown(text[pos:c_start]), "marks": None})
            stop = min(c_end, p_end)
            pieces.append({"text": shown(text[c_start:stop]), "marks": c_marks})
            pos = max(pos, stop)
            index += 1
        if pos < p_end:
            pieces.append({"text": shown(text[pos:p_end]), "marks": None})
        out.append(pieces)
    return out


def quote_in_paragraph(text: str | None, quote: str, clean: bool = False) -> dict | None:
    """The paragraph of the article that holds the quote, split around it (escaped unless ``clean``)."""
    if not text:
        return None
    span = find_quote(quote, text)
    if span is None:
        return None
    start, end = span
    for p_start, p_end in paragraph_spans(text):
        if p_start <= start < p_end:
            stop = min(end, p_end)
            shown = _as_is if clean else escape
            return {"before": shown(text[p_start:start]), "quote": shown(text[start:stop]), "after": shown(text[stop:p_end])}
    return None


def environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("factcheck.site", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        link_url=link_url,
        verdict_class=verdict_class,
        verdict_label=verdict_label,
        status_label=status_label,
        long_date=long_date,
        stamp=stamp,
        number=number,
    )
    # any field of a source the claim page does not lay out itself (a new one of the model), as "label: value"
    env.globals.update(describe_entry=describe_entry, source_more=field_views(Source, SOURCE_LAID_OUT + SOURCE_ARCHIVE))
    return env


def mark_label(row: Any, published: bool) -> str:
    label = verdict_label(row.verdict)
    return label if published else f"Draft ({status_label(row.status).lower()}): {label}"


def row_view(item: Any) -> dict:
    row = item.record.row
    return {"id": row.id, "text": row.text, "verdict": row.verdict, "status": row.status, "claimant": row.claimant, "draft": not item.published}


def counts(items: list[Any]) -> list[dict]:
    """How many published claims have each verdict, and how many drafts there are."""
    tally: dict[str, int] = {}
    for item in items:
        if item.published:
            key = item.record.row.verdict or ""
            tally[key] = tally.get(key, 0) + 1
    drafts = sum(1 for i in items if not i.published)
    out = [{"verdict": v.value, "label": VERDICT_SCALE[v].label, "count": tally[v.value]} for v in Verdict if tally.get(v.value)]
    if drafts:
        out.append({"verdict": "none", "label": "Drafts", "count": drafts})
    return out


def urn(name: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"factcheck:{name}").urn


def feed_entry(item: Any, when: str, facts: Any, url: str, absolute: bool) -> dict:
    return {
        "id": url if absolute else urn(f"claim:{item.id}"),
        "url": url,
        "title": item.row.text,
        "published": when,
        "updated": facts.modified_at or when,
        "verdict": item.row.verdict,
        "summary": item.row.summary or "",
    }


def methodology() -> dict:
    """What the methodology page shows, read from the model and the editing rules."""
    from factcheck.workflow import corrected_fields

    source_fields = []
    for field in attrs.fields(Source):
        required = field.default is attrs.NOTHING
        source_fields.append({"name": field.name, "required": required})
    return {
        "statuses": [{"word": s.value, "label": g.label, "definition": g.definition} for s, g in STATUS_MEANING.items()],
        "scale": [
            {
                "word": v.value,
                "label": g.label,
                "definition": g.definition,
                "rating": g.rating,
                "needs": VERDICT_NEEDS_STANCE[v].value if v in VERDICT_NEEDS_STANCE else None,
            }
            for v, g in VERDICT_SCALE.items()
        ],
        "best": BEST_RATING,
        "worst": WORST_RATING,
        "stances": [{"word": s.value, "label": g.label, "definition": g.definition} for s, g in STANCE_MEANING.items()],
        "source_fields": source_fields,
        # from the correction table; the page has always named the url and stance first
        "corrected_source_fields": sorted(corrected_fields(Source), key=lambda name: {"url": 0, "stance": 1}.get(name, 2)),
        "limit": claimreview.CLAIM_REVIEWED_LIMIT,
    }


def claim_page(claim_id: str) -> str:
    """Where a claim's page lies in the site."""
    return f"claims/{claim_id}.html"
