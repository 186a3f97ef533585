"""Re-ranking with the neighbouring texts as context.

Sentences of one speech or article are checked together (``match --sentences``, an
article's sentences): the speaker and the day are the same for neighbours. When the
neighbours' best matches agree on a claimant or a date, a candidate of a text with that
claimant or that date moves up. Each text's own candidates are only re-ordered (the
best ``depth`` of BM25, :mod:`factcheck.match.index`); a text with no neighbours, or
neighbours that agree on nothing, keeps its order. The weights were chosen on the
Train queries of CheckThat! 2022 Task 2 only (``bench/match_quality.py``).

No numpy, no index here: a candidate is its (score, claimant, date).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

_MONTHS = {m: i for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"), 1)}
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})")
_WRITTEN = re.compile(r"\b(" + "|".join(_MONTHS) + r")\s+(\d{1,2}),?\s+(\d{4})\b", re.I)


@attrs.frozen
class Context:
    """How far context reaches and how much agreement counts (0: off)."""

    window: int = 3  # texts before and after
    depth: int = 30  # candidates of each text that may be re-ordered
    claimant: float = 0.0
    date: float = 0.0
    agree: float = 0.0  # the share of the votes a claimant or a day needs before it counts


#: What ``factcheck match`` uses: the best of a grid on the mean Train MAP@5 of both
#: tasks of CheckThat! 2022 Task 2 (window 1, 3, 5, 10; claimant and date 0 to 0.4),
#: over the candidates of :data:`factcheck.match.index.WEIGHTS`; it changes nothing on
#: 2A (tweets share neither a claimant nor a day with their neighbours).
CONTEXT = Context(window=10, depth=30, claimant=0.2, date=0.4)


def day(date: str | None) -> str | None:
    """The day a date names, as YYYY-MM-DD ("2019-10-22T..." or "stated on October 22, 2019 in ..."), if any."""
    if not date:
        return None
    iso = _ISO.search(date)
    if iso:
        return "-".join(iso.groups())
    written = _WRITTEN.search(date)
    if written:
        return f"{written.group(3)}-{_MONTHS[written.group(1).lower()]:02d}-{int(written.group(2)):02d}"
    return None


Candidate = tuple[float, str | None, str | None]  # score, claimant, date


def _keys(candidate: Candidate) -> tuple[str | None, str | None]:
    _, claimant, date = candidate
    return (claimant.strip().casefold() or None) if claimant else None, day(date)


def rerank(candidates: Sequence[Sequence[Candidate]], context: Context = CONTEXT) -> list[list[tuple[int, float]]]:
    """For each text (in input order), its candidates as (index, new score), best first.

    The neighbours' best candidates vote, each with its score, for its claimant and its
    day; a candidate gains ``context.claimant`` times the share of the votes for its
    claimant, and likewise for its day (scores stay at most 1). Only the first
    ``context.depth`` candidates of a text are re-ordered; the others follow unchanged."""
    if not (context.claimant or context.date) or context.window <= 0:
        return [[(k, c[0]) for k, c in enumerate(found)] for found in candidates]
    best = [(c[0][0], *_keys(c[0])) if c else None for c in candidates]
    orders = []
    for i, found in enumerate(candidates):
        neighbours = [best[j] for j in range(max(0, i - context.window), min(len(candidates), i + context.window + 1)) if j != i]
        head = min(context.depth, len(found))
        gains = _gains([v for v in neighbours if v is not None], [_keys(c) for c in found[:head]], context)
        scored = sorted(((k, min(found[k][0] + gains[k], 1.0)) for k in range(head)), key=lambda ks: (-ks[1], ks[0]))
        orders.append(scored + [(k, found[k][0]) for k in range(head, len(found))])
    return orders


def _gains(votes: Sequence[tuple[float, str | None, str | None]], keys: Sequence[tuple[str | None, str | None]], context: Context) -> list[float]:
    """What each candidate (its claimant and day) gains from the votes of the neighbours' best candidates."""
    total = sum(score for score, _, _ in votes)
    if not total:
        return [0.0] * len(keys)
    claimants: dict[str, float] = {}
    days: dict[str, float] = {}
    for score, claimant, date in votes:
        if claimant:
            claimants[claimant] = claimants.get(claimant, 0.0) + score
        if date:
            days[date] = days.get(date, 0.0) + score
    def share(votes: dict[str, float], key: str | None) -> float:
        got = votes.get(key or "", 0.0) / total
        return got if got >= context.agree else 0.0

    return [context.claimant * share(claimants, claimant) + context.date * share(days, date) for claimant, date in keys]
