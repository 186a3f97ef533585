"""Where the evidence lives: the repository root and the evidence folder inside it.

The folder is ``evidence_dir`` of the config (``factcheck.toml`` or ``[tool.factcheck]``,
relative to the config's folder), by default ``evidence/`` beside the claims tree's
repository. It must stay inside the repository: a name with ``..``, an absolute path, or
a folder that is (or passes through) a symbolic link leading out is refused. Snapshot
paths in claim files are relative to the repository root (POSIX), e.g.
``evidence/<sha256>.warc.gz``. Problems are values; nothing here writes.
"""

from __future__ import annotations

import os
import posixpath
import re

import attrs

from factcheck.problems import Problem, did_you_mean
from factcheck.siteconfig import _line_of, is_http_url, read_config

DEFAULT_DIR = "evidence"
#: The Internet Archive's Save Page Now: ``<endpoint><url>`` asks it to save a page.
DEFAULT_SAVE_PAGE_NOW = "https://web.archive.org/save/"
ARCHIVE_KEYS = ("save_page_now",)
_PLAIN = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*$")


@attrs.frozen
class EvidenceFolder:
    """The repository root and the evidence folder in it (both real paths, links resolved)."""

    repo_root: str
    path: str
    relative: str  # the folder relative to the repository root, POSIX ("evidence")

    def file_path(self, relative: str) -> str:
        """The file system path of a snapshot path (relative to the repository root)."""
        return os.path.join(self.repo_root, *relative.split("/"))

    def holds(self, relative: str) -> bool:
        """Whether a snapshot path names a file of this folder (checked as text)."""
        return posixpath.dirname(relative) == self.relative


@attrs.frozen
class ArchiveSettings:
    folder: EvidenceFolder | None  # None: the configured folder is refused (see ``refusal``)
    refusal: str | None
    save_page_now: str = DEFAULT_SAVE_PAGE_NOW


def repo_root_of(claims_root: str) -> str:
    """The repository a claims tree belongs to: the config's folder or the git root above
    it, else the folder holding the claims tree."""
    folder = read_config(claims_root).folder
    if folder is not None:
        return os.path.realpath(folder)
    here = os.path.abspath(claims_root)
    return os.path.realpath(os.path.dirname(here) if os.path.isdir(here) else os.path.dirname(os.path.dirname(here)))


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def resolve_folder(repo_root: str, name: str) -> EvidenceFolder | str:
    """The evidence folder ``name`` (relative, POSIX) of the repository at ``repo_root``, or
    why it is refused. The folder need not exist yet; what of it exists must not lead out."""
    parts = name.strip("/").split("/") if name.strip("/") else []
    if name.startswith("/") or "\\" in name or not parts or not all(_PLAIN.match(p) for p in parts):
        return f"evidence_dir {name!r} must be a relative folder of plain names inside the repository (no '..', no leading '/')"
    root = os.path.realpath(repo_root)
    path = os.path.join(root, *parts)
    real = os.path.realpath(path)
    if not _within(real, root) or real != path:
        return f"the evidence folder {name} is a symbolic link (or passes through one) leading to {real}; it must be a folder of the repository"
    if os.path.lexists(path) and not os.path.isdir(path):
        return f"the evidence folder {name} is not a folder"
    return EvidenceFolder(root, path, "/".join(parts))


def settings(claims_root: str) -> tuple[ArchiveSettings, list[Problem]]:
    """The evidence folder and the Save Page Now endpoint for the claims tree at
    ``claims_root``, and what is wrong with the config's ``evidence_dir`` and ``[archive]``."""
    raw = read_config(claims_root)
    problems: list[Problem] = list(raw.problems)
    repo_root = repo_root_of(claims_root)
    name, endpoint = raw.data.get("evidence_dir", DEFAULT_DIR), DEFAULT_SAVE_PAGE_NOW
    if not isinstance(name, str):
        problems.append(Problem(raw.path or "", _line_of(raw.path or "", "evidence_dir"), 1, "config", "evidence_dir must be a folder name"))
        name = DEFAULT_DIR
    table = raw.data.get("archive", {})
    if not isinstance(table, dict):
        problems.append(Problem(raw.path or "", _line_of(raw.path or "", "archive"), 1, "config", "archive must be a table ([archive])"))
        table = {}
    for key, value in table.items():
        where = _line_of(raw.path or "", key)
        if key not in ARCHIVE_KEYS:
            problems.append(Problem(raw.path or "", where, 1, "config", f"unknown key {key!r} in [archive]{did_you_mean(key, ARCHIVE_KEYS)}"))
        elif not is_http_url(value):
            problems.append(Problem(raw.path or "", where, 1, "config", f"archive.{key} must be an http or https URL"))
        else:
            endpoint = value
    folder = resolve_folder(repo_root, name)
    if isinstance(folder, str):
        return ArchiveSettings(None, folder, endpoint), problems
    return ArchiveSettings(folder, None, endpoint), problems
