"""``factcheck log``: a claim's recorded history merged with the commits of its file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from factcheck.present import describe_entry
from factcheck.provenance.git import Commit, file_history
from factcheck.store import ClaimRecord


def _when(at: dt.datetime) -> str:
    return at.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M")


def commit_line(commit: Commit) -> str:
    return f"{_when(commit.when)}  {commit.author}: commit {commit.short} — {commit.subject}"


def claim_log(record: ClaimRecord) -> Iterator[str]:
    """One timeline, oldest first: history entries and the commits of the claim's file."""
    history = file_history(record.path)
    claim = record.claim
    if claim is None:
        yield "(the file cannot be read as a claim, run factcheck validate; showing git history only)"
    if history.remark:
        yield history.remark
    events = [(e.at, describe_entry(e)) for e in (claim.history if claim else [])]
    events += [(c.when, commit_line(c)) for c in history.commits]
    # A stable sort: at the same time, the history entry comes before its commit.
    for _, line in sorted(events, key=lambda event: event[0]):
        yield line
    if history.dirty:
        yield "(and changes to the file not committed yet)"
