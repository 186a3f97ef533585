"""The cache of what checking each claim file found: data only, signed, never trusted blindly.

* Data only: msgpack through msgspec structs. Loading a cache can never run code.
* Signed: each cache file carries an HMAC-SHA256; the key lives outside the cache
  folder (``$XDG_STATE_HOME/factcheck/cache-key``, made on first use, mode 0600), so a
  cache folder copied in from elsewhere, edited or forged is ignored as a whole.
* Unchanged means unchanged: an entry is reused only when the file's mtime, size, inode
  *and* ctime all match (``touch -r`` after a same-size edit still changes ctime) and
  its article's text is the same.

Three caches per tree, each loaded only by the commands that need it: the problems,
with the line ``list`` shows of each claim (``validate``, ``list``), the review
screen's rows with their search texts, and the claims as JSON (``export``). The rows
are kept as a part file (:class:`PartWriter`), written as they come and signed after
each chunk.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path as FsPath
from typing import Any, Generic, TypeVar

import msgspec

FORMAT = 7
T = TypeVar("T")
MAGIC = b"factcheck-cache\n"
MAC_SIZE = 32


class Entry(msgspec.Struct, Generic[T], array_like=True):
    """What checking one claim file found, and what says the file is unchanged."""

    stat: tuple[int, int, int, int]  # mtime_ns, size, inode, ctime_ns (reading.FileStat)
    digest: bytes  # of the file's bytes, for the review screen's change checks (b"" when not needed)
    article: bytes  # digest of the article text the quote was checked against
    problems: list[tuple[str, int, int, str, str, str]]
    claim_id: str | None
    related: list[str]
    line: T  # what a listing shows of the claim (None: not a valid claim), or its msgpack (Raw)


class Extra(msgspec.Struct, Generic[T], array_like=True):
    """A row or the JSON of a claim, valid while its file has this signature."""

    stat: tuple[int, int, int, int]
    digest: bytes
    value: T


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def code_version() -> str:
    """Changes whenever the checking code changes, so stale results are not reused."""
    here = FsPath(__file__).parent
    parts = [str(FORMAT)]
    for name in sorted(os.listdir(here)):
        if name.endswith(".py"):
            st = os.stat(here / name)
            parts.append(f"{name}:{st.st_mtime_ns}:{st.st_size}")
    return "|".join(parts)


def cache_dir() -> FsPath:
    base = os.environ.get("FACTCHECK_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "factcheck"
    )
    return FsPath(base)


def key_path() -> FsPath:
    base = os.environ.get("FACTCHECK_STATE_DIR") or os.path.join(
        os.environ.get("XDG_STATE_HOME") or os.path.expanduser("~/.local/state"), "factcheck"
    )
    return FsPath(base) / "cache-key"


def _key() -> bytes | None:
    """The signing key, made on first use; None when it cannot be had (then nothing is cached)."""
    path = key_path()
    try:
        with open(path, "rb") as handle:
            key = handle.read()
        if len(key) >= 32:
            return key
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it meanwhile
        with contextlib.suppress(OSError), open(path, "rb") as handle:
            key = handle.read()
            return key if len(key) >= 32 else None
        return None
    except OSError:
        return None
    key = os.urandom(32)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key


def path_for(roots: Iterable[str], kind: str) -> FsPath:
    key = hashlib.sha1("\0".join(sorted(os.path.abspath(r) for r in roots)).encode()).hexdigest()[:16]
    return cache_dir() / f"{kind}-{key}.msgpack"


#: An entry of None (a file that had nothing to cache) is left out when loading.
_TYPES = {"validate": dict[str, Entry], "rows": dict[str, Extra | None], "data": dict[str, Extra | None]}


def _typed(kind: str, value: Any) -> Any:
    return dict[str, Entry[value]] if kind == "validate" else dict[str, Extra[value] | None]


def _signer(key: bytes, version: str) -> hmac.HMAC:
    """The MAC of a cache file's body, for this code version; fed with :meth:`update`."""
    return hmac.new(key, version.encode() + b"\0", hashlib.sha256)  # SHA-256: in hardware on most CPUs


def _mac(key: bytes, version: str, body: bytes | memoryview) -> bytes:
    mac = _signer(key, version)
    mac.update(body)
    return mac.digest()


def _signed_body(path: FsPath, magic: bytes, key: bytes, version: str) -> memoryview | None:
    """The body of a cache file that starts with ``magic`` and whose signature holds, else None."""
    try:
        with open(path, "rb") as handle:
            blob = handle.read()
    except OSError:
        return None
    size = len(magic) + MAC_SIZE
    if not blob.startswith(magic) or len(blob) < size:
        return None
    body = memoryview(blob)[size:]
    return body if hmac.compare_digest(blob[len(magic) : size], _mac(key, version, body)) else None


def load(path: FsPath, kind: str, version: str, value: Any = None) -> dict:
    """The entries of a cache file, or {} for a missing, foreign, stale, corrupt or forged one.

    ``value``: the type of each :class:`Extra`'s value (or of each :class:`Entry`'s line),
    decoded as such (a row as its named tuple, say) instead of as plain data.
    """
    key = _key()
    body = _signed_body(path, MAGIC, key, version) if key is not None else None
    if body is None:
        return {}
    try:
        entries: dict = msgspec.msgpack.decode(body, type=_TYPES[kind] if value is None else _typed(kind, value))
    except (msgspec.DecodeError, msgspec.ValidationError):
        return {}
    return entries if kind == "validate" else {path: extra for path, extra in entries.items() if extra is not None}


def save(path: FsPath, kind: str, version: str, entries: dict) -> None:
    """Write ``entries`` (values of the kind's type, or already encoded as ``msgspec.Raw``)."""
    key = _key()
    if key is None:
        return
    body = msgspec.msgpack.encode(entries)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".cache-", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(MAGIC + _mac(key, version, body))
            handle.write(body)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(tmp)
        # a cache that cannot be written only costs time


#: The first bytes of a part file (:class:`PartWriter`); a whole cache file starts with MAGIC.
PART_MAGIC = b"factcheck-parts\n"
_LENGTH = 4  # bytes of each chunk's length


def part_path(base: FsPath, token: str) -> FsPath:
    """This process's part of the cache ``base`` (a path from :func:`path_for`) in the run ``token``."""
    return base.with_name(f"{base.stem}.{token}-{os.getpid()}.part")


def _parts(base: FsPath) -> list[FsPath]:
    """The part files of the cache ``base``, oldest first."""
    found = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(base.parent):
            if entry.name.startswith(base.stem + ".") and entry.name.endswith(".part"):
                with contextlib.suppress(OSError):
                    found.append((entry.stat().st_mtime_ns, entry.name))
    return [base.with_name(name) for _, name in sorted(found)]


class PartWriter:
    """A part of a cache kept in parts (the review screen's rows), written by one process.

    Written chunk by chunk (a 4-byte length, then a msgpack map) and signed again after
    each chunk, over every chunk so far: the file is a whole, signed cache after every
    :meth:`add`, and one cut off midway is ignored as a whole (its signature no longer
    matches). Each value is already encoded, or None for a file with nothing to cache.
    """

    def __init__(self, path: FsPath, version: str):
        self.path = path
        self._fd: int | None = None
        key = _key()
        if key is None:
            return
        self._mac = _signer(key, version)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
            self._write_all(PART_MAGIC + self._mac.digest())
        except OSError:
            self.close()

    def _write_all(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view) :]  # type: ignore[arg-type]

    def add(self, items: Iterable[tuple[str, bytes | None]]) -> None:
        if self._fd is None:
            return
        parts = []
        for path, value in items:
            if value is not None:
                parts.append(_KEY_ENCODER.encode(path))
                parts.append(value)
        if not parts:
            return
        body = b"\xdf" + (len(parts) // 2).to_bytes(4, "big") + b"".join(parts)  # a msgpack map
        chunk = len(body).to_bytes(_LENGTH, "big") + body
        try:
            self._write_all(chunk)
            self._mac.update(chunk)
            os.pwrite(self._fd, self._mac.digest(), len(PART_MAGIC))
        except OSError:
            self.discard()

    def close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None

    def discard(self) -> None:
        self.close()
        with contextlib.suppress(OSError):
            os.unlink(self.path)


def load_parts(base: FsPath, kind: str, version: str, value: Any = None) -> dict:
    """The entries of every part of the cache ``base`` that is whole and signed (a newer
    part's entry wins over an older one's); entries of None are left out."""
    key = _key()
    if key is None:
        return {}
    decoder: msgspec.msgpack.Decoder[dict] = msgspec.msgpack.Decoder(_TYPES[kind] if value is None else _typed(kind, value))
    out: dict = {}
    for path in _parts(base):
        body = _signed_body(path, PART_MAGIC, key, version)
        if body is None:
            continue
        entries: dict = {}
        at = 0
        try:
            while at < len(body):
                length = int.from_bytes(body[at : at + _LENGTH], "big")
                if length == 0 or at + _LENGTH + length > len(body):
                    raise msgspec.DecodeError("a chunk runs past the end")
                entries.update(decoder.decode(body[at + _LENGTH : at + _LENGTH + length]))
                at += _LENGTH + length
        except (msgspec.DecodeError, msgspec.ValidationError):
            continue
        out.update(entries)
    return {path: extra for path, extra in out.items() if extra is not None}


def clear_parts(base: FsPath, keep: str) -> None:
    """Remove the parts of the cache ``base`` but those of the run ``keep`` (and a whole-file
    cache of the same name, from an older format)."""
    for path in [base, *_parts(base)]:
        if f".{keep}-" not in path.name:
            with contextlib.suppress(OSError):
                path.unlink()


_KEY_ENCODER = msgspec.msgpack.Encoder()
