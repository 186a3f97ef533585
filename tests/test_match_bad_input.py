"""Bad feeds: an item that is not a ClaimReview (reported with its line, refused with --strict),
and a feed of a gigabyte read as a stream (a generated one: nothing that size is written)."""

from __future__ import annotations

import io
import json

from test_match_cli import run, sentences
from test_match_feed import claim_review

from factcheck.match import feed as feedmod
from factcheck.match.feed import FeedProblem, Review, read_feed

GIGABYTE = 1 << 30


def test_json_line_of_another_type_is_reported_with_its_line_and_refused_with_strict(capsys, tmp_path):
    feed = tmp_path / "feed.jsonl"
    lines = [claim_review(1, claim="Hot water cures the flu"), {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "x"}]
    feed.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    asked = sentences(tmp_path, "hot water flu")
    code, out, err = run(capsys, "match", "--no-tree", "--sentences", asked, "--against", feed, "--format", "json")
    assert code == 0 and json.loads(out)[0]["matches"][0]["url"] == "https://checks.example/1"
    assert err.strip() == f"factcheck: {feed}:2: not a ClaimReview: @type is 'NewsArticle' (skipped)"
    code, out, err = run(capsys, "match", "--no-tree", "--sentences", asked, "--against", feed, "--strict")
    assert code == 1 and out == ""
    assert err.strip() == f"factcheck: {feed}:2: not a ClaimReview: @type is 'NewsArticle' (--strict)" and "Traceback" not in err


class Endless(io.RawIOBase):
    """A read-only stream of ``size`` bytes made as they are read: ``head``, then ``item``
    again and again; counts what was read."""

    def __init__(self, head: bytes, item: bytes, size: int = GIGABYTE):
        self.head, self.item, self.size, self.read_bytes = head, item, size, 0
        self.pending = head

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        want = min(len(buffer), self.size - self.read_bytes)
        out = bytearray()
        while len(out) < want:
            if not self.pending:
                self.pending = self.item
            take = self.pending[: want - len(out)]
            self.pending = self.pending[len(take):]
            out += take
        buffer[: len(out)] = out
        self.read_bytes += len(out)
        return len(out)


def streamed(monkeypatch, stream: Endless) -> None:
    monkeypatch.setattr(feedmod, "open_feed", lambda path: io.BufferedReader(stream, buffer_size=feedmod._CHUNK))


def test_a_gigabyte_of_json_lines_is_read_line_by_line(monkeypatch):
    stream = Endless(b"", json.dumps(claim_review(1)).encode() + b"\n")
    streamed(monkeypatch, stream)
    items = read_feed("a-gigabyte.jsonl")
    first = [next(items) for _ in range(5000)]
    assert all(isinstance(i, Review) for i in first)
    assert stream.read_bytes < 5000 * len(stream.item) + 2 * feedmod._CHUNK  # not the gigabyte: what was asked for, and a chunk or two


def test_a_gigabyte_json_ld_document_is_read_element_by_element(monkeypatch):
    element = json.dumps(claim_review(2)).encode() + b",\n"
    stream = Endless(b'{"@context": "https://schema.org",\n"@graph": [\n', element)
    streamed(monkeypatch, stream)
    items = read_feed("a-gigabyte.jsonld")
    first = [next(items) for _ in range(40_000)]  # past the part read at once to tell a small document
    assert all(isinstance(i, Review) for i in first) and not any(isinstance(i, FeedProblem) for i in first)
    assert stream.read_bytes < feedmod.SMALL_DOCUMENT + 40_000 * len(element) + 2 * feedmod.MAX_ITEM
    assert stream.read_bytes < GIGABYTE // 50
