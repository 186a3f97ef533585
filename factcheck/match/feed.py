"""Feeds of other fact-checkers' reviews: schema.org ``ClaimReview`` objects, read streamed.

A feed is JSON Lines (one ``ClaimReview`` a line) or one JSON / JSON-LD document holding
them: an array, a ``{"@graph": [...]}`` (as ``factcheck export --format claimreview``
writes it), or one review. Either way it is read piece by piece: a feed of a gigabyte
never sits in memory whole, only one review (at most :data:`MAX_ITEM` bytes) at a time.

What is not a ``ClaimReview`` (not JSON, another ``@type``, no ``claimReviewed``) comes
out as a :class:`FeedProblem` with its line, never as an exception. No printing here.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import stat
import typing
from collections.abc import Iterator
from typing import Any, BinaryIO

import msgspec

#: The longest one review (a JSON Lines line, an element of a document) may be.
MAX_ITEM = 1 << 20
#: A document up to this size is decoded at once; a larger one element by element.
SMALL_DOCUMENT = 8 << 20
_CHUNK = 1 << 20
#: How much of one text field is kept (the rest of a 50,000-character "claim" is noise).
MAX_FIELD = 4000


class Review(msgspec.Struct, array_like=True, frozen=True):
    """One candidate: a review of a feed, or a claim of the tree (with its ``id``)."""

    claim: str
    url: str | None = None
    headline: str | None = None
    description: str | None = None
    claimant: str | None = None
    date: str | None = None
    rating: str | None = None
    publisher: str | None = None
    id: str | None = None  # a claim of this tree
    status: str | None = None  # a claim of this tree that is not published: its status


class FeedProblem(msgspec.Struct, array_like=True, frozen=True):
    path: str
    line: int
    message: str


class FeedError(Exception):
    """A feed that cannot be read at all (missing, a folder, a FIFO, not UTF-8 JSON)."""


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()[:MAX_FIELD]
    if isinstance(value, list):  # schema.org allows several values: the first text one
        return next((t for t in map(_text, value) if t), None)
    return None


def _name(value: Any) -> str | None:
    """The name of a Person / Organization (or a plain text, or the first of a list)."""
    if isinstance(value, list):
        return next((n for n in map(_name, value) if n), None)
    if isinstance(value, dict):
        return _text(value.get("name"))
    return _text(value)


def _is_claim_review(value: Any) -> bool:
    kind = value.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k.rsplit("/", 1)[-1] == "ClaimReview" for k in kinds)


def review_of(value: Any) -> Review | str:
    """The :class:`Review` a decoded JSON value holds, or why it is not a ClaimReview."""
    if not isinstance(value, dict):
        return f"not a ClaimReview: a JSON {type(value).__name__.replace('dict', 'object').replace('list', 'array')}"
    if not _is_claim_review(value):
        return f"not a ClaimReview: @type is {value.get('@type')!r}"[:200]
    claim = _text(value.get("claimReviewed"))
    if claim is None:
        return "not a ClaimReview: no claimReviewed text"
    item: dict = value["itemReviewed"] if isinstance(value.get("itemReviewed"), dict) else {}
    rating: dict = value["reviewRating"] if isinstance(value.get("reviewRating"), dict) else {}
    grade = _text(rating.get("alternateName")) or _text(rating.get("name"))
    if grade is None and isinstance(rating.get("ratingValue"), int | float | str) and not isinstance(rating.get("ratingValue"), bool):
        grade = str(rating["ratingValue"])[:40]
    url = _text(value.get("url"))
    return Review(
        claim=claim,
        url=url if url and len(url) <= 2000 else None,
        headline=_text(value.get("headline")) or _text(value.get("name")),
        description=_text(value.get("description")),
        claimant=_name(item.get("author")),
        date=_text(value.get("datePublished")) or _text(item.get("datePublished")),
        rating=grade,
        publisher=_name(value.get("author")) or _name(value.get("publisher")),
    )


def open_feed(path: str) -> io.BufferedReader:
    """A feed file opened for reading; :class:`FeedError` for what is not a regular, readable file."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise FeedError(f"{path}: cannot read the feed: {exc.strerror or exc}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise FeedError(f"{path}: not a regular file")
    os.set_blocking(fd, True)
    return typing.cast(io.BufferedReader, os.fdopen(fd, "rb", buffering=_CHUNK))


def read_feed(path: str) -> Iterator[Review | FeedProblem]:
    """Every review of the feed at ``path``, and a problem for each item that is not one."""
    with open_feed(path) as handle:
        head = handle.peek(_CHUNK)[:_CHUNK]
        start = head.lstrip()
        first = start[:1]
        newline = start.find(b"\n")
        one_line = start[: newline if newline >= 0 else len(start)]
        if first == b"{" and _decodes(one_line):
            yield from _json_lines(path, handle)
        elif first in (b"{", b"["):
            yield from _document(path, handle)
        elif not first:
            return
        else:
            yield FeedProblem(path, 1, "not a feed: expected JSON Lines of ClaimReview objects or a JSON-LD document")


def _decodes(line: bytes) -> bool:
    try:
        value = msgspec.json.decode(line)
    except msgspec.DecodeError:
        return False
    return isinstance(value, dict) and "@graph" not in value


def _lines(handle: BinaryIO) -> Iterator[bytes | None]:
    """The lines of a file, each without its newline; None for a line longer than
    :data:`MAX_ITEM` bytes (read past, never kept)."""
    while True:
        line = handle.readline(MAX_ITEM + 1)
        if not line:
            return
        if len(line) > MAX_ITEM and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = handle.readline(_CHUNK)
            yield None
            continue
        yield line.rstrip(b"\r\n")


def _json_lines(path: str, handle: BinaryIO) -> Iterator[Review | FeedProblem]:
    decode = msgspec.json.decode
    for number, line in enumerate(_lines(handle), 1):
        if line is None:
            yield FeedProblem(path, number, f"line longer than {MAX_ITEM // 1024} KiB: skipped")
            continue
        if not line.strip():
            continue
        try:
            value = decode(line)
        except msgspec.DecodeError as exc:
            yield FeedProblem(path, number, f"not JSON: {exc}")
            continue
        got = review_of(value)
        yield got if isinstance(got, Review) else FeedProblem(path, number, got)


def _document(path: str, handle: BinaryIO) -> Iterator[Review | FeedProblem]:
    head = handle.read(SMALL_DOCUMENT)
    more = handle.read(1)
    if not more:
        try:
            value = json.loads(head)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            line = getattr(exc, "lineno", 1)
            yield FeedProblem(path, line, f"not JSON: {getattr(exc, 'msg', exc)}")
            return
        items = value.get("@graph") if isinstance(value, dict) and "@graph" in value else value if isinstance(value, list) else [value]
        if not isinstance(items, list):
            yield FeedProblem(path, 1, "not a feed: @graph is not an array")
            return
        for item in items:
            got = review_of(item)
            yield got if isinstance(got, Review) else FeedProblem(path, 1, got)
        return
    yield from _ElementStream(path, head + more, handle).reviews()


class _ElementStream:
    """The elements of a large JSON document's review array, decoded one at a time:
    a top-level array, or the ``@graph`` array of a top-level object."""

    def __init__(self, path: str, head: bytes, handle: BinaryIO) -> None:
        self.path = path
        self.handle = handle
        self.decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self.buf = self.decoder.decode(head)
        self.pos = 0
        self.line = 1  # the line at self.mark: newlines are counted once, moving forward
        self.mark = 0
        self.json = json.JSONDecoder()

    def _fill(self) -> bool:
        chunk = self.handle.read(_CHUNK)
        if not chunk:
            return False
        self._where(self.pos)
        self.buf = self.buf[self.pos :] + self.decoder.decode(chunk)
        self.pos = self.mark = 0
        return True

    def _peek(self) -> str:
        """The next character that is not white space ('' at the end)."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return ""

    def _value(self) -> Any:
        """The JSON value at the position (reads on while it is cut off by the buffer's end)."""
        self._peek()
        while True:
            try:
                value, end = self.json.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if len(self.buf) - self.pos > MAX_ITEM + _CHUNK or not self._fill():
                    raise _Broken(self._where(exc.pos), exc.msg) from None
                continue
            if end == len(self.buf) and self._fill():  # a number may go on in the next chunk
                continue
            self.pos = end
            return value

    def _where(self, pos: int) -> int:
        """The line of ``pos`` (at or after the last position asked about)."""
        if pos > self.mark:
            self.line += self.buf.count("\n", self.mark, pos)
            self.mark = pos
        return self.line

    def _expect(self, chars: str) -> str:
        got = self._peek()
        if got not in chars or not got:
            raise _Broken(self._where(self.pos), f"expected one of {' '.join(repr(c) for c in chars)}")
        self.pos += 1
        return got

    def reviews(self) -> Iterator[Review | FeedProblem]:
        try:
            if self._expect("[{") == "[":
                yield from self._array()
                return
            while True:
                if self._peek() == "}":
                    return
                key = self._value()
                self._expect(":")
                if key == "@graph" and self._peek() == "[":
                    self.pos += 1
                    yield from self._array()
                else:
                    self._value()
                if self._expect(",}") == "}":
                    return
        except _Broken as exc:
            yield FeedProblem(self.path, exc.line, f"not JSON: {exc.message}; the rest of the feed is skipped")
        except UnicodeDecodeError:
            yield FeedProblem(self.path, self._where(self.pos), "not UTF-8; the rest of the feed is skipped")

    def _array(self) -> Iterator[Review | FeedProblem]:
        if self._peek() == "]":
            self.pos += 1
            return
        while True:
            self._peek()
            line = self._where(self.pos)
            got = review_of(self._value())
            yield got if isinstance(got, Review) else FeedProblem(self.path, line, got)
            if self._expect(",]") == "]":
                return


class _Broken(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
