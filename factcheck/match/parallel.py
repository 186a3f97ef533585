"""A large feed's index built on every core: batches of reviews indexed by helper processes,
their segments merged into the one :func:`factcheck.match.index.build` would make.

The feed is read here, in order (its problems keep their line numbers); each batch of
reviews goes to a helper (forked, or spawned in a process with threads such as the
review screen) that tokenises and counts it with :func:`~factcheck.match.index.build`; the
batches' segments are merged by term hash with a few numpy operations. The result is the
same arrays, byte for byte, as building in one process (a test checks it).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

import numpy as np

from factcheck.match.feed import FeedProblem, Review
from factcheck.match.index import WEIGHTS, Segment, Weights, build

#: Reviews per batch sent to a helper.
BATCH = 10_000
#: Batches read ahead of the merge (bounds the memory held in flight).
AHEAD = 4


def jobs() -> int:
    """How many helpers: the cores this process may run on, at most 4."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


def _context():
    """``fork`` in a process with one thread (the command line: no process left behind, not
    even multiprocessing's resource tracker); ``spawn`` where other threads run (the review
    screen), since a fork copies locks other threads may hold."""
    import threading

    return multiprocessing.get_context("fork" if threading.active_count() == 1 else "spawn")


def _batches(items: Iterable[Review | FeedProblem], problems: list[FeedProblem], size: int) -> Iterator[list[Review]]:
    batch: list[Review] = []
    for item in items:
        if isinstance(item, FeedProblem):
            problems.append(item)
            continue
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def build_parallel(items: Iterable[Review | FeedProblem], weights: Weights = WEIGHTS, workers: int | None = None, size: int = BATCH) -> Segment:
    """:func:`~factcheck.match.index.build` of ``items`` on ``workers`` helper processes (default: :func:`jobs`)."""
    workers = jobs() if workers is None else workers
    problems: list[FeedProblem] = []
    if workers < 2:
        return build(items, weights)
    parts: list[Segment] = []
    with ProcessPoolExecutor(workers, mp_context=_context()) as pool:
        pending: deque[Future[Segment]] = deque()
        for batch in _batches(items, problems, size):
            pending.append(pool.submit(build, batch, weights))
            while len(pending) > AHEAD:
                parts.append(pending.popleft().result())
        parts += [future.result() for future in pending]
    merged = merge(parts)
    merged.problems = problems
    return merged


def merge(parts: list[Segment]) -> Segment:
    """One segment of ``parts`` (documents numbered on, in order), as if built at once."""
    if not parts:
        return build([])
    doc_base = np.cumsum([0] + [p.size for p in parts[:-1]])
    meta_base = np.cumsum([0] + [len(p.meta) for p in parts[:-1]])
    hashes = np.concatenate([np.repeat(p.hashes, np.diff(p.starts)) for p in parts])
    docs = np.concatenate([p.docs + np.int32(base) for p, base in zip(parts, doc_base, strict=True)])
    tfs = np.concatenate([p.tfs for p in parts])
    order = np.argsort(hashes, kind="stable")  # parts in order, documents in order within each: they stay so
    terms, counts = np.unique(hashes, return_counts=True)
    starts = np.zeros(len(terms) + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    offsets = np.concatenate([np.zeros(1, dtype=np.int64)] + [p.offsets[1:] + np.int64(base) for p, base in zip(parts, meta_base, strict=True)])
    return Segment(
        hashes=terms.astype(np.uint64),
        starts=starts,
        docs=docs[order].astype(np.int32),
        tfs=tfs[order].astype(np.float32),
        lengths=np.concatenate([p.lengths for p in parts]).astype(np.float32),
        offsets=offsets,
        meta=b"".join(bytes(p.meta) for p in parts),
    )
