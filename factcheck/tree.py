"""Finding the files of a claims tree, safely: article folders and their claim files, with
symbolic links that lead out of the tree, FIFOs and other non-files reported and never
opened (:func:`discover`), or only the names of the claim files (:func:`claim_names`).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path as FsPath

import attrs

from factcheck.fsio import FileStat, readable
from factcheck.problems import Problem

ARTICLE_FILE = "article.yaml"
#: An article folder's dismissed sentences (:class:`factcheck.model.Dismissals`); not a claim.
DISMISSED_FILE = "dismissed.yaml"
#: A claims tree's claimant registry (:class:`factcheck.model.Claimants`), at the tree's
#: root, outside every article folder (in an article folder the name is a claim's).
CLAIMANTS_FILE = "claimants.yaml"
#: The names in an article folder that are not claim files.
NOT_CLAIMS = frozenset({ARTICLE_FILE, DISMISSED_FILE})



@attrs.frozen
class Tree:
    """The files of a claims tree: article folders, claim files, and what could not be looked at."""

    articles: dict[str, str]  # folder -> article.yaml path
    claims: list[str]  # claim file paths, sorted
    strays: list[str]  # claim-like files outside any article folder
    problems: list[Problem] = attrs.field(factory=list)  # symlinks out, non-files, unreadable folders
    stats: dict[str, FileStat] = attrs.field(factory=dict)  # as seen while looking
    unreadable: set[str] = attrs.field(factory=set)  # files whose mode says this process may not read them
    dismissals: dict[str, str] = attrs.field(factory=dict)  # folder -> dismissed.yaml path
    registries: list[str] = attrs.field(factory=list)  # claimants.yaml files outside article folders


def inside(path: str, roots: tuple[str, ...]) -> bool:
    """Whether ``path``, its links followed, is one of ``roots`` or inside one."""
    real = os.path.realpath(path)
    return any(real == root or real.startswith(root + os.sep) for root in roots)


def folder_of(path: str) -> str:
    """``os.path.dirname(path) or "."``, cheaper (it runs for every file of a tree)."""
    return path.rpartition(os.sep)[0] or "."


def _entry_problem(path: str, is_symlink: bool, mode: int | None, roots: tuple[str, ...]) -> Problem | None:
    if is_symlink and not inside(path, roots):
        return Problem(path, 1, 1, "symlink", "a symbolic link that leads out of the claims tree; it is not read")
    if mode is None:
        return Problem(path, 1, 1, "unreadable", "cannot be looked at (broken link or no permission)")
    if not stat.S_ISREG(mode):
        return Problem(path, 1, 1, "not-a-file", "not a regular file (a FIFO, socket or device); it is not opened")
    return None


def _scan(folder: str, roots: tuple[str, ...], articles: dict[str, str], yaml_files: list[str], problems: list[Problem], stats: dict, unreadable: set,
          dismissals: dict[str, str], look: bool = True) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError as exc:
        problems.append(Problem(folder, 1, 1, "unreadable", f"folder cannot be read: {exc.strerror or exc}"))
        return
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        if not look and name.endswith(".yaml") and name != ARTICLE_FILE and name != DISMISSED_FILE:
            try:
                if entry.is_file(follow_symlinks=False):  # the folder says: a regular file, not a link
                    yaml_files.append(entry.path)
                    continue
            except OSError:
                pass
        try:
            if entry.is_dir(follow_symlinks=False):
                _scan(entry.path, roots, articles, yaml_files, problems, stats, unreadable, dismissals, look)
                continue
        except OSError:
            pass
        if not name.endswith(".yaml"):
            continue
        st: os.stat_result | None = None
        try:
            is_link = entry.is_symlink()
            if not look and not is_link and entry.is_file(follow_symlinks=False):
                mode: int | None = stat.S_IFREG  # the directory says so: no stat needed
            else:
                st = entry.stat(follow_symlinks=True)
                mode = st.st_mode
        except OSError:
            is_link, mode = True, None
        problem = _entry_problem(entry.path, is_link, mode, roots)
        if problem is not None:
            problems.append(problem)
        elif name == ARTICLE_FILE:
            articles[folder] = entry.path
        elif name == DISMISSED_FILE:
            dismissals[folder] = entry.path
        else:
            yaml_files.append(entry.path)
            if st is not None:
                stats[entry.path] = FileStat.of(st)
                if not readable(st):
                    unreadable.add(entry.path)


def tree_root(path: str) -> str:
    """The claims tree a file or folder belongs to: the parent of its article folder, else the nearest ``claims/``."""
    here = os.path.abspath(path)
    folder = here if os.path.isdir(here) else os.path.dirname(here)
    if os.path.exists(os.path.join(folder, ARTICLE_FILE)):
        return os.path.dirname(folder)
    for candidate in (folder, *map(str, FsPath(folder).parents)):
        if os.path.basename(candidate) == "claims":
            return candidate
    return folder


def discover(paths: Iterable[str | os.PathLike], look: bool = True) -> Tree:
    """Find article folders and claim files under the given paths (files or folders).

    ``look=False``: a claim file that its folder lists as a regular file is not looked
    at (no ``stats``, not in ``unreadable``), for a run that has no cached results to
    compare with: reading each file looks at it then.
    """
    articles: dict[str, str] = {}
    yaml_files: list[str] = []
    problems: list[Problem] = []
    stats: dict[str, FileStat] = {}
    unreadable: set[str] = set()
    dismissals: dict[str, str] = {}
    for given in paths:
        path = os.fspath(given)
        roots = (os.path.realpath(tree_root(path)),)
        if os.path.isdir(path):
            _scan(path, roots, articles, yaml_files, problems, stats, unreadable, dismissals, look)
            continue
        try:
            st = os.stat(path)
        except OSError:
            if os.path.lexists(path):
                problems.append(Problem(path, 1, 1, "unreadable", "cannot be looked at (broken link or no permission)"))
            continue  # a missing path is reported by the caller
        problem = _entry_problem(path, os.path.islink(path), st.st_mode, roots)
        if problem is not None:
            problems.append(problem)
        elif os.path.basename(path) == ARTICLE_FILE:
            articles[os.path.dirname(path) or "."] = path
        elif os.path.basename(path) == DISMISSED_FILE:
            dismissals[os.path.dirname(path) or "."] = path
        else:
            yaml_files.append(path)
            stats[path] = FileStat.of(st)
            if not readable(st):
                unreadable.add(path)
            folder = os.path.dirname(path) or "."
            article = os.path.join(folder, ARTICLE_FILE)
            if os.path.isfile(article):
                articles.setdefault(folder, article)
    claims: list[str] = []
    strays: list[str] = []
    registries: list[str] = []
    for path in sorted(set(yaml_files)):
        if folder_of(path) in articles:
            claims.append(path)
        else:
            (registries if os.path.basename(path) == CLAIMANTS_FILE else strays).append(path)
    return Tree(articles=articles, claims=claims, strays=strays, problems=problems, stats=stats, unreadable=unreadable, dismissals=dismissals,
                registries=registries)


def claim_names(roots: Iterable[str]) -> list[str]:
    """Paths of the claim files of article folders under ``roots``: names only, nothing opened or looked at."""
    out: list[str] = []
    for root in roots:
        try:
            folders = [e.path for e in os.scandir(root) if e.is_dir(follow_symlinks=False) and not e.name.startswith(".")]
        except OSError:
            continue
        for folder in folders:
            try:
                names = os.listdir(folder)
            except OSError:
                continue
            if ARTICLE_FILE in names:
                out += [os.path.join(folder, n) for n in names if n.endswith(".yaml") and n not in NOT_CLAIMS and not n.startswith(".")]
    return out


def find_root(start: str | os.PathLike | None = None) -> FsPath | None:
    """The nearest ``claims/`` folder at or above ``start`` (default: the cwd)."""
    here = FsPath(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if folder.name == "claims" and folder.is_dir():
            return folder
        candidate = folder / "claims"
        if candidate.is_dir():
            return candidate
    return None
