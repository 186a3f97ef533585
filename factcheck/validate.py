"""Check a whole tree fast: both cores, and a cache of unchanged files.

The cache maps each claim file to its stat signature, content digest, the digest
of its article's text, and what checking it found. A file whose stat signature
or content digest matches is not parsed again; cross-record rules (unique ids,
related ids) are always re-run over the cached ids, which is cheap.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path as FsPath

import attrs

from factcheck import yamlio
from factcheck.model import Claim
from factcheck.problems import Problem
from factcheck.rules import QuoteIndex, cross_rules
from factcheck.store import (
    ArticleRecord,
    ClaimRow,
    FileResult,
    check_claim_bytes,
    discover,
    load_article,
    locate_findings,
    today,
)

CACHE_FORMAT = 3
#: Below this many files to parse, one process is faster than starting a pool.
PARALLEL_THRESHOLD = 400


@attrs.define
class TreeResult:
    problems: list[Problem]
    files: int
    parsed: int
    articles: dict[str, ArticleRecord]
    claims: dict[str, Claim | None]
    rows: dict[str, ClaimRow | None] = attrs.field(factory=dict)
    signatures: dict[str, tuple[int, int, bytes]] = attrs.field(factory=dict)  # mtime_ns, size, digest


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _code_version() -> str:
    """Changes whenever the checking code changes, so stale results are not reused."""
    here = FsPath(__file__).parent
    parts = [str(CACHE_FORMAT)]
    for name in sorted(os.listdir(here)):
        if name.endswith(".py"):
            st = os.stat(here / name)
            parts.append(f"{name}:{st.st_mtime_ns}:{st.st_size}")
    return "|".join(parts)


def cache_path(roots: Iterable[str]) -> FsPath:
    base = os.environ.get("FACTCHECK_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "factcheck"
    )
    key = hashlib.sha1("\0".join(sorted(os.path.abspath(r) for r in roots)).encode()).hexdigest()[:16]
    return FsPath(base) / f"validate-{key}.pickle"


def _load_cache(path: FsPath, version: str) -> dict:
    try:
        with open(path, "rb") as handle:
            data = pickle.load(handle)
    except Exception:  # a missing, partial or foreign cache is simply not used
        return {}
    if not isinstance(data, dict) or data.get("version") != version:
        return {}
    return data.get("files", {})


def _save_cache(path: FsPath, version: str, files: dict) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".validate-")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump({"version": version, "files": files}, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass  # a cache that cannot be written only costs time


def _from_entry(path: str, entry: tuple, row: ClaimRow | None = None) -> FileResult:
    problems = [Problem(*p) for p in entry[4]]
    return FileResult(path, problems, entry[5], list(entry[6]), row=row)


# -- workers --------------------------------------------------------------------

_ARTICLES: dict[str, QuoteIndex | None] = {}
_DAY: dt.date = dt.date.min


def _init_worker(article_texts: dict[str, str | None], day: dt.date) -> None:
    global _ARTICLES, _DAY
    _ARTICLES = {folder: (QuoteIndex(t) if t is not None else None) for folder, t in article_texts.items()}
    _DAY = day
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)  # rapidyaml's C++ prints parse errors; they are reported as values
    # Checking makes many small objects and no reference cycles worth collecting:
    # the cyclic collector would only cost time in this short-lived process.
    gc.disable()


def _pack(item: tuple[FileResult, int, int, bytes]) -> tuple:
    """A result as plain tuples: pickling attrs objects costs more than checking them."""
    r, mtime, size, file_digest = item
    return (r.path, tuple(p.as_tuple() for p in r.problems), r.claim_id, tuple(r.related), r.claim, r.cacheable, r.row, mtime, size, file_digest)


def _unpack(packed: tuple) -> tuple[FileResult, int, int, bytes]:
    path, problems, claim_id, related, claim, cacheable, row, mtime, size, file_digest = packed
    result = FileResult(path, [Problem(*p) for p in problems], claim_id, list(related), claim, cacheable, row)
    return result, mtime, size, file_digest


def _check_packed(paths: list[str], keep: bool, rows: bool) -> list[tuple]:
    return [_pack(item) for item in _check_batch(paths, keep, rows)]


def _check_batch(paths: list[str], keep: bool, rows: bool = False) -> list[tuple[FileResult, int, int, bytes]]:
    """Check files: each file's result, stat signature and content digest."""
    out = []
    for path in paths:
        try:
            with open(path, "rb", buffering=0) as handle:
                st = os.fstat(handle.fileno())
                raw = handle.read()
        except OSError as exc:
            out.append((FileResult(path, [Problem(path, 1, 1, "unreadable", exc.strerror or str(exc))], None, [], cacheable=False), 0, 0, b""))
            continue
        folder = os.path.dirname(path) or "."
        result = check_claim_bytes(path, raw, _ARTICLES.get(folder), _DAY, keep, rows)
        out.append((result, st.st_mtime_ns, st.st_size, digest(raw)))
    return out


def _run(paths: list[str], article_texts: dict[str, str | None], day: dt.date, keep: bool, rows: bool, jobs: int, progress) -> list:
    """Check ``paths`` on ``jobs`` cores: this process works too, helpers take batches as they free up."""
    if not paths:
        return []
    _init_worker_local(article_texts, day)
    size = 250
    batches = [paths[i : i + size] for i in range(0, len(paths), size)]
    batches.reverse()  # pop() from the end takes them in order
    results: list = []

    def done(batch_result: list) -> None:
        results.extend(batch_result)
        if progress:
            progress(len(results), len(paths))

    collecting = gc.isenabled()
    gc.disable()  # many small objects, no cycles worth collecting while checking
    try:
        return _run_batches(batches, results, done, keep, rows, jobs, len(paths), article_texts, day)
    finally:
        if collecting:
            gc.enable()


def _run_batches(batches, results, done, keep, rows, jobs, total, article_texts, day) -> list:
    with yamlio.quiet_stderr():
        if jobs <= 1 or total < PARALLEL_THRESHOLD:
            while batches:
                done(_check_batch(batches.pop(), keep, rows))
            return results
        helpers = jobs - 1
        pending: list[Future] = []
        with ProcessPoolExecutor(max_workers=helpers, initializer=_init_worker, initargs=(article_texts, day)) as pool:
            while batches:
                pending = [f for f in pending if not (f.done() and done([_unpack(p) for p in f.result()]) is None)]
                if len(pending) < 2 * helpers:  # keep each helper one batch ahead
                    pending.append(pool.submit(_check_packed, batches.pop(), keep, rows))
                else:
                    done(_check_batch(batches.pop(), keep, rows))
            for future in pending:
                done([_unpack(p) for p in future.result()])
    return results


def _init_worker_local(article_texts: dict[str, str | None], day: dt.date) -> None:
    global _ARTICLES, _DAY
    _ARTICLES = {folder: (QuoteIndex(t) if t is not None else None) for folder, t in article_texts.items()}
    _DAY = day


# -- the tree -------------------------------------------------------------------


def check_tree(
    paths: Iterable[str | os.PathLike],
    *,
    use_cache: bool = True,
    keep_claims: bool = False,
    rows: bool = False,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> TreeResult:
    """Every problem of every file under ``paths``, sorted by file and position.

    ``rows=True`` also returns each claim's :class:`ClaimRow` (cached apart from the
    problems, so plain validation does not pay for them); ``keep_claims=True``
    returns whole claims, parsing every file.
    """
    paths = [os.fspath(p) for p in paths]
    tree = discover(paths)
    day = today()
    problems: list[Problem] = []
    for given in paths:
        if not os.path.exists(given):
            problems.append(Problem(given, 1, 1, "missing-path", "no such file or folder"))
    for stray in tree.strays:
        problems.append(Problem(stray, 1, 1, "no-article", f"claim file is not in an article folder (no {os.path.join(os.path.dirname(stray) or '.', 'article.yaml')})"))

    articles = {folder: load_article(folder, path) for folder, path in tree.articles.items()}
    for record in articles.values():
        problems += record.problems
    article_texts = {folder: rec.text for folder, rec in articles.items()}
    article_digest = {folder: digest((t or "").encode()) for folder, t in article_texts.items()}

    version = _code_version()
    cpath = cache_path(paths)
    rpath = cpath.with_name(cpath.stem + "-rows.pickle")
    reuse = use_cache and not keep_claims
    cache = _load_cache(cpath, version) if reuse else {}
    row_cache = _load_cache(rpath, version) if reuse and rows else {}
    new_cache: dict = {}
    results: dict[str, FileResult] = {}
    signatures: dict[str, tuple[int, int]] = {}
    to_parse: list[str] = []
    for path in tree.claims:
        folder = os.path.dirname(path) or "."
        entry = cache.get(path)
        if entry is not None and entry[3] == article_digest.get(folder):
            try:
                st = os.stat(path)
            except OSError:
                to_parse.append(path)
                continue
            same = (st.st_mtime_ns, st.st_size) == (entry[0], entry[1])
            if not same:
                try:
                    same = digest(FsPath(path).read_bytes()) == entry[2]
                except OSError:
                    same = False
                entry = (st.st_mtime_ns, st.st_size, *entry[2:])
            cached_row = row_cache.get(path)
            if same and (not rows or (cached_row is not None and cached_row[0] == entry[2])):
                results[path] = _from_entry(path, entry, cached_row[1] if cached_row else None)
                new_cache[path] = entry
                signatures[path] = (st.st_mtime_ns, st.st_size, entry[2])
                continue
        to_parse.append(path)

    workers = jobs if jobs is not None else min(2, os.cpu_count() or 1)
    new_rows = {p: r for p, r in row_cache.items() if p in results}
    for result, mtime, size, file_digest in _run(to_parse, article_texts, day, keep_claims, rows, workers, progress):
        results[result.path] = result
        signatures[result.path] = (mtime, size, file_digest)
        if result.cacheable and mtime:
            folder = os.path.dirname(result.path) or "."
            new_cache[result.path] = (
                mtime, size, file_digest, article_digest.get(folder),
                tuple(p.as_tuple() for p in result.problems), result.claim_id, tuple(result.related),
            )
            new_rows[result.path] = (file_digest, result.row)

    for result in results.values():
        problems += result.problems
    cross = cross_rules(
        # An unreadable file still answers to its file name, so claims that relate to
        # it are not reported as well.
        {p: r.claim_id or os.path.basename(p)[: -len(".yaml")] for p, r in results.items()},
        {p: r.related for p, r in results.items()},
    )
    for path, findings in cross.items():
        problems += locate_findings(path, findings)

    if reuse and (to_parse or len(new_cache) != len(cache)):
        _save_cache(cpath, version, new_cache)
    if reuse and rows and (to_parse or len(new_rows) != len(row_cache)):
        _save_cache(rpath, version, new_rows)
    claims = {p: r.claim for p, r in results.items()} if keep_claims else {}
    return TreeResult(
        sorted(set(problems)), len(tree.claims), len(to_parse), articles, claims,
        {p: r.row for p, r in results.items()} if rows else {}, signatures,
    )

