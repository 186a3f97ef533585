"""A large feed indexed on every core: the same index as one process makes, problems and --strict kept."""

from __future__ import annotations

import json

import numpy as np
import pytest
from test_match_feed import claim_review

from factcheck.match import store as match_store
from factcheck.match.feed import FeedError, Review, read_feed
from factcheck.match.index import build
from factcheck.match.parallel import build_parallel, merge

CLAIMS = ["Hot water cures the flu", "A shark swims on a flooded highway", "The moon landing was staged in a studio", "Vaccines contain microchips"]


def feed(tmp_path, copies: int = 30, broken: bool = True):
    path = tmp_path / "feed.jsonl"
    lines = [json.dumps(claim_review(n, claim=f"{CLAIMS[n % 4]} {n % 7} times")) for n in range(copies)]
    if broken:
        lines.insert(5, "{not json")
        lines.insert(17, json.dumps({"@type": "Article"}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def same(a, b) -> None:
    for name, array in a.arrays().items():
        other = b.arrays()[name]
        assert array.dtype == other.dtype and np.array_equal(array, other), name
    assert bytes(a.meta) == bytes(b.meta)
    assert a.problems == b.problems


def test_parallel_build_is_the_serial_build(tmp_path):
    path = str(feed(tmp_path))
    serial = build(read_feed(path))
    parallel = build_parallel(read_feed(path), workers=2, size=4)  # eight batches, two helpers
    same(serial, parallel)
    assert [(p.line, p.message[:8]) for p in parallel.problems] == [(6, "not JSON"), (18, "not a Cl")]


def test_merge_of_one_part_and_of_none():
    one = build(Review(claim=c) for c in CLAIMS)
    same(merge([one]), one)
    assert merge([]).size == 0


def test_index_feed_goes_parallel_for_a_large_feed(tmp_path, monkeypatch):
    path = str(feed(tmp_path))
    monkeypatch.setattr(match_store, "PARALLEL_BYTES", 0)
    used = []
    import factcheck.match.parallel as parallel

    real = parallel.build_parallel
    monkeypatch.setattr(parallel, "build_parallel", lambda *a, **k: used.append(1) or real(*a, **k))
    segment = match_store.index_feed(path)
    assert used == [1]
    same(segment, build(read_feed(path)))
    monkeypatch.setenv("FACTCHECK_CACHE_DIR", str(tmp_path / "other-cache"))
    with pytest.raises(FeedError, match=r"feed.jsonl:6: not JSON"):
        match_store.index_feed(path, strict=True)
