"""The match index: BM25 ranking, the cached index per feed, its signature and invalidation."""

from __future__ import annotations

import json
import os

import pytest
from test_match_feed import claim_review

from factcheck import cache
from factcheck.match import match_texts
from factcheck.match import store as mstore
from factcheck.match.feed import FeedError, Review
from factcheck.match.index import build, search

#: A tiny collection and queries with known answers: the quality smoke test.
COLLECTION = [
    "The Eiffel Tower will be demolished next year",
    "Drinking hot water cures the flu",
    "The governor cut the school budget by 20 percent",
    "A shark was seen swimming on a flooded highway after the hurricane",
    "The senator voted against veterans' health care 12 times",
    "Bill Gates wants to put microchips in vaccines",
]
QUERIES = {
    "Video shows shark swimming down a flooded highway during hurricane": 3,
    "they say hot water will cure flu!! https://t.co/abc": 1,
    "Gates plans microchips hidden in the vaccine": 5,
    "Our governor slashed school budgets by twenty percent.": 2,
}


def write_feed(path, claims, start=0) -> None:
    path.write_text("".join(json.dumps(claim_review(start + n, claim=c)) + "\n" for n, c in enumerate(claims)), encoding="utf-8")


def test_quality_smoke_each_query_finds_its_check_first():
    segment = build([Review(claim=c, url=str(n)) for n, c in enumerate(COLLECTION)])
    for query, want in QUERIES.items():
        hits = search([segment], query, 3)
        assert hits and hits[0].doc == want, (query, hits)
        assert 0 < hits[0].score <= 1
        assert all(a.score >= b.score for a, b in zip(hits, hits[1:], strict=False))


def test_no_shared_term_no_match_and_scores_are_comparable_across_segments():
    one = build([Review(claim=c) for c in COLLECTION[:3]])
    two = build([Review(claim=c) for c in COLLECTION[3:]])
    assert search([one, two], "completely unrelated words zebra", 5) == []
    hits = search([one, two], "shark on the highway", 5)
    assert (hits[0].segment, hits[0].doc) == (1, 0)
    whole = build([Review(claim=c) for c in COLLECTION])
    assert [round(h.score, 5) for h in hits] == [round(h.score, 5) for h in search([whole], "shark on the highway", 5)]


def test_published_before_unpublished_and_top():
    segment = build([Review(claim="tax cut for the rich", id="draft", status="researching"), Review(claim="tax cut", id="done")])
    (found,) = match_texts(["tax cut for the rich"], [segment], top=2)
    assert [m.review.id for m in found] == ["done", "draft"]  # the draft scores higher but is listed after
    assert found[1].score > found[0].score
    (found,) = match_texts(["tax cut for the rich"], [segment], top=1)
    assert [m.review.id for m in found] == ["draft"]


def test_index_is_cached_and_reused(tmp_path, monkeypatch):
    feed = tmp_path / "feed.jsonl"
    write_feed(feed, COLLECTION)
    first = mstore.index_feed(str(feed))
    assert mstore.path_for(str(feed)).exists()
    built = []
    monkeypatch.setattr(mstore, "build", lambda *a, **k: built.append(1))
    again = mstore.index_feed(str(feed))
    assert built == [] and again.size == first.size == len(COLLECTION)
    assert again.review(3).claim == COLLECTION[3]
    assert [h.doc for h in search([again], "shark highway", 2)] == [h.doc for h in search([first], "shark highway", 2)]


def test_changed_feed_is_reindexed(tmp_path):
    feed = tmp_path / "feed.jsonl"
    write_feed(feed, COLLECTION[:2])
    assert mstore.index_feed(str(feed)).size == 2
    write_feed(feed, COLLECTION)
    assert mstore.index_feed(str(feed)).size == len(COLLECTION)


def test_removed_feed_dropped(tmp_path):
    feed = tmp_path / "feed.jsonl"
    keep = tmp_path / "keep.jsonl"
    write_feed(feed, COLLECTION)
    write_feed(keep, COLLECTION)
    mstore.index_feed(str(feed))
    mstore.index_feed(str(keep))
    assert mstore.path_for(str(feed)).exists()
    os.unlink(feed)
    assert mstore.drop_removed() == [str(feed)]
    assert not mstore.path_for(str(feed)).exists()
    assert mstore.path_for(str(keep)).exists() and mstore.known_feeds() == [str(keep)]


def test_forged_or_corrupt_cache_ignored(tmp_path):
    feed = tmp_path / "feed.jsonl"
    write_feed(feed, COLLECTION)
    mstore.index_feed(str(feed))
    path = mstore.path_for(str(feed))
    blob = bytearray(path.read_bytes())
    blob[-5] ^= 0xFF  # a byte of the reviews' msgpack: the signature no longer holds
    path.write_bytes(bytes(blob))
    assert mstore.load_cached(str(feed)) is None
    assert mstore.index_feed(str(feed)).review(5).claim == COLLECTION[5]  # rebuilt
    assert mstore.load_cached(str(feed)) is not None
    key = cache._key()
    assert key is not None
    body = path.read_bytes()[len(mstore.MAGIC) + cache.MAC_SIZE :]
    assert mstore.decode(memoryview(body)) is not None
    assert mstore.decode(memoryview(body[:-1])) is None  # sizes that do not add up


def test_strict_refuses_cached_and_fresh(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps(claim_review(1)) + "\nbroken\n", encoding="utf-8")
    with pytest.raises(FeedError, match=r"feed.jsonl:2: not JSON"):
        mstore.index_feed(str(feed), strict=True)
    assert mstore.index_feed(str(feed)).problems[0].line == 2
    with pytest.raises(FeedError, match=r"feed.jsonl:2:"):
        mstore.index_feed(str(feed), strict=True)  # now from the cache
