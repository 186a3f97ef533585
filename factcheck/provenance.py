"""Provenance: where a claim's record came from and what a change does to it.

* :func:`claim_log` -- a claim's recorded history merged with the git history of its file.
* :func:`check_against_base` -- the IFCN corrections rule against a git revision.
* :func:`record_diff` -- what a branch changes in the claim record, as a PR comment.
* :func:`check_links` -- sources without an archive copy, and dead links.

Git runs as a subprocess with a timeout. Anything that goes wrong is a value (a
remark, a :class:`~factcheck.problems.Problem`) or a :class:`BaseError` with a plain
message, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path as FsPath

import attrs

from factcheck import yamlio
from factcheck.convert import FieldError, unstructure
from factcheck.model import Claim, Correction, Source, Status
from factcheck.problems import Problem
from factcheck.rules import canonical_url
from factcheck.store import ARTICLE_FILE, ClaimRecord, ClaimStore, discover, read_record
from factcheck.textsafe import escape_line

GIT_TIMEOUT = 30.0
LINK_THREADS = 8
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
    return rel.endswith(".yaml") and parts[-1] != ARTICLE_FILE and not any(p.startswith(".") for p in parts)


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
    if added_corrections(before, after):
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
    from factcheck.commands import describe_entry

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


_SPECIAL = ("status", "verdict", "summary", "sources", "corrections", "history")


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
    )


def diff_claims(base: str, commit: str, before: dict[str, Version], after: dict[str, Version]) -> RecordDiff:
    old_ids, new_ids = _by_id(before), _by_id(after)
    invalid = sorted(rel for rel, v in after.items() if v.claim is None)
    unreadable = {rel.rsplit("/", 1)[-1][: -len(".yaml")] for rel in invalid}
    added = [(rel, v.claim) for cid, (rel, v) in sorted(new_ids.items()) if cid not in old_ids]
    removed = [(rel, v.claim) for cid, (rel, v) in sorted(old_ids.items()) if cid not in new_ids and cid not in unreadable]
    changed = []
    for cid, (rel, new) in sorted(new_ids.items()):
        if cid not in old_ids:
            continue
        old_rel, old = old_ids[cid]
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
        "added": [{**_claim_json(rel, c), "sources": _plain(c.sources)} for rel, c in diff.added],
        "removed": [_claim_json(rel, c) for rel, c in diff.removed],
        "changed": [
            {
                "id": c.id, "path": c.path, "moved_from": c.moved_from,
                "status": _pair_json(c.status), "verdict": _pair_json(c.verdict),
                "sources_added": _plain(c.sources_added), "sources_removed": _plain(c.sources_removed),
                "corrections_added": _plain(c.corrections_added),
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
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__


def _request(url: str, method: str, timeout: float) -> tuple[int | None, str | None]:
    """(HTTP status or None, reason it failed or None)."""
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, None
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code, f"HTTP {exc.code} {exc.reason}".rstrip()
    except urllib.error.URLError as exc:
        return None, _reason(exc.reason)
    except Exception as exc:  # http.client and socket errors of a misbehaving server
        return None, _reason(exc)


def probe(url: str, timeout: float) -> str | None:
    """Why ``url`` is dead, or None if it answers: HEAD, then GET where HEAD fails."""
    status, reason = _request(url, "HEAD", timeout)
    if reason is not None and (status is None or status in RETRY_WITH_GET):
        status, reason = _request(url, "GET", timeout)
    return reason


def _has(items: list) -> str:
    return "has" if len(items) == 1 else "have"


def _sources(store: ClaimStore) -> list[tuple[str, Source]]:
    out = []
    for record in sorted(store.all(), key=lambda r: (r.id, r.path)):
        if record.claim is not None:
            out += [(record.id, source) for source in record.claim.sources]
    return out


def check_links(store: ClaimStore, check: bool, timeout: float) -> int:
    """List sources without an archive copy; with ``check``, the dead links. Exit code."""
    sources = _sources(store)
    missing = [(cid, s) for cid, s in sources if s.archive_url is None]
    if missing:
        print(f"{len(missing)} of {_plural(len(sources), 'source', 'sources')} {_has(missing)} no archive_url:")
        for cid, source in missing:
            print(f"{cid}: {source.url}")
    else:
        print(f"every source has an archive_url ({_plural(len(sources), 'source', 'sources')})")
    if not check:
        return 0
    urls = sorted({s.url for _, s in sources})
    with ThreadPoolExecutor(max_workers=max(1, min(LINK_THREADS, len(urls)))) as pool:
        reasons = dict(zip(urls, pool.map(lambda url: probe(url, timeout), urls)))
    dead = [(cid, s.url, reasons[s.url]) for cid, s in sources if reasons[s.url]]
    if not dead:
        print(f"{_plural(len(urls), 'source URL', 'source URLs')} checked, none dead")
        return 0
    print(f"{len(dead)} of {_plural(len(sources), 'source', 'sources')} {_has(dead)} a dead link:")
    for cid, url, reason in dead:
        print(f"{cid}: {url}: {reason}")
    return 1
