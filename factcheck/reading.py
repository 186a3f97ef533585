"""The one reading path: read a claim file safely, parse it once, check it.

Every command reads through here (``validate`` and the review screen through
:mod:`factcheck.validate`, which adds the cache and both cores); the files are found by
:mod:`factcheck.tree`. For one file:

1. :func:`~factcheck.fsio.read_file` opens it without following it out of the tree,
   refuses anything that is not a regular file, and reads its bytes.
2. :func:`parse` parses them once: rapidyaml when the file is plain (decided per node),
   else the strict reader (libyaml's events, in C). Either gives plain data.
3. :func:`check_claim_bytes` checks the data: the fast checker (msgspec) for a valid
   record, the converter (cattrs) to report every problem of an invalid one, then the
   single-claim rules. Positions are looked up only when there is something to report
   (:func:`factcheck.yaml.positions.place`).

Whatever happens inside a check of one file, it becomes a problem of that file
(``internal-error``), never the end of the run.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from typing import Any

import attrs

from factcheck import fastcheck
from factcheck.convert import FieldError, structure
from factcheck.fsio import FileStat, read_file
from factcheck.model import Article, Claim
from factcheck.problems import Problem
from factcheck.rows import ClaimRow, ListLine
from factcheck.rules import ClaimantNames, QuoteIndex, ReviewPolicy, claim_rules, control_chars
from factcheck.textsafe import json_safe_bytes
from factcheck.tree import inside
from factcheck.yaml.fast import FastParse, decode_fast, parse_fast, quiet_stderr, stderr_is_quiet
from factcheck.yaml.positions import BlockLines, place
from factcheck.yaml.roundtrip import to_plain
from factcheck.yaml.strict import load_strict


def today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


def internal_error(path: str, exc: BaseException) -> Problem:
    """A check that failed inside factcheck, as a problem of the file it was reading."""
    detail = str(exc).splitlines()[0][:200] if str(exc) else ""
    name = type(exc).__name__ + (f": {detail}" if detail else "")
    return Problem(path, 1, 1, "internal-error", f"factcheck failed on this file ({name}); this is a bug in factcheck, please report it")


# -- reading one file -----------------------------------------------------------


@attrs.define
class Parsed:
    """One parse of a file: its record or plain data (or the problems that stopped it), and
    what places a finding in it (:func:`factcheck.yaml.positions.place`).

    For a plain file in full canonical form read as ``cls``, the fast checker's struct
    comes straight from rapidyaml's JSON (``record``; that JSON is ``json``); the plain
    data is then decoded only if someone asks for it. An edit makes one from the
    round-trip document it has loaded (:meth:`of_document`) or from the plain data it
    is about to write (:meth:`of_data`): no second parse.
    """

    path: str
    raw: bytes
    problems: list[Problem] = attrs.field(factory=list)
    record: Any = None
    fast: bool = True
    _data: Any = None
    _emitted: FastParse | None = None
    _root: Any = None  # the strict reader's node tree; composed on demand for the fast path
    _lines: BlockLines | None = None
    _doc: Any = None  # a round-trip document of ``raw``, when an edit has one

    @classmethod
    def of_document(cls, path: str, raw: bytes, doc: Any) -> "Parsed":
        """What the round-trip loader read from ``raw`` (``doc``, a mapping without problems)."""
        return cls(path, raw, fast=False, data=to_plain(doc), doc=doc)

    @classmethod
    def of_data(cls, path: str, raw: bytes, data: dict) -> "Parsed":
        """Plain ``data`` that ``raw`` was written from: positions are found in ``raw`` when asked for."""
        return cls(path, raw, fast=False, data=data)

    @property
    def json(self) -> bytes | None:
        """The file's data as rapidyaml's JSON, when read by the fast path."""
        return self._emitted.json if self._emitted is not None and self.fast else None

    @property
    def data(self) -> Any:
        if self._data is None and self._emitted is not None and self.fast:
            self._data = decode_fast(self._emitted.json, self._emitted.nodes)
            if self._data is None:  # rapidyaml and the JSON disagree: the strict reader decides
                strict = load_strict(self.path, self.raw)
                self._data, self._root, self.problems, self.fast = strict.data, strict.root, strict.problems, False
        return self._data

    def _block_lines(self) -> BlockLines | None:
        if not self.fast or self._emitted is None:
            return None
        if self._lines is None:
            known = fastcheck.mapping_items(self.record) if self.record is not None else None
            self._lines = BlockLines(self.raw, self._emitted.json, self._emitted.nodes, seq_maps=known)
        return self._lines

    def locate(self, findings: list[FieldError]) -> list[Problem]:
        return place(self.path, self.raw, findings, doc=self._doc, root=self._root, lines=self._block_lines)


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
        if stderr_is_quiet():
            emitted = parse_fast(raw)
        else:
            with quiet_stderr():
                emitted = parse_fast(raw)
    if emitted is not None:
        if cls is not None:
            record = fastcheck.decode_record(emitted.json, cls, emitted.nodes)
            if record is not None:
                return Parsed(path, raw, record=record, emitted=emitted)
        parsed = Parsed(path, raw, emitted=emitted)
        parsed.data  # noqa: B018 - decode now: a duplicate key sends it to the strict reader
        return parsed
    strict = load_strict(path, raw)
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
    if not inside(path, (os.path.realpath(folder),)):
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


def check_claim_bytes(path: str, raw: bytes, article: QuoteIndex | None, day: dt.date, want: Want = Want(), review: ReviewPolicy | None = None,
                      claimants: ClaimantNames | None = None) -> FileResult:
    """Schema and single-claim rules for one claim file; never raises.

    ``review``: the review policy of the file's tree (None: looked up from its folder).
    ``claimants``: the names of the tree's claimant registry (None: not checked).
    """
    try:
        return _check_claim(path, raw, article, day, want, review, claimants)
    except (Exception, RecursionError) as exc:  # noqa: BLE001 - one file never takes the run down
        return FileResult(path, [internal_error(path, exc)], None, [], cacheable=False)


def _check_claim(path: str, raw: bytes, article: QuoteIndex | None, day: dt.date, want: Want, review: ReviewPolicy | None = None,
                 claimants: ClaimantNames | None = None) -> FileResult:
    return check_parsed(parse(path, raw, Claim), article, day, want, review, claimants)


def check_parsed(parsed: Parsed, article: QuoteIndex | None, day: dt.date, want: Want = Want(), review: ReviewPolicy | None = None,
                 claimants: ClaimantNames | None = None) -> FileResult:
    """:func:`check_claim_bytes` of a file already parsed (may raise)."""
    path = parsed.path
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
    findings = claim_rules(checked, stem(path), article, day, json, review, claimants)
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
    path: str, article: QuoteIndex | None, day: dt.date, want: Want = Want(), review: ReviewPolicy | None = None,
    claimants: ClaimantNames | None = None,
) -> tuple[FileResult, bytes, FileStat | None]:
    """Read and check one claim file: (result, the bytes read, their signature)."""
    got = read_file(path)
    if isinstance(got, Problem):
        return FileResult(path, [got], None, [], cacheable=False), b"", None
    raw, signature = got
    return check_claim_bytes(path, raw, article, day, want, review, claimants), raw, signature
