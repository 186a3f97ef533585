"""Reading ClaimReview feeds: JSON Lines, JSON-LD documents, bad items, large documents."""

from __future__ import annotations

import json
import os

import pytest

from factcheck.match import feed as feedmod
from factcheck.match.feed import FeedError, FeedProblem, Review, read_feed, review_of


def claim_review(n: int, claim: str | None = None, **extra) -> dict:
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"https://checks.example/{n}",
        "claimReviewed": claim or f"Claim number {n} about bridges",
        "headline": f"Headline {n}",
        "author": {"@type": "Organization", "name": "Other Desk"},
        "datePublished": "2024-05-01",
        "reviewRating": {"@type": "Rating", "ratingValue": 1, "alternateName": "False"},
        "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "A Senator"}},
    }
    review.update(extra)
    return review


def test_review_fields():
    got = review_of(claim_review(1, description="More words"))
    assert got == Review(
        claim="Claim number 1 about bridges", url="https://checks.example/1", headline="Headline 1", description="More words",
        claimant="A Senator", date="2024-05-01", rating="False", publisher="Other Desk",
    )


def test_json_lines_bad_lines_reported_with_line_numbers(tmp_path):
    path = tmp_path / "feed.jsonl"
    lines = [json.dumps(claim_review(1)), "not json", "", json.dumps({"@type": "Article", "headline": "x"}), "[1, 2]", json.dumps(claim_review(2))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_feed(str(path)))
    assert [i.claim for i in items if isinstance(i, Review)] == ["Claim number 1 about bridges", "Claim number 2 about bridges"]
    problems = [i for i in items if isinstance(i, FeedProblem)]
    assert [p.line for p in problems] == [2, 4, 5]
    assert "not JSON" in problems[0].message and "not a ClaimReview" in problems[1].message


def test_json_ld_graph_document_as_export_writes_it(tmp_path):
    path = tmp_path / "feed.jsonld"
    doc = {"@context": "https://schema.org", "@graph": [claim_review(1), claim_review(2), {"@type": "Thing"}]}
    path.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    items = list(read_feed(str(path)))
    assert sum(isinstance(i, Review) for i in items) == 2
    assert sum(isinstance(i, FeedProblem) for i in items) == 1


def test_one_line_graph_document_and_array(tmp_path):
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"@context": "https://schema.org", "@graph": [claim_review(1)]}), encoding="utf-8")
    assert [i.url for i in read_feed(str(one))] == ["https://checks.example/1"]
    arr = tmp_path / "arr.json"
    arr.write_text(json.dumps([claim_review(1), claim_review(2)], indent=2), encoding="utf-8")
    assert len([i for i in read_feed(str(arr)) if isinstance(i, Review)]) == 2


def test_large_document_is_streamed_element_by_element(tmp_path, monkeypatch):
    """Past SMALL_DOCUMENT the document is never decoded whole: the same reviews come
    out, and a broken element is reported at its own line."""
    monkeypatch.setattr(feedmod, "SMALL_DOCUMENT", 64)
    monkeypatch.setattr(feedmod, "_CHUNK", 100)  # many chunk boundaries inside elements
    reviews = [claim_review(n) for n in range(40)]
    reviews[5] = {"@type": "Thing"}
    path = tmp_path / "big.jsonld"
    path.write_text(json.dumps({"@context": "https://schema.org", "name": "x", "@graph": reviews}, indent=1), encoding="utf-8")
    items = list(read_feed(str(path)))
    found = [i for i in items if isinstance(i, Review)]
    assert len(found) == 39 and found[-1].url == "https://checks.example/39"
    (problem,) = [i for i in items if isinstance(i, FeedProblem)]
    lines = path.read_text().splitlines()
    assert lines[problem.line - 1].strip() == "{", problem  # the line the bad element starts on
    assert '"@type": "Thing"' in lines[problem.line]


def test_truncated_large_document_reports_and_stops(tmp_path, monkeypatch):
    monkeypatch.setattr(feedmod, "SMALL_DOCUMENT", 64)
    text = json.dumps([claim_review(n) for n in range(5)], indent=1)
    path = tmp_path / "cut.json"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    items = list(read_feed(str(path)))
    assert isinstance(items[-1], FeedProblem) and "the rest of the feed is skipped" in items[-1].message
    assert any(isinstance(i, Review) for i in items)


def test_over_long_line_skipped_not_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(feedmod, "MAX_ITEM", 1000)
    path = tmp_path / "feed.jsonl"
    long = json.dumps(claim_review(1, claim="word " * 2000))
    path.write_text(long + "\n" + json.dumps(claim_review(2)) + "\n", encoding="utf-8")
    items = list(read_feed(str(path)))
    assert isinstance(items[0], FeedProblem) and items[0].line == 1 and "longer than" in items[0].message
    assert isinstance(items[1], Review) and items[1].url == "https://checks.example/2"


def test_unreadable_feeds_raise_feed_error(tmp_path):
    with pytest.raises(FeedError, match="cannot read"):
        list(read_feed(str(tmp_path / "missing.jsonl")))
    with pytest.raises(FeedError, match="not a regular file"):
        list(read_feed(str(tmp_path)))
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(FeedError, match="not a regular file"):
        list(read_feed(str(fifo)))


def test_not_a_feed(tmp_path):
    path = tmp_path / "feed.txt"
    path.write_text("hello\n", encoding="utf-8")
    (problem,) = list(read_feed(str(path)))
    assert isinstance(problem, FeedProblem) and problem.line == 1
