"""factcheck review: the review screen (factcheck.tui), opened on a claims folder."""

from __future__ import annotations

import argparse

from factcheck.cli.args import Command, editor_arg
from factcheck.cli.common import NO_ROOT, folder_problem
from factcheck.cli.errors import EXIT_PROBLEMS, fail, usage


def _review_command(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", nargs="?", help="claims folder (default: claims/)")
    editor_arg(p)


def review(args: argparse.Namespace) -> int:
    from factcheck.identity import resolve
    from factcheck.store import find_root

    root = args.path or (str(find_root()) if find_root() else None)
    if root is None:
        return fail(NO_ROOT)
    problem = folder_problem(root, "PATH")
    if problem:
        raise usage(args, problem)
    try:
        from factcheck.tui.app import run_app
    except ImportError as exc:  # textual missing from a broken install
        return fail(f"the review screen needs textual: {exc}", EXIT_PROBLEMS)
    editor = resolve(args.editor)
    return run_app(root, editor.handle, ask_editor=not editor.configured)


#: Each command of the group: what adds its arguments, and what runs it.
COMMANDS: dict[str, Command] = {"review": (_review_command, review)}
