"""``factcheck match``: its arguments (:func:`add_arguments`) and what it does (:func:`run`).

Heavy imports (numpy, the index) happen in :func:`run`, not when the parser is built.

Exit codes: 0 matched (whether or not anything was found), 1 a feed or the input could
not be read (or ``--strict`` refused a feed), 2 usage error (an unknown claim id, no
input, nothing to match against).
"""

from __future__ import annotations

import argparse
import os
import sys

from factcheck.cli.args import Command
from factcheck.cli.errors import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from factcheck.cli.inputs import MAX_INPUT_BYTES, read_lines

#: The most ``--sentences`` may hold; a larger input is refused (split it).
MAX_INPUT = MAX_INPUT_BYTES
NOTHING = "match: nothing to match against: no claims tree (or --no-tree) and no feed (--against FEED, or [match] feeds in factcheck.toml)"
#: How many skipped feed items are listed one by one.
SHOWN_PROBLEMS = 10


def _top(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= 1000:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 to 1000, got {value!r}")
    return number


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("source", nargs="?", metavar="ARTICLE|ID", help="an article folder or its slug (its sentences are matched), or a claim id (its text is)")
    p.add_argument("--sentences", metavar="FILE", help="match the lines of FILE ('-': stdin) as given, one sentence a line, in input order")
    p.add_argument("--against", metavar="FEED", action="append", default=[], help="a feed of ClaimReview objects (JSON Lines or JSON-LD), repeatable")
    p.add_argument("--no-tree", action="store_true", help="search the feeds alone, not this tree's claims")
    p.add_argument("--top", type=_top, default=5, metavar="K", help="at most K matches for each text (default 5)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--strict", action="store_true", help="refuse a feed that has an item that is not a ClaimReview (default: report it and skip it)")
    p.add_argument("--root", help="the claims folder (default: found from the current folder)")


class _Stop(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def _say(message: str) -> None:
    from factcheck.textsafe import escape_line

    print(f"factcheck: {escape_line(message)}", file=sys.stderr)


def read_sentences(path: str, limit: int | None = None) -> list[str]:
    """The lines of ``path`` ('-': stdin) as given, read line by line, at most ``limit``
    bytes (default :data:`MAX_INPUT`)."""
    lines = read_lines(path, "--sentences", MAX_INPUT if limit is None else limit)
    if isinstance(lines, str):
        raise _Stop(lines, EXIT_PROBLEMS)
    return lines


def _root(args: argparse.Namespace) -> str | None:
    """The claims tree: where a claim id is looked up, and (unless --no-tree) candidates come from."""
    if args.root:
        if not os.path.isdir(args.root):
            raise _Stop(f"match: --root {args.root}: not a folder", EXIT_USAGE)
        return args.root
    from factcheck.cli.common import tree_of
    from factcheck.store import find_root

    found = tree_of(args.source) or find_root()
    return str(found) if found else None


def _inputs(args: argparse.Namespace, root: str | None):
    """(texts, the store of the tree whose claims are candidates, or None)."""
    from factcheck.match.tree import Texts, article_texts

    if bool(args.sentences) == bool(args.source):
        raise _Stop("match: give an article folder, a claim id, or --sentences FILE (one of them)", EXIT_USAGE)
    if args.sentences:
        return Texts(read_sentences(args.sentences)), _open(root, args)
    folder = _article_folder(args.source, root)
    if folder is not None:
        from factcheck.reading import load_article
        from factcheck.tree import ARTICLE_FILE

        record = load_article(folder, os.path.join(folder, ARTICLE_FILE))
        if record.text is None:
            raise _Stop(f"match: {folder}: no readable article (article.yaml and its text); run factcheck validate", EXIT_USAGE)
        return article_texts(folder, record.text), _open(root, args)
    store = _open(root, args, claim_id=args.source)
    claim = store.find(args.source) if store is not None else None
    if claim is None or claim.row is None:
        from factcheck.problems import did_you_mean

        hint = did_you_mean(args.source, store.ids()) if store is not None else " (no claims tree here: give --root)"
        raise _Stop(f"match: no claim with id {args.source!r} and no article folder of that name{hint}", EXIT_USAGE)
    return Texts([claim.row.text], folder=os.path.dirname(claim.path), claim_id=claim.row.id), None if args.no_tree else store


def _article_folder(name: str, root: str | None) -> str | None:
    """The article folder ``name`` gives: a folder path, or the slug of an article of the tree."""
    if os.path.isdir(name):
        return name
    from factcheck.tree import ARTICLE_FILE

    inside = os.path.join(root, name) if root is not None and "/" not in name and name not in (".", "..") else None
    return inside if inside is not None and os.path.isfile(os.path.join(inside, ARTICLE_FILE)) else None


def _open(root: str | None, args: argparse.Namespace, claim_id: str | None = None):
    """The tree's store: whole when its claims are candidates; with --no-tree only the
    claim ``claim_id`` (to read its text), else none."""
    if root is None or (args.no_tree and claim_id is None):
        return None
    from factcheck.store import ClaimStore

    return ClaimStore.open_claim(root, claim_id) if args.no_tree and claim_id else ClaimStore.open(root)


def _feeds(args: argparse.Namespace, root: str | None) -> list[str]:
    from factcheck import siteconfig

    configured, problems = siteconfig.match_feeds(root or os.getcwd())
    for problem in problems:
        _say(f"{problem.path}:{problem.line}: {problem.message}")
    seen: dict[str, str] = {}
    for feed in [*args.against, *configured]:
        seen.setdefault(os.path.abspath(feed), feed)
    return list(seen.values())


def _report_skipped(segment) -> None:
    for problem in segment.problems[:SHOWN_PROBLEMS]:
        _say(f"{problem.path}:{problem.line}: {problem.message} (skipped)")
    if len(segment.problems) > SHOWN_PROBLEMS:
        _say(f"{segment.problems[0].path}: {len(segment.problems) - SHOWN_PROBLEMS} more items skipped")


def _candidates(args: argparse.Namespace, feeds: list[str], store, texts) -> list:
    from factcheck.match.feed import FeedError
    from factcheck.match.store import drop_removed, index_feed
    from factcheck.match.tree import tree_segments

    drop_removed()
    segments = []
    if store is not None:
        segments += tree_segments(store, texts.folder, texts.claim_id)
    for feed in feeds:
        try:
            segment = index_feed(feed, strict=args.strict, progress=lambda f: _say(f"indexing {f}") if sys.stderr.isatty() else None)
        except FeedError as exc:
            raise _Stop(str(exc), EXIT_PROBLEMS) from None
        _report_skipped(segment)
        segments.append(segment)
    return segments


def run(args: argparse.Namespace) -> int:
    from factcheck.match import match_texts
    from factcheck.match.render import render

    try:
        root = _root(args)
        texts, store = _inputs(args, root)
        feeds = _feeds(args, root)
        if store is None and not feeds:
            raise _Stop(NOTHING, EXIT_USAGE)
        segments = _candidates(args, feeds, store, texts)
    except _Stop as exc:
        _say(str(exc))
        if exc.code == EXIT_USAGE:
            print("try 'factcheck match --help'", file=sys.stderr)
        return exc.code
    found = match_texts(texts.texts, segments, args.top)  # a missing model: cli.main says so in one line
    sys.stdout.write(render(texts.texts, found, args.format))
    return EXIT_OK


#: Each command of the group: what adds its arguments, and what runs it.
COMMANDS: dict[str, Command] = {"match": (add_arguments, run)}
