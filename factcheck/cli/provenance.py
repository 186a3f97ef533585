"""The record against git and the web: log, diff and links."""

from __future__ import annotations

import argparse
import sys

from factcheck.cli.args import Command, claim_id, positive, root_arg, seconds
from factcheck.cli.common import NO_ROOT, claims_root, one_claim, open_store
from factcheck.cli.errors import EXIT_OK, EXIT_PROBLEMS, fail
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
    p.add_argument("--check", action="store_true", help="request each source URL (HEAD, then GET) and report dead links")
    p.add_argument("--timeout", type=seconds, default=10.0, help="seconds in all for one URL, redirects included (default: 10)")
    p.add_argument("--jobs", type=positive, default=4, help="URLs checked at once (default: 4)")
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
    """Sources without an archive copy; with ``--check``, the links that are dead or were not requested."""
    from factcheck.netpolicy import Policy, redact
    from factcheck.present import plural
    from factcheck.provenance.links import check_urls, link_sources

    store = open_store(args, data=True)
    if store is None:
        return fail(NO_ROOT)
    found = link_sources(store, args.ids)
    if isinstance(found, str):
        return fail(found)
    sources, missing, unusable = found.sources, found.missing_archive, found.unusable
    if missing:
        _heading(missing, sources, "no archive_url")
        for cid, source in missing:
            print(escape_line(f"{cid}: {redact(source.url)}"))
    else:
        print(f"every source has an archive_url ({plural(len(sources), 'source', 'sources')})")
    if unusable:
        print(f"{len(unusable)} {'source' if len(unusable) == 1 else 'sources'} cannot be checked (run factcheck validate):")
        for item in unusable:
            print(escape_line(item.line()))
    if not args.check:
        return EXIT_PROBLEMS if unusable else EXIT_OK
    answers = check_urls(found.urls, args.timeout, args.jobs, Policy(allow_private=args.allow_private))
    refused = [(cid, s.url, answers[s.url].reason) for cid, s in sources if answers[s.url].refused]
    dead = [(cid, s.url, answers[s.url].reason) for cid, s in sources if answers[s.url].reason and not answers[s.url].refused]
    for failed, what in ((refused, "a link that was not requested"), (dead, "a dead link")):
        if failed:
            _heading(failed, sources, what)
            for cid, url, reason in failed:
                print(escape_line(f"{cid}: {redact(url)}: {reason}"))
    if not (dead or refused):
        print(f"{plural(len(found.urls), 'source URL', 'source URLs')} checked, none dead")
    return EXIT_PROBLEMS if dead or refused or unusable else EXIT_OK


def _heading(items: list, sources: list, what: str) -> None:
    from factcheck.present import plural

    print(f"{len(items)} of {plural(len(sources), 'source', 'sources')} {'has' if len(items) == 1 else 'have'} {what}:")


#: Each command of the group: what adds its arguments, and what runs it.
COMMANDS: dict[str, Command] = {
    "log": (_log_command, log),
    "diff": (_diff_command, diff),
    "links": (_links_command, links),
}
