"""``factcheck archive``: keep a copy of each source's page in the evidence folder."""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed

from factcheck.cli.args import Command, claim_id, editor_arg, positive, root_arg, seconds
from factcheck.cli.common import NO_ROOT, claims_root
from factcheck.cli.errors import EXIT_OK, EXIT_PROBLEMS, fail, usage
from factcheck.pagetext import MAX_PAGE_BYTES
from factcheck.textsafe import escape_line

#: Pages fetched at once by default.
ARCHIVE_JOBS = 4


def _archive_command(p: argparse.ArgumentParser) -> None:
    root_arg(p)
    p.add_argument("ids", nargs="*", metavar="ID", type=claim_id, help="archive the sources of these claims")
    p.add_argument("--all", action="store_true", help="archive the sources of every claim")
    p.add_argument("--refresh", action="store_true", help="also sources that already have a snapshot (a new one is added)")
    p.add_argument("--jobs", type=positive, default=ARCHIVE_JOBS, help=f"pages fetched at once (default: {ARCHIVE_JOBS})")
    p.add_argument("--timeout", type=seconds, default=20.0, help="seconds in all to fetch one page, redirects included (default: 20)")
    p.add_argument("--max-bytes", type=positive, default=MAX_PAGE_BYTES, help="largest page kept; a larger one is refused (default: 5 MiB)")
    p.add_argument("--allow-private", action="store_true", help="also fetch from loopback, private and other non-public addresses (refused by default)")
    p.add_argument("--wayback", action="store_true", help="also ask Save Page Now ([archive] save_page_now of the config) for a public copy")
    editor_arg(p)


def archive(args: argparse.Namespace) -> int:
    """Fetch each chosen source's page, keep it as a WARC file, and record the snapshot."""
    from factcheck.evidence.folder import settings
    from factcheck.store import ClaimStore

    if bool(args.ids) == bool(args.all):
        raise usage(args, "give claim IDs or --all (not both)")
    root = claims_root(args)
    if root is None:
        return fail(NO_ROOT)
    config, problems = settings(root)
    for problem in problems:
        print(escape_line(f"{problem.path}:{problem.line}:{problem.col}: {problem.message}"), file=sys.stderr)
    if config.folder is None:
        return fail(f"cannot archive: {config.refusal}", EXIT_PROBLEMS)
    store = ClaimStore.open(root)
    chosen = _chosen(store, args)
    if isinstance(chosen, int):
        return chosen
    wanted, skipped = chosen
    return _run(store, wanted, skipped, config, args)


#: A claim citing a URL, and what it needs: a snapshot, a public copy.
Need = tuple[str, bool, bool]


def _chosen(store, args: argparse.Namespace) -> tuple[dict[str, list[Need]], int] | int:
    """Each URL to fetch and the claims citing it; how many sources were skipped (already kept)."""
    from factcheck.problems import did_you_mean

    records = store.all() if args.all else []
    for cid in dict.fromkeys(args.ids):
        record = store.find(cid)
        if record is None:
            return fail(f"unknown claim id {cid!r}{did_you_mean(cid, store.ids())}", EXIT_PROBLEMS)
        records.append(record)
    wanted: dict[str, list[Need]] = {}
    skipped, unreadable = 0, []
    for record in sorted(records, key=lambda r: r.id):
        if record.claim is None:
            unreadable.append(record.id)
            continue
        for source in record.claim.sources:
            snapshot = args.refresh or not source.snapshots
            public = args.wayback and (args.refresh or not source.archive_url)
            if snapshot or public:
                wanted.setdefault(source.url, []).append((record.id, snapshot, public))
            else:
                skipped += 1
    if unreadable:
        return fail(f"cannot archive {', '.join(unreadable)}: not a valid claim file (run factcheck validate)", EXIT_PROBLEMS)
    return wanted, skipped


def _run(store, wanted: dict[str, list[Need]], skipped: int, config, args: argparse.Namespace) -> int:
    """Fetch the URLs ``--jobs`` at once; write each claim once, when all its URLs are in."""
    from factcheck.evidence.capture import archive_source, save_page_now
    from factcheck.netpolicy import Policy
    from factcheck.session import EditSession
    from factcheck.store import editor_name

    policy = Policy(allow_private=args.allow_private)
    session = EditSession(store, editor_name(args.editor))
    waiting: dict[str, int] = {}
    for needs in wanted.values():
        for cid, _, _ in needs:
            waiting[cid] = waiting.get(cid, 0) + 1
    done: dict[str, list] = {cid: [] for cid in waiting}

    def one(url: str):
        needs = wanted[url]
        kept = archive_source(url, config.folder, args.timeout, args.max_bytes, policy) if any(n[1] for n in needs) else None
        public = save_page_now(url, config.save_page_now, args.timeout, policy) if any(n[2] for n in needs) else None
        return url, kept, public

    counts = {"kept": 0, "failed": 0}
    written: dict[str, int] = {}  # each file this run wrote: how many claims still may record it
    with ThreadPoolExecutor(max_workers=max(1, min(args.jobs, len(wanted) or 1))) as pool:
        for future in as_completed([pool.submit(one, url) for url in wanted]):
            url, kept, public = future.result()
            if kept is not None and kept.snapshot is not None:
                written[kept.snapshot.path] = sum(1 for n in wanted[url] if n[1])
            _note_public(url, public)
            for cid, wants_snapshot, wants_public in wanted[url]:
                done[cid].append((url, kept if wants_snapshot else None, public if wants_public else None))
                waiting[cid] -= 1
                if not waiting[cid]:
                    for outcome in _record(session, cid, done.pop(cid), config.folder, written):
                        counts[outcome] += 1
    extra = f", {skipped} already kept" if skipped else ""
    print(f"{counts['kept']} kept, {counts['failed']} failed{extra}")
    return EXIT_PROBLEMS if counts["failed"] else EXIT_OK


def _note_public(url: str, public) -> None:
    """A public archive's failure is a note: the run's outcome never depends on it."""
    from factcheck.netpolicy import redact

    if public is not None and not public.archive_url:
        print(escape_line(f"note: {redact(url)}: {public.reason} (a snapshot does not depend on it)"), file=sys.stderr)


def _record(session, cid: str, results: list, folder, written: dict[str, int]) -> list[str]:
    """Record what keeping each URL of claim ``cid`` came to, in one write; one line each.
    A file this run wrote that no claim records in the end is removed."""
    import os

    from factcheck.netpolicy import redact
    from factcheck.store import EditRefused

    outcomes, items, lines = [], [], []
    for url, kept, public in results:
        shown = escape_line(redact(url))
        copy = (public.archive_url, public.archived) if public is not None and public.archive_url else None
        if kept is not None and kept.snapshot is None:
            print(f"failed {cid}: {kept.reason}")
            outcomes.append("failed")
        snapshot = kept.snapshot if kept is not None else None
        if snapshot is not None or copy is not None:
            items.append((url, snapshot, copy))
            if snapshot is not None:
                lines.append((f"kept {cid}: {shown} (HTTP {snapshot.status}, {kept.size:,} bytes) -> {snapshot.path}", snapshot.path))
            if copy is not None:
                lines.append((escape_line(f"public copy {cid}: {shown} -> {copy[0]}"), None))
    if not items:
        return outcomes
    try:
        session.add_snapshots(cid, items)
    except EditRefused as exc:
        for _, path in lines:
            if path is not None:
                print(f"failed {cid}: {path}: not recorded: {escape_line(exc.message)}")
                outcomes.append("failed")
                written[path] -= 1
                if not written[path]:  # named by no claim: the file goes
                    try:
                        os.unlink(folder.file_path(path))
                    except OSError:
                        pass
        return outcomes
    for line, path in lines:
        print(line)
        if path is not None:
            outcomes.append("kept")
    return outcomes


COMMANDS: dict[str, Command] = {"archive": (_archive_command, archive)}
