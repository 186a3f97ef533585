"""The command line's wiring: the commands, their groups, the parser and dispatch.

Only the named command's group is imported and only its parser is built: the others
would cost start-up time.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from factcheck import __version__
from factcheck.cli.args import Command, Parser, one_line, resolve_texts
from factcheck.cli.errors import EXIT_INTERRUPTED, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, UsageError
from factcheck.identity import UserConfigError
from factcheck.textsafe import escape_line

#: Each command: its name, its help line, and the group (module of factcheck.cli) that adds its arguments and runs it.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("validate", "check claim files (schema and rules)", "check"),
    ("fmt", "rewrite claim files in the canonical layout", "check"),
    ("list", "list claims", "check"),
    ("show", "show one claim", "check"),
    ("export", "every claim as JSON, or the published ones as ClaimReview JSON-LD", "check"),
    ("build", "build the static fact-check site", "site"),
    ("review", "open the review screen on a claims folder", "review"),
    ("add-source", "add a source to a claim", "edit"),
    ("remove-source", "remove a source from a claim", "edit"),
    ("set-source", "change fields of a source of a claim", "edit"),
    ("set-status", "move a claim along the workflow, with verdict and summary", "edit"),
    ("correct", "record a correction on a claim (what changed and why)", "edit"),
    ("note", "add a note to a claim's history", "edit"),
    ("assign", "assign a claim to an editor (recorded in its history)", "edit"),
    ("set-quantities", "set a claim's quantities from the numbers its quote states (recorded in its history)", "edit"),
    ("new", "scaffold a claim from a verbatim quote of an article", "edit"),
    ("register-claimant", "add a claimant to the tree's claimant registry (claimants.yaml)", "edit"),
    ("suggest", "rank an article's sentences by check-worthiness; --write creates claims", "articles"),
    ("match", "find earlier fact-checks of sentences, an article or a claim: this tree's claims and ClaimReview feeds", "match"),
    ("dismiss", "record that a sentence of an article is not worth a claim, so suggest does not propose it again", "articles"),
    ("article", "articles: 'article add SOURCE' brings one in", "articles"),
    ("log", "a claim's recorded history merged with git history", "provenance"),
    ("diff", "Markdown summary of what changed in the claim record since BASE", "provenance"),
    ("links", "sources without an archive copy; --check asks each URL", "provenance"),
    ("archive", "keep a copy of each source's page (a WARC file in the evidence folder) and record it", "archive"),
    ("schema", "JSON Schema of claim files", "check"),
    ("completion", "print a shell completion script (bash, zsh or fish)", "completion"),
)

GROUP_OF = {name: group for name, _, group in COMMANDS}


def _group(name: str) -> dict[str, Command]:
    """The commands of one group: what adds each one's arguments, and what runs it."""
    if name == "check":
        from factcheck.cli.check import COMMANDS as check
        return check
    if name == "edit":
        from factcheck.cli.edit import COMMANDS as edit
        return edit
    if name == "articles":
        from factcheck.cli.articles import COMMANDS as articles
        return articles
    if name == "provenance":
        from factcheck.cli.provenance import COMMANDS as provenance
        return provenance
    if name == "match":
        from factcheck.cli.match import COMMANDS as match
        return match
    if name == "completion":
        from factcheck.cli.completion import commands

        return commands(build_parser)
    if name == "archive":
        from factcheck.cli.archive import COMMANDS as archive
        return archive
    if name == "site":
        from factcheck.cli.site import COMMANDS as site
        return site
    from factcheck.cli.review import COMMANDS as review
    return review


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with ``command``, only that command's arguments are made
    (its parser is the same: the other commands' would only cost time)."""
    parser = Parser(prog="factcheck", description="Claim fact-checking and provenance tracker. With no command, opens the review screen on claims/.")
    parser.add_argument("--version", action="version", version=f"factcheck {__version__}")
    parser.add_argument("--editor", dest="top_editor", type=one_line, help="with no command: who makes the changes in the review screen")
    sub = parser.add_subparsers(dest="command", parser_class=Parser)
    for name, help_text_, group in COMMANDS:
        if command is None or name == command:
            add_arguments, _ = _group(group)[name]
            add_arguments(sub.add_parser(name, help=help_text_))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        named = argv[0] if argv and argv[0] in GROUP_OF else None
        args = build_parser(named).parse_args(argv)
        if args.command is not None:
            resolve_texts(args)
        if args.command is None:
            _, review = _group("review")["review"]
            return review(argparse.Namespace(path=None, editor=args.top_editor))
        _, handler = _group(GROUP_OF[args.command])[args.command]
        return handler(args)
    except UsageError as exc:
        print(escape_line(str(exc)), file=sys.stderr)
        print(f"try '{exc.prog} --help'", file=sys.stderr)
        return EXIT_USAGE
    except UserConfigError as exc:
        print(f"factcheck: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except RuntimeError as exc:
        if not _model_missing(exc):
            raise
        print(f"factcheck: {escape_line(str(exc))}", file=sys.stderr)
        return EXIT_PROBLEMS


def _model_missing(exc: BaseException) -> bool:
    """The semantic model (match, suggest) is not installed: a one-line error, whichever
    command needed it. Asked of the module only when it was imported, which it was if
    it raised, so a command that never needs the model never imports it."""
    semantic = sys.modules.get("factcheck.match.semantic")
    return semantic is not None and isinstance(exc, semantic.ModelMissing)


def run() -> None:
    sys.exit(main())
