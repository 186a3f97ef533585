"""Provenance: where a claim's record came from and what a change does to it.

* :func:`claim_log` -- a claim's recorded history merged with the git history of its file.
* :func:`check_against_base` -- the IFCN corrections rule against a git revision.
* :func:`record_diff` -- what a branch changes in the claim record, as a PR comment.
* :func:`check_links` -- sources without an archive copy, and dead links (never a
  non-public address: see :mod:`factcheck.netpolicy`).

Git runs as a subprocess with a timeout. Anything that goes wrong is a value (a
remark, a :class:`~factcheck.problems.Problem`) or a :class:`BaseError` with a plain
message, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import selectors
import socket
import ssl
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path as FsPath

import attrs

from factcheck import yamlio
from factcheck.convert import FieldError, unstructure
from factcheck.model import HTTP_URL_PATTERN, Claim, Correction, Quantity, Source, Status
from factcheck.netpolicy import Policy, Target, parse_target, redact, resolve
from factcheck.problems import Problem
from factcheck.rules import canonical_url
from factcheck.store import ARTICLE_FILE, NOT_CLAIMS, ClaimRecord, ClaimStore, discover, read_record
from factcheck.textsafe import escape_line

GIT_TIMEOUT = 30.0
#: Link checks that run at once (``factcheck links --jobs``).
LINK_JOBS = 4
MAX_REDIRECTS = 5
#: The most a link check reads of one response (status line and headers; the body is never read).
MAX_RESPONSE_BYTES = 64 * 1024
REDIRECTS = {301, 302, 303, 307, 308}
USER_AGENT = "Mozilla/5.0 (compatible; factcheck link check)"
#: HEAD answers after which a GET is tried: servers that refuse or do not implement HEAD.
RETRY_WITH_GET = {403, 405, 501}


class BaseError(Exception):
    """A git repository or revision that cannot be used; the message says why."""


# -- git --------------------------------------------------------------------------


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


# -- claims at a revision and now ---------------------------------------------------


@attrs.frozen
class Version:
    """One claim file as it is (or was): where, its bytes, and the claim if it is valid."""

    path: str  # as shown to the user
    raw: bytes
    claim: Claim | None


def _no_rules(claim: Claim) -> list[FieldError]:
    return []


def read_claim(path: str, raw: bytes) -> Version:
    with yamlio.quiet_stderr():
        claim, _, _ = read_record(path, raw, Claim, _no_rules)
    return Version(path, raw, claim)


def _is_claim_file(rel: str) -> bool:
    parts = rel.split("/")
    return rel.endswith(".yaml") and parts[-1] not in NOT_CLAIMS and not any(p.startswith(".") for p in parts)


def claims_at(repo: Repo, commit: str, rels: Iterable[str]) -> dict[str, Version]:
    """Claim files of ``commit`` under ``rels``, by repository-relative path."""
    files = [f for f in repo.files(commit, rels) if _is_claim_file(f)]
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


def _by_id(versions: dict[str, Version]) -> dict[str, tuple[str, Version]]:
    out: dict[str, tuple[str, Version]] = {}
    for rel, version in versions.items():
        if version.claim is not None:
            out.setdefault(version.claim.id, (rel, version))
    return out


def _word(value) -> str:
    return "none" if value is None else str(getattr(value, "value", value))


def removed_sources(before: Claim, after: Claim) -> list[Source]:
    kept = {canonical_url(s.url) for s in after.sources}
    return [s for s in before.sources if canonical_url(s.url) not in kept]


def added_sources(before: Claim, after: Claim) -> list[Source]:
    return removed_sources(after, before)


def added_corrections(before: Claim, after: Claim) -> list[Correction]:
    return [c for c in after.corrections if c not in before.corrections]


# -- validate --base ----------------------------------------------------------------


def check_against_base(paths: list[str], rev: str) -> list[Problem]:
    """Published claims (at ``rev``) deleted, or changed without a correction, now."""
    if not paths:
        return []
    repo = Repo.of(paths[0])
    commit = repo.commit(rev)
    given = {repo.rel(p): p for p in paths}
    before = claims_at(repo, commit, given)
    now = claims_now(repo, paths)
    now_ids = _by_id(now)
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
            f"verdict of a published claim changed ({_word(before.verdict)} → {_word(after.verdict)}) "
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
    return yamlio.locate_all(now.path, now.raw, findings) if findings else []


# -- factcheck log ------------------------------------------------------------------


@attrs.frozen
class Commit:
    short: str
    author: str
    when: dt.datetime
    subject: str

    def line(self) -> str:
        return f"{_when(self.when)}  {self.author}: commit {self.short} — {self.subject}"


def _when(at: dt.datetime) -> str:
    return at.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M")


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


def claim_log(record: ClaimRecord) -> Iterator[str]:
    """One timeline, oldest first: history entries and the commits of the claim's file."""
    from factcheck.present import describe_entry

    history = file_history(record.path)
    claim = record.claim
    if claim is None:
        yield "(the file cannot be read as a claim, run factcheck validate; showing git history only)"
    if history.remark:
        yield history.remark
    events = [(e.at, describe_entry(e)) for e in (claim.history if claim else [])]
    events += [(c.when, c.line()) for c in history.commits]
    # A stable sort: at the same time, the history entry comes before its commit.
    for _, line in sorted(events, key=lambda event: event[0]):
        yield line
    if history.dirty:
        yield "(and changes to the file not committed yet)"


# -- factcheck diff -----------------------------------------------------------------


@attrs.frozen
class ClaimChange:
    """What changed in one claim that exists before and after."""

    id: str
    path: str
    status: tuple[str, str] | None
    verdict: tuple[str, str] | None
    sources_added: list[Source]
    sources_removed: list[Source]
    corrections_added: list[Correction]
    history_added: int
    other: list[str]  # other keys that changed
    moved_from: str | None
    summary: str | None = None  # the new summary, when it changed
    quantities_added: list[Quantity] = attrs.field(factory=list)
    quantities_removed: list[Quantity] = attrs.field(factory=list)


@attrs.frozen
class RecordDiff:
    base: str
    commit: str
    added: list[tuple[str, Claim]]
    removed: list[tuple[str, Claim]]
    changed: list[ClaimChange]
    invalid: list[str]

    def counts(self) -> dict[str, int]:
        return {
            "claims_added": len(self.added),
            "claims_removed": len(self.removed),
            "claims_changed": len(self.changed),
            # The sources of new claims count as added; a removed claim counts as one removed claim.
            "sources_added": sum(len(c.sources_added) for c in self.changed) + sum(len(c.sources) for _, c in self.added),
            "sources_removed": sum(len(c.sources_removed) for c in self.changed),
            "corrections_added": sum(len(c.corrections_added) for c in self.changed),
        }

    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.invalid)


_SPECIAL = ("status", "verdict", "summary", "quantities", "sources", "corrections", "history")


def compare(rel: str, before: Claim, after: Claim, moved_from: str | None) -> ClaimChange:
    """The changes of one claim, field by field."""
    other = [a.name for a in attrs.fields(Claim) if a.name not in _SPECIAL and getattr(before, a.name) != getattr(after, a.name)]
    old_sources = {canonical_url(s.url): s for s in before.sources}
    if any(old_sources.get(canonical_url(s.url), s) != s for s in after.sources):
        other.append("sources")
    if any(c not in after.corrections for c in before.corrections):
        other.append("corrections")
    appended = after.history[: len(before.history)] == before.history
    if not appended:
        other.append("history")
    quantities_added = [q for q in after.quantities if q not in before.quantities]
    quantities_removed = [q for q in before.quantities if q not in after.quantities]
    if before.quantities != after.quantities and not (quantities_added or quantities_removed):
        other.append("quantities")  # the same quantities in another order

    def pair(name: str) -> tuple[str, str] | None:
        old, new = getattr(before, name), getattr(after, name)
        return (_word(old), _word(new)) if old != new else None

    return ClaimChange(
        id=after.id, path=rel, status=pair("status"), verdict=pair("verdict"),
        sources_added=added_sources(before, after), sources_removed=removed_sources(before, after),
        corrections_added=added_corrections(before, after),
        history_added=len(after.history) - len(before.history) if appended else 0,
        other=other, moved_from=moved_from,
        summary=(after.summary or "") if after.summary != before.summary else None,
        quantities_added=quantities_added, quantities_removed=quantities_removed,
    )


def diff_claims(base: str, commit: str, before: dict[str, Version], after: dict[str, Version]) -> RecordDiff:
    old_ids, new_ids = _by_id(before), _by_id(after)
    invalid = sorted(rel for rel, v in after.items() if v.claim is None)
    unreadable = {rel.rsplit("/", 1)[-1][: -len(".yaml")] for rel in invalid}
    added = [(rel, v.claim) for cid, (rel, v) in sorted(new_ids.items()) if cid not in old_ids and v.claim is not None]
    removed = [(rel, v.claim) for cid, (rel, v) in sorted(old_ids.items()) if cid not in new_ids and cid not in unreadable and v.claim is not None]
    changed = []
    for cid, (rel, new) in sorted(new_ids.items()):
        if cid not in old_ids:
            continue
        old_rel, old = old_ids[cid]
        if old.claim is None or new.claim is None:
            continue
        if old.claim != new.claim or old_rel != rel:
            changed.append(compare(rel, old.claim, new.claim, old_rel if old_rel != rel else None))
    return RecordDiff(base, commit, added, removed, changed, invalid)


def default_base(repo: Repo) -> tuple[str, str]:
    """(label, commit) of the merge base of HEAD with main, else with master."""
    for branch in ("main", "master"):
        proc = _run_git(["merge-base", "HEAD", branch], repo.top)
        if proc.returncode == 0:
            return f"the merge base with {branch}", proc.stdout.decode().strip()
    raise BaseError("no base to compare with: HEAD has no merge base with a main or master branch; name a revision, e.g. factcheck diff origin/main")


def record_diff(root: str, base: str | None, fmt: str = "markdown") -> str:
    """What changed in the claim record between ``base`` and the working tree."""
    repo = Repo.of(root)
    if base is None:
        label, commit = default_base(repo)
    else:
        label, commit = base, repo.commit(base)
    before = claims_at(repo, commit, [repo.rel(root)])
    diff = diff_claims(label, commit, before, claims_now(repo, [root]))
    if fmt == "json":
        return json.dumps(diff_json(diff), indent=2, ensure_ascii=False) + "\n"
    return diff_markdown(diff, repo.short(commit))


def _md(text: str) -> str:
    """Text safe inside Markdown (no accidental emphasis, links or HTML, no control characters)."""
    for ch in "\\`*_[]<>|":
        text = text.replace(ch, "\\" + ch)
    return escape_line(" ".join(text.split()))


def _code_md(text: str) -> str:
    """A file name as a Markdown code span: control characters escaped, backticks kept out."""
    return "`" + escape_line(text).replace("`", "'") + "`"


def _source_md(source: Source) -> str:
    url = source.url.replace("<", "%3C").replace(">", "%3E")
    return f"{source.stance.value}: [{_md(source.title)}](<{escape_line(url)}>), {_md(source.publisher)}"


def _correction_md(correction: Correction) -> str:
    return f"correction ({correction.date.isoformat()}): {_md(correction.change)}. Reason: {_md(correction.reason)}"


def _quantity_md(quantity: Quantity) -> str:
    from factcheck.present import quantity_line

    return _md(quantity_line(quantity))


def _change_md(change: ClaimChange) -> list[str]:
    lines = [f"- `{change.id}`"]
    if change.moved_from:
        lines.append(f"  - moved from {_code_md(change.moved_from)}")
    for name in ("status", "verdict"):
        pair = getattr(change, name)
        if pair:
            lines.append(f"  - {name}: {pair[0]} → {pair[1]}")
    lines += [f"  - source added, {_source_md(s)}" for s in change.sources_added]
    lines += [f"  - source removed, {_source_md(s)}" for s in change.sources_removed]
    lines += [f"  - {_correction_md(c)}" for c in change.corrections_added]
    lines += [f"  - quantity added: {_quantity_md(q)}" for q in change.quantities_added]
    lines += [f"  - quantity removed: {_quantity_md(q)}" for q in change.quantities_removed]
    if change.summary is not None:
        lines.append(f"  - summary now: {_md(change.summary)}" if change.summary else "  - summary removed")
    if change.other:
        lines.append("  - also changed: " + ", ".join(f"`{name}`" for name in change.other))
    if change.history_added:
        lines.append(f"  - {_plural(change.history_added, 'history entry', 'history entries')} added")
    return lines


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _claim_md(claim: Claim, sources: bool = False) -> list[str]:
    verdict = f", {claim.verdict.value}" if claim.verdict else ""
    lines = [f"- `{claim.id}` ({claim.status.value}{verdict}): {_md(claim.text)}"]
    if sources:
        lines += [f"  - quantity: {_quantity_md(q)}" for q in claim.quantities]
        lines += [f"  - source, {_source_md(s)}" for s in claim.sources]
    return lines


def diff_markdown(diff: RecordDiff, short: str) -> str:
    if diff.empty():
        return "No changes to the claim record.\n"
    n = diff.counts()
    lines = [
        f"## Claim record changes since {diff.base} (`{short}`)",
        "",
        f"**Claims:** {n['claims_added']} added, {n['claims_removed']} removed, {n['claims_changed']} changed · "
        f"**Sources:** {n['sources_added']} added, {n['sources_removed']} removed · "
        f"**Corrections:** {n['corrections_added']} added",
    ]
    sections = [
        ("New claims", [line for _, c in diff.added for line in _claim_md(c, sources=True)]),
        ("Removed claims", [line for _, c in diff.removed for line in _claim_md(c)]),
        ("Changed claims", [line for change in diff.changed for line in _change_md(change)]),
        ("Files that are not valid claims (run `factcheck validate`)", [f"- {_code_md(rel)}" for rel in diff.invalid]),
    ]
    for title, items in sections:
        if items:
            lines += ["", f"### {title}", "", *items]
    return "\n".join(lines) + "\n"


def _plain(value):
    return json.loads(json.dumps(unstructure(value), default=lambda d: d.isoformat()))


def _pair_json(pair: tuple[str, str] | None) -> dict | None:
    return {"before": pair[0], "after": pair[1]} if pair else None


def _claim_json(rel: str, claim: Claim) -> dict:
    return {"id": claim.id, "path": rel, "status": claim.status.value, "verdict": claim.verdict.value if claim.verdict else None, "text": claim.text}


def diff_json(diff: RecordDiff) -> dict:
    return {
        "base": diff.base,
        "commit": diff.commit,
        "counts": diff.counts(),
        "added": [{**_claim_json(rel, c), "quantities": _plain(c.quantities), "sources": _plain(c.sources)} for rel, c in diff.added],
        "removed": [_claim_json(rel, c) for rel, c in diff.removed],
        "changed": [
            {
                "id": c.id, "path": c.path, "moved_from": c.moved_from,
                "status": _pair_json(c.status), "verdict": _pair_json(c.verdict),
                "sources_added": _plain(c.sources_added), "sources_removed": _plain(c.sources_removed),
                "corrections_added": _plain(c.corrections_added),
                "quantities_added": _plain(c.quantities_added), "quantities_removed": _plain(c.quantities_removed),
                "history_added": c.history_added, "other_fields": c.other, "summary": c.summary,
            }
            for c in diff.changed
        ],
        "invalid": diff.invalid,
    }


# -- factcheck links ----------------------------------------------------------------


def _reason(error: object) -> str:
    if isinstance(error, TimeoutError):
        return "timed out"
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"TLS certificate: {error.verify_message or error.reason}"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__


@attrs.frozen
class Answer:
    """What one request came to: the HTTP status, and why it failed (None: it did not)."""

    status: int | None
    reason: str | None
    location: str | None = None  # the Location header of a redirect
    received: int = 0  # bytes read from the server
    refused: bool = False  # not sent (or not followed) by the address or URL policy


def _wait(sock: socket.socket, write: bool, deadline: float) -> None:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    with selectors.DefaultSelector() as selector:
        selector.register(sock, selectors.EVENT_WRITE if write else selectors.EVENT_READ)
        if not selector.select(remaining):
            raise TimeoutError


def _io(sock: socket.socket, op, write: bool, deadline: float):
    """``op()`` on a non-blocking socket, waiting for it at most until ``deadline``."""
    while True:
        if time.monotonic() >= deadline:
            raise TimeoutError
        try:
            return op()
        except ssl.SSLWantReadError:
            _wait(sock, False, deadline)
        except ssl.SSLWantWriteError:
            _wait(sock, True, deadline)
        except (BlockingIOError, InterruptedError):
            _wait(sock, write, deadline)


def _connect(target: Target, entries: list[tuple], deadline: float) -> socket.socket:
    """A non-blocking socket connected to the first of ``entries`` that answers (TLS for https)."""
    from factcheck.netpolicy import connect_first

    sock = connect_first(entries, deadline)
    sock.settimeout(0)
    if target.scheme == "http":
        return sock
    try:
        tls = ssl.create_default_context().wrap_socket(sock, server_hostname=target.host, do_handshake_on_connect=False)
    except BaseException:
        sock.close()
        raise
    try:
        _io(tls, tls.do_handshake, False, deadline)
    except BaseException:
        tls.close()
        raise
    return tls


_STATUS_LINE = re.compile(rb"HTTP/\d(?:\.\d)?[ \t]+(\d{3})(?:[ \t]+([^\r\n]*))?")
_HEADERS_END = re.compile(rb"\r?\n\r?\n")


def _exchange(sock: socket.socket, target: Target, method: str, deadline: float, max_bytes: int) -> Answer:
    """Send one request; read the status line and headers (at most ``max_bytes``), never the body."""
    request = (
        f"{method} {target.path} HTTP/1.1\r\nHost: {target.host_header}\r\nUser-Agent: {USER_AGENT}\r\n"
        "Accept: */*\r\nConnection: close\r\n\r\n"
    ).encode("ascii")
    view = memoryview(request)
    while view:
        view = view[_io(sock, lambda view=view: sock.send(view), True, deadline):]
    data = b""
    while not _HEADERS_END.search(data):
        if len(data) >= max_bytes:
            return Answer(None, f"the response headers are larger than {max_bytes} bytes", received=len(data))
        want = min(65536, max_bytes - len(data))
        chunk = _io(sock, lambda want=want: sock.recv(want), False, deadline)
        if not chunk:
            if not data:
                return Answer(None, "the server closed the connection without an answer")
            break
        data += chunk
    head = _HEADERS_END.split(data, 1)[0]
    lines = head.splitlines()
    match = _STATUS_LINE.fullmatch(lines[0].strip()) if lines else None
    if match is None:
        return Answer(None, "the server did not answer in HTTP", received=len(data))
    status = int(match.group(1))
    text = (match.group(2) or b"").decode("latin-1").strip()
    location = None
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"location":
            try:
                location = value.strip().decode("utf-8")
            except UnicodeDecodeError:
                location = value.strip().decode("latin-1")
            break
    reason = None if 200 <= status < 300 else f"HTTP {status} {text}".rstrip()
    return Answer(status, reason, location, len(data))


def fetch(url: str, method: str, deadline: float, policy: Policy, max_bytes: int = MAX_RESPONSE_BYTES) -> Answer:
    """One request, no redirect followed: refused before any connection if the policy says so."""
    target = parse_target(url)
    if isinstance(target, str):
        return Answer(None, f"refused: {target}", refused=True)
    entries = resolve(target, policy, deadline)
    if isinstance(entries, str):
        return Answer(None, entries, refused=entries.startswith("refused:"))
    try:
        sock = _connect(target, entries, deadline)
        with sock:
            return _exchange(sock, target, method, deadline, max_bytes)
    except Exception as exc:  # socket, TLS and timeout errors of one server
        return Answer(None, _reason(exc))


def request(
    url: str, method: str, deadline: float, policy: Policy,
    max_bytes: int = MAX_RESPONSE_BYTES, max_redirects: int = MAX_REDIRECTS,
) -> Answer:
    """``fetch`` following redirects; each target is checked before it is requested, as the first URL is."""
    answer = fetch(url, method, deadline, policy, max_bytes)
    for _ in range(max_redirects):
        if answer.status not in REDIRECTS or not answer.location:
            return answer
        url = urllib.parse.urljoin(url, answer.location)
        answer = fetch(url, method, deadline, policy, max_bytes)
        if answer.refused:
            return attrs.evolve(answer, reason=f"redirect to {redact(url)} {answer.reason}")
    if answer.status in REDIRECTS and answer.location:
        return Answer(None, f"more than {max_redirects} redirects", refused=True)
    return answer


def probe(url: str, timeout: float, policy: Policy | None = None) -> Answer:
    """Whether ``url`` answers within ``timeout`` seconds in all: HEAD, then GET where HEAD fails."""
    policy = policy or Policy()
    deadline = time.monotonic() + timeout
    answer = request(url, "HEAD", deadline, policy)
    if answer.reason is not None and not answer.refused and (answer.status is None or answer.status in RETRY_WITH_GET):
        if time.monotonic() < deadline:
            answer = request(url, "GET", deadline, policy)
    return answer


def _has(items: list) -> str:
    return "has" if len(items) == 1 else "have"


@attrs.frozen
class Unusable:
    """A source that cannot be checked: its claim file fails the schema."""

    claim_id: str
    url: str | None  # a URL that fails the schema, or None: the file as a whole
    reason: str

    def line(self) -> str:
        return f"{self.claim_id}: {redact(self.url)}: {self.reason}" if self.url else f"{self.claim_id}: {self.reason}"


def _raw_source_urls(record: ClaimRecord) -> list[str] | None:
    """The source URLs written in a claim file that fails the schema (None: none can be read)."""
    try:
        raw = FsPath(record.path).read_bytes()
    except OSError:
        return None
    with yamlio.quiet_stderr():
        _, data, _ = read_record(record.path, raw, Claim, _no_rules)
    sources = data.get("sources") if hasattr(data, "get") else None
    if not isinstance(sources, list):
        return None
    return [str(s.get("url")) for s in sources if hasattr(s, "get") and s.get("url") is not None]


def _unusable(record: ClaimRecord) -> list[Unusable]:
    urls = _raw_source_urls(record) or []
    bad = [Unusable(record.id, url, "not an http or https URL") for url in urls if not re.search(HTTP_URL_PATTERN, url)]
    return bad or [Unusable(record.id, None, "not a valid claim file; its sources are not checked")]


def _sources(records: list[ClaimRecord], data: dict[str, bytes | None] | None = None) -> tuple[list[tuple[str, Source]], list[Unusable]]:
    """Every source of ``records``: from the cached JSON of each claim when there is one
    (no file parsed again), else from the claim itself."""
    from factcheck.fastcheck import decode_sources

    out: list = []
    unusable: list[Unusable] = []
    for record in sorted(records, key=lambda r: (r.id, r.path)):
        blob = data.get(record.path) if data else None
        if blob:
            out += [(record.id, source) for source in decode_sources(blob)]
        elif record.claim is not None:
            out += [(record.id, source) for source in record.claim.sources]
        else:
            unusable += _unusable(record)
    return out, unusable


def _records(store: ClaimStore, ids: Iterable[str]) -> list[ClaimRecord] | str:
    """The records of ``ids`` (all when there are none), or which id is unknown."""
    ids = list(ids)
    if not ids:
        return store.all()
    records = []
    for claim_id in dict.fromkeys(ids):
        record = store.find(claim_id)
        if record is None:
            from factcheck.problems import did_you_mean

            return f"unknown claim id {claim_id!r}{did_you_mean(claim_id, store.ids())}"
        records.append(record)
    return records


def check_links(
    store: ClaimStore, check: bool, timeout: float, ids: Iterable[str] = (),
    jobs: int = LINK_JOBS, policy: Policy | None = None,
) -> int:
    """List sources without an archive copy; with ``check``, the dead links. Exit code.

    Each URL gets ``timeout`` seconds in all (redirects and a GET after a HEAD
    included); ``jobs`` URLs are checked at once.
    """
    records = _records(store, ids)
    if isinstance(records, str):
        print(f"factcheck: {records}", file=sys.stderr)
        return 2
    sources, unusable = _sources(records, store.data)
    missing = [(cid, s) for cid, s in sources if s.archive_url is None]
    if missing:
        print(f"{len(missing)} of {_plural(len(sources), 'source', 'sources')} {_has(missing)} no archive_url:")
        for cid, source in missing:
            print(f"{cid}: {redact(source.url)}")
    else:
        print(f"every source has an archive_url ({_plural(len(sources), 'source', 'sources')})")
    if unusable:
        print(f"{len(unusable)} {'source' if len(unusable) == 1 else 'sources'} cannot be checked (run factcheck validate):")
        for item in unusable:
            print(item.line())
    if not check:
        return 1 if unusable else 0
    urls = sorted({s.url for _, s in sources})
    policy = policy or Policy()
    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(urls) or 1))) as pool:
        answers = dict(zip(urls, pool.map(lambda url: probe(url, timeout, policy), urls), strict=True))
    refused = [(cid, s.url, answers[s.url].reason) for cid, s in sources if answers[s.url].refused]
    dead = [(cid, s.url, answers[s.url].reason) for cid, s in sources if answers[s.url].reason and not answers[s.url].refused]
    if refused:
        print(f"{len(refused)} of {_plural(len(sources), 'source', 'sources')} {_has(refused)} a link that was not requested:")
        for cid, url, reason in refused:
            print(f"{cid}: {redact(url)}: {reason}")
    if dead:
        print(f"{len(dead)} of {_plural(len(sources), 'source', 'sources')} {_has(dead)} a dead link:")
        for cid, url, reason in dead:
            print(f"{cid}: {redact(url)}: {reason}")
    if not (dead or refused):
        print(f"{_plural(len(urls), 'source URL', 'source URLs')} checked, none dead")
    return 1 if dead or refused or unusable else 0
