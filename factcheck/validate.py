"""Check a whole tree fast: both cores, and a cache of unchanged files.

Files whose cache entry still holds (:mod:`factcheck.cache`) are not read again;
the rest are read and checked through :mod:`factcheck.reading`, in batches, by this
process and a forked helper that each take the next batch from a shared queue (a
pipe of batch numbers), so neither ever waits for the other. A helper that dies
costs only the file it was checking (``internal-error``). Cross-record rules
(unique ids, related ids) always run over every id of the tree, which is cheap.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import fcntl
import functools
import gc
import itertools
import operator
import os
import pickle
import signal
import threading
from collections.abc import Callable, Iterable
from typing import Any, NoReturn

import attrs
import msgspec

from factcheck import cache
from factcheck.evidence.check import evidence_problems
from factcheck.fsio import FileStat
from factcheck.pipes import FRAME, Inbox
from factcheck.problems import Problem
from factcheck.reading import (
    ArticleRecord,
    FileResult,
    Want,
    check_claim_file,
    fast_parser_allowed,
    fast_parser_here,
    load_article,
    today,
)
from factcheck.rows import ClaimRow, ListLine
from factcheck.rules import ClaimantNames, QuoteIndex, ReviewPolicy
from factcheck.tree import discover, folder_of
from factcheck.treecheck import claimant_registries, cross_problems, dismissal_problems, duplicate_problems, review_policies, sorted_once
from factcheck.treeresult import Checked, Job, TreeResult  # noqa: F401 - TreeResult: what check_tree returns
from factcheck.yaml.fast import quiet_stderr, stderr_discarded

#: Below this many files to parse, one process is faster than starting a pool.
PARALLEL_THRESHOLD = 400
BATCH = 250
LAST_BATCH = 50
MAX_BATCHES = 10000


digest = cache.digest


# -- workers --------------------------------------------------------------------

_TEXTS: dict[str, tuple[str | None, dt.date | None]] = {}  # folder -> its article's text and date
_ARTICLES: dict[str, QuoteIndex | None] = {}  # made from _TEXTS when a folder's first file is checked
_POLICIES: dict[str, ReviewPolicy] = {}
_CLAIMANTS: dict[str, ClaimantNames | None] = {}  # folder -> the names of its tree's claimant registry
_DAY: dt.date = dt.date.min
_ENTRY_ENCODER = msgspec.msgpack.Encoder()
_ROW_DECODER = msgspec.msgpack.Decoder(cache.Extra[ClaimRow | None])


def _init_worker(article_texts: dict[str, tuple[str | None, dt.date | None]], day: dt.date, helper: bool = True,
                 policies: dict[str, ReviewPolicy] | None = None, claimants: dict[str, ClaimantNames | None] | None = None) -> None:
    global _TEXTS, _ARTICLES, _DAY, _POLICIES, _CLAIMANTS
    _TEXTS, _ARTICLES = article_texts, {}
    _DAY = day
    _POLICIES = policies or {}
    _CLAIMANTS = claimants or {}
    if helper:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)  # rapidyaml's C++ prints parse errors; they are reported as values
        stderr_discarded()
        fast_parser_here(True)  # a forked helper inherits a screen's "not here"; its fd 2 is quiet
        # Checking makes many small objects and no reference cycles worth collecting:
        # the cyclic collector would only cost time in this short-lived process.
        gc.disable()


def _quote_index(folder: str) -> QuoteIndex | None:
    """The article of ``folder`` prepared for quote look-ups, made once per process when first needed."""
    try:
        return _ARTICLES[folder]
    except KeyError:
        text, published = _TEXTS.get(folder, (None, None))
        index = _ARTICLES[folder] = QuoteIndex(text, published) if text is not None else None
        return index


def _check_batch(paths: list[str], job: Job) -> list[Checked]:
    """Check files; their bytes are hashed only for callers that watch them for changes."""
    out = []
    want = job.want
    hashed = want.digest
    for path in paths:
        folder = folder_of(path)
        result, raw, stat = check_claim_file(path, _quote_index(folder), _DAY, want, _POLICIES.get(folder), _CLAIMANTS.get(folder))
        file_digest = cache.digest(raw) if stat and hashed else b""
        row_entry = b""
        if job.row_entries and result.cacheable and stat is not None:
            row_entry = _ENTRY_ENCODER.encode(cache.Extra(stat.key(), file_digest, result.row))  # a named tuple: an array
        if row_entry or not job.rows_back:
            result.row = None  # sent once: as the cache entry, which the caller decodes (remember)
        out.append(Checked(result, stat, file_digest, row_entry, _kept(result)))
    return out


def _kept(result: FileResult) -> list[tuple[int, int, str, str, str]] | None:
    """A result's problems as (line, col, code, message, severity), the path left out; None if one is about another file."""
    path = result.path
    if any(p.path != path for p in result.problems):
        return None
    return [(p.line, p.col, p.code, p.message, p.severity) for p in result.problems]


def _pack(item: Checked) -> tuple:
    """A result as plain tuples: pickling attrs objects costs more than checking them."""
    r = item.result
    problems = item.kept if item.kept is not None else [p.as_tuple() for p in r.problems]
    return (r.path, item.kept is not None, problems, r.claim_id, r.related, r.claim,
            r.cacheable, r.row, r.data, r.reader, r.line, tuple(item.stat) if item.stat else None, item.digest, item.row_entry)


def _unpack(packed: tuple) -> Checked:
    path, kept, problems, claim_id, related, claim, cacheable, row, data, reader, line, stat, file_digest, row_entry = packed
    made = [Problem(path, *p) for p in problems] if kept else [Problem(*p) for p in problems]
    result = FileResult(path, made, claim_id, related, claim, cacheable, row, data, reader, line)
    return Checked(result, _FILE_STAT(FileStat, stat) if stat else None, file_digest, row_entry, problems if kept else None)


_FILE_STAT = tuple.__new__  # a FileStat from its four numbers, without the named tuple's Python-level __new__


def _check_packed(paths: list[str], job: Job) -> list[tuple]:
    return [_pack(item) for item in _check_batch(paths, job)]


def _run(paths: list[str], article_texts: dict[str, tuple[str | None, dt.date | None]], day: dt.date, want: Job, jobs: int,
         on_batch: Callable[[list[Checked]], None] | None, isolate: bool = False,
         policies: dict[str, ReviewPolicy] | None = None, claimants: dict[str, ClaimantNames | None] | None = None) -> list[Checked]:
    """Check ``paths`` on ``jobs`` cores: this process works too, helpers take batches as they free up.

    With ``isolate`` only helper processes read files (this process stays free for a
    screen, and rapidyaml's messages on descriptor 2 never reach the terminal).
    """
    if not paths:
        return []
    _init_worker(article_texts, day, helper=False, policies=policies, claimants=claimants)
    # The last files go in small batches, so that at the end no process waits long for
    # another to finish a large one.
    # (Larger batches past a million files or so: the queue of batch numbers stays within a pipe's capacity.)
    size = max(BATCH, -(-len(paths) // MAX_BATCHES))
    cut = max(0, len(paths) - 2 * size * max(1, jobs))
    batches = [paths[i : min(i + size, cut)] for i in range(0, cut, size)] + [paths[i : i + LAST_BATCH] for i in range(cut, len(paths), LAST_BATCH)]
    batches.reverse()  # pop() from the end takes them in order
    results: list[Checked] = []

    def done(batch: list[Checked]) -> None:
        results.extend(batch)
        if on_batch:
            on_batch(batch)

    if isolate and len(paths) >= PARALLEL_THRESHOLD:
        _run_parallel(batches, done, want, max(1, jobs), article_texts, day, local=False, policies=policies, claimants=claimants)
        return results
    # rapidyaml's messages are silenced only where it runs: a screen's process leaves
    # descriptor 2 alone (it reads with the strict reader, see reading.fast_parser_here).
    with quiet_stderr() if fast_parser_allowed() else contextlib.nullcontext():
        if jobs <= 1 or len(paths) < PARALLEL_THRESHOLD:
            while batches:
                done(_check_batch(batches.pop(), want))
        else:
            _run_parallel(batches, done, want, jobs - 1, article_texts, day, policies=policies, claimants=claimants)
    return results


def _run_parallel(batches: list, done: Callable, want: Job, helpers: int, article_texts, day, local: bool = True, policies=None, claimants=None) -> None:
    """Helpers take batches; this process takes one too whenever it has nothing else to do (if ``local``).

    A file whose helper process died while checking it (a crash inside a parser, say)
    is checked again alone in a fresh helper; if that one dies too, the file gets an
    ``internal-error`` and the run goes on.
    """
    order = list(reversed(batches))  # _run pops from the end: the first batch is last
    batches.clear()
    answered = _forked(order, done, want, helpers, article_texts, day, local, policies, claimants)
    lost = [path for index, batch in enumerate(order) if index not in answered for path in batch]
    while lost:  # one file at a time, in order, in one helper: the first unanswered file killed it
        singles = [[path] for path in lost]
        answered = _forked(singles, done, want, 1, article_texts, day, False, policies, claimants)
        first = next((index for index in range(len(singles)) if index not in answered), None)
        if first is None:
            break
        done([Checked(FileResult(lost[first], [_helper_died(lost[first])], None, [], cacheable=False), None, b"", kept=None)])
        lost = [path for index, (path,) in enumerate(singles) if index > first and index not in answered]


def _helper_died(path: str) -> Problem:
    return Problem(path, 1, 1, "internal-error",
                   "factcheck failed on this file (its checking process ended abruptly); this is a bug in factcheck, please report it")


_TOKEN = 4  # bytes of a batch number in the queue


def _forked(batches: list[list[str]], done: Callable, want: Job, helpers: int, article_texts, day, local: bool, policies, claimants=None) -> set[int]:
    """Check ``batches`` in ``helpers`` forked processes (and this one, if ``local``);
    the numbers of the batches whose results came back.

    The batches' numbers wait in a pipe that every process reads from, four bytes at a
    time, so a helper takes its next batch the moment it is free, without waiting for
    this process. Each helper writes its results to a pipe of its own, which a thread
    of this process empties as they come (the results of ``export``'s batches are
    larger than a pipe holds: a helper would otherwise wait until this process is
    between batches); this process takes them between batches and at the end.
    """
    queue, fill = os.pipe()
    numbers = b"".join(index.to_bytes(_TOKEN, "little") for index in range(len(batches)))
    if len(numbers) > 60000:  # more than a pipe surely holds: taken in order by this process alone
        os.close(queue)
        os.close(fill)
        for batch in batches:
            done(_check_batch(batch, want))
        return set(range(len(batches)))
    os.write(fill, numbers)
    os.close(fill)  # an empty queue now reads as the end
    inbox = Inbox()
    children: list[int] = []
    answered: set[int] = set()
    pump: threading.Thread | None = None
    try:
        for _ in range(helpers):
            pid = _fork_helper(queue, inbox, batches, want, article_texts, day, policies, claimants)
            if pid is None:  # no process to be had: those made so far, and this one, do the work
                local = local or not children
                break
            children.append(pid)
        if children:
            pump = threading.Thread(target=inbox.pump, name="factcheck-helpers", daemon=True)
            pump.start()

        def harvest(block: bool) -> bool:
            """Take the answers that have come; False once every helper has ended and all are taken."""
            arrived, more = inbox.take(block)
            for index, results in arrived:
                answered.add(index)
                done([_unpack(packed) for packed in results])
            return more

        while local:
            harvest(block=False)
            token = os.read(queue, _TOKEN)
            if len(token) < _TOKEN:
                break
            index = int.from_bytes(token, "little")
            done(_check_batch(batches[index], want))
            answered.add(index)
        while harvest(block=True):
            pass
    finally:
        stopped = pump is not None and pump.is_alive()
        for pid in children:
            if stopped:  # stopped early (an interrupt): the helpers are not waited for
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        if pump is not None:
            pump.join()  # every helper has ended: its pipes are at their end
        for fd in inbox.fds:
            os.close(fd)
        os.close(queue)
    return answered


def _fork_helper(queue: int, inbox: Inbox, batches: list[list[str]], want: Job, article_texts, day, policies, claimants=None) -> int | None:
    """Start a helper that answers on a pipe of its own (read by ``inbox``); its pid, or None if no process can be had."""
    read_end, write_end = os.pipe()
    with contextlib.suppress(OSError, AttributeError):  # a larger pipe: fewer wake-ups of the reading thread
        fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 1 << 20)  # type: ignore[attr-defined]
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the helper
        os.close(read_end)
        for other in inbox.fds:
            os.close(other)
        _helper(queue, write_end, batches, want, article_texts, day, policies, claimants)
    os.close(write_end)
    inbox.add(read_end)
    return pid


def _helper(queue: int, out: int, batches: list[list[str]], want: Job, article_texts, day, policies, claimants=None) -> NoReturn:
    """A forked helper: take batch numbers from ``queue`` until it is empty, write each
    batch's results to ``out``; never returns (nor runs this process's exit handlers)."""
    code = 0
    try:
        _init_worker(article_texts, day, True, policies, claimants)
        while True:
            token = os.read(queue, _TOKEN)
            if len(token) < _TOKEN:
                break
            index = int.from_bytes(token, "little")
            payload = pickle.dumps(_check_packed(batches[index], want), protocol=pickle.HIGHEST_PROTOCOL)
            view = memoryview(FRAME.pack(index, len(payload)) + payload)
            while view:
                view = view[os.write(out, view) :]
    except BaseException:  # noqa: BLE001 - an interrupt, or a bug: the batch goes unanswered
        code = 1
    finally:
        os._exit(code)


# -- the tree -------------------------------------------------------------------


def _from_entry(path: str, entry: cache.Entry, lines: bool) -> FileResult:
    return FileResult(path, [Problem(path, *p) for p in entry.problems], entry.claim_id, list(entry.related), line=entry.line if lines else None)


def _without_cyclic_gc(function: Callable) -> Callable:
    """Run ``function`` with the cyclic garbage collector paused: checking a tree makes many
    small objects (results, rows, cache entries) and no cycles worth collecting, and
    each collection would walk all of them again."""

    @functools.wraps(function)
    def paused(*args, **kwargs):
        collecting = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if collecting:
                # What was made meanwhile is kept out of later collections too: else the
                # first one after this would walk all of it at once (0.5 s at 100,000 claims).
                gc.freeze()
                gc.enable()

    return paused


@attrs.define
class _Run:
    """One run of :func:`check_tree`: each file's result as it becomes known, and what
    the caches will hold after it."""

    rows: bool
    data: bool
    lines: bool
    article_digest: dict[str, bytes]  # folder -> what its claims' results depend on besides their bytes
    total: int
    progress: Callable[[int, int], None] | None = None
    on_rows: Callable[[list[FileResult]], None] | None = None
    results: dict[str, FileResult] = attrs.field(factory=dict)
    signatures: dict[str, tuple[FileStat | None, bytes]] = attrs.field(factory=dict)
    new_entries: dict[str, cache.Entry] = attrs.field(factory=dict)
    new_rows: dict[str, cache.Extra | msgspec.Raw] = attrs.field(factory=dict)
    new_data: dict[str, cache.Extra] = attrs.field(factory=dict)

    def reuse(self, tree: Any, entries: dict, row_cache: dict, data_cache: dict) -> list[str]:
        """Take the results of the files whose cache entries still hold; the files left to check."""
        rows, data, lines, article_digest = self.rows, self.data, self.lines, self.article_digest
        results, signatures, new_entries, new_rows, new_data = self.results, self.signatures, self.new_entries, self.new_rows, self.new_data
        to_parse: list[str] = []
        stats, unreadable = tree.stats, tree.unreadable
        for path in tree.claims:
            entry = entries.get(path)
            if entry is not None and tuple(entry.stat) == stats.get(path) and entry.article == article_digest.get(folder_of(path)) and path not in unreadable:
                row = row_cache.get(path)
                blob = data_cache.get(path)
                if (not rows or (row is not None and row.stat == entry.stat)) and (not data or (blob is not None and blob.stat == entry.stat)):
                    result = _from_entry(path, entry, lines)
                    if row is not None:
                        result.row = row.value
                        new_rows[path] = row
                    if blob is not None:
                        result.data = blob.value
                        new_data[path] = blob
                    results[path] = result
                    new_entries[path] = entry
                    signatures[path] = (FileStat(*entry.stat), entry.digest or (row.digest if row is not None else b""))
                    continue
            to_parse.append(path)
        if self.on_rows and results:
            self.on_rows(list(results.values()))
        return to_parse

    def remember(self, batch: list[Checked]) -> None:
        """Keep the results of a batch just checked, and their cache entries."""
        rows, data, results, signatures = self.rows, self.data, self.results, self.signatures
        new_entries, new_rows, new_data = self.new_entries, self.new_rows, self.new_data
        folder, folder_digest = None, b""  # a batch's files are mostly of one folder
        for item in batch:
            result = item.result
            path = result.path
            if rows and item.row_entry:
                result.row = _ROW_DECODER.decode(item.row_entry).value
            results[path] = result
            signatures[path] = (item.stat, item.digest)
            if result.cacheable and item.stat is not None and item.kept is not None:
                if folder_of(path) != folder:
                    folder = folder_of(path)
                    folder_digest = self.article_digest.get(folder, b"")
                # The stat is a named tuple: msgspec writes it as the tuple it is.
                new_entries[path] = cache.Entry(item.stat, item.digest, folder_digest, item.kept, result.claim_id, result.related, result.line)  # type: ignore[arg-type]
                if item.row_entry:
                    new_rows[path] = msgspec.Raw(item.row_entry)
                if data:
                    new_data[path] = cache.Extra(item.stat, item.digest, result.data)  # type: ignore[arg-type]
        if self.progress:
            self.progress(len(results), self.total)
        if self.on_rows:
            self.on_rows([item.result for item in batch])

    def save(self, paths_of: dict[str, Any], version: str, changed: bool, old: dict[str, dict]) -> threading.Thread | None:
        """Start writing the caches that changed (``old``: each kind's entries as loaded)."""
        writes = []
        for kind, new in (("validate", self.new_entries), ("rows", self.new_rows), ("data", self.new_data)):
            if kind in old and (changed or len(new) != len(old[kind])):
                writes.append(cache.encoded(paths_of[kind], version, new))
        # The caches are signed and written while the report is put together (both release
        # the interpreter's lock), and are in place when check_tree returns.
        saving = threading.Thread(target=_write_all, args=(writes,), name="factcheck-cache") if any(writes) else None
        if saving is not None:
            saving.start()
        return saving


def _articles_of(tree: Any, paths: list[str], day: dt.date) -> tuple[list[Problem], dict[str, ArticleRecord], dict[str, ReviewPolicy]]:
    """The tree's problems besides its claims' (its claimant registries' among them), its articles, and their review policies."""
    problems: list[Problem] = list(tree.problems)
    for given in paths:
        if not os.path.lexists(given):
            problems.append(Problem(given, 1, 1, "missing-path", "no such file or folder"))
    for stray in tree.strays:
        article = os.path.join(os.path.dirname(stray) or ".", "article.yaml")
        problems.append(Problem(stray, 1, 1, "no-article", f"claim file is not in an article folder (no {article})"))
    articles = {folder: load_article(folder, path) for folder, path in tree.articles.items()}
    for record in articles.values():
        problems += record.problems
    problems += dismissal_problems(tree.dismissals, articles, day)
    return problems, articles, review_policies(articles, problems)


@_without_cyclic_gc
def check_tree(
    given: Iterable[str | os.PathLike],
    *,
    use_cache: bool = True,
    keep_claims: bool = False,
    rows: bool = False,
    data: bool = False,
    lines: bool = False,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    on_rows: Callable[[list[FileResult]], None] | None = None,
    isolate: bool = False,
    wait: bool = True,
) -> TreeResult:
    """Every problem of every file under ``paths``, sorted by file and position.

    ``rows=True`` also returns each claim's :class:`ClaimRow`, ``data=True`` each valid
    claim as JSON (both cached apart from the problems, so plain validation does not
    load them); ``lines=True`` each claim's :class:`ListLine` also from the cache (a
    file checked now always has its line); ``keep_claims=True`` returns whole claims,
    reading every file.
    ``on_rows`` gets each batch of results once known (cached ones first), so a screen
    shows rows early; ``wait=False`` returns while the caches may still be being written
    (the caller calls :meth:`TreeResult.wait_saved` after).
    """
    paths: list[str] = [str(os.fspath(p)) for p in given]
    version = cache.code_version()
    reuse = use_cache and not keep_claims
    paths_of = {kind: cache.path_for(paths, kind) for kind in ("validate", "rows", "data")}
    # The cached lines stay encoded unless asked for (decoding them would cost plain
    # validation about a tenth of a warm run); saved again, they are copied as they are.
    entries = cache.load(paths_of["validate"], "validate", version, ListLine | None if lines else msgspec.Raw) if reuse else {}
    tree = discover(paths, look=bool(entries))  # nothing cached: nothing to compare signatures with
    day = today()
    problems, articles, policies = _articles_of(tree, paths, day)
    claimants = claimant_registries(articles, tree.registries, problems)
    article_texts = {folder: (rec.text, rec.article.published if rec.article else None) for folder, rec in articles.items()}
    # What a claim's results depend on besides its own bytes: its article's date and text,
    # the review policy of its tree and the names of its claimant registry (a changed
    # policy, or a name added or taken out, checks the claims again).
    names = {folder: f"{known.key()}\n" if (known := claimants.get(folder)) else "" for folder in article_texts}
    article_digest = {folder: cache.digest(f"{published}\n{policies[folder].key()}\n{names[folder]}{t or ''}".encode())
                      for folder, (t, published) in article_texts.items()}
    row_cache = cache.load(paths_of["rows"], "rows", version, ClaimRow | None) if reuse and rows else {}
    data_cache = cache.load(paths_of["data"], "data", version) if reuse and data else {}
    run = _Run(rows, data, lines, article_digest, len(tree.claims), progress, on_rows)
    to_parse = run.reuse(tree, entries, row_cache, data_cache)
    workers = jobs if jobs is not None else min(2, os.cpu_count() or 1)
    # The review screen's rows (with their search texts, about half the size of a claim
    # file) are made only for a caller that asks for them: a listing takes each claim's
    # line, which the validate cache keeps with its problems.
    want = Want(claim=keep_claims, row=rows, data=data, digest=rows or data or keep_claims)
    _run(to_parse, article_texts, day, Job(want, rows_back=rows, row_entries=reuse and rows), workers, run.remember, isolate, policies, claimants)
    old = {kind: loaded for kind, loaded, on in (("validate", entries, True), ("rows", row_cache, rows), ("data", data_cache, data)) if reuse and on}
    saving = run.save(paths_of, version, bool(to_parse), old)
    results = run.results
    try:
        problems += itertools.chain.from_iterable(map(_PROBLEMS, results.values()))
        problems += cross_problems(paths, tree.claims, results)
        problems += evidence_problems(paths, tree.claims, tree.stats or {p: s for p, (s, _) in run.signatures.items() if s}, reuse)
        problems += duplicate_problems(paths, results, {p: s[0] for p, s in run.signatures.items()}, functools.partial(_line_of, results, entries), use_cache)
        problems = sorted_once(problems)
    finally:
        if saving is not None and wait:
            saving.join()
    readers = collections.Counter(map(_READER, results.values()))
    return TreeResult(
        problems,
        len(tree.claims),
        len(to_parse),
        articles,
        {p: r.claim for p, r in results.items()} if keep_claims else {},
        {p: r.row for p, r in results.items()} if rows else {},
        run.signatures,
        {p: r.data for p, r in results.items()} if data else {},
        {p: r.line for p, r in results.items()},
        fast=readers["fast"],
        strict=readers["strict"],
        saving=None if wait else saving,
    )


def _line_of(results: dict[str, FileResult], entries: dict, path: str) -> ListLine | None:
    """A checked claim's line: as checked now, else from its cache entry (kept encoded until asked for)."""
    line = results[path].line
    if line is None and path in entries:
        line = entries[path].line
        if isinstance(line, msgspec.Raw):
            line = _LINE_DECODER.decode(line)
    return line


_LINE_DECODER = msgspec.msgpack.Decoder(ListLine | None)
_PROBLEMS = operator.attrgetter("problems")
_READER = operator.attrgetter("reader")


def _write_all(writes: list[Callable[[], None] | None]) -> None:
    for write in writes:
        if write is not None:
            write()


