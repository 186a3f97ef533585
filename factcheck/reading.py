"""The one reading path: find claim files, read each one safely, parse it once, check it.

Every command reads through here (``validate`` and the review screen through
:mod:`factcheck.validate`, which adds the cache and both cores). For one file:

1. :func:`read_file` opens it without following it out of the tree, refuses anything
   that is not a regular file, and reads its bytes.
2. :func:`parse` parses them once: rapidyaml when the file is plain (decided per node),
   else the strict reader (libyaml's events, in C). Either gives plain data.
3. :func:`check_claim_bytes` checks the data: the fast checker (msgspec) for a valid
   record, the converter (cattrs) to report every problem of an invalid one, then the
   single-claim rules. Positions are looked up only when there is something to report.

Whatever happens inside a check of one file, it becomes a problem of that file
(``internal-error``), never the end of the run.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path as FsPath
from typing import Any, NamedTuple

import attrs
import msgspec

from factcheck import fastcheck, yamlio
from factcheck.convert import FieldError, structure
from factcheck.fields import SOURCE_ARCHIVE, SOURCE_LAID_OUT, field_views
from factcheck.model import Article, Claim, Source, Stance, assignee_of
from factcheck.problems import Problem
from factcheck.rules import QuoteIndex, ReviewPolicy, claim_rules, control_chars
from factcheck.textsafe import json_safe_bytes

ARTICLE_FILE = "article.yaml"
#: An article folder's dismissed sentences (:class:`factcheck.model.Dismissals`); not a claim.
DISMISSED_FILE = "dismissed.yaml"
#: The names in an article folder that are not claim files.
NOT_CLAIMS = frozenset({ARTICLE_FILE, DISMISSED_FILE})


def today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


def internal_error(path: str, exc: BaseException) -> Problem:
    """A check that failed inside factcheck, as a problem of the file it was reading."""
    detail = str(exc).splitlines()[0][:200] if str(exc) else ""
    name = type(exc).__name__ + (f": {detail}" if detail else "")
    return Problem(path, 1, 1, "internal-error", f"factcheck failed on this file ({name}); this is a bug in factcheck, please report it")


# -- finding files ----------------------------------------------------------------


class FileStat(NamedTuple):
    """What says a file is unchanged: a same-size edit with its mtime put back still changes ctime."""

    mtime_ns: int
    size: int
    ino: int
    ctime_ns: int

    def key(self) -> tuple[int, int, int, int]:
        return (self.mtime_ns, self.size, self.ino, self.ctime_ns)

    @classmethod
    def of(cls, st: os.stat_result) -> "FileStat":
        # tuple.__new__: the named tuple's own __new__ is Python code, and this runs for every file read
        return tuple.__new__(cls, (st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns))


@attrs.frozen
class Tree:
    """The files of a claims tree: article folders, claim files, and what could not be looked at."""

    articles: dict[str, str]  # folder -> article.yaml path
    claims: list[str]  # claim file paths, sorted
    strays: list[str]  # claim-like files outside any article folder
    problems: list[Problem] = attrs.field(factory=list)  # symlinks out, non-files, unreadable folders
    stats: dict[str, FileStat] = attrs.field(factory=dict)  # as seen while looking
    unreadable: set[str] = attrs.field(factory=set)  # files whose mode says this process may not read them
    dismissals: dict[str, str] = attrs.field(factory=dict)  # folder -> dismissed.yaml path


def _inside(path: str, roots: tuple[str, ...]) -> bool:
    real = os.path.realpath(path)
    return any(real == root or real.startswith(root + os.sep) for root in roots)


def folder_of(path: str) -> str:
    """``os.path.dirname(path) or "."``, cheaper (it runs for every file of a tree)."""
    return path.rpartition(os.sep)[0] or "."


_EUID = os.geteuid() if hasattr(os, "geteuid") else -1
_GROUPS = set(os.getgroups()) | {os.getegid()} if hasattr(os, "getgroups") else set()


def readable(st: os.stat_result) -> bool:
    """Whether this process may read a file, from its stat (no system call)."""
    if _EUID == 0 or _EUID == -1:
        return True
    if st.st_uid == _EUID:
        return bool(st.st_mode & stat.S_IRUSR)
    if st.st_gid in _GROUPS:
        return bool(st.st_mode & stat.S_IRGRP)
    return bool(st.st_mode & stat.S_IROTH)


def _entry_problem(path: str, is_symlink: bool, mode: int | None, roots: tuple[str, ...]) -> Problem | None:
    if is_symlink and not _inside(path, roots):
        return Problem(path, 1, 1, "symlink", "a symbolic link that leads out of the claims tree; it is not read")
    if mode is None:
        return Problem(path, 1, 1, "unreadable", "cannot be looked at (broken link or no permission)")
    if not stat.S_ISREG(mode):
        return Problem(path, 1, 1, "not-a-file", "not a regular file (a FIFO, socket or device); it is not opened")
    return None


def _scan(folder: str, roots: tuple[str, ...], articles: dict[str, str], yaml_files: list[str], problems: list[Problem], stats: dict, unreadable: set,
          dismissals: dict[str, str], look: bool = True) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError as exc:
        problems.append(Problem(folder, 1, 1, "unreadable", f"folder cannot be read: {exc.strerror or exc}"))
        return
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        if not look and name.endswith(".yaml") and name != ARTICLE_FILE and name != DISMISSED_FILE:
            try:
                if entry.is_file(follow_symlinks=False):  # the folder says: a regular file, not a link
                    yaml_files.append(entry.path)
                    continue
            except OSError:
                pass
        try:
            if entry.is_dir(follow_symlinks=False):
                _scan(entry.path, roots, articles, yaml_files, problems, stats, unreadable, dismissals, look)
                continue
        except OSError:
            pass
        if not name.endswith(".yaml"):
            continue
        st: os.stat_result | None = None
        try:
            is_link = entry.is_symlink()
            if not look and not is_link and entry.is_file(follow_symlinks=False):
                mode: int | None = stat.S_IFREG  # the directory says so: no stat needed
            else:
                st = entry.stat(follow_symlinks=True)
                mode = st.st_mode
        except OSError:
            is_link, mode = True, None
        problem = _entry_problem(entry.path, is_link, mode, roots)
        if problem is not None:
            problems.append(problem)
        elif name == ARTICLE_FILE:
            articles[folder] = entry.path
        elif name == DISMISSED_FILE:
            dismissals[folder] = entry.path
        else:
            yaml_files.append(entry.path)
            if st is not None:
                stats[entry.path] = FileStat.of(st)
                if not readable(st):
                    unreadable.add(entry.path)


def tree_root(path: str) -> str:
    """The claims tree a file or folder belongs to: the parent of its article folder, else the nearest ``claims/``."""
    here = os.path.abspath(path)
    folder = here if os.path.isdir(here) else os.path.dirname(here)
    if os.path.exists(os.path.join(folder, ARTICLE_FILE)):
        return os.path.dirname(folder)
    for candidate in (folder, *map(str, FsPath(folder).parents)):
        if os.path.basename(candidate) == "claims":
            return candidate
    return folder


def discover(paths: Iterable[str | os.PathLike], look: bool = True) -> Tree:
    """Find article folders and claim files under the given paths (files or folders).

    ``look=False``: a claim file that its folder lists as a regular file is not looked
    at (no ``stats``, not in ``unreadable``), for a run that has no cached results to
    compare with: reading each file looks at it then.
    """
    articles: dict[str, str] = {}
    yaml_files: list[str] = []
    problems: list[Problem] = []
    stats: dict[str, FileStat] = {}
    unreadable: set[str] = set()
    dismissals: dict[str, str] = {}
    for given in paths:
        path = os.fspath(given)
        roots = (os.path.realpath(tree_root(path)),)
        if os.path.isdir(path):
            _scan(path, roots, articles, yaml_files, problems, stats, unreadable, dismissals, look)
            continue
        try:
            st = os.stat(path)
        except OSError:
            if os.path.lexists(path):
                problems.append(Problem(path, 1, 1, "unreadable", "cannot be looked at (broken link or no permission)"))
            continue  # a missing path is reported by the caller
        problem = _entry_problem(path, os.path.islink(path), st.st_mode, roots)
        if problem is not None:
            problems.append(problem)
        elif os.path.basename(path) == ARTICLE_FILE:
            articles[os.path.dirname(path) or "."] = path
        elif os.path.basename(path) == DISMISSED_FILE:
            dismissals[os.path.dirname(path) or "."] = path
        else:
            yaml_files.append(path)
            stats[path] = FileStat.of(st)
            if not readable(st):
                unreadable.add(path)
            folder = os.path.dirname(path) or "."
            article = os.path.join(folder, ARTICLE_FILE)
            if os.path.isfile(article):
                articles.setdefault(folder, article)
    claims: list[str] = []
    strays: list[str] = []
    for path in sorted(set(yaml_files)):
        (claims if folder_of(path) in articles else strays).append(path)
    return Tree(articles=articles, claims=claims, strays=strays, problems=problems, stats=stats, unreadable=unreadable, dismissals=dismissals)


def claim_names(roots: Iterable[str]) -> list[str]:
    """Paths of the claim files of article folders under ``roots``: names only, nothing opened or looked at."""
    out: list[str] = []
    for root in roots:
        try:
            folders = [e.path for e in os.scandir(root) if e.is_dir(follow_symlinks=False) and not e.name.startswith(".")]
        except OSError:
            continue
        for folder in folders:
            try:
                names = os.listdir(folder)
            except OSError:
                continue
            if ARTICLE_FILE in names:
                out += [os.path.join(folder, n) for n in names if n.endswith(".yaml") and n not in NOT_CLAIMS and not n.startswith(".")]
    return out


# -- reading one file -----------------------------------------------------------


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def read_file(path: str, limit: bool = True) -> tuple[bytes, FileStat] | Problem:
    """The bytes of a regular file and its signature, or the problem that stopped the read.

    Opened without blocking, so a FIFO put in place of a claim file cannot hang a run.
    Without ``limit`` a file over the size limit is read too (the writer reads one so
    that a change can make it smaller).
    """
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        return Problem(path, 1, 1, "unreadable", exc.strerror or str(exc))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return Problem(path, 1, 1, "not-a-file", "not a regular file (a FIFO, socket or device); it is not opened")
        if limit and st.st_size > yamlio.MAX_BYTES:
            return Problem(path, 1, 1, "too-large", f"file is {st.st_size} bytes; claim files are at most 1 MiB")
        want = st.st_size + 1  # one byte more than its size: the end is seen in one read
        chunk = os.read(fd, want)
        if st.st_size <= len(chunk) < want:  # all of it, as its size says: no read just to see the end
            return chunk, FileStat.of(st)
        chunks = [chunk]  # it changed size meanwhile (or its size says nothing, as in /proc)
        while chunk:
            chunk = os.read(fd, 65536)
            chunks.append(chunk)
        return b"".join(chunks), FileStat.of(st)
    except OSError as exc:
        return Problem(path, 1, 1, "unreadable", exc.strerror or str(exc))
    finally:
        os.close(fd)


@attrs.define
class Parsed:
    """One parse of a file: its record or plain data (or the problems that stopped it), and positions.

    For a plain file in full canonical form read as ``cls``, the fast checker's struct
    comes straight from rapidyaml's JSON (``record``; that JSON is ``json``); the plain
    data is then decoded only if someone asks for it.
    """

    path: str
    raw: bytes
    problems: list[Problem] = attrs.field(factory=list)
    record: Any = None
    fast: bool = True
    _data: Any = None
    _emitted: yamlio.FastParse | None = None
    _root: Any = None  # the strict reader's node tree; composed on demand for the fast path
    _lines: yamlio.BlockLines | None = None

    @property
    def json(self) -> bytes | None:
        """The file's data as rapidyaml's JSON, when read by the fast path."""
        return self._emitted.json if self._emitted is not None and self.fast else None

    @property
    def data(self) -> Any:
        if self._data is None and self._emitted is not None and self.fast:
            self._data = yamlio.decode_fast(self._emitted.json, self._emitted.nodes)
            if self._data is None:  # rapidyaml and the JSON disagree: the strict reader decides
                strict = yamlio.load_strict(self.path, self.raw)
                self._data, self._root, self.problems, self.fast = strict.data, strict.root, strict.problems, False
        return self._data

    def locate(self, findings: list[FieldError]) -> list[Problem]:
        if not findings:
            return []
        if self._root is None and all(len(f.path) == 1 and isinstance(f.path[0], str) for f in findings):
            quick = [yamlio.locate_top_level(self.raw, str(f.path[0]), f.at_key) for f in findings]
            found = [q for q in quick if q is not None]
            if len(found) == len(findings):  # top-level keys of a block mapping: found without a parse
                return sorted(Problem(self.path, line, col, f.code, f.message) for (line, col), f in zip(found, findings, strict=True))
        if self._root is not None:
            return sorted(Problem(self.path, *yamlio._locate_node(self._root, f.path, f.at_key), f.code, f.message) for f in findings)
        if self.fast and self._emitted is not None:  # plain block style: found from the lines
            if self._lines is None:
                known = fastcheck.mapping_items(self.record) if self.record is not None else None
                self._lines = yamlio.BlockLines(self.raw, self._emitted.json, self._emitted.nodes, seq_maps=known)
            lines = [self._lines.locate(f.path, f.at_key) for f in findings]
            if all(found is not None for found in lines):
                return sorted(Problem(self.path, *found, f.code, f.message) for found, f in zip(lines, findings, strict=True) if found)
        return sorted(yamlio.locate_all(self.path, self.raw, findings))


#: Whether this process may use rapidyaml. It prints parse errors on file descriptor 2,
#: which a terminal UI draws on: such a process turns it off (:func:`fast_parser_here`)
#: and leaves rapidyaml to helper processes whose descriptor 2 is /dev/null.
_FAST_HERE = True


def fast_parser_here(allowed: bool) -> None:
    global _FAST_HERE
    _FAST_HERE = allowed


def fast_parser_allowed() -> bool:
    return _FAST_HERE


def parse(path: str, raw: bytes, cls: type | None = None) -> Parsed:
    """Parse once: rapidyaml for a plain file, the strict reader for the rest.

    With ``cls``, a plain file that is certainly a valid record comes back as the fast
    checker's struct without building plain data at all.
    """
    emitted = None
    if _FAST_HERE:
        if yamlio.stderr_is_quiet():
            emitted = yamlio.parse_fast(raw)
        else:
            with yamlio.quiet_stderr():
                emitted = yamlio.parse_fast(raw)
    if emitted is not None:
        if cls is not None:
            record = fastcheck.decode_record(emitted.json, cls, emitted.nodes)
            if record is not None:
                return Parsed(path, raw, record=record, emitted=emitted)
        parsed = Parsed(path, raw, emitted=emitted)
        parsed.data  # noqa: B018 - decode now: a duplicate key sends it to the strict reader
        return parsed
    strict = yamlio.load_strict(path, raw)
    return Parsed(path, raw, strict.problems, fast=False, data=strict.data, root=strict.root)


def read_record(path: str, raw: bytes, cls: type, rules: Callable[[Any], list[FieldError]], want_attrs: bool = True) -> tuple[Any, Any, list[Problem]]:
    """Read one file as ``cls`` and check it: (object or None, plain data or None, problems).

    A valid record comes back as the attrs object, or, without ``want_attrs``, as the
    fast checker's struct (same fields, cheaper).
    """
    parsed = parse(path, raw, cls)
    if parsed.problems:
        return None, None, parsed.problems
    obj = parsed.record if parsed.record is not None else fastcheck.fast_record(parsed.data, cls)
    if parsed.problems:
        return None, None, parsed.problems
    if obj is not None and want_attrs:
        obj, errors = structure(parsed.data, cls)
    elif obj is None:
        obj, errors = structure(parsed.data, cls)
    else:
        errors = []
    if obj is not None:
        errors = rules(obj)
    return obj, parsed.data if want_attrs or obj is None else None, parsed.locate(errors)


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


def _article_text(folder: str, name: str) -> tuple[str | None, str | None]:
    """(text, None) or (None, why not): only a regular file inside the article folder is read."""
    if os.path.isabs(name) or os.path.normpath(name).startswith(".."):
        return None, "text must be a file name inside the article folder"
    path = os.path.join(folder, name)
    if not _inside(path, (os.path.realpath(folder),)):
        return None, f"the article text {name!r} is a symbolic link that leads out of the article folder; it is not read"
    got = read_file(path)
    if isinstance(got, Problem):
        return None, f"cannot read the article text {name!r}: {got.message}"
    try:
        return got[0].decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return None, f"cannot read the article text {name!r}: not UTF-8 ({exc.reason})"


def load_article(folder: str, path: str) -> ArticleRecord:
    got = read_file(path)
    if isinstance(got, Problem):
        return ArticleRecord(folder, path, None, None, [got])
    text: str | None = None

    def rules(article: Article) -> list[FieldError]:
        nonlocal text
        out = control_chars(article, Article)
        if article.published > today():
            out.append(FieldError("future-date", f"published {article.published.isoformat()} is in the future", ("published",)))
        text, why = _article_text(folder, article.text)
        if why:
            out.append(FieldError("article-text", why, ("text",)))
        return out

    try:
        article, _, problems = read_record(path, got[0], Article, rules, want_attrs=False)
    except Exception as exc:  # noqa: BLE001 - any failure is reported, never raised
        return ArticleRecord(folder, path, None, None, [internal_error(path, exc)])
    return ArticleRecord(folder, path, article, text, problems)


# -- one claim file -------------------------------------------------------------


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
    assignee: str | None = None
    more: str = ""  # source URLs, excerpts and history notes, for search

    @classmethod
    def of(cls, claim: Any) -> "ClaimRow":
        sources = claim.sources
        stances = [s.stance for s in sources]
        urls = [s.url for s in sources]
        urls += [s.archive_url for s in sources if s.archive_url]
        return cls(
            claim.id, claim.status.value, claim.verdict.value if claim.verdict else None,
            claim.kind.value, claim.claimant, claim.text, claim.quote, claim.summary,
            stances.count(Stance.SUPPORTS), stances.count(Stance.REFUTES), stances.count(Stance.CONTEXT),
            " | ".join([f"{s.title} — {s.publisher}" for s in sources]), tuple(claim.tags),
            assignee_of(claim.history),
            "\n".join([*urls, *(s.excerpt for s in sources), *_more_text(sources), *(h.note for h in claim.history if h.note)]),
        )


#: Text fields of a source that search reads beyond the ones laid out above: any the model adds.
_SEARCHED_MORE = tuple(f.name for f in field_views(Source, SOURCE_LAID_OUT + SOURCE_ARCHIVE) if f.kind in ("text", "prose", "url"))


def _more_text(sources: Any) -> list[str]:
    if not _SEARCHED_MORE:
        return []
    return [value for s in sources for name in _SEARCHED_MORE if (value := getattr(s, name, None))]


class ListLine(msgspec.Struct, array_like=True, frozen=True):
    """What ``factcheck list`` shows of a claim. It is kept with the claim's problems in
    the validate cache, so that listing after a ``validate`` reads neither the files nor
    the list rows of the review screen. (A struct, not a named tuple: msgspec decodes
    20,000 of them in 10 ms, not 70.)"""

    id: str
    status: str
    verdict: str | None
    kind: str
    sources: int
    text: str

    @classmethod
    def of(cls, claim: Any) -> "ListLine":
        # _value_ is each member's value without the enum's descriptor (every claim of a tree comes here)
        return cls(claim.id, claim.status._value_, claim.verdict._value_ if claim.verdict else None, claim.kind._value_, len(claim.sources), claim.text)


@attrs.define
class FileResult:
    """What checking one claim file found."""

    path: str
    problems: list[Problem]
    claim_id: str | None
    related: list[str]
    claim: Claim | None = None
    cacheable: bool = True
    row: ClaimRow | None = None
    data: bytes | None = None  # the valid claim as JSON (the export shape), when asked for
    reader: str = ""  # "fast" or "strict": which parser read the file
    line: ListLine | None = None  # what a listing shows (a valid claim only)


def stem(path: str) -> str:
    return os.path.basename(path)[: -len(".yaml")]


def _raw_id(data: Any) -> tuple[str | None, list[str]]:
    if not isinstance(data, dict):
        return None, []
    claim_id = data.get("id") if isinstance(data.get("id"), str) else None
    related = data.get("related")
    related = [r for r in related if isinstance(r, str)] if isinstance(related, list) else []
    return claim_id, related


@attrs.frozen
class Want:
    """What a caller wants from checking a claim file besides its problems."""

    claim: bool = False  # the attrs object
    row: bool = True  # the list row
    data: bool = False  # the claim as JSON bytes
    digest: bool = False  # a digest of the bytes (for callers that watch files for changes)


def check_claim_bytes(path: str, raw: bytes, article: QuoteIndex | None, day: dt.date, want: Want = Want(), review: ReviewPolicy | None = None) -> FileResult:
    """Schema and single-claim rules for one claim file; never raises.

    ``review``: the review policy of the file's tree (None: looked up from its folder).
    """
    try:
        return _check_claim(path, raw, article, day, want, review)
    except (Exception, RecursionError) as exc:  # noqa: BLE001 - one file never takes the run down
        return FileResult(path, [internal_error(path, exc)], None, [], cacheable=False)


def _check_claim(path: str, raw: bytes, article: QuoteIndex | None, day: dt.date, want: Want, review: ReviewPolicy | None = None) -> FileResult:
    parsed = parse(path, raw, Claim)
    reader = "fast" if parsed.fast else "strict"
    if parsed.problems:
        return FileResult(path, parsed.problems, None, [], reader=reader)
    record, json = parsed.record, parsed.json
    if record is None:
        record = fastcheck.fast_claim(parsed.data)
        if parsed.problems:  # the JSON disagreed with rapidyaml and the strict reader found problems
            return FileResult(path, parsed.problems, None, [], reader="strict")
        json = None
    errors: list[FieldError]
    claim = None
    if record is None or want.claim:
        claim, errors = structure(parsed.data, Claim, likely_valid=record is not None)
    if record is None and claim is None:
        claim_id, related = _raw_id(parsed.data)
        return FileResult(path, parsed.locate(errors), claim_id, related, reader=reader)
    checked: Any = record if record is not None else claim
    if review is None:
        from factcheck.siteconfig import review_policy

        review = review_policy(os.path.dirname(path) or ".")[0]
    findings = claim_rules(checked, stem(path), article, day, json, review)
    problems = parsed.locate(findings)
    # A date in the future stops being one: such a file is checked again every run.
    cacheable = not any(p.code == "future-date" for p in problems)
    data = None
    if want.data and record is not None:
        data = json_safe_bytes(fastcheck.encode_claim(record))
    return FileResult(
        path, problems, checked.id, list(checked.related), claim, cacheable,
        ClaimRow.of(checked) if want.row else None, data, reader, ListLine.of(checked),
    )


def check_claim_file(
    path: str, article: QuoteIndex | None, day: dt.date, want: Want = Want(), review: ReviewPolicy | None = None
) -> tuple[FileResult, bytes, FileStat | None]:
    """Read and check one claim file: (result, the bytes read, their signature)."""
    got = read_file(path)
    if isinstance(got, Problem):
        return FileResult(path, [got], None, [], cacheable=False), b"", None
    raw, signature = got
    return check_claim_bytes(path, raw, article, day, want, review), raw, signature
