"""The cache of what checking each claim file found: data only, signed, never trusted blindly.

* Data only: msgpack through msgspec structs. Loading a cache can never run code.
* Signed: each cache file carries an HMAC-SHA256; the key lives outside the cache
  folder (``$XDG_STATE_HOME/factcheck/cache-key``, made on first use, mode 0600), so a
  cache folder copied in from elsewhere, edited or forged is ignored as a whole.
* Never waits, never reads without bound: a cache file that is not a regular file (a
  FIFO, a device, a symbolic link) or is larger than :data:`MAX_BYTES` is ignored, and
  the next save replaces it.
* Unchanged means unchanged: an entry is reused only when the file's mtime, size, inode
  *and* ctime all match (``touch -r`` after a same-size edit still changes ctime) and
  its article's text is the same.

Three caches per tree, each one signed file loaded only by the commands that need it:
the problems, with the line ``list`` shows of each claim (``validate``, ``list``), the
review screen's rows with their search texts, and the claims as JSON (``export``).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path as FsPath
from typing import Any, Generic, TypeVar

import msgspec

FORMAT = 8
T = TypeVar("T")
MAGIC = b"factcheck-cache\n"
MAC_SIZE = 32
#: The largest cache file read. The caches of the 20,000-claim bench tree are 12 MB
#: (validate) to about 60 MB (the claims as JSON); a file larger than this is not one
#: this code wrote for a tree it can check (a sparse file, say) and is ignored.
MAX_BYTES = 1 << 30
#: The signing key is 32 bytes; a key file larger than this is not one.
_KEY_BYTES = 4096


class Entry(msgspec.Struct, Generic[T], array_like=True):
    """What checking one claim file found, and what says the file is unchanged."""

    stat: tuple[int, int, int, int]  # mtime_ns, size, inode, ctime_ns (reading.FileStat)
    digest: bytes  # of the file's bytes, for the review screen's change checks (b"" when not needed)
    article: bytes  # digest of the article text the quote was checked against
    problems: list[tuple[int, int, str, str, str]]  # line, col, code, message, severity (the path is the entry's)
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


def read_regular(path: str | os.PathLike, limit: int = MAX_BYTES) -> bytes | None:
    """The bytes of the file at ``path`` if it is a regular file of at most ``limit``
    bytes, else None (missing, unreadable, a FIFO, a device, a symbolic link, too large).

    Never blocks: a FIFO is opened without waiting for a writer and then refused.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            return None
        chunks, left = [], st.st_size + 1  # one more byte: a file that grew meanwhile is seen
        while left > 0:
            chunk = os.read(fd, left)
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError:
        return None
    finally:
        os.close(fd)
    data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    return data if len(data) <= limit else None


def _key() -> bytes | None:
    """The signing key, made on first use; None when it cannot be had (then nothing is cached)."""
    path = key_path()
    key = read_regular(path, _KEY_BYTES)
    if key is not None and len(key) >= 32:
        return key
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it meanwhile (or it is not a file: no cache)
        key = read_regular(path, _KEY_BYTES)
        return key if key is not None and len(key) >= 32 else None
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
    blob = read_regular(path)
    if blob is None:
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


def load_value(path: FsPath, magic: bytes, version: str, type_: Any) -> Any | None:
    """The body of a signed cache file (written by :func:`encoded` with ``magic``) decoded as
    ``type_``, or None for a missing, foreign, stale, corrupt or forged one."""
    key = _key()
    body = _signed_body(path, magic, key, version) if key is not None else None
    if body is None:
        return None
    try:
        return msgspec.msgpack.decode(body, type=type_)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None


def encoded(path: FsPath, version: str, entries: Any, magic: bytes = MAGIC) -> Callable[[], None] | None:
    """Encode ``entries`` and open their temporary file now; what is returned signs and
    writes them (None: nothing is cached).

    The writing step is a few system calls and the signature, which release the
    interpreter's lock, so a caller may run it in a thread while it goes on with other
    work (a thread that needed the lock often would wait for it each time).
    """
    key = _key()
    if key is None:
        return None
    body = msgspec.msgpack.encode(entries)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = str(path.parent / f".cache-{os.getpid()}-{os.urandom(6).hex()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError:
        return None  # a cache that cannot be written only costs time

    def write() -> None:
        try:
            try:
                for part in (magic + _mac(key, version, body), body):
                    view = memoryview(part)
                    while view:
                        view = view[os.write(fd, view) :]
            finally:
                os.close(fd)
            os.replace(tmp, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)

    return write
