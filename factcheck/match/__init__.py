"""Has this been checked before? Texts matched against earlier fact-checks.

Candidates are the claims of this tree and the reviews of other fact-checkers' feeds
(schema.org ``ClaimReview``, :mod:`factcheck.match.feed`), indexed once per feed and
cached (:mod:`factcheck.match.store`), scored with field-weighted BM25
(:mod:`factcheck.match.index`), whose best candidates are re-scored with their
similarity in meaning (:mod:`factcheck.match.semantic`). No printing and no Textual here: :func:`match_texts`
returns values that the command line (:mod:`factcheck.cli.match`), and later the
review screen, ``suggest --write`` or ``validate``, show or record as they need.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from factcheck.match.feed import Review
from factcheck.match.index import WEIGHTS, Segment, Weights, search_all
from factcheck.match.rerank import CONTEXT, Context

DEFAULT_TOP = 5


@attrs.frozen
class Match:
    """An earlier fact-check found for a text. ``score``: 0 to 1, BM25 (over what a
    document of average length holding each of the text's words once scores) blended
    with the similarity in meaning (:func:`factcheck.match.index.search`); about 1 for
    the same words."""

    score: float
    review: Review

    @property
    def published(self) -> bool:
        """A review of a feed, or a published claim of the tree (not a draft)."""
        return self.review.status is None

    def as_json(self) -> dict:
        r = self.review
        return {"url": r.url, "claim": r.claim, "score": round(self.score, 4), "rating": r.rating, "publisher": r.publisher, "id": r.id}


def match_texts(
    texts: Sequence[str], candidates: Sequence[Segment], top: int = DEFAULT_TOP, weights: Weights = WEIGHTS, context: Context = CONTEXT
) -> list[list[Match]]:
    """For each text, its ``top`` best candidates: the ``top`` best by score (the texts'
    neighbours as context, :mod:`factcheck.match.rerank`), the published ones (feed
    reviews and published claims) before the others, each part best first."""
    out: list[list[Match]] = []
    for hits in search_all(candidates, texts, top, weights, context):
        found = [Match(h.score, candidates[h.segment].review(h.doc)) for h in hits]
        found.sort(key=lambda m: not m.published)  # stable: by score within each part
        out.append(found)
    return out
