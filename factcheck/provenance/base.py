"""``validate --base``: published claims deleted, or changed without a correction, since a revision."""

from __future__ import annotations

import os

from factcheck.convert import FieldError
from factcheck.model import Claim, Status
from factcheck.problems import Problem
from factcheck.provenance.diff import added_corrections, removed_sources, word
from factcheck.provenance.git import Repo
from factcheck.provenance.revisions import Version, by_id, claims_at, claims_now
from factcheck.store import ARTICLE_FILE
from factcheck.yaml.positions import locate_all


def check_against_base(paths: list[str], rev: str) -> list[Problem]:
    """Published claims (at ``rev``) deleted, or changed without a correction, now."""
    if not paths:
        return []
    repo = Repo.of(paths[0])
    commit = repo.commit(rev)
    given = {repo.rel(p): p for p in paths}
    before = claims_at(repo, commit, given)
    now = claims_now(repo, paths)
    now_ids = by_id(now)
    problems: list[Problem] = []
    for rel, old in sorted(before.items()):
        if old.claim is None or old.claim.status is not Status.PUBLISHED:
            continue
        found = now.get(rel) or now_ids.get(old.claim.id, (None, None))[1]
        if found is None:
            problems.append(_deleted(old.claim, _shown(rel, given), rev))
        elif found.claim is not None:
            problems += _uncorrected(found, old.claim)
    return problems


def _shown(rel: str, given: dict[str, str]) -> str:
    """A repository-relative path written the way the user wrote the path it is under."""
    for prefix, path in given.items():
        if prefix == ".":
            return os.path.join(path, rel)
        if rel == prefix:
            return path
        if rel.startswith(prefix + "/"):
            return os.path.join(path, rel[len(prefix) + 1:])
    return rel


def _deleted(claim: Claim, path: str, rev: str) -> Problem:
    article = os.path.join(os.path.dirname(path), ARTICLE_FILE)
    at = article if os.path.exists(article) else path
    message = (
        f"published claim {claim.id!r} ({os.path.basename(path)}) was deleted since {rev}; "
        "a published claim is corrected, not removed"
    )
    return Problem(at, 1, 1, "published-deleted", message)


def _uncorrected(now: Version, before: Claim) -> list[Problem]:
    after = now.claim
    if after is None or added_corrections(before, after):
        return []
    findings = []
    if after.status is not Status.PUBLISHED:
        findings.append(FieldError(
            "correction-missing",
            f"a published claim was moved back to {after.status.value} without a new entry in corrections",
            ("status",), at_key=True,
        ))
    if after.verdict != before.verdict:
        findings.append(FieldError(
            "correction-missing",
            f"verdict of a published claim changed ({word(before.verdict)} → {word(after.verdict)}) "
            "without a new entry in corrections",
            ("verdict",), at_key=True,
        ))
    lost = removed_sources(before, after)
    if lost:
        urls = ", ".join(s.url for s in lost)
        findings.append(FieldError(
            "correction-missing",
            f"source{'s' if len(lost) > 1 else ''} {urls} removed from a published claim "
            "without a new entry in corrections",
            ("sources",), at_key=True,
        ))
    return locate_all(now.path, now.raw, findings) if findings else []
