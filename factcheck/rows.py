"""The shapes of a claim that lists show: the review screen's row (:class:`ClaimRow`) and a
line of ``factcheck list`` (:class:`ListLine`), both kept in the validate caches.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import msgspec

from factcheck.fields import SOURCE_ARCHIVE, SOURCE_LAID_OUT, field_views
from factcheck.model import Source, Stance, assignee_of


class ClaimRow(NamedTuple):
    """What a list of claims shows and searches, without the whole record."""

    id: str
    status: str
    verdict: str | None
    kind: str
    claimant: str
    text: str
    quote: str
    summary: str | None
    supports: int
    refutes: int
    context: int
    sources: str  # titles and publishers, for search
    tags: tuple[str, ...]
    assignee: str | None = None
    more: str = ""  # source URLs, excerpts and history notes, for search

    @classmethod
    def of(cls, claim: Any) -> "ClaimRow":
        sources = claim.sources
        stances = [s.stance for s in sources]
        urls = [s.url for s in sources]
        urls += [s.archive_url for s in sources if s.archive_url]
        return cls(
            claim.id, claim.status.value, claim.verdict.value if claim.verdict else None,
            claim.kind.value, claim.claimant, claim.text, claim.quote, claim.summary,
            stances.count(Stance.SUPPORTS), stances.count(Stance.REFUTES), stances.count(Stance.CONTEXT),
            " | ".join([f"{s.title} — {s.publisher}" for s in sources]), tuple(claim.tags),
            assignee_of(claim.history),
            "\n".join([*urls, *(s.excerpt for s in sources), *_more_text(sources), *(h.note for h in claim.history if h.note)]),
        )


#: Text fields of a source that search reads beyond the ones laid out above: any the model adds.
_SEARCHED_MORE = tuple(f.name for f in field_views(Source, SOURCE_LAID_OUT + SOURCE_ARCHIVE) if f.kind in ("text", "prose", "url"))


def _more_text(sources: Any) -> list[str]:
    if not _SEARCHED_MORE:
        return []
    return [value for s in sources for name in _SEARCHED_MORE if (value := getattr(s, name, None))]


class ListLine(msgspec.Struct, array_like=True, frozen=True):
    """What ``factcheck list`` shows of a claim. It is kept with the claim's problems in
    the validate cache, so that listing after a ``validate`` reads neither the files nor
    the list rows of the review screen. (A struct, not a named tuple: msgspec decodes
    20,000 of them in 10 ms, not 70.)"""

    id: str
    status: str
    verdict: str | None
    kind: str
    sources: int
    text: str

    @classmethod
    def of(cls, claim: Any) -> "ListLine":
        # _value_ is each member's value without the enum's descriptor (every claim of a tree comes here)
        return cls(claim.id, claim.status._value_, claim.verdict._value_ if claim.verdict else None, claim.kind._value_, len(claim.sources), claim.text)
