"""What the commands share: finding the claims folder, opening the store, one claim, refusals."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from factcheck.cli.errors import EXIT_PROBLEMS, fail, usage
from factcheck.report import parsable
from factcheck.textsafe import escape_line

if TYPE_CHECKING:
    from factcheck.problems import Problem
    from factcheck.store import ClaimStore, EditRefused

NO_ROOT = (
    "no claims/ folder found from here: run inside a project that has one, or give its path (factcheck review PATH, factcheck validate PATH, or --root PATH)"
)


def folder_problem(path: str, what: str) -> str | None:
    """Why ``path`` is not a claims folder, saying what was given and what is expected."""
    if not os.path.exists(path):
        return f"{what} {path}: no such folder; expected the claims folder (it holds one folder per article)"
    if not os.path.isdir(path):
        return f"{what} {path} is a file; expected the claims folder (it holds one folder per article)"
    return None


def claims_root(args: argparse.Namespace, create: bool = False, near: str | None = None) -> str | None:
    """The claims folder: ``--root`` (a usage error if it is not a folder; with ``create``,
    one that does not exist yet is allowed), else the claims/ folder the folder ``near``
    (an article folder given by path) lies in, else the one found from here, else None."""
    from factcheck.store import find_root

    given = getattr(args, "root", None)
    if given:
        problem = folder_problem(given, "--root")
        if problem and not (create and not os.path.lexists(given)):
            raise usage(args, problem)
        return given
    found = tree_of(near) or find_root()
    return str(found) if found else None


def tree_of(folder: str | None) -> str | None:
    """The claims/ folder that ``folder`` (an article folder given by path) lies in, or None
    when it is not a folder or lies in none: so an article outside the current folder is
    read in its own tree."""
    from factcheck.store import find_root

    if not folder or not os.path.isdir(folder):
        return None
    found = find_root(folder)
    return str(found) if found else None


def shown(path) -> str:
    """A path as the user would write it: relative when it is under the current folder."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def open_store(args: argparse.Namespace, data: bool = False) -> ClaimStore | None:
    from factcheck.store import ClaimStore

    root = claims_root(args)
    return ClaimStore.open(root, data=data) if root else None


def claim_store(args: argparse.Namespace) -> ClaimStore | None:
    """The store opened for the one claim ``args.id`` names: no other claim file is parsed."""
    from factcheck.store import ClaimStore

    root = claims_root(args)
    return ClaimStore.open_claim(root, args.id) if root else None


def one_claim(args: argparse.Namespace):
    """The record of the claim ``args.id`` names (its file alone read), or the exit code of why not."""
    store = claim_store(args)
    if store is None:
        return fail(NO_ROOT)
    record = store.find(args.id)
    if record is None:
        from factcheck.problems import did_you_mean

        return fail(f"no claim with id {args.id!r}{did_you_mean(args.id, store.ids())}", EXIT_PROBLEMS)
    return record


def find_article(store: ClaimStore, name: str):
    """The readable article a folder path or slug names, or why there is none."""
    article = store.articles.get(name) or store.articles.get(os.path.join(store.root, name))
    if article is None:
        matches = [a for a in store.articles.values() if a.slug == name.rstrip("/").split("/")[-1]]
        article = matches[0] if matches else None
    if article is None or article.article is None or article.text is None:
        slugs = ", ".join(sorted(a.slug for a in store.articles.values())) or "none"
        return f"no readable article {name!r} (articles: {slugs})"
    return article


#: What gives the core what a refused change needs, on the command line.
NEED_FLAGS = {
    "correction": "--correction", "note": "--note", "verdict": "--verdict", "summary": "--summary", "source": "add-source",
    "in-review": "factcheck set-status {id} in-review",
    "second-editor": (
        "the other editor runs factcheck set-status {id} published --note TEXT with --editor THEIR-HANDLE"
        " or FACTCHECK_EDITOR=THEIR-HANDLE, or presses P in their own review screen"
    ),
}


def refused(exc: EditRefused, claim_id: str = "ID") -> int:
    hint = ", ".join(NEED_FLAGS[n].format(id=claim_id) for n in exc.needs if n in NEED_FLAGS)
    print(f"factcheck: refused: {escape_line(exc.message)}" + (f" ({hint})" if hint else ""), file=sys.stderr)
    for p in exc.problems:
        if p.line:
            print(f"  {parsable(p)}", file=sys.stderr)
    return EXIT_PROBLEMS


def show_arg(parser: argparse.ArgumentParser) -> None:
    why = "accepted: also print in full the warnings the config accepts ([warnings] accepted), summed up in one line otherwise"
    parser.add_argument("--show", choices=("accepted",), help=why)


def accepted_for(paths: list[str]) -> tuple[frozenset[str], list[Problem]]:
    """The warning codes the config of each of ``paths`` accepts (:func:`factcheck.siteconfig.accepted_warnings`), and its problems."""
    from factcheck.siteconfig import accepted_warnings

    codes: set[str] = set()
    problems: list[Problem] = []
    for folder in dict.fromkeys(p if os.path.isdir(p) else os.path.dirname(p) or "." for p in paths):
        found, wrong = accepted_warnings(folder)
        codes |= found
        problems += [p for p in wrong if p not in problems]
    return frozenset(codes), problems
