"""The claim store: finds, loads, checks and edits claim files.

Layout: ``<root>/<article-slug>/article.yaml`` describes an article and names its
text file; every other ``*.yaml`` in that folder is one claim whose id is its file
name. Every edit goes through :meth:`ClaimStore.edit`, the project's one writer.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from factcheck import fsio
from factcheck.cache import digest
from factcheck.claimants import names_for
from factcheck.convert import structure, structure_lenient, unstructure
from factcheck.model import Action, Claim, Dismissal, HistoryEntry
from factcheck.problems import Problem
from factcheck.reading import (  # noqa: F401 - the store's public names
    ArticleRecord,
    FileResult,
    Parsed,
    Want,
    check_claim_bytes,
    check_claim_file,
    check_parsed,
    internal_error,
    load_article,
    read_record,
    stem,
    today,
)
from factcheck.rows import ClaimRow
from factcheck.rules import QuoteIndex, claim_rules, cross_rules_for
from factcheck.tree import ARTICLE_FILE, NOT_CLAIMS, claim_names, discover, find_root  # noqa: F401 - the store's public names
from factcheck.yaml.positions import place
from factcheck.yaml.render import render_merged, render_new
from factcheck.yaml.roundtrip import load_roundtrip, to_plain


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def editor_name(explicit: str | None = None) -> str:
    """Who is editing (:func:`factcheck.identity.resolve`: --editor, FACTCHECK_EDITOR, the
    user config, git user.name, or the OS user)."""
    from factcheck.identity import resolve

    return resolve(explicit).handle


# -- the store ------------------------------------------------------------------


class EditRefused(Exception):
    """An edit that would break a rule, or that conflicts with a change on disk."""

    def __init__(self, message: str, problems: list[Problem] | None = None, needs: tuple[str, ...] = ()):
        super().__init__(message)
        self.message = message
        self.problems = problems or []
        #: What would let the change through ("verdict", "summary", "source", "correction",
        #: "note"): the CLI names the flag, the review screen the key.
        self.needs = needs


@attrs.define
class ClaimRecord:
    """One claim file: its row for lists, its problems, and the whole claim on demand."""

    path: str
    article: ArticleRecord | None
    row: ClaimRow | None
    problems: list[Problem]
    signature: tuple[fsio.FileStat | None, bytes] = (None, b"")  # stat and content digest when loaded
    _claim: Claim | None = None
    #: The claim as its file held it just before the last edit here (None: it did not validate).
    edited_from: Claim | None = None

    @property
    def id(self) -> str:
        return self.row.id if self.row else stem(self.path)

    @property
    def claim(self) -> Claim | None:
        """The whole claim, read from disk the first time it is asked for."""
        if self._claim is None and self.row is not None:
            self._claim = self.read()
        return self._claim

    def quote_index(self) -> QuoteIndex | None:
        if not self.article or not self.article.text:
            return None
        return QuoteIndex(self.article.text, self.article.article.published if self.article.article else None)

    def read(self) -> Claim | None:
        result, _, _ = check_claim_file(self.path, self.quote_index(), today(), Want(claim=True))
        return result.claim

    def set_claim(self, claim: Claim | None, problems: list[Problem]) -> None:
        self._claim = claim
        self.row = ClaimRow.of(claim) if claim is not None else None
        self.problems = problems

    def changed_on_disk(self) -> tuple[bool, bytes]:
        """(whether the file's bytes differ from those loaded, the bytes now on disk)."""
        stat, known = self.signature
        now_stat = fsio.stat_or_none(self.path)
        if now_stat is not None and stat is not None and fsio.FileStat.of(now_stat) == stat:
            return False, b""
        got = fsio.read_file(self.path, limit=False)
        if isinstance(got, Problem):
            return True, b""
        raw, new_stat = got
        if digest(raw) == known:
            self.signature = (new_stat, known)
            return False, raw
        return True, raw

    def loaded_from(self, raw: bytes) -> None:
        """Remember ``raw`` as the bytes this record was loaded from (or wrote)."""
        st = fsio.stat_or_none(self.path)
        self.signature = (fsio.FileStat.of(st) if st else None, digest(raw))


#: How long an edit waits for another process's edit of the same folder to finish.
LOCK_TIMEOUT = 10.0


@attrs.define
class ClaimStore:
    """Claims of a tree, loaded and checked, and the one way to change them.

    Opened on a whole tree (:meth:`open`), every claim has a record. Opened for one
    claim (:meth:`open_claim`), only that claim is read; the others are known by
    their file names, which their ids equal, for the cross-claim rules.
    """

    root: str
    articles: dict[str, ArticleRecord]
    records: dict[str, ClaimRecord]
    general: list[Problem]
    _by_id: dict[str, ClaimRecord] | None = None
    others: dict[str, str] = attrs.field(factory=dict)  # path -> id of claims not loaded
    data: dict[str, bytes | None] = attrs.field(factory=dict)  # claims as JSON, when opened for them
    written: dict[str, bytes] = attrs.field(factory=dict)  # path -> digest of the bytes this store last wrote there

    @classmethod
    def open(
        cls,
        root: str | os.PathLike,
        progress: Callable[[int, int], None] | None = None,
        keep_claims: bool = False,
        on_rows: Callable[[list[FileResult]], None] | None = None,
        data: bool = False,
        isolate: bool = False,
    ) -> "ClaimStore":
        """Load a tree: rows and problems of every claim (cached), whole claims on demand.

        ``isolate``: files are read by helper processes only (for a screen in this one).
        """
        from factcheck.validate import check_tree

        result = check_tree([root], keep_claims=keep_claims, rows=True, data=data, progress=progress, on_rows=on_rows, isolate=isolate)
        return cls.from_result(str(root), result)

    @classmethod
    def from_result(cls, root: str, result: Any) -> "ClaimStore":
        records: dict[str, ClaimRecord] = {}
        by_path: dict[str, list[Problem]] = {}
        for problem in result.problems:
            by_path.setdefault(problem.path, []).append(problem)
        for path, row in result.rows.items():
            folder = os.path.dirname(path) or "."
            record = ClaimRecord(path, result.articles.get(folder), row, by_path.pop(path, []), result.signatures.get(path, (None, b"")))
            record._claim = result.claims.get(path)
            records[path] = record
        general = [p for ps in by_path.values() for p in ps]
        return cls(root, result.articles, records, general, data=result.data)

    @classmethod
    def open_articles(cls, root: str | os.PathLike) -> "ClaimStore":
        """The articles of a tree and the ids of its claims (by file name), no claim read: for adding claims."""
        root = os.fspath(root)
        tree = discover([root])
        articles = {folder: load_article(folder, path) for folder, path in tree.articles.items()}
        return cls(root, articles, {}, [], others={p: stem(p) for p in tree.claims})

    @classmethod
    def open_claim(cls, root: str | os.PathLike, claim_id: str) -> "ClaimStore":
        """Read one claim of a tree (the file named after its id), without parsing the others."""
        root = os.fspath(root)
        names = claim_names([root])  # file names only: no other claim file is opened or looked at
        wanted = sorted(p for p in names if stem(p) == claim_id)
        if not wanted:  # an id that differs from its file name: the cache knows it
            wanted = _paths_with_id(root, claim_id)
        articles: dict[str, ArticleRecord] = {}
        records: dict[str, ClaimRecord] = {}
        general: list[Problem] = []
        claimants = names_for(root) if wanted else None
        for path in wanted:
            folder = os.path.dirname(path) or "."
            if folder not in articles:
                articles[folder] = load_article(folder, os.path.join(folder, ARTICLE_FILE))
            article = articles[folder]
            index = QuoteIndex(article.text, article.article.published if article.article else None) if article.text else None
            result, raw, stat = check_claim_file(path, index, today(), Want(claim=True, row=True), None, claimants)
            record = ClaimRecord(path, article, result.row, result.problems, (stat, digest(raw) if stat else b""))
            record._claim = result.claim
            records[path] = record
        others = {p: stem(p) for p in names if p not in records}
        store = cls(root, articles, records, general, others=others)
        for record in records.values():  # cross-claim rules against the whole tree
            if record.claim is not None:
                located = store._problems_for(record, record.claim)
                record.problems = sorted(set(record.problems) | {p for p in located if p.code in ("duplicate-id", "related-missing")})
        return store

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
        return {r.id for r in self.records.values()} | set(self.others.values())

    # the writer

    def edit(
        self,
        claim_id: str,
        change: Callable[[Claim], Claim],
        *,
        allow_new_problems: bool = False,
        rebase: bool = False,
        fix: Callable[[dict], dict] | None = None,
    ) -> ClaimRecord:
        """Apply ``change`` to a claim and write it through the one writer.

        Under a lock on the claim's folder, in one step: the bytes on disk are compared
        with those loaded, the change is applied, the result is checked with every rule
        ``validate`` has, and written atomically. Refused (:class:`EditRefused`, file
        untouched) when the file changed on disk since it was loaded (unless
        ``rebase``: then the change is applied to what is on disk now, as a command
        line edit wants), when it cannot be read as a claim, or when the change adds a
        problem the claim did not have.

        ``fix`` changes the file's plain data before it is read as a claim: a field whose
        value cannot be read (``kind: quantty``) is set that way, so a claim that does not
        validate can still be repaired.
        """
        record = self.find(claim_id)
        if record is None:
            raise EditRefused(f"no claim with id {claim_id!r}")
        try:
            with fsio.folder_lock(os.path.dirname(record.path) or ".", LOCK_TIMEOUT):
                return self._write(record, change, allow_new_problems, rebase, fix)
        except fsio.LockTimeout as exc:
            raise EditRefused(str(exc)) from None

    def _write(
        self, record: ClaimRecord, change: Callable[[Claim], Claim], allow_new_problems: bool, rebase: bool, fix: Callable[[dict], dict] | None = None
    ) -> ClaimRecord:
        """The edit itself: the file is read once and parsed once (round trip); the bytes to
        write are checked from the data they were made from (see :meth:`_problems_of`)."""
        seen = self._read_current(record, rebase)
        path, raw = record.path, seen.raw
        loaded = load_roundtrip(path, raw, limit_size=False)
        if loaded.problems:
            raise EditRefused(f"{path} cannot be edited until its problems are fixed", loaded.problems)
        parsed = Parsed.of_document(path, raw, loaded.doc)
        current, errors = structure(fix(dict(parsed.data)) if fix is not None else parsed.data, Claim)
        record.edited_from = current if fix is None else structure(parsed.data, Claim)[0]
        if current is None and all(e.code not in ("type", "enum", "missing-key", "unknown-key") for e in errors):
            current = structure_lenient(fix(dict(parsed.data)) if fix is not None else parsed.data, Claim)  # bad values only: a change may fix them
        if current is None:
            raise EditRefused(f"{path} cannot be edited until its problems are fixed", place(path, raw, errors, doc=loaded.doc))
        before = self._problems_of(record, parsed)  # before the merge below changes the document
        updated = change(current)
        new_data = unstructure(updated)
        new_bytes = render_merged(loaded, new_data)
        after = self._problems_of(record, Parsed.of_data(path, new_bytes, new_data))
        known = {(p.code, p.message) for p in before}
        added = [p for p in after if (p.code, p.message) not in known]
        if added and not allow_new_problems:
            raise EditRefused("; ".join(p.message for p in added), added)
        try:
            fsio.replace_unchanged(path, seen, new_bytes)
        except fsio.ConflictError as exc:
            now = fsio.read_file(path, limit=False)
            self._reload(record, now[0] if not isinstance(now, Problem) else b"")
            raise EditRefused(str(exc)) from None
        record.set_claim(updated, after)
        record.loaded_from(new_bytes)
        self.written[path] = digest(new_bytes)
        return record

    def _read_current(self, record: ClaimRecord, rebase: bool) -> fsio.Seen:
        """The file as it is now (the edit's one read); refused when it is not what was loaded
        (the record is reloaded first), unless ``rebase``."""
        seen = fsio.read_seen(record.path, limit=False)
        if isinstance(seen, Problem):
            raise EditRefused(f"{os.path.basename(record.path)} cannot be read any more (removed or unreadable)")
        if digest(seen.raw) != record.signature[1]:
            self._reload(record, seen.raw)
            if not rebase:
                raise EditRefused(f"{os.path.basename(record.path)} changed on disk since it was loaded; it has been reloaded, make the change again")
        return seen

    def _problems_of(self, record: ClaimRecord, parsed: Parsed) -> list[Problem]:
        """Every problem ``validate`` would report for a claim file holding ``parsed.raw``,
        from what was read or made of it (no parse, unless a problem needs a position)."""
        raw = parsed.raw
        if len(raw) > fsio.MAX_BYTES:
            return [Problem(record.path, 1, 1, "too-large", f"file would be {len(raw)} bytes; claim files are at most 1 MiB")]
        try:
            result = check_parsed(parsed, record.quote_index(), today(), Want(row=False), None, names_for(self.root))
        except (Exception, RecursionError) as exc:  # noqa: BLE001 - as validate would report it
            return [internal_error(record.path, exc)]
        problems = list(result.problems)
        if result.claim_id is not None:
            found = self._cross(record.path, result.claim_id, result.related)
            if found:
                problems += parsed.locate(found)
        return sorted(set(problems))

    def _paths_by_id(self, leave_out: str) -> dict[str, list[str]]:
        """Paths of every claim but ``leave_out``, by id (the others by file name)."""
        index: dict[str, list[str]] = {}
        for path, claim_id in self.others.items():
            if path != leave_out:
                index.setdefault(claim_id, []).append(path)
        for record in self.records.values():
            if record.path != leave_out:
                index.setdefault(record.id, []).append(record.path)
        return index

    def _cross(self, path: str, claim_id: str, related: Iterable[str]) -> list:
        return cross_rules_for(path, claim_id, list(related), self._paths_by_id(path))

    def _problems_for(self, record: ClaimRecord, claim: Claim) -> list[Problem]:
        from factcheck.siteconfig import review_policy

        review = review_policy(os.path.dirname(record.path) or ".")[0]
        errors = claim_rules(claim, stem(record.path), record.quote_index(), today(), None, review, names_for(self.root))
        errors += self._cross(record.path, claim.id, claim.related)
        return [Problem(record.path, 0, 0, e.code, e.message) for e in errors]

    def _reload(self, record: ClaimRecord, raw: bytes) -> None:
        result = check_claim_bytes(record.path, raw, record.quote_index(), today(), Want(claim=True), None, names_for(self.root))
        record.set_claim(result.claim, result.problems)
        record.loaded_from(raw)

    def plain_data(self, claim_id: str) -> dict:
        """A claim file's data as written, also when it does not validate ({} if unreadable)."""
        record = self.find(claim_id)
        if record is None:
            return {}
        got = fsio.read_file(record.path, limit=False)
        if isinstance(got, Problem):
            return {}
        loaded = load_roundtrip(record.path, got[0], limit_size=False)
        plain = to_plain(loaded.doc) if not loaded.problems else None
        return plain if isinstance(plain, dict) else {}

    def changes_on_disk(self, paths: Iterable[str] | None = None) -> list["DiskChange"]:
        """Claim files among ``paths`` (default: the whole tree) added, changed, emptied or
        removed since they were loaded, each checked; nothing is applied yet.

        Reads only: safe in a worker thread, while the screen keeps using the store.
        """
        known = {os.path.abspath(p): p for p in self.records}
        if paths is None:
            tree = discover([self.root])
            wanted = {os.path.abspath(p) for p in tree.claims} | set(known)
        else:
            wanted = {os.path.abspath(p) for p in paths if p.endswith(".yaml") and not os.path.basename(p).startswith(".")}
        articles = {os.path.abspath(folder): record for folder, record in self.articles.items()}
        indexes: dict[str, QuoteIndex | None] = {}
        out = []
        for absolute in sorted(wanted):
            path = known.get(absolute)
            record = self.records.get(path) if path else None
            article = articles.get(os.path.dirname(absolute))
            if path is None:
                path = os.path.join(self.root, os.path.relpath(absolute, os.path.abspath(self.root)))
            if os.path.basename(absolute) in NOT_CLAIMS or (article is None and record is None):
                continue
            if not os.path.lexists(absolute):
                if record is not None:
                    out.append(DiskChange(path, None, (None, b"")))
                continue
            if record is not None and not record.changed_on_disk()[0]:
                continue
            article = article or (record.article if record is not None else None)
            folder = article.folder if article else ""
            if folder not in indexes:
                indexes[folder] = QuoteIndex(article.text) if article and article.text else None
            result, raw, stat = check_claim_file(path, indexes[folder], today(), Want(claim=True, row=True))
            out.append(DiskChange(path, result, (stat, digest(raw) if stat else b"")))
        return out

    def apply_disk_changes(self, changes: Iterable["DiskChange"]) -> list[ClaimRecord]:
        """Take ``changes`` into the store: new records, reloaded ones, removed ones; returns those touched."""
        touched = []
        articles = {os.path.abspath(folder): record for folder, record in self.articles.items()}
        for change in changes:
            if change.result is None:
                record = self.records.pop(change.path, None)
            else:
                record = self.records.get(change.path)
                if record is None:
                    record = ClaimRecord(change.path, articles.get(os.path.dirname(os.path.abspath(change.path))), None, [])
                    self.records[change.path] = record
                    self.others.pop(change.path, None)
                record._claim = change.result.claim
                record.row = change.result.row
                record.problems = list(change.result.problems)
                record.signature = change.signature
            if record is not None:
                touched.append(record)
        self._by_id = None
        return touched

    def create(self, article: ArticleRecord, claim: Claim) -> ClaimRecord:
        """Write a new claim file (refused if the id exists or the claim breaks a rule)."""
        path = os.path.join(article.folder, f"{claim.id}.yaml")
        if f"{claim.id}.yaml" in NOT_CLAIMS:
            raise EditRefused(f"{claim.id!r} is the name of an article folder's {claim.id}.yaml, not a claim id; choose another id")
        if self.find(claim.id) is not None or claim.id in self.others.values() or os.path.lexists(path):
            raise EditRefused(f"a claim with id {claim.id!r} already exists")
        record = ClaimRecord(path, article, ClaimRow.of(claim), [])
        problems = [p for p in self._problems_for(record, claim) if p.severity == "error"]  # a warning (an unregistered claimant) does not stop triage
        if problems:
            raise EditRefused("; ".join(p.message for p in problems), problems)
        data = render_new(unstructure(claim))
        try:
            with fsio.folder_lock(article.folder, LOCK_TIMEOUT):
                fsio.create_exclusive(path, data)
        except (fsio.ConflictError, fsio.LockTimeout) as exc:
            raise EditRefused(str(exc)) from None
        record.set_claim(claim, [])
        record.loaded_from(data)
        self.written[path] = digest(data)
        self.records[path] = record
        self._by_id = None
        return record


    def remove_new(self, claim_id: str) -> ClaimRecord:
        """Delete the file of a claim written here and changed by nobody else since (taking
        back its creation). Under the folder's lock, the bytes on disk must be the ones this
        store last wrote (a change made elsewhere, even one the screen has reloaded since,
        keeps the file); a published claim is never removed."""
        from factcheck.model import Status

        record = self.find(claim_id)
        if record is None:
            raise EditRefused(f"no claim with id {claim_id!r}")
        if record.claim is not None and record.claim.status is Status.PUBLISHED:
            raise EditRefused(f"{claim_id} is published: a published claim is corrected, not removed")
        try:
            with fsio.folder_lock(os.path.dirname(record.path) or ".", LOCK_TIMEOUT):
                got = fsio.read_file(record.path, limit=False)
                if isinstance(got, Problem):
                    raise EditRefused(f"{claim_id}: {got.message}")
                if digest(got[0]) != self.written.get(record.path):
                    raise EditRefused(f"{claim_id} changed on disk since it was written here; it is not removed")
                os.unlink(record.path)
        except fsio.LockTimeout as exc:
            raise EditRefused(str(exc)) from None
        except OSError as exc:
            raise EditRefused(f"{claim_id}: cannot remove its file: {exc.strerror or exc}") from None
        del self.records[record.path]
        self.written.pop(record.path, None)
        self._by_id = None
        return record

    def dismiss(self, article: ArticleRecord, sentence: str, by: str, reason: str | None = None, at: dt.datetime | None = None) -> Dismissal:
        """Record in the article folder's ``dismissed.yaml`` that ``sentence`` is not worth a claim.

        The writer's way, as for a claim: under the folder's lock the file is read as it
        is on disk now (and created if there is none), the entry is appended with every
        other line and comment kept, the result is checked as ``validate`` checks it, and
        written atomically. Refused (:class:`EditRefused`, nothing written) when the
        sentence is not in the article text or is dismissed already, when the entry breaks
        a rule, or when the file cannot be read as dismissals.
        """
        from factcheck import dismissals as dm
        from factcheck.convert import field_errors, unvalidated
        from factcheck.model import Dismissals

        entry = unvalidated(Dismissal, sentence=sentence, by=by, at=at or now(), reason=reason or None)
        errors = field_errors(entry)
        if errors:
            raise EditRefused("; ".join(e.message for e in errors))
        if article.text is None:
            raise EditRefused(f"the text of {article.slug} cannot be read")
        index = QuoteIndex(article.text)
        if not index.contains(sentence):
            raise EditRefused("the sentence does not occur in the article text")
        path = dm.path_in(article.folder)
        try:
            with fsio.folder_lock(article.folder, LOCK_TIMEOUT):
                seen: fsio.Seen | None = None
                before: list[Problem] = []
                if not os.path.lexists(path):
                    new_bytes = render_new(unstructure(Dismissals([entry])))
                else:
                    got = fsio.read_seen(path, limit=False)
                    if isinstance(got, Problem):
                        raise EditRefused(f"{path}: {got.message}", [got])
                    seen = got
                    loaded = load_roundtrip(path, seen.raw, limit_size=False)
                    current = dm.check_bytes(path, seen.raw, index)
                    if loaded.problems or current.dismissals is None:
                        raise EditRefused(f"{path} cannot be changed until its problems are fixed (factcheck validate)", loaded.problems or current.problems)
                    same = [e for e in current.entries if dm.is_dismissed(sentence, dm.keys([e]))]
                    if same:
                        raise EditRefused(f"already dismissed by {same[0].by} on {same[0].at.date().isoformat()}")
                    before = current.problems
                    new_bytes = render_merged(loaded, unstructure(Dismissals([*current.entries, entry])))
                if len(new_bytes) > fsio.MAX_BYTES:
                    raise EditRefused(f"{path} would be {len(new_bytes)} bytes; files are at most 1 MiB")
                known = {(p.code, p.message) for p in before}
                added = [p for p in dm.check_bytes(path, new_bytes, index).problems if (p.code, p.message) not in known]
                if added:
                    raise EditRefused("; ".join(p.message for p in added), added)
                fsio.write_seen(path, seen, new_bytes)
        except (fsio.ConflictError, fsio.LockTimeout) as exc:
            raise EditRefused(str(exc)) from None
        return entry


@attrs.frozen
class DiskChange:
    """A claim file as found on disk now: checked (``result``), or gone (``result`` None)."""

    path: str
    result: FileResult | None
    signature: tuple[fsio.FileStat | None, bytes]


def _paths_with_id(root: str, claim_id: str) -> list[str]:
    """Files whose claim id (as the validation cache knows it) is ``claim_id``."""
    from factcheck import cache

    entries = cache.load(cache.path_for([root], "validate"), "validate", cache.code_version())
    return sorted(p for p, e in entries.items() if e.claim_id == claim_id and os.path.exists(p))


def history_entry(
    action: Action, by: str, *, field: str | None = None, before: Any = None, after: Any = None, note: str | None = None, at: dt.datetime | None = None,
    internal: bool = False,
) -> HistoryEntry:
    def word(value: Any) -> str | None:
        return None if value is None else str(getattr(value, "value", value))

    return HistoryEntry(at=at or now(), by=by, action=action, field=field, before=word(before), after=word(after), note=note, internal=internal)
