"""The claim store: finds, loads, checks and edits claim files.

Layout: ``<root>/<article-slug>/article.yaml`` describes an article and names its
text file; every other ``*.yaml`` in that folder is one claim whose id is its file
name. Every edit goes through :meth:`ClaimStore.edit`, the project's one writer.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path as FsPath
from typing import Any, NamedTuple

import attrs

from factcheck import yamlio
from factcheck.convert import FieldError, structure, unstructure
from factcheck.model import Action, Article, Claim, HistoryEntry, Stance, stance_counts
from factcheck.problems import Problem
from factcheck.rules import QuoteIndex, claim_rules, control_chars, cross_rules

ARTICLE_FILE = "article.yaml"


def today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


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


def editor_name(explicit: str | None = None) -> str:
    """Who is editing: --editor, FACTCHECK_EDITOR, git user.name, or the OS user."""
    if explicit:
        return explicit
    env = os.environ.get("FACTCHECK_EDITOR")
    if env:
        return env
    try:
        out = subprocess.run(
            ["git", "config", "user.name"], capture_output=True, text=True, timeout=5
        )
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        return getpass.getuser()
    except Exception:  # getpass raises various errors when no user is known
        return "unknown"


# -- discovery ------------------------------------------------------------------


@attrs.frozen
class Tree:
    """The files of a claims tree: article folders and claim files."""

    articles: dict[str, str]  # folder -> article.yaml path
    claims: list[str]  # claim file paths, sorted
    strays: list[str]  # claim-like files outside any article folder


def _scan(folder: str, articles: dict[str, str], yaml_files: list[str]) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            _scan(entry.path, articles, yaml_files)
        elif entry.name == ARTICLE_FILE:
            articles[folder] = entry.path
        elif entry.name.endswith(".yaml"):
            yaml_files.append(entry.path)


def discover(paths: Iterable[str | os.PathLike]) -> Tree:
    """Find article folders and claim files under the given paths (files or folders)."""
    articles: dict[str, str] = {}
    yaml_files: list[str] = []
    for given in paths:
        path = os.fspath(given)
        if os.path.isdir(path):
            _scan(path, articles, yaml_files)
        elif not os.path.exists(path):
            continue  # reported by the caller as missing
        elif os.path.basename(path) == ARTICLE_FILE:
            articles[os.path.dirname(path) or "."] = path
        else:
            yaml_files.append(path)
            folder = os.path.dirname(path) or "."
            article = os.path.join(folder, ARTICLE_FILE)
            if os.path.exists(article):
                articles.setdefault(folder, article)
    claims, strays = [], []
    for path in sorted(set(yaml_files)):
        (claims if (os.path.dirname(path) or ".") in articles else strays).append(path)
    return Tree(articles=articles, claims=claims, strays=strays)


# -- articles -------------------------------------------------------------------


@attrs.define
class ArticleRecord:
    folder: str
    path: str
    article: Article | None
    text: str | None
    problems: list[Problem]

    @property
    def slug(self) -> str:
        return os.path.basename(os.path.normpath(self.folder))


def _problems_from(path: str, loaded: yamlio.Loaded, errors: list[FieldError]) -> list[Problem]:
    out = []
    for err in errors:
        line, col = yamlio.locate(loaded.doc, err.path, err.at_key) if loaded.doc is not None else (1, 1)
        out.append(Problem(path, line, col, err.code, err.message))
    return out


def read_record(path: str, raw: bytes, cls: type, rules: Callable[[Any], list[FieldError]], fast: bool = False) -> tuple[Any, Any, list[Problem]]:
    """Read one file as ``cls`` and check it: (object or None, plain data or None, problems).

    The fast path (rapidyaml) reads plain files; the strict round-trip loader reads
    the rest. With ``fast``, a valid record comes back as the fast checker's struct
    (same fields) instead of the attrs object. Positions are looked up only when there
    is something to report.
    """
    data = yamlio.load_fast(raw)
    if data is not None:
        obj = None
        if fast:
            from factcheck.fastcheck import fast_record

            obj = fast_record(data, cls)
            errors = [] if obj is not None else None
        if obj is None:
            obj, errors = structure(data, cls)
        if obj is not None:
            errors = rules(obj)
        return obj, data, (sorted(yamlio.locate_all(path, raw, errors)) if errors else [])
    loaded = yamlio.load_roundtrip(path, raw)
    if loaded.problems:
        return None, None, loaded.problems
    data = yamlio.to_plain(loaded.doc)
    obj, errors = structure(data, cls)
    if obj is not None:
        errors = rules(obj)
    return obj, data, sorted(_problems_from(path, loaded, errors))


def load_article(folder: str, path: str) -> ArticleRecord:
    try:
        raw = FsPath(path).read_bytes()
    except OSError as exc:
        return ArticleRecord(folder, path, None, None, [Problem(path, 1, 1, "unreadable", exc.strerror or str(exc))])
    text: str | None = None

    def rules(article: Article) -> list[FieldError]:
        nonlocal text
        out = control_chars(article, Article)
        if article.published > today():
            out.append(FieldError("future-date", f"published {article.published.isoformat()} is in the future", ("published",)))
        if os.path.isabs(article.text) or os.path.normpath(article.text).startswith(".."):
            out.append(FieldError("article-text", "text must be a file name inside the article folder", ("text",)))
        else:
            try:
                text = FsPath(folder, article.text).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                out.append(FieldError("article-text", f"cannot read the article text {article.text!r}: {getattr(exc, 'strerror', None) or exc}", ("text",)))
        return out

    article, _, problems = read_record(path, raw, Article, rules, fast=True)
    return ArticleRecord(folder, path, article, text, problems)


# -- one claim file -------------------------------------------------------------


@attrs.define
class FileResult:
    """What checking one claim file found."""

    path: str
    problems: list[Problem]
    claim_id: str | None
    related: list[str]
    claim: Claim | None = None
    cacheable: bool = True
    row: "ClaimRow | None" = None


class ClaimRow(NamedTuple):
    """What a list of claims shows and searches, without the whole record."""

    id: str
    status: str
    verdict: str | None
    kind: str
    claimant: str
    text: str
    quote: str
    summary: str | None
    supports: int
    refutes: int
    context: int
    sources: str  # titles and publishers, for search
    tags: tuple[str, ...]

    @classmethod
    def of(cls, claim: Claim) -> "ClaimRow":
        counts = stance_counts(claim.sources)
        return cls(
            claim.id, claim.status.value, claim.verdict.value if claim.verdict else None,
            claim.kind.value, claim.claimant, claim.text, claim.quote, claim.summary,
            counts[Stance.SUPPORTS], counts[Stance.REFUTES], counts[Stance.CONTEXT],
            " | ".join(f"{s.title} — {s.publisher}" for s in claim.sources), tuple(claim.tags),
        )


def _stem(path: str) -> str:
    return os.path.basename(path)[: -len(".yaml")]


def _raw_id(data: Any) -> tuple[str | None, list[str]]:
    if not isinstance(data, dict):
        return None, []
    claim_id = data.get("id") if isinstance(data.get("id"), str) else None
    related = data.get("related")
    related = [r for r in related if isinstance(r, str)] if isinstance(related, list) else []
    return claim_id, related


def check_claim_bytes(
    path: str, raw: bytes, article: QuoteIndex | None, day: dt.date, keep: bool = False, row: bool = True
) -> FileResult:
    """Schema and single-claim rules for one claim file (with its list row, and the claim if ``keep``).

    Unless the whole claim is wanted, a valid file is read by the fast checker
    (:mod:`factcheck.fastcheck`); anything else goes through the converter, which
    reports every problem.
    """
    from factcheck.fastcheck import fast_claim

    rules = lambda c: claim_rules(c, _stem(path), article, day)  # noqa: E731
    if not keep:
        data = yamlio.load_fast(raw)
        fast = fast_claim(data) if data is not None else None
        if fast is not None:
            findings = rules(fast)
            problems = sorted(yamlio.locate_all(path, raw, findings)) if findings else []
            cacheable = not any(p.code == "future-date" for p in problems)
            return FileResult(path, problems, fast.id, list(fast.related), None, cacheable, ClaimRow.of(fast) if row else None)
    claim, data, problems = read_record(path, raw, Claim, rules)
    claim_id, related = _raw_id(data)
    # A date in the future stops being one: such a file is checked again every run.
    cacheable = not any(p.code == "future-date" for p in problems)
    claim_row = ClaimRow.of(claim) if claim is not None and row else None
    return FileResult(path, problems, claim_id, related, claim if keep else None, cacheable, claim_row)


def check_claim_file(path: str, article: QuoteIndex | None, day: dt.date, keep: bool = False) -> FileResult:
    try:
        raw = FsPath(path).read_bytes()
    except OSError as exc:
        return FileResult(path, [Problem(path, 1, 1, "unreadable", exc.strerror or str(exc))], None, [], cacheable=False)
    return check_claim_bytes(path, raw, article, day, keep)


def locate_findings(path: str, findings: list[FieldError]) -> list[Problem]:
    """Positions for findings of a file that passed the fast path (round-trip load)."""
    try:
        raw = FsPath(path).read_bytes()
    except OSError:
        return [Problem(path, 1, 1, f.code, f.message) for f in findings]
    return yamlio.locate_all(path, raw, findings)


# -- the store ------------------------------------------------------------------


class EditRefused(Exception):
    """An edit that would break a rule, or that conflicts with a change on disk."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = problems or []


@attrs.define
class ClaimRecord:
    """One claim file: its row for lists, its problems, and the whole claim on demand."""

    path: str
    article: ArticleRecord | None
    row: ClaimRow | None
    problems: list[Problem]
    signature: tuple[int, int, bytes] = (0, 0, b"")  # mtime_ns, size, content digest when loaded
    _claim: Claim | None = None

    @property
    def id(self) -> str:
        return self.row.id if self.row else _stem(self.path)

    @property
    def claim(self) -> Claim | None:
        """The whole claim, read from disk the first time it is asked for."""
        if self._claim is None and self.row is not None:
            self._claim = self.read()
        return self._claim

    def read(self) -> Claim | None:
        article = QuoteIndex(self.article.text) if self.article and self.article.text else None
        try:
            raw = FsPath(self.path).read_bytes()
        except OSError:
            return None
        with yamlio.quiet_stderr():
            result = check_claim_bytes(self.path, raw, article, today(), keep=True)
        return result.claim

    def set_claim(self, claim: Claim | None, problems: list[Problem]) -> None:
        self._claim = claim
        self.row = ClaimRow.of(claim) if claim is not None else None
        self.problems = problems

    def changed_on_disk(self) -> tuple[bool, bytes]:
        """(whether the file's bytes differ from those loaded, the bytes now on disk)."""
        st = _stat(self.path)
        if st is not None and (st.st_mtime_ns, st.st_size) == self.signature[:2]:
            return False, b""
        try:
            raw = FsPath(self.path).read_bytes()
        except OSError:
            return True, b""
        from factcheck.validate import digest

        if digest(raw) == self.signature[2]:
            self.signature = (st.st_mtime_ns, st.st_size, self.signature[2]) if st else self.signature
            return False, raw
        return True, raw

    def loaded_from(self, raw: bytes) -> None:
        """Remember ``raw`` as the bytes this record was loaded from (or wrote)."""
        from factcheck.validate import digest

        st = _stat(self.path)
        self.signature = (st.st_mtime_ns if st else 0, st.st_size if st else 0, digest(raw))


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


@attrs.define
class ClaimStore:
    """Every claim of a tree, loaded and checked, and the one way to change them."""

    root: str
    articles: dict[str, ArticleRecord]
    records: dict[str, ClaimRecord]
    general: list[Problem]
    _by_id: dict[str, ClaimRecord] | None = None

    @classmethod
    def open(
        cls,
        root: str | os.PathLike,
        progress: Callable[[int, int], None] | None = None,
        keep_claims: bool = False,
    ) -> "ClaimStore":
        """Load a tree: rows and problems of every claim (cached), whole claims on demand."""
        from factcheck.validate import check_tree

        result = check_tree([root], keep_claims=keep_claims, rows=True, progress=progress)
        records: dict[str, ClaimRecord] = {}
        by_path: dict[str, list[Problem]] = {}
        for problem in result.problems:
            by_path.setdefault(problem.path, []).append(problem)
        for path, row in result.rows.items():
            folder = os.path.dirname(path) or "."
            record = ClaimRecord(path, result.articles.get(folder), row, by_path.pop(path, []), result.signatures.get(path, (0, 0, b"")))
            record._claim = result.claims.get(path)
            records[path] = record
        general = [p for ps in by_path.values() for p in ps]
        return cls(str(root), result.articles, records, general)

    # look-ups

    def all(self) -> list[ClaimRecord]:
        return list(self.records.values())

    def find(self, claim_id: str) -> ClaimRecord | None:
        record = self.by_id().get(claim_id)
        if record is not None and record.id == claim_id:
            return record
        self._by_id = None  # an id changed (a reload): look again
        return self.by_id().get(claim_id)

    def by_id(self) -> dict[str, ClaimRecord]:
        """Every record by id (the first one in path order, if an id is used twice)."""
        if self._by_id is None:
            index: dict[str, ClaimRecord] = {}
            for path in sorted(self.records):
                index.setdefault(self.records[path].id, self.records[path])
            self._by_id = index
        return self._by_id

    def ids(self) -> set[str]:
        return {r.id for r in self.records.values()}

    def problem_count(self) -> int:
        return sum(len(r.problems) for r in self.records.values()) + len(self.general)

    # the writer

    def edit(
        self,
        claim_id: str,
        change: Callable[[Claim], Claim],
        *,
        allow_new_problems: bool = False,
    ) -> ClaimRecord:
        """Apply ``change`` to a claim and write it through the one writer.

        Refuses (:class:`EditRefused`, file untouched) when the file changed on disk
        since it was loaded, when it cannot be read as a claim, or when the change
        adds a problem the claim did not have.
        """
        record = self.find(claim_id)
        if record is None:
            raise EditRefused(f"no claim with id {claim_id!r}")
        return self._write(record, change, allow_new_problems)

    def _write(self, record: ClaimRecord, change: Callable[[Claim], Claim], allow_new_problems: bool) -> ClaimRecord:
        changed, _ = record.changed_on_disk()
        if changed:
            self._reload(record, FsPath(record.path).read_bytes())
            raise EditRefused(f"{os.path.basename(record.path)} changed on disk since it was loaded; it has been reloaded, make the change again")
        raw = FsPath(record.path).read_bytes()
        loaded = yamlio.load_roundtrip(record.path, raw)
        if loaded.problems:
            raise EditRefused(f"{record.path} cannot be edited until its problems are fixed", loaded.problems)
        current, errors = structure(yamlio.to_plain(loaded.doc), Claim)
        if current is None:
            raise EditRefused(f"{record.path} cannot be edited until its problems are fixed", _problems_from(record.path, loaded, errors))
        before = {(p.code, p.message) for p in record.problems}
        updated = change(current)
        new_problems = self._problems_for(record, updated)
        added = [p for p in new_problems if (p.code, p.message) not in before]
        if added and not allow_new_problems:
            raise EditRefused("; ".join(p.message for p in added), added)
        data = unstructure(updated)
        try:
            written = yamlio.write_merged(loaded, data)
        except yamlio.ConflictError as exc:
            self._reload(record, FsPath(record.path).read_bytes())
            raise EditRefused(str(exc)) from None
        record.set_claim(updated, self._problems_for(record, updated, locate_in=loaded))
        record.loaded_from(written)
        return record

    def _problems_for(self, record: ClaimRecord, claim: Claim, locate_in: yamlio.Loaded | None = None) -> list[Problem]:
        article = QuoteIndex(record.article.text) if record.article and record.article.text else None
        errors = claim_rules(claim, _stem(record.path), article, today())
        ids = {r.path: r.id for r in self.records.values()}
        ids[record.path] = claim.id
        related = {record.path: claim.related}
        errors += cross_rules(ids, related).get(record.path, [])
        if locate_in is not None:
            return sorted(_problems_from(record.path, locate_in, errors))
        return [Problem(record.path, 0, 0, e.code, e.message) for e in errors]

    def _reload(self, record: ClaimRecord, raw: bytes) -> None:
        article = QuoteIndex(record.article.text) if record.article and record.article.text else None
        with yamlio.quiet_stderr():
            result = check_claim_bytes(record.path, raw, article, today(), keep=True)
        record.set_claim(result.claim, result.problems)
        record.loaded_from(raw)

    def reload_changed(self, records: Iterable[ClaimRecord] | None = None) -> list[ClaimRecord]:
        """Reload the claims whose files changed on disk since they were loaded; return them."""
        changed = []
        for record in list(records if records is not None else self.records.values()):
            differs, raw = record.changed_on_disk()
            if differs and raw:
                self._reload(record, raw)
                changed.append(record)
        return changed

    def create(self, article: ArticleRecord, claim: Claim) -> ClaimRecord:
        """Write a new claim file (refused if the id exists or the claim breaks a rule)."""
        path = os.path.join(article.folder, f"{claim.id}.yaml")
        if self.find(claim.id) is not None or os.path.exists(path):
            raise EditRefused(f"a claim with id {claim.id!r} already exists")
        record = ClaimRecord(path, article, ClaimRow.of(claim), [])
        problems = self._problems_for(record, claim)
        if problems:
            raise EditRefused("; ".join(p.message for p in problems), problems)
        loaded = yamlio.Loaded(path=path, raw=b"")
        try:
            yamlio.write_merged(loaded, unstructure(claim), create=True)
        except yamlio.ConflictError as exc:
            raise EditRefused(str(exc)) from None
        record.set_claim(claim, [])
        record.loaded_from(FsPath(path).read_bytes())
        self.records[path] = record
        self._by_id = None
        return record


def history_entry(action: Action, by: str, *, field: str | None = None, before: Any = None, after: Any = None, note: str | None = None, at: dt.datetime | None = None) -> HistoryEntry:
    def word(value: Any) -> str | None:
        return None if value is None else str(getattr(value, "value", value))

    return HistoryEntry(at=at or now(), by=by, action=action, field=field, before=word(before), after=word(after), note=note)
