"""What ``validate`` asks of the evidence: each snapshot a source names is in the evidence
folder, its bytes still have the recorded sha256, and the latest one holds the excerpt.

Cheap when nothing changed: which snapshots a claim file names is cached by the claim
file's stat (a file without the word ``snapshots:`` names none and is not parsed), a
snapshot file's sha256 by its stat (size, mtime_ns, inode, ctime_ns), and whether an
excerpt occurs in a snapshot's text by the snapshot's sha256 and the excerpt: a large
evidence folder is not read again on every run. The cache is signed like the others
(:mod:`factcheck.cache`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from typing import Any, NamedTuple

from factcheck import cache
from factcheck.problems import Problem

#: A snapshot entry of a claim file: where it is (1-based), its path and sha256, the
#: source's excerpt, and whether it is the source's latest snapshot.
Ref = tuple[int, int, str, str, str, bool]
_NONE = (0, 0, 0, 0)
_MARK = b"snapshots:"


def _stat_key(st: os.stat_result) -> tuple[int, int, int, int]:
    return (st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns)


def refs_of(path: str, raw: bytes) -> list[Ref]:
    """The snapshot entries of a claim file's bytes (none when it cannot be read as YAML,
    or an entry is not a mapping of strings: validate reports those itself)."""
    if _MARK not in raw:
        return []
    from factcheck.yaml.roundtrip import load_roundtrip

    doc = load_roundtrip(path, raw).doc
    sources = doc.get("sources") if hasattr(doc, "get") else None
    out: list[Ref] = []
    for source in sources if isinstance(sources, list) else []:
        snapshots = source.get("snapshots") if hasattr(source, "get") else None
        if not isinstance(snapshots, list) or not snapshots:
            continue
        excerpt = source.get("excerpt")
        for index, entry in enumerate(snapshots):
            if not hasattr(entry, "get") or not isinstance(entry.get("path"), str) or not isinstance(entry.get("sha256"), str):
                continue
            line, col = snapshots.lc.item(index)  # type: ignore[attr-defined]
            # str(): the round-trip loader's strings are subclasses (quoting kept), the cache wants plain ones
            text = str(excerpt) if isinstance(excerpt, str) else ""
            out.append((line + 1, col + 1, str(entry["path"]), str(entry["sha256"]), text, index == len(snapshots) - 1))
    return out


class _Cache:
    """The evidence cache of one tree: loaded once, saved only when something changed."""

    def __init__(self, paths: list[str], use: bool) -> None:
        self.use = use
        self.file = cache.path_for(paths, "evidence")
        self.version = "evidence-1|" + cache.code_version()
        self.old: dict[str, Any] = cache.load(self.file, "data", self.version) if use else {}
        self.new: dict[str, cache.Extra] = {}
        self.changed = False

    def get(self, key: str, stat: tuple) -> Any:
        entry = self.new.get(key) or self.old.get(key)
        if entry is not None and tuple(entry.stat) == tuple(stat):
            self.new[key] = entry
            return entry.value
        return None

    def put(self, key: str, stat: tuple, value: Any) -> Any:
        self.new[key] = cache.Extra(stat, b"", value)  # type: ignore[arg-type]
        self.changed = True
        return value

    def save(self) -> None:
        if self.use and (self.changed or len(self.new) != len(self.old)):
            write = cache.encoded(self.file, self.version, self.new)
            if write is not None:
                write()


def _claim_refs(claims: Iterable[str], stats: dict, store: _Cache) -> dict[str, list[Ref]]:
    out: dict[str, list[Ref]] = {}
    for path in claims:
        stat = stats.get(path)
        if stat is None:
            try:
                stat = _stat_key(os.stat(path))
            except OSError:
                continue
        refs = store.get("c:" + path, stat)
        if refs is None:
            raw = cache.read_regular(path, 4 << 20)
            refs = store.put("c:" + path, stat, [list(r) for r in refs_of(path, raw)] if raw is not None else [])
        if refs:
            out[path] = [tuple(r) for r in refs]  # type: ignore[misc]
    return out


def _file_sha(full: str, store: _Cache) -> str | None:
    """The sha256 of a snapshot file's bytes (cached by its stat), or None if it is not a
    regular file there (never read through a link)."""
    try:
        st = os.lstat(full)
    except OSError:
        return None
    import stat as stat_module

    if not stat_module.S_ISREG(st.st_mode):
        return None
    key = _stat_key(st)
    known = store.get("f:" + full, key)
    if known is not None:
        return known
    data = cache.read_regular(full)
    return store.put("f:" + full, key, hashlib.sha256(data).hexdigest()) if data is not None else None


class _Named(NamedTuple):
    path: str
    sha256: str


def _text_key(ref: Ref) -> str:
    return "t:" + ref[3] + ":" + hashlib.blake2b(ref[4].encode(), digest_size=16).hexdigest()


def _found_in(root: str, ref: Ref) -> str:
    """Whether the snapshot's main text holds the excerpt: "yes", "no", "no-text" (a page
    without text to look in, a PDF say) or "bad" (not a WARC file with a response)."""
    from factcheck.evidence.text import excerpt_in_text, snapshot_text
    from factcheck.evidence.warc import SnapshotFailure

    text = snapshot_text(root, _Named(ref[2], ref[3]))
    if isinstance(text, SnapshotFailure):
        return "bad" if text.kind == "malformed" else "no-text"
    return "yes" if excerpt_in_text(ref[4], text) else "no"


#: From this many pages whose text is not cached, the texts are extracted in worker
#: processes (about a tenth of a second a page in one).
PARALLEL_FROM = 16


def _extract_missing(asked: list[tuple[str, Ref]], store: _Cache) -> None:
    """Fill the cache with the excerpt checks it lacks, in worker processes when there are many."""
    missing = [(root, ref) for root, ref in asked if store.get(_text_key(ref), _NONE) is None]
    if len(missing) < PARALLEL_FROM:
        for root, ref in missing:
            store.put(_text_key(ref), _NONE, _found_in(root, ref))
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    workers = max(1, min(os.cpu_count() or 1, 4))
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        roots, refs = [root for root, _ in missing], [ref for _, ref in missing]
        for ref, found in zip(refs, pool.map(_found_in, roots, refs, chunksize=8), strict=True):
            store.put(_text_key(ref), _NONE, found)


def evidence_problems(paths: list[str], claims: list[str], stats: dict, use_cache: bool = True) -> list[Problem]:
    """The evidence problems of the claim files ``claims`` (found under ``paths``)."""
    store = _Cache(paths, use_cache)
    try:
        found = _claim_refs(claims, stats, store)
        if not found:
            return []
        return _check(found, store)
    finally:
        store.save()


def _check(found: dict[str, list[Ref]], store: _Cache) -> list[Problem]:
    from factcheck.evidence.folder import settings

    problems: list[Problem] = []
    configs: dict[str, Any] = {}
    asked: list[tuple[str, str, Ref]] = []  # (claim file, repository root, ref) of each excerpt to look for
    for claim_path, refs in found.items():
        folder_key = os.path.dirname(os.path.dirname(claim_path))
        if folder_key not in configs:
            configs[folder_key] = settings(folder_key)[0]
        config = configs[folder_key]
        for ref in refs:
            found_problems = _file_problems(claim_path, ref, config, store)
            problems += found_problems
            if not found_problems and ref[5] and ref[4]:
                asked.append((claim_path, config.folder.repo_root, ref))
    _extract_missing([(root, ref) for _, root, ref in asked], store)
    for claim_path, _, ref in asked:
        line, col, path = ref[0], ref[1], ref[2]
        result = store.get(_text_key(ref), _NONE)
        if result == "no":
            why = f"the source's excerpt does not occur in the text of its snapshot {path}"
            problems.append(Problem(claim_path, line, col, "excerpt-not-in-snapshot", why))
        elif result == "bad":
            problems.append(Problem(claim_path, line, col, "snapshot-unreadable", f"snapshot {path} is not a WARC file with a response factcheck can read"))
    return problems


def _file_problems(claim_path: str, ref: Ref, config: Any, store: _Cache) -> list[Problem]:
    """The snapshot file of ``ref``: in the evidence folder, there, and with its recorded sha256."""
    line, col, path, sha, _, _ = ref
    folder = config.folder
    if folder is None:
        return [Problem(claim_path, line, col, "snapshot-outside", f"snapshot {path}: {config.refusal}")]
    if not folder.holds(path):
        return [Problem(claim_path, line, col, "snapshot-outside", f"snapshot {path} is not in the evidence folder {folder.relative}/ (evidence_dir)")]
    actual = _file_sha(folder.file_path(path), store)
    if actual is None:
        return [Problem(claim_path, line, col, "snapshot-missing", f"snapshot {path} is missing from the evidence folder (or is not a regular file)")]
    if actual != sha:
        why = f"its bytes have sha256 {actual[:12]}…, not the recorded {sha[:12]}…"
        return [Problem(claim_path, line, col, "snapshot-tampered", f"snapshot {path} has changed: {why}")]
    return []
