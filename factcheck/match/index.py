"""BM25 over reviews and claims: postings built once per feed, scored across all of them.

A :class:`Segment` holds the candidates of one feed (or of the claims tree) as plain
arrays: the terms (as 64-bit hashes, sorted), each term's postings (document, weighted
term frequency), each document's weighted length, and each document's :class:`Review`
as msgpack, decoded only when it is shown. Arrays are data, so a segment is written to
and read from the cache without any code running (:mod:`factcheck.match.store`).

Scoring is BM25 (Lucene's idf) with the statistics of all segments together, so a term
is as rare as it is across every feed asked: a query over feeds A and B ranks as if A
and B were one collection. Fields are weighted (:class:`Weights`): a term of the claim
counts fully, one of the headline or claimant as the weights say.

Why not bm25s: it stores each posting's score with its own index's idf and average
length baked in, so the indexes of two feeds could not be scored as one collection, and
a feed's index would have to be rebuilt whenever another feed changed. Here a posting
keeps its term frequency; the few numpy operations of :func:`search` do the rest.
"""

from __future__ import annotations

import hashlib
import math
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence

import attrs
import msgspec
import numpy as np

from factcheck.match.feed import FeedProblem, Review
from factcheck.match.rerank import CONTEXT, Context, rerank
from factcheck.match.text import clean, terms


@attrs.frozen
class Weights:
    """Field weights and BM25's k1 and b: chosen on the training split (``bench/match_quality.py``)."""

    claim: float = 1.0
    headline: float = 1.0
    description: float = 0.0
    claimant: float = 0.0
    k1: float = 1.2
    b: float = 0.75
    semantic: float = 0.0  # how much the meaning counts beside BM25 (0: BM25 alone)
    pool: int = 50  # how many of BM25's best candidates are re-scored with their meaning

    def fields(self, review: Review) -> list[tuple[str | None, float]]:
        return [(review.claim, self.claim), (review.headline, self.headline), (review.description, self.description), (review.claimant, self.claimant)]


#: What ``factcheck match`` uses: the best of a grid on the mean Train MAP@5 of both
#: tasks (``bench/match_quality.py --tune``): first the fields, k1 and b (the
#: description, a Snopes subtitle, helps tweets; the claimant helps neither; k1 and b
#: move MAP@5 by less than 0.01), then the meaning's weight and pool over them.
WEIGHTS = Weights(description=0.3, k1=0.9, semantic=0.5, pool=100)


def term_hash(term: str) -> int:
    """A term as 64 bits, the same in every process (Python's ``hash`` of a str is not)."""
    return int.from_bytes(hashlib.blake2b(term.encode(), digest_size=8).digest(), "little")


@attrs.define
class Segment:
    """The postings of one set of candidates. ``problems``: the feed's items that were skipped."""

    hashes: np.ndarray  # uint64, sorted: the terms
    starts: np.ndarray  # int64, len(hashes) + 1: where each term's postings start
    docs: np.ndarray  # int32: each posting's document
    tfs: np.ndarray  # float32: each posting's weighted term frequency
    lengths: np.ndarray  # float32: each document's weighted length
    offsets: np.ndarray  # int64, documents + 1: where each document's msgpack starts in meta
    meta: bytes | memoryview
    problems: list[FeedProblem] = attrs.field(factory=list)

    @property
    def size(self) -> int:
        return len(self.lengths)

    def review(self, doc: int) -> Review:
        return msgspec.msgpack.decode(self.meta[int(self.offsets[doc]) : int(self.offsets[doc + 1])], type=Review)

    def postings(self, hashed: int) -> tuple[np.ndarray, np.ndarray] | None:
        at = int(np.searchsorted(self.hashes, np.uint64(hashed)))
        if at >= len(self.hashes) or int(self.hashes[at]) != hashed:
            return None
        start, end = int(self.starts[at]), int(self.starts[at + 1])
        return self.docs[start:end], self.tfs[start:end]

    def arrays(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in ("hashes", "starts", "docs", "tfs", "lengths", "offsets")}


def build(items: Iterable[Review | FeedProblem], weights: Weights = WEIGHTS) -> Segment:
    """The segment of ``items`` (reviews; problems are kept aside), in one pass."""
    ids: dict[str, int] = {}
    post_term, post_doc, post_tf = array("q"), array("i"), array("f")
    lengths, offsets = array("f"), array("q", [0])
    meta: list[bytes] = []
    problems: list[FeedProblem] = []
    encode = msgspec.msgpack.encode
    size = 0
    for item in items:
        if isinstance(item, FeedProblem):
            problems.append(item)
            continue
        counts: dict[str, float] = {}
        for text, weight in weights.fields(item):
            if text and weight:
                for term, count in Counter(terms(text)).items():
                    counts[term] = counts.get(term, 0.0) + weight * count
        post_term.extend([ids.setdefault(term, len(ids)) for term in counts])
        post_doc.extend([len(lengths)] * len(counts))
        post_tf.extend(counts.values())
        lengths.append(sum(counts.values()))
        blob = encode(item)
        size += len(blob)
        offsets.append(size)
        meta.append(blob)
    return _finish(ids, post_term, post_doc, post_tf, lengths, offsets, b"".join(meta), problems)


def _finish(ids: dict[str, int], post_term: array, post_doc: array, post_tf: array, lengths: array, offsets: array, meta: bytes, problems: list) -> Segment:
    hashes = np.fromiter((term_hash(t) for t in ids), dtype=np.uint64, count=len(ids))
    order = np.argsort(hashes, kind="stable")
    rank = np.empty(len(ids), dtype=np.int64)
    rank[order] = np.arange(len(ids))
    by_term = rank[np.frombuffer(post_term, dtype=np.int64)] if len(post_term) else np.zeros(0, dtype=np.int64)
    sort = np.argsort(by_term, kind="stable")  # documents stay in order within a term
    starts = np.zeros(len(ids) + 1, dtype=np.int64)
    np.cumsum(np.bincount(by_term, minlength=len(ids)), out=starts[1:])
    return Segment(
        hashes=hashes[order],
        starts=starts,
        docs=np.frombuffer(post_doc, dtype=np.int32)[sort],
        tfs=np.frombuffer(post_tf, dtype=np.float32)[sort],
        lengths=np.frombuffer(lengths, dtype=np.float32).copy(),
        offsets=np.frombuffer(offsets, dtype=np.int64).copy(),
        meta=meta,
        problems=problems,
    )


@attrs.frozen
class Hit:
    """A candidate found for a text: its score (0 to 1), which segment and document."""

    score: float
    segment: int
    doc: int


def query_terms(text: str) -> list[str]:
    """The terms a query text is searched by (links dropped, each term once)."""
    return list(dict.fromkeys(terms(clean(text))))


def idf(total: int, df: int) -> float:
    """Lucene's BM25 idf: never negative, largest for a term found nowhere."""
    return math.log(1 + (total - df + 0.5) / (df + 0.5))


#: Candidates' vectors already made, by (segment's place in the list searched, document):
#: searches over the same segments share it, so a candidate is embedded once.
Vectors = dict[tuple[int, int], np.ndarray]


def search(
    segments: Sequence[Segment], text: str, top: int, weights: Weights = WEIGHTS, vectors: Vectors | None = None, vector: np.ndarray | None = None
) -> list[Hit]:
    """The ``top`` best candidates for ``text`` over all ``segments``, best first.

    BM25 finds the ``weights.pool`` best candidates (:func:`bm25`); each then scores its
    BM25 score and ``weights.semantic`` times its similarity in meaning to the text
    (:mod:`factcheck.match.semantic`, the claim and headline against the text; a
    negative similarity counts as 0), over 1 + ``weights.semantic``: still 0 to 1, and
    about 1 for the same text. ``vectors``: candidates' vectors kept between searches
    over the same ``segments``; ``vector``: the text's own, if made already
    (:func:`factcheck.match.semantic.embed`).
    """
    if not weights.semantic:
        return bm25(segments, text, top, weights)
    scores, numbers, docs = _bm25(segments, text, max(top, weights.pool), weights)
    if not len(docs):
        return []
    from factcheck.match.semantic import embed

    kept = {} if vectors is None else vectors
    keys = list(zip(numbers.tolist(), docs.tolist(), strict=True))
    new = [key for key in keys if key not in kept]
    reviews = [segments[number].review(doc) for number, doc in new]
    if vector is None or new:
        made = embed(([] if vector is not None else [text]) + [f"{r.claim} {r.headline or ''}".strip() for r in reviews])
        if vector is None:
            vector, made = made[0], made[1:]
        kept.update(zip(new, made, strict=True))
    near = np.stack([kept[key] for key in keys]) @ vector
    blended = (scores + weights.semantic * np.maximum(near, 0.0)) / (1 + weights.semantic)
    order = np.lexsort((docs, numbers, -blended))[:top]
    return [Hit(float(blended[k]), int(numbers[k]), int(docs[k])) for k in order]


def bm25(segments: Sequence[Segment], text: str, top: int, weights: Weights = WEIGHTS) -> list[Hit]:
    """The ``top`` best candidates for ``text`` by BM25 alone, best first.

    The score is BM25 divided by what a document of average length holding each of the
    text's terms once would score (the sum of their idfs), at most 1: about 1 for the
    same text, whatever its length; 0.5 when half the weight of its words is found.
    Candidates sharing no term with the text are not returned.
    """
    scores, numbers, docs = _bm25(segments, text, top, weights)
    return [Hit(s, n, d) for s, n, d in zip(scores.tolist(), numbers.tolist(), docs.tolist(), strict=True)]


def _bm25(segments: Sequence[Segment], text: str, top: int, weights: Weights) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`bm25`'s candidates as arrays, best first: scores (at most 1), segments, documents."""
    none = (np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    words = query_terms(text)
    total = sum(s.size for s in segments)
    if not words or total == 0 or top <= 0:
        return none
    avgdl = max(sum(float(s.lengths.sum(dtype=np.float64)) for s in segments) / total, 1e-9)
    found = [[s.postings(term_hash(w)) for w in words] for s in segments]
    k1, b = weights.k1, weights.b
    idfs = []
    for i in range(len(words)):
        df = sum(len(got[0]) for f in found if (got := f[i]) is not None)
        idfs.append(idf(total, df))  # a term found nowhere still counts in the ceiling
    ceiling = sum(idfs)  # what a document of average length holding each term once scores
    if ceiling <= 0:
        return none
    parts: list[tuple[np.ndarray, int, np.ndarray]] = []
    for number, (segment, postings) in enumerate(zip(segments, found, strict=True)):
        scores: np.ndarray | None = None
        for weight, got in zip(idfs, postings, strict=True):
            if got is None:
                continue
            if scores is None:
                scores = np.zeros(segment.size, dtype=np.float32)
            docs, tfs = got
            norm = k1 * (1 - b + b * segment.lengths[docs] / avgdl)
            scores[docs] += weight * tfs * (k1 + 1) / (tfs + norm)
        if scores is None:
            continue
        best = np.flatnonzero(scores)  # the documents with a term of the text: selecting among all is slow with many ties
        if len(best) > top:
            best = best[np.argpartition(scores[best], -top)[-top:]]
        parts.append((scores[best].astype(np.float64) / ceiling, number, best.astype(np.int64)))
    if not parts:
        return none
    scores = np.concatenate([p[0] for p in parts])
    numbers = np.concatenate([np.full(len(p[2]), p[1], dtype=np.int64) for p in parts])
    docs = np.concatenate([p[2] for p in parts])
    order = np.lexsort((docs, numbers, -scores))[:top]
    return np.minimum(scores[order], 1.0), numbers[order], docs[order]


def search_all(segments: Sequence[Segment], texts: Sequence[str], top: int, weights: Weights = WEIGHTS, context: Context = CONTEXT) -> list[list[Hit]]:
    """:func:`search` for each of ``texts``, in order, then re-ranked with the neighbouring
    texts as context (:func:`factcheck.match.rerank.rerank`; scores stay 0 to 1)."""
    vectors: Vectors = {}
    own = text_vectors(texts, weights)
    if not (context.claimant or context.date):
        return [search(segments, text, top, weights, vectors, own[n]) for n, text in enumerate(texts)]
    found = [search(segments, text, max(top, context.depth), weights, vectors, own[n]) for n, text in enumerate(texts)]
    candidates = []
    for hits in found:
        reviews = [segments[h.segment].review(h.doc) for h in hits]
        candidates.append([(h.score, r.claimant, r.date) for h, r in zip(hits, reviews, strict=True)])
    orders = rerank(candidates, context)
    return [[attrs.evolve(hits[k], score=score) for k, score in order[:top]] for hits, order in zip(found, orders, strict=True)]


def text_vectors(texts: Sequence[str], weights: Weights) -> list[np.ndarray | None]:
    """Each text's own vector, made in one call when the meaning counts (None where it does not)."""
    if not weights.semantic or not texts:
        return [None] * len(texts)
    from factcheck.match.semantic import embed

    return list(embed(texts))
