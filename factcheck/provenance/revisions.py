"""Claim files at a git revision and in the working tree, read the same way."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path as FsPath

import attrs

from factcheck.convert import FieldError
from factcheck.model import Claim, Dismissal, Dismissals
from factcheck.provenance.git import BaseError, Repo
from factcheck.store import NOT_CLAIMS, discover, read_record
from factcheck.tree import ARTICLE_FILE, CLAIMANTS_FILE, DISMISSED_FILE
from factcheck.yaml.fast import quiet_stderr


@attrs.frozen
class Version:
    """One claim file as it is (or was): where, its bytes, and the claim if it is valid."""

    path: str  # as shown to the user
    raw: bytes
    claim: Claim | None


def _no_rules(claim: Claim) -> list[FieldError]:
    return []


def read_claim(path: str, raw: bytes) -> Version:
    with quiet_stderr():
        claim, _, _ = read_record(path, raw, Claim, _no_rules)
    return Version(path, raw, claim)


def _is_claim_file(rel: str) -> bool:
    parts = rel.split("/")
    return rel.endswith(".yaml") and parts[-1] not in NOT_CLAIMS and not any(p.startswith(".") for p in parts)


def claims_at(repo: Repo, commit: str, rels: Iterable[str]) -> dict[str, Version]:
    """Claim files of ``commit`` under ``rels``, by repository-relative path."""
    listed = repo.files(commit, rels)
    articles = {f.rpartition("/")[0] for f in listed if f.rpartition("/")[2] == ARTICLE_FILE}
    # a claimant registry (claimants.yaml outside every article folder) is not a claim
    files = [f for f in listed if _is_claim_file(f) and (f.rpartition("/")[2] != CLAIMANTS_FILE or f.rpartition("/")[0] in articles)]
    return {rel: read_claim(rel, raw) for rel, raw in repo.blobs(commit, files).items()}


def claims_now(repo: Repo, paths: Iterable[str]) -> dict[str, Version]:
    """Claim files of the working tree under ``paths``, by repository-relative path."""
    tree = discover(paths)
    out: dict[str, Version] = {}
    for path in tree.claims + tree.strays:
        try:
            raw = FsPath(path).read_bytes()
        except OSError:  # there but unreadable: not a deletion (validate reports it)
            out[repo.rel(path)] = Version(path, b"", None)
            continue
        out[repo.rel(path)] = read_claim(path, raw)
    return out


def read_dismissals(path: str, raw: bytes) -> list[Dismissal] | None:
    """The entries of a dismissals file, or None when it is not a valid one."""
    with quiet_stderr():
        found, _, _ = read_record(path, raw, Dismissals, _no_rules)
    return list(found.dismissed) if found is not None else None


def _is_dismissals_file(rel: str) -> bool:
    parts = rel.split("/")
    return parts[-1] == DISMISSED_FILE and not any(p.startswith(".") for p in parts)


def dismissals_at(repo: Repo, commit: str, rels: Iterable[str]) -> dict[str, tuple[str, list[Dismissal] | None]]:
    """The dismissals files of ``commit`` under ``rels``: article folder -> (file, its entries or None)."""
    files = [f for f in repo.files(commit, rels) if _is_dismissals_file(f)]
    return {rel.rsplit("/", 1)[0]: (rel, read_dismissals(rel, raw)) for rel, raw in repo.blobs(commit, files).items()}


def dismissals_now(repo: Repo, paths: Iterable[str]) -> dict[str, tuple[str, list[Dismissal] | None]]:
    """The dismissals files of the working tree under ``paths``, as :func:`dismissals_at` gives them."""
    out: dict[str, tuple[str, list[Dismissal] | None]] = {}
    for path in discover(paths).dismissals.values():
        rel = repo.rel(path)
        try:
            raw = FsPath(path).read_bytes()
        except OSError:
            out[rel.rsplit("/", 1)[0]] = (rel, None)
            continue
        out[rel.rsplit("/", 1)[0]] = (rel, read_dismissals(path, raw))
    return out


def by_id(versions: dict[str, Version]) -> dict[str, tuple[str, Version]]:
    out: dict[str, tuple[str, Version]] = {}
    for rel, version in versions.items():
        if version.claim is not None:
            out.setdefault(version.claim.id, (rel, version))
    return out


def committed_claim(path: str | os.PathLike) -> Claim | None:
    """The claim in ``path`` as git's ``HEAD`` has it; None when it has none (not in a
    repository, not committed yet, or not a valid claim there)."""
    try:
        repo = Repo.of(path)
        raw = repo.blobs("HEAD", [repo.rel(path)])
    except (BaseError, ValueError):
        return None
    rel = repo.rel(path)
    return read_claim(rel, raw[rel]).claim if rel in raw else None
