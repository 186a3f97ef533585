"""factcheck build: the static site."""

from __future__ import annotations

import argparse
import os
import sys

from factcheck.cli.args import Command
from factcheck.cli.common import NO_ROOT, accepted_for, show_arg, shown
from factcheck.cli.errors import EXIT_OK, EXIT_PROBLEMS, fail
from factcheck.report import accepted_line, parsable, split_accepted


def _build_command(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", nargs="?", help="claims folder (default: claims/)")
    p.add_argument("--out", default=None, help="output folder (default: site/ beside the claims folder)")
    p.add_argument("--base-url", help="the URL the site is published at (default: base_url of the config)")
    p.add_argument("--drafts", action="store_true", help="also show claims that are not published, marked as drafts")
    p.add_argument("--repo-url", help="link each claim page to its YAML file under this URL (e.g. https://github.com/OWNER/REPO/blob/main)")
    p.add_argument("--skip-invalid", action="store_true", help="leave out claims that validate finds errors in (always done) and still exit 0")
    p.add_argument("--force", action="store_true", help="build into a folder that is not empty and was not made by factcheck build (its other files are kept)")
    show_arg(p)


def build(args: argparse.Namespace) -> int:
    from factcheck.match.checked import site_checks
    from factcheck.site import build as build_site
    from factcheck.site.build import BuildError
    from factcheck.store import find_root

    root = args.path or (str(find_root()) if find_root() else None)
    if root is None or not os.path.isdir(root):
        return fail(NO_ROOT if root is None else f"not a folder: {root}")
    out = args.out or os.path.join(os.path.dirname(os.path.abspath(root)), "site")
    try:
        result = build_site(root, out, base_url=args.base_url, drafts=args.drafts, repo_url=args.repo_url, force=args.force, checked_before=site_checks)
    except BuildError as exc:
        return fail(str(exc))
    accepted, found = accepted_for([root])
    problems = result.problems + [p for p in found if p not in result.problems]
    printed, hidden = split_accepted(problems + result.invalid, () if args.show == "accepted" else accepted)
    for problem in printed:
        print(parsable(problem), file=sys.stderr)
    if hidden:
        print(accepted_line(hidden, "factcheck build --show accepted"), file=sys.stderr)
    if result.left_out:
        advice = "" if args.skip_invalid else "; fix them, or build with --skip-invalid to publish the rest"
        print(f"factcheck: {len(result.left_out)} claim file(s) left out of the site: validate finds errors in them (above){advice}", file=sys.stderr)
    print(f"{shown(out)}: {result.pages} pages, {len(result.written)} written, {len(result.removed)} removed")
    failed = any(p.severity == "error" for p in problems) or (result.left_out and not args.skip_invalid)
    return EXIT_PROBLEMS if failed else EXIT_OK


#: Each command of the group: what adds its arguments, and what runs it.
COMMANDS: dict[str, Command] = {"build": (_build_command, build)}
