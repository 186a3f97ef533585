"""Git access: the work tree a path is in, files and bytes at a commit, a file's commits.

Git runs as a subprocess with a timeout; anything that goes wrong is a
:class:`BaseError` with a plain message, never a traceback. Nothing here knows what a
claim is.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Iterable

import attrs

GIT_TIMEOUT = 30.0


class BaseError(Exception):
    """A git repository or revision that cannot be used; the message says why."""


# -- running git --------------------------------------------------------------------------


def _run_git(args: list[str], cwd: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """Run git; BaseError only when git cannot run at all (missing, timed out).

    Paths are given as they are: ``--literal-pathspecs`` turns off glob magic.
    """
    try:
        return subprocess.run(
            ["git", "--literal-pathspecs", *args], cwd=cwd, input=stdin, capture_output=True, timeout=GIT_TIMEOUT
        )
    except FileNotFoundError:
        raise BaseError("git is not installed or not on PATH") from None
    except subprocess.TimeoutExpired:
        raise BaseError(f"git {args[0]} did not finish within {GIT_TIMEOUT:g} s") from None
    except OSError as exc:
        raise BaseError(f"cannot run git: {exc.strerror or exc}") from None


def _git_message(proc: subprocess.CompletedProcess) -> str:
    lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[0].removeprefix("fatal: ") if lines else f"exit status {proc.returncode}"


def _existing_folder(path: str) -> str:
    """The folder git should run in for ``path``: itself, or its nearest existing parent."""
    folder = os.path.abspath(path)
    while not os.path.isdir(folder):
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return folder


@attrs.frozen
class Repo:
    """A git work tree, found from a path inside it."""

    top: str

    @classmethod
    def of(cls, path: str | os.PathLike) -> "Repo":
        path = os.fspath(path)
        proc = _run_git(["rev-parse", "--show-toplevel"], _existing_folder(path))
        if proc.returncode != 0:
            raise BaseError(f"not in a git repository: {path}")
        return cls(proc.stdout.decode("utf-8", "replace").strip())

    def git(self, *args: str, stdin: bytes | None = None) -> bytes:
        proc = _run_git(list(args), self.top, stdin)
        if proc.returncode != 0:
            raise BaseError(f"git {args[0]} failed: {_git_message(proc)}")
        return proc.stdout

    def rel(self, path: str | os.PathLike) -> str:
        """``path`` relative to the top of the work tree, with forward slashes."""
        rel = os.path.relpath(os.path.realpath(path), os.path.realpath(self.top))
        if rel == os.pardir or rel.startswith(os.pardir + os.sep):
            raise BaseError(f"{os.fspath(path)} is outside the git repository at {self.top}")
        return rel.replace(os.sep, "/")

    def commit(self, rev: str) -> str:
        """The full hash of the commit ``rev`` names."""
        if not rev or rev.startswith("-"):
            raise BaseError(f"unknown git revision {rev!r}")
        proc = _run_git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], self.top)
        if proc.returncode != 0:
            raise BaseError(f"unknown git revision {rev!r}")
        return proc.stdout.decode().strip()

    def short(self, commit: str) -> str:
        return self.git("rev-parse", "--short", commit).decode().strip()

    def files(self, commit: str, rels: Iterable[str]) -> list[str]:
        """Files of ``commit`` under the given repository-relative paths."""
        out = self.git("ls-tree", "-r", "-z", "--name-only", commit, "--", *rels)
        return [name for name in out.decode("utf-8", "replace").split("\0") if name]

    def blobs(self, commit: str, files: list[str]) -> dict[str, bytes]:
        """The bytes of each file at ``commit`` (one ``git cat-file --batch`` for all)."""
        if not files:
            return {}
        out = self.git("cat-file", "--batch", stdin="".join(f"{commit}:{f}\n" for f in files).encode())
        blobs: dict[str, bytes] = {}
        pos = 0
        for name in files:
            end = out.index(b"\n", pos)
            header, pos = out[pos:end], end + 1
            if header.endswith(b" missing"):
                continue
            size = int(header.rsplit(b" ", 1)[1])
            blobs[name], pos = out[pos:pos + size], pos + size + 1
        return blobs


#: Git's empty tree: the base before a repository's first commit.
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
MAIN_BRANCHES = ("main", "master")


def _out(repo: Repo, *args: str) -> str | None:
    """What git prints, stripped; None when it fails."""
    proc = _run_git(list(args), repo.top)
    if proc.returncode != 0:
        return None
    return proc.stdout.decode("utf-8", "replace").strip() or None


def default_base(repo: Repo, rel: str = ".") -> tuple[str, str]:
    """(label, commit) of what ``factcheck diff`` compares with when no base is named.

    On a branch: its merge base with main, else with master. On main or master itself
    (where that merge base is HEAD, so nothing committed would show), or with neither:
    the merge base with the branch's upstream, else the commit before the last one that
    changed ``rel`` (git's empty tree when that is the first commit). The label says which.
    """
    branch = _out(repo, "symbolic-ref", "--short", "-q", "HEAD")
    if branch not in MAIN_BRANCHES:
        for main in MAIN_BRANCHES:
            found = _out(repo, "merge-base", "HEAD", main)
            if found:
                return f"the merge base with {main}", found
    upstream = _out(repo, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}")
    found = _out(repo, "merge-base", "HEAD", upstream) if upstream else None
    if upstream and found:
        return f"the upstream branch {upstream}", found
    where = "the repository" if rel == "." else f"{rel}/"
    last = _out(repo, "log", "-1", "--format=%H", "--", rel)
    if last:
        parent = _out(repo, "rev-parse", "--verify", "-q", f"{last}^")
        if parent:
            return f"the commit before {repo.short(last)}, the last commit that changed {where}", parent
        return f"nothing: {repo.short(last)}, the last commit that changed {where}, is the first commit", EMPTY_TREE
    raise BaseError(
        f"no base to compare with: no main or master branch to compare with, no upstream, and no commit changed {where} yet; "
        "name a revision, e.g. factcheck diff HEAD~1"
    )


# -- the commits of a file ------------------------------------------------------------------


@attrs.frozen
class Commit:
    short: str
    author: str
    when: dt.datetime
    subject: str


@attrs.frozen
class FileHistory:
    """The commits that touched a file, oldest first, or why there are none."""

    commits: list[Commit]
    remark: str | None = None  # why git history is missing
    dirty: bool = False  # the working tree holds changes not committed yet


def file_history(path: str) -> FileHistory:
    """The git history of ``path``, following renames."""
    try:
        repo = Repo.of(path)
        rel = repo.rel(path)
        out = repo.git("log", "--follow", "--no-show-signature", "-z", "--format=%h%x1f%an%x1f%aI%x1f%s", "--", rel)
        dirty = bool(repo.git("status", "--porcelain", "--", rel).strip())
    except BaseError as exc:
        return FileHistory([], f"({exc}; showing the recorded history only)")
    commits = []
    for entry in out.decode("utf-8", "replace").split("\0"):
        fields = entry.strip("\n").split("\x1f")
        if len(fields) == 4:
            short, author, when, subject = fields
            commits.append(Commit(short, author, dt.datetime.fromisoformat(when), subject))
    if not commits:
        return FileHistory([], "(no commit has this file yet; showing the recorded history only)")
    return FileHistory(commits[::-1], None, dirty)
