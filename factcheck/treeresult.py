"""What a run of :func:`factcheck.validate.check_tree` works with and returns: one file
as checked, what the run wants of each file, and the tree's result. No I/O here."""

from __future__ import annotations

import threading

import attrs

from factcheck.fsio import FileStat
from factcheck.model import Claim
from factcheck.problems import Problem
from factcheck.reading import ArticleRecord, FileResult, Want
from factcheck.rows import ClaimRow, ListLine


@attrs.frozen
class Checked:
    """One claim file as checked: the result, and what says its bytes are unchanged.

    ``row_entry``: its list row as an entry of the rows cache, already encoded (where it
    was checked, so that this process only copies it into the cache file). ``kept``: its
    problems as the validate cache keeps them (None: one is about another file, and the
    result is not cached), made where it was checked too.
    """

    result: FileResult
    stat: FileStat | None
    digest: bytes
    row_entry: bytes = b""
    kept: list[tuple[int, int, str, str, str]] | None = None


@attrs.frozen
class Job:
    """What one run wants from each file besides its problems."""

    want: Want
    rows_back: bool  # the rows, as objects, for the caller
    row_entries: bool  # the rows, encoded for the cache


@attrs.define
class TreeResult:
    problems: list[Problem]
    files: int
    parsed: int
    articles: dict[str, ArticleRecord]
    claims: dict[str, Claim | None]
    rows: dict[str, ClaimRow | None] = attrs.field(factory=dict)
    signatures: dict[str, tuple[FileStat | None, bytes]] = attrs.field(factory=dict)
    data: dict[str, bytes | None] = attrs.field(factory=dict)
    lines: dict[str, ListLine | None] = attrs.field(factory=dict)  # what a listing shows of each claim file (check_tree(lines=True))
    fast: int = 0  # files read by the fast path
    strict: int = 0  # files read by the strict reader
    saving: threading.Thread | None = None  # writing the caches, for check_tree(wait=False)

    def wait_saved(self) -> None:
        """Return once the caches of this run are written."""
        if self.saving is not None:
            self.saving.join()
