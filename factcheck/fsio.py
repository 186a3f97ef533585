"""Files read and written safely: a claim file's bytes without following it out of the tree
or blocking on a FIFO (:func:`read_file`), a folder's write lock (:func:`folder_lock`),
and atomic replacement or creation (:func:`replace_unchanged`, :func:`write_atomic`,
:func:`create_exclusive`).
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from typing import Iterator, NamedTuple

from factcheck.problems import Problem

#: The largest claim file read (and written).
MAX_BYTES = 1024 * 1024


class FileStat(NamedTuple):
    """What says a file is unchanged: a same-size edit with its mtime put back still changes ctime."""

    mtime_ns: int
    size: int
    ino: int
    ctime_ns: int

    def key(self) -> tuple[int, int, int, int]:
        return (self.mtime_ns, self.size, self.ino, self.ctime_ns)

    @classmethod
    def of(cls, st: os.stat_result) -> "FileStat":
        # tuple.__new__: the named tuple's own __new__ is Python code, and this runs for every file read
        return tuple.__new__(cls, (st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns))


_EUID = os.geteuid() if hasattr(os, "geteuid") else -1
_GROUPS = set(os.getgroups()) | {os.getegid()} if hasattr(os, "getgroups") else set()


def readable(st: os.stat_result) -> bool:
    """Whether this process may read a file, from its stat (no system call)."""
    if _EUID == 0 or _EUID == -1:
        return True
    if st.st_uid == _EUID:
        return bool(st.st_mode & stat.S_IRUSR)
    if st.st_gid in _GROUPS:
        return bool(st.st_mode & stat.S_IRGRP)
    return bool(st.st_mode & stat.S_IROTH)


def stat_or_none(path: str) -> os.stat_result | None:
    """``os.stat(path)``, or None when it cannot be looked at."""
    try:
        return os.stat(path)
    except OSError:
        return None


# -- reading ---------------------------------------------------------------------


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def read_file(path: str, limit: bool = True) -> tuple[bytes, FileStat] | Problem:
    """The bytes of a regular file and its signature, or the problem that stopped the read.

    Opened without blocking, so a FIFO put in place of a claim file cannot hang a run.
    Without ``limit`` a file over the size limit is read too (the writer reads one so
    that a change can make it smaller).
    """
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        return Problem(path, 1, 1, "unreadable", exc.strerror or str(exc))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return Problem(path, 1, 1, "not-a-file", "not a regular file (a FIFO, socket or device); it is not opened")
        if limit and st.st_size > MAX_BYTES:
            return Problem(path, 1, 1, "too-large", f"file is {st.st_size} bytes; claim files are at most 1 MiB")
        want = st.st_size + 1  # one byte more than its size: the end is seen in one read
        chunk = os.read(fd, want)
        if st.st_size <= len(chunk) < want:  # all of it, as its size says: no read just to see the end
            return chunk, FileStat.of(st)
        chunks = [chunk]  # it changed size meanwhile (or its size says nothing, as in /proc)
        while chunk:
            chunk = os.read(fd, 65536)
            chunks.append(chunk)
        return b"".join(chunks), FileStat.of(st)
    except OSError as exc:
        return Problem(path, 1, 1, "unreadable", exc.strerror or str(exc))
    finally:
        os.close(fd)


# -- writing ---------------------------------------------------------------------


class ConflictError(Exception):
    """The file changed on disk since it was read."""


#: Suffix of the temp files the writer makes next to a claim (hidden, and ignored by git).
TMP_SUFFIX = ".factcheck-tmp"


class LockTimeout(Exception):
    """Another process held a folder's write lock for too long."""


@contextlib.contextmanager
def folder_lock(folder: str, timeout: float) -> Iterator[None]:
    """Hold the write lock of a claim folder: one writer at a time checks and replaces a file.

    The lock is taken on the folder itself (``flock`` on its descriptor), so no lock
    file is left behind. While it is held no other writer is inside, so temp files
    found in the folder are left over from a writer that was killed: they are removed.
    """
    import fcntl

    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(f"{folder}: another factcheck process has been writing here for over {timeout:.0f} s; try again") from None
                time.sleep(0.01)
        with contextlib.suppress(OSError):
            for entry in os.scandir(folder):
                if entry.name.startswith(".") and entry.name.endswith(TMP_SUFFIX):
                    os.unlink(entry.path)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _temp_for(path: str) -> tuple[int, str]:
    import tempfile

    folder = os.path.dirname(os.path.abspath(path))
    return tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=TMP_SUFFIX, dir=folder)


def sync_folder(folder: str) -> None:
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _write_temp(path: str, data: bytes) -> str:
    fd, tmp = _temp_for(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def write_atomic(path: str, data: bytes) -> None:
    """Write to a temp file in the same folder, fsync, rename over ``path``."""
    tmp = _write_temp(path, data)
    try:
        if os.path.exists(path):
            os.chmod(tmp, os.stat(path).st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    sync_folder(os.path.dirname(os.path.abspath(path)))


def create_exclusive(path: str, data: bytes) -> None:
    """Write a new file with all its bytes at once; :class:`ConflictError` if ``path`` exists.

    The bytes go to a temp file first, which is then linked to ``path`` (a link never
    replaces an existing name), so no reader ever sees half a file and two creators
    of one name cannot both succeed.
    """
    tmp = _write_temp(path, data)
    try:
        os.chmod(tmp, 0o644)
        os.link(tmp, path)
    except FileExistsError:
        raise ConflictError(f"{path} already exists") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    sync_folder(os.path.dirname(os.path.abspath(path)))


#: Longer than any file system's timestamp step (FAT's is two seconds): a file whose ctime
#: was this much older than the moment it was read gets a new ctime from any later write.
SETTLED_NS = 3_000_000_000


class Seen(NamedTuple):
    """A file's bytes as read, with what says whether it changed since (see :func:`replace_unchanged`)."""

    raw: bytes
    stat: FileStat
    at_ns: int  # the wall clock just before the read


def read_seen(path: str, limit: bool = True) -> Seen | Problem:
    """:func:`read_file`, remembering when: what an edit reads and later replaces."""
    at_ns = time.time_ns()
    got = read_file(path, limit)
    if isinstance(got, Problem):
        return got
    return Seen(got[0], got[1], at_ns)


def unchanged(path: str, seen: Seen) -> bool:
    """Whether ``path`` still holds the bytes of ``seen``.

    Its stat alone answers when nothing about it moved and its ctime had settled before
    the read (a write since would have set a later ctime); otherwise the bytes are read
    and compared (a ``touch`` is no change; a write in the same clock tick as the one
    before the read is seen).
    """
    try:
        st = os.stat(path)
    except OSError:
        return False
    if FileStat.of(st) == seen.stat and seen.at_ns - seen.stat.ctime_ns > SETTLED_NS:
        return True
    try:
        with open(path, "rb") as handle:
            return handle.read() == seen.raw
    except OSError:
        return False


def replace_unchanged(path: str, seen: Seen, data: bytes) -> None:
    """Replace the file read as ``seen`` with ``data``, atomically.

    Call with the folder's lock held (:func:`folder_lock`). Refuses with
    :class:`ConflictError` when the file on disk is no longer the bytes that were read.
    """
    if not unchanged(path, seen):
        raise ConflictError(f"{path} changed on disk since it was read; reload it and make the change again")
    write_atomic(path, data)


def write_seen(path: str, seen: Seen | None, data: bytes) -> None:
    """Write ``data`` over the file as it was read (``seen``), or as a new file when there
    was none (``None``): :func:`create_exclusive` or :func:`replace_unchanged`, with the
    folder's lock held; :class:`ConflictError` if someone else got there first."""
    if seen is None:
        create_exclusive(path, data)
    else:
        replace_unchanged(path, seen, data)
