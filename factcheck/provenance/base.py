"""``validate --base``: published claims deleted, or changed without a correction, since a revision."""

from __future__ import annotations

import os

from factcheck.convert import FieldError
from factcheck.model import Claim
from factcheck.problems import Problem
from factcheck.provenance.git import Repo
from factcheck.provenance.revisions import Version, by_id, claims_at, claims_now
from factcheck.store import ARTICLE_FILE
from factcheck.workflow import is_public, uncorrected
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
        if old.claim is None or not is_public(old.claim.status):
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
    """What the published claim ``before`` became in ``now`` that the workflow's correction table does not allow."""
    after = now.claim
    if after is None:
        return []
    found = uncorrected(before, after)
    findings = [FieldError("correction-missing", f.message, f.path, at_key=True) for f in found]
    return locate_all(now.path, now.raw, findings) if findings else []
