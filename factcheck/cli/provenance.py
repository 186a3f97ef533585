"""The record against git and the web: log, diff and links."""

from __future__ import annotations

import argparse
import sys

from factcheck.cli.args import Command, claim_id, positive, root_arg
from factcheck.cli.common import NO_ROOT, claims_root, one_claim, open_store
from factcheck.cli.errors import EXIT_OK, fail
from factcheck.textsafe import escape_line, json_safe


def _log_command(p: argparse.ArgumentParser) -> None:
    root_arg(p)
    p.add_argument("id", type=claim_id)


def _diff_command(p: argparse.ArgumentParser) -> None:
    root_arg(p)
    p.add_argument("base", nargs="?", help="git revision (default: merge base with main)")
    p.add_argument("--format", choices=("markdown", "json"), default="markdown")


def _links_command(p: argparse.ArgumentParser) -> None:
    root_arg(p)
    p.add_argument("ids", nargs="*", metavar="ID", help="check only these claims (default: all)")
    p.add_argument("--check", action="store_true", help="request each source URL (HEAD, then GET) and report dead links")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds in all for one URL, redirects included (default: 10)")
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
    from factcheck.netpolicy import Policy
    from factcheck.provenance.links import check_links

    if not args.timeout > 0:
        return fail("--timeout must be more than 0 seconds")
    store = open_store(args, data=True)
    if store is None:
        return fail(NO_ROOT)
    return check_links(store, args.check, args.timeout, args.ids, args.jobs, Policy(allow_private=args.allow_private))


#: Each command of the group: what adds its arguments, and what runs it.
COMMANDS: dict[str, Command] = {
    "log": (_log_command, log),
    "diff": (_diff_command, diff),
    "links": (_links_command, links),
}
