"""The output folder: a folder the build owns, written without following a symbolic link.

* Refused before anything is written: ``/``, the home folder, the repository root and
  the claims tree, any folder that holds one of them, and any folder inside the claims
  tree; a path that is a file, or a symbolic link to nothing.
* Owned: the build keeps a list of the files it wrote (:data:`MANIFEST`, in the output
  folder) and deletes only files on that list that it no longer makes. A folder that is
  not empty and has no such list is refused unless ``force``.
* Never followed: every file is opened, replaced and deleted relative to the
  descriptor of its folder, with ``O_NOFOLLOW``; ``claims/``, ``articles/`` or ``claimants/`` as a
  symbolic link (or anything but a folder) stops the build before it writes there.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from collections.abc import Iterable

#: The list of files the build wrote, in the output folder.
MANIFEST = ".factcheck-site.json"
MANIFEST_FORMAT = 1
#: The folders of the site's pages (the other pages lie at the top).
FOLDERS = ("claims", "articles", "claimants")
#: What a file the build writes is named: a manifest naming anything else is not ours.
_OWN_NAME = re.compile(r"(?:(?:claims|articles|claimants)/)?[^/\x00]+\.(?:html|xml|css)")
#: No page comes near this: a larger file in the output is replaced without being read.
_LARGEST = 64 << 20
_READ = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


class BuildError(Exception):
    """The build cannot start (bad options, a place it must not write) or cannot go on; one line."""


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _holds(outer: str, inner: str) -> bool:
    """Whether the folder ``outer`` is ``inner`` or lies above it (both real paths)."""
    return inner == outer or inner.startswith(outer.rstrip(os.sep) + os.sep)


def repo_root(start: str) -> str | None:
    """The repository holding ``start``: the first folder at or above it with a ``.git``."""
    here = start
    while True:
        if os.path.lexists(os.path.join(here, ".git")):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def check_place(out: str, root: str) -> str:
    """The real path of the output folder ``out`` for the claims tree at ``root``; raises
    :class:`BuildError` for a place the build must not own. Reads, never writes."""
    if os.path.islink(out) and not os.path.exists(out):
        raise BuildError(f"the output {out!r} is a symbolic link to nothing")
    if os.path.lexists(out) and not os.path.isdir(out):
        raise BuildError(f"the output {out!r} exists and is not a folder")
    real = os.path.realpath(out)
    real_root = os.path.realpath(root)
    home = os.path.realpath(os.path.expanduser("~"))
    places = [(os.sep, "the root folder"), (home, "the home folder"), (repo_root(real_root), "the repository"), (real_root, "the claims tree")]
    for place, name in places:
        if place is not None and _holds(real, place):
            what = name if real == place else f"a folder that holds {name} ({place})"
            raise BuildError(f"the output folder {out!r} is {what}; give the site a folder of its own, such as site/")
    if _holds(real_root, real):
        raise BuildError(f"the output folder {out!r} lies inside the claims tree; give the site a folder of its own, such as site/")
    return real


def _own_files(data: bytes | None) -> set[str] | None:
    """The files a manifest lists, or None if it is not a manifest of this build."""
    if data is None:
        return None
    try:
        manifest = json.loads(data)
        files = manifest["files"]
        ours = manifest["format"] == MANIFEST_FORMAT and isinstance(files, list)
    except (ValueError, KeyError, TypeError):
        return None
    if not ours:
        return None
    return {f for f in files if isinstance(f, str) and _OWN_NAME.fullmatch(f) and not f.startswith(".")}


class Output:
    """The output folder, opened once: pages are written and deleted through folder descriptors."""

    def __init__(self, path: str, fd: int, owned: set[str]):
        self.path = path
        self.fd = fd
        self.owned = owned  # what the earlier build wrote: the only files it may delete
        self.folders: dict[str, int] = {"": fd}

    @classmethod
    def open(cls, out: str, root: str, force: bool = False) -> "Output":
        """Check the place, make the folder, and claim it (see the module's notes)."""
        real = check_place(out, root)
        try:
            os.makedirs(real, exist_ok=True)
            fd = os.open(real, _FOLDER)
        except OSError as exc:
            raise BuildError(f"cannot make or open the output folder {out!r}: {_reason(exc)}") from None
        try:
            owned = _own_files(_read_at(fd, MANIFEST))
            if owned is None and not force and os.listdir(fd):
                raise BuildError(
                    f"the output folder {out!r} is not empty and was not made by factcheck build (no {MANIFEST}); "
                    "give an empty or new folder, or --force to build into it (its other files are kept)"
                )
            output = cls(out, fd, owned or set())
            if owned is None:
                output.save(())  # the folder is the build's from now on, even if this build stops halfway
            for name in FOLDERS:
                output.folders[name] = output._folder(name)
        except OSError as exc:
            os.close(fd)
            raise BuildError(f"cannot write in the output folder {out!r}: {_reason(exc)}") from None
        except BuildError:
            os.close(fd)
            raise
        return output

    def _folder(self, name: str) -> int:
        try:
            os.mkdir(name, 0o777, dir_fd=self.fd)
        except FileExistsError:
            pass
        try:
            return os.open(name, _FOLDER, dir_fd=self.fd)
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                raise BuildError(
                    f"{os.path.join(self.path, name)} is a symbolic link or not a folder; the build writes only into folders of its own"
                ) from None
            raise

    def close(self) -> None:
        for fd in set(self.folders.values()):
            os.close(fd)
        self.folders.clear()

    def _where(self, rel: str) -> tuple[int, str]:
        folder, _, name = rel.rpartition("/")
        return self.folders[folder], name

    def stat(self, rel: str) -> os.stat_result | None:
        """The file at ``rel`` itself (a symbolic link is not followed), or None."""
        fd, name = self._where(rel)
        try:
            return os.stat(name, dir_fd=fd, follow_symlinks=False)
        except OSError:
            return None

    def read(self, rel: str) -> bytes | None:
        """The bytes of the regular file at ``rel``, or None."""
        fd, name = self._where(rel)
        return _read_at(fd, name)

    def write(self, rel: str, data: bytes) -> os.stat_result:
        """Replace the file at ``rel`` with ``data`` (a new file renamed over it: a symbolic
        link there is replaced, never written through); its stat."""
        fd, name = self._where(rel)
        tmp = f".{name}.{os.getpid()}.tmp"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        try:
            handle = os.open(tmp, flags, 0o644, dir_fd=fd)
        except FileExistsError:  # left by a build that was killed (with this pid): never followed, replaced
            os.unlink(tmp, dir_fd=fd)
            handle = os.open(tmp, flags, 0o644, dir_fd=fd)
        try:
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(handle, view) :]
            finally:
                os.close(handle)
            os.replace(tmp, name, src_dir_fd=fd, dst_dir_fd=fd)
        except BaseException:
            try:
                os.unlink(tmp, dir_fd=fd)
            except OSError:
                pass
            raise
        return os.stat(name, dir_fd=fd, follow_symlinks=False)

    def remove_stale(self, kept: Iterable[str]) -> list[str]:
        """Delete the files the earlier build wrote that this one did not (and only those)."""
        removed = []
        for rel in sorted(self.owned.difference(kept)):
            fd, name = self.folders.get(rel.rpartition("/")[0], -1), rel.rpartition("/")[2]
            if fd < 0:
                continue
            try:
                os.unlink(name, dir_fd=fd)
            except FileNotFoundError:
                continue
            except OSError:  # a folder put there since, say: not the build's file
                continue
            removed.append(rel)
        return removed

    def save(self, files: Iterable[str]) -> None:
        """Record ``files`` as the build's (the list a later build may delete from)."""
        body = json.dumps({"format": MANIFEST_FORMAT, "generator": "factcheck build", "files": sorted(files)}, indent=0).encode("utf-8") + b"\n"
        if self.read(MANIFEST) != body:  # written only when it changes, as the pages are
            self.write(MANIFEST, body)


def _read_at(fd: int, name: str) -> bytes | None:
    """The bytes of the regular file ``name`` in the folder ``fd``, or None (never waits on a FIFO)."""
    try:
        handle = os.open(name, _READ, dir_fd=fd)
    except OSError:
        return None
    try:
        st = os.fstat(handle)
        if not stat.S_ISREG(st.st_mode) or st.st_size > _LARGEST:
            return None
        with os.fdopen(handle, "rb", closefd=False) as reader:
            return reader.read()
    except OSError:
        return None
    finally:
        os.close(handle)
