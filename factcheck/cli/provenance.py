"""The record against git and the web: log, diff and links."""

from __future__ import annotations

import argparse
import sys

from factcheck.cli.args import Command, claim_id, positive, root_arg, seconds
from factcheck.cli.common import NO_ROOT, claims_root, one_claim, open_store
from factcheck.cli.errors import EXIT_OK, EXIT_PROBLEMS, fail
from factcheck.pagetext import MAX_PAGE_BYTES
from factcheck.textsafe import escape_line, json_safe


def _log_command(p: argparse.ArgumentParser) -> None:
    root_arg(p)
    p.add_argument("id", type=claim_id)


def _diff_command(p: argparse.ArgumentParser) -> None:
    root_arg(p)
    default = "the merge base with main or master; on main itself the upstream branch, else the commit before the last one that changed the claims"
    p.add_argument("base", nargs="?", help=f"git revision (default: {default})")
    p.add_argument("--format", choices=("markdown", "json"), default="markdown")


def _links_command(p: argparse.ArgumentParser) -> None:
    root_arg(p)
    p.add_argument("ids", nargs="*", metavar="ID", help="check only these claims (default: all)")
    p.add_argument(
        "--check", action="store_true",
        help="request each source URL (HEAD, then GET) and report dead links; a page with a snapshot is read and compared with it (moved, changed)",
    )
    p.add_argument("--timeout", type=seconds, default=10.0, help="seconds in all for one URL, redirects included (default: 10)")
    p.add_argument("--jobs", type=positive, default=4, help="URLs checked at once (default: 4)")
    p.add_argument("--max-bytes", type=positive, default=MAX_PAGE_BYTES, help="largest page read to compare with its snapshot (default: 5 MiB)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="json: one object per source (shape in the README)")
    p.add_argument(
        "--allow-private", action="store_true",
        help="also request loopback, private, link-local and other non-public addresses (refused by default)",
    )


def log(args: argparse.Namespace) -> int:
    from factcheck.provenance.log import claim_log

    record = one_claim(args)
    if isinstance(record, int):
        return record
    for line in claim_log(record):
        print(escape_line(line))
    return EXIT_OK


def diff(args: argparse.Namespace) -> int:
    from factcheck.provenance.diff import diff_against
    from factcheck.provenance.git import BaseError
    from factcheck.provenance.render import render as render_diff

    root = claims_root(args)
    if root is None:
        return fail(NO_ROOT)
    try:
        out = render_diff(*diff_against(root, args.base), args.format)
        sys.stdout.write(json_safe(out) if args.format == "json" else out)
    except BaseError as exc:
        return fail(str(exc))
    return EXIT_OK


def links(args: argparse.Namespace) -> int:
    """Sources without an archive copy; with ``--check``, the links that are dead or were
    not requested, and the pages that moved or changed since their snapshot."""
    from factcheck.netpolicy import Policy
    from factcheck.provenance import linkstate
    from factcheck.provenance.links import link_sources
    from factcheck.provenance.rot import check_sources, results

    store = open_store(args, data=True)
    if store is None:
        return fail(NO_ROOT)
    found = link_sources(store, args.ids)
    if isinstance(found, str):
        return fail(found)
    checks = None
    if args.check:
        from factcheck.evidence.folder import repo_root_of

        checks = check_sources(found, repo_root_of(store.root), args.timeout, args.jobs, Policy(allow_private=args.allow_private), args.max_bytes)
        linkstate.record(store.root, results(checks))
    failed = bool(found.unusable) or any(c.findings for c in checks or ())
    if args.format == "json":
        sys.stdout.write(json_safe(links_json(found, checks)))
    else:
        _links_text(found, checks)
    return EXIT_PROBLEMS if failed else EXIT_OK


def _links_text(found, checks) -> None:
    from factcheck.netpolicy import redact
    from factcheck.present import plural

    sources, missing, unusable = found.sources, found.missing_archive, found.unusable
    if missing:
        _heading(missing, sources, "no archive_url")
        for cid, source in missing:
            print(escape_line(f"{cid}: {redact(source.url)}{' (a snapshot is kept)' if source.snapshots else ''}"))
    else:
        print(f"every source has an archive_url ({plural(len(sources), 'source', 'sources')})")
    if unusable:
        print(f"{len(unusable)} {'source' if len(unusable) == 1 else 'sources'} cannot be checked (run factcheck validate):")
        for item in unusable:
            print(escape_line(item.line()))
    if checks is None:
        return
    sections = {finding: [c for c in checks if finding in c.findings] for finding in FINDING_HEADINGS}
    sections["not compared"] = [c for c in checks if c.snapshot is not None and c.live.not_compared and not c.findings]
    for finding, items in sections.items():
        if items:
            _heading(items, sources, FINDING_HEADINGS.get(finding, "a page that could not be compared with its snapshot"))
            for check in items:
                print(escape_line(f"{check.claim_id}: {redact(check.source.url)}: {_finding_line(check, finding)}"))
    if not (sections["dead"] or sections["refused"]):
        line = f"{plural(len(found.urls), 'source URL', 'source URLs')} checked, none dead"
        compared = [c for c in checks if c.snapshot is not None]
        if compared:
            line += f"; {len(compared)} with a snapshot: {len(sections['moved'])} moved, {len(sections['changed'])} changed"
        print(line)


#: The heading of each finding of ``links --check`` (the sources that have it).
FINDING_HEADINGS = {
    "refused": "a link that was not requested",
    "dead": "a dead link",
    "moved": "moved since the snapshot",
    "changed": "changed since the snapshot",
}


def _kept(check) -> str:
    snapshot = check.snapshot
    return f"a snapshot is kept: {snapshot.path}, captured {snapshot.captured.date().isoformat()}" if snapshot else ""


def _finding_line(check, finding: str) -> str:
    from factcheck.netpolicy import redact

    if finding in ("refused", "dead"):
        reason = check.answer.reason or ""
        return f"{reason} ({_kept(check)})" if finding == "dead" and check.snapshot else reason
    if finding == "moved":
        return f"now ends at {redact(check.live.final_url or '')}, the snapshot at {redact(check.snapshot.final_url)}"
    if finding == "changed":
        captured = check.snapshot.captured.date().isoformat()
        if check.excerpt_in_snapshot is False:
            return f"the excerpt is not on the live page, nor in the snapshot of {captured}"
        after = f"it is in the snapshot of {captured}" if check.excerpt_in_snapshot else "the snapshot cannot be read"
        return f"the excerpt is no longer on the live page ({after})"
    return f"not compared with its snapshot: {check.live.not_compared}"


def links_json(found, checks) -> str:
    """The JSON of ``links`` (shape in the README: one object per source, the unusable ones apart)."""
    import json

    by_source = {(c.claim_id, id(c.source)): c for c in checks} if checks is not None else {}
    out = {
        "sources": [_source_json(cid, s, by_source.get((cid, id(s))), checks is not None) for cid, s in found.sources],
        "unusable": [{"claim": u.claim_id, "url": u.url, "reason": u.reason} for u in found.unusable],
    }
    return json.dumps(out, indent=2, ensure_ascii=False) + "\n"


def _source_json(claim_id: str, source, check, checked: bool) -> dict:
    from factcheck.provenance.rot import latest

    snapshot = latest(source)
    out: dict = {
        "claim": claim_id,
        "url": source.url,
        "archive_url": source.archive_url,
        "archived": source.archived.isoformat() if source.archived else None,
        "snapshot": None if snapshot is None else {
            "path": snapshot.path, "sha256": snapshot.sha256, "captured": snapshot.captured.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "status": snapshot.status, "final_url": snapshot.final_url,
        },
        "check": None,
    }
    if checked and check is not None:
        out["check"] = {
            "findings": check.findings,
            "status": check.answer.status,
            "reason": check.answer.reason,
            "final_url": check.live.final_url,
            "excerpt_on_page": check.excerpt_on_page,
            "excerpt_in_snapshot": check.excerpt_in_snapshot,
            "not_compared": check.live.not_compared,
        }
    return out


def _heading(items: list, sources: list, what: str) -> None:
    from factcheck.present import plural

    print(f"{len(items)} of {plural(len(sources), 'source', 'sources')} {'has' if len(items) == 1 else 'have'} {what}:")


#: Each command of the group: what adds its arguments, and what runs it.
COMMANDS: dict[str, Command] = {
    "log": (_log_command, log),
    "diff": (_diff_command, diff),
    "links": (_links_command, links),
}
