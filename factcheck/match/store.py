"""The index of each feed, cached: data only, signed, rebuilt only when its feed changed.

One cache file per feed (``match-<digest of its path>.idx`` in the cache folder of
:mod:`factcheck.cache`), signed with the same key and helpers as the validation cache:

* data only: a msgpack header (the feed's path and signature, the skipped items, the
  arrays' types and sizes) and the raw bytes of the arrays, read with ``numpy.frombuffer``;
  loading a cache file never runs code (no pickle);
* signed: HMAC-SHA256 over the body, keyed outside the cache folder; a forged, edited,
  foreign or stale file is ignored and rebuilt;
* unchanged means unchanged: reused only while the feed's mtime, size, inode and ctime
  are those it was built from, and the code and weights are the same.

The claims of the tree are cached the same way, one segment per article folder
(:func:`load_keyed`, :func:`save_keyed`), under the digest of what the folder's claims
say: a change rebuilds the segment of its folder only.

A list of the feeds indexed (``match-feeds.msgpack``, signed too) lets a later run drop
the index of a feed file that no longer exists.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable
from pathlib import Path as FsPath

import msgspec
import numpy as np

from factcheck import cache
from factcheck.match.feed import FeedError, FeedProblem, open_feed, read_feed
from factcheck.match.index import WEIGHTS, Segment, Weights, build

FORMAT = 1
MAGIC = b"factcheck-match\n"
_ARRAYS = ("hashes", "starts", "docs", "tfs", "lengths", "offsets")


class Header(msgspec.Struct, array_like=True):
    source: str
    stat: tuple[int, int, int, int]
    problems: list[FeedProblem]
    arrays: list[tuple[str, str, int]]  # name, dtype, count
    meta: int  # bytes of the reviews' msgpack


def version(weights: Weights = WEIGHTS) -> str:
    """Changes with the matching code and the weights, so a stale index is not reused."""
    here = FsPath(__file__).parent
    parts = [f"match-{FORMAT}", repr(weights)]
    for name in sorted(os.listdir(here)):
        if name.endswith(".py"):
            st = os.stat(here / name)
            parts.append(f"{name}:{st.st_mtime_ns}:{st.st_size}")
    return "|".join(parts)


def path_for(feed: str) -> FsPath:
    return cache.cache_dir() / f"match-{hashlib.sha1(os.path.abspath(feed).encode()).hexdigest()[:16]}.idx"


def _signature(feed: str) -> tuple[int, int, int, int]:
    st = os.stat(feed)
    return (st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns)


def encode(segment: Segment, source: str, stat: tuple[int, int, int, int]) -> list[bytes | memoryview]:
    """The body of a segment's cache file, as parts to write one after the other."""
    arrays = segment.arrays()
    header = Header(source, stat, segment.problems, [(n, arrays[n].dtype.str, len(arrays[n])) for n in _ARRAYS], len(segment.meta))
    head = msgspec.msgpack.encode(header)
    parts: list[bytes | memoryview] = [len(head).to_bytes(8, "little"), head]
    parts += [np.ascontiguousarray(arrays[n]).data.cast("B") for n in _ARRAYS]
    parts.append(segment.meta)
    return parts


def decode(body: memoryview) -> tuple[Header, Segment] | None:
    """The header and segment of a verified body (None if it does not add up)."""
    try:
        size = int.from_bytes(body[:8], "little")
        header = msgspec.msgpack.decode(body[8 : 8 + size], type=Header)
        at = 8 + size
        arrays = {}
        for name, dtype, count in header.arrays:
            kind = np.dtype(dtype)
            if kind.hasobject or name not in _ARRAYS:
                return None
            arrays[name] = np.frombuffer(body, dtype=kind, count=count, offset=at)
            at += kind.itemsize * count
        meta = body[at : at + header.meta]
        if len(meta) != header.meta or at + header.meta != len(body):
            return None
    except (msgspec.DecodeError, msgspec.ValidationError, ValueError, TypeError):
        return None
    return header, Segment(meta=meta, problems=list(header.problems), **arrays)


def _write(path: FsPath, magic: bytes, key: bytes, ver: str, parts: list[bytes | memoryview]) -> None:
    """Sign and write a cache file atomically (a failure only costs time next run)."""
    mac = cache._signer(key, ver)
    for part in parts:
        mac.update(part)
    tmp = path.parent / f".match-{os.getpid()}-{os.urandom(6).hex()}.tmp"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(magic + mac.digest())
            for part in parts:
                handle.write(part)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def load_cached(feed: str, weights: Weights = WEIGHTS) -> Segment | None:
    """The cached index of ``feed`` if it was built from the feed as it is now, else None."""
    key = cache._key()
    if key is None:
        return None
    try:
        stat = _signature(feed)
    except OSError:
        return None
    body = cache._signed_body(path_for(feed), MAGIC, key, version(weights))
    got = decode(body) if body is not None else None
    if got is None or got[0].source != os.path.abspath(feed) or tuple(got[0].stat) != stat:
        return None
    return got[1]


def keyed_path(name: str) -> FsPath:
    return cache.cache_dir() / f"match-tree-{hashlib.sha1(name.encode()).hexdigest()[:16]}.idx"


def load_keyed(name: str, key: str, weights: Weights = WEIGHTS) -> Segment | None:
    """The cached segment saved as ``name`` if it was saved with ``key`` (a digest of what
    it holds), else None."""
    secret = cache._key()
    body = cache._signed_body(keyed_path(name), MAGIC, secret, version(weights)) if secret is not None else None
    got = decode(body) if body is not None else None
    if got is None or got[0].source != f"{name}\0{key}":
        return None
    return got[1]


def save_keyed(name: str, key: str, segment: Segment, weights: Weights = WEIGHTS) -> None:
    secret = cache._key()
    if secret is not None:
        _write(keyed_path(name), MAGIC, secret, version(weights), encode(segment, f"{name}\0{key}", (0, 0, 0, 0)))


def index_feed(feed: str, strict: bool = False, weights: Weights = WEIGHTS, progress: Callable[[str], None] | None = None) -> Segment:
    """The index of one feed: from the cache when the feed is unchanged, else built (and cached).

    ``strict``: the first item that is not a ClaimReview raises :class:`FeedError`
    (a cached index whose feed had such items raises too). Raises :class:`FeedError`
    for a feed that cannot be read.
    """
    segment = load_cached(feed, weights)
    if segment is None:
        with open_feed(feed) as handle:  # a missing feed or a FIFO is refused before anything is built
            stat = os.fstat(handle.fileno())
        if progress is not None:
            progress(feed)
        items = _refusing(read_feed(feed)) if strict else read_feed(feed)
        segment = _build(feed, items, stat.st_size, weights)
        signature = (stat.st_mtime_ns, stat.st_size, stat.st_ino, stat.st_ctime_ns)
        key = cache._key()
        if key is not None and _signature(feed) == signature:  # not cached if it changed while read
            _write(path_for(feed), MAGIC, key, version(weights), encode(segment, os.path.abspath(feed), signature))
    if strict and segment.problems:
        first = segment.problems[0]
        raise FeedError(f"{first.path}:{first.line}: {first.message} (--strict)")
    remember([feed])
    return segment


#: A feed at least this large is indexed on every core (:mod:`factcheck.match.parallel`).
PARALLEL_BYTES = 32 << 20


def _build(feed: str, items, size: int, weights: Weights) -> Segment:
    if size < PARALLEL_BYTES:
        return build(items, weights)
    from concurrent.futures.process import BrokenProcessPool

    from factcheck.match.parallel import build_parallel

    try:
        return build_parallel(items, weights)
    except (BrokenProcessPool, OSError) as exc:
        raise FeedError(f"{feed}: cannot index the feed: a helper process failed ({exc.__class__.__name__})") from None


def _refusing(items):
    for item in items:
        if isinstance(item, FeedProblem):
            raise FeedError(f"{item.path}:{item.line}: {item.message} (--strict)")
        yield item


# -- the feeds indexed, so that the index of a removed feed is dropped -------------------

_LIST_MAGIC = b"factcheck-match-feeds\n"


def _list_path() -> FsPath:
    return cache.cache_dir() / "match-feeds.msgpack"


def known_feeds() -> list[str]:
    key = cache._key()
    body = cache._signed_body(_list_path(), _LIST_MAGIC, key, f"match-feeds-{FORMAT}") if key else None
    if body is None:
        return []
    try:
        return msgspec.msgpack.decode(body, type=list[str])
    except (msgspec.DecodeError, msgspec.ValidationError):
        return []


def remember(feeds: list[str]) -> None:
    known = known_feeds()
    new = [os.path.abspath(f) for f in feeds if os.path.abspath(f) not in known]
    if new:
        _save_list(known + new)


def _save_list(feeds: list[str]) -> None:
    key = cache._key()
    if key is not None:
        _write(_list_path(), _LIST_MAGIC, key, f"match-feeds-{FORMAT}", [msgspec.msgpack.encode(sorted(feeds))])


def drop_removed() -> list[str]:
    """Delete the index of every feed indexed before whose file is gone; the feeds dropped."""
    known = known_feeds()
    gone = [f for f in known if not os.path.exists(f)]
    for feed in gone:
        with contextlib.suppress(OSError):
            os.unlink(path_for(feed))
    if gone:
        _save_list([f for f in known if f not in gone])
    return gone
