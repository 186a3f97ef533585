"""Command line: argument parsing only; the work happens in the domain modules.

Exit codes: 0 clean, 1 problems found (or an edit refused), 2 usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import typing
from collections.abc import Sequence

from factcheck import __version__
from factcheck.model import MAX_ID_LENGTH, SLUG_RE, Kind, Source, Stance, Status, Verdict
from factcheck.report import FORMATS
from factcheck.textsafe import escape_line, first_control

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    def __init__(self, message: str, prog: str = "factcheck"):
        super().__init__(message)
        self.prog = prog


def _columns() -> int:
    """The terminal's width as ``shutil.get_terminal_size`` gives it (``$COLUMNS``, else
    the terminal's, else 80), without importing shutil (and the compression modules it
    imports) on every start."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


class _Formatter(argparse.HelpFormatter):
    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position, _columns() - 2 if width is None else width)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: typing.Any, **kw: typing.Any) -> None:
        kw.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kw)

    def error(self, message: str) -> typing.NoReturn:  # argparse would print usage and exit 2 itself
        raise UsageError(f"{self.prog}: {message}", self.prog)


# -- argument types: each turns a bad value into a one-line usage error (exit 2) --------


def claim_id(value: str) -> str:
    if not SLUG_RE.match(value) or len(value) > MAX_ID_LENGTH:
        raise argparse.ArgumentTypeError(
            f"'{escape_line(value)}' is not a claim id: ids are lowercase slugs "
            f"(letters a-z, digits, single hyphens, at most {MAX_ID_LENGTH} characters), e.g. bridges-repaired"
        )
    return value


def date_arg(value: str) -> dt.date:
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"'{escape_line(value)}' is not a date: write YYYY-MM-DD, e.g. 2024-03-28")


def date_text(value: str) -> str:
    """A date kept as written, for a builder that parses text; refused here if it is not one."""
    date_arg(value)
    return value


def url_arg(value: str) -> str:
    import re

    from factcheck.model import HTTP_URL_PATTERN

    if not re.match(HTTP_URL_PATTERN, value):
        raise argparse.ArgumentTypeError(f"'{escape_line(value)}' is not an http or https URL, e.g. https://example.org/page")
    return value


def one_line(value: str) -> str:
    """A short name or value: not blank, one line, no control characters."""
    if not value.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    if first_control(value):
        raise argparse.ArgumentTypeError(f"'{escape_line(value)}' holds a line break or control character")
    return value


def whole_number(message: str) -> typing.Callable[[str], int]:
    """An argument type for a whole number of 1 or more; ``message`` says what is wrong
    with another value, given as ``{shown}`` (escaped) or ``{value!r}``."""

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = 0
        if number < 1:
            raise argparse.ArgumentTypeError(message.format(shown=escape_line(value), value=value))
        return number

    return parse


positive_int = whole_number("'{shown}' is not a whole number of 1 or more")
_positive = whole_number("must be a whole number of at least 1, got {value!r}")


def record_arguments(parser: argparse.ArgumentParser, cls: type) -> tuple[str, ...]:
    """An option for each field of the attrs class ``cls``, made from the model: its type
    (dates, URLs, vocabularies), whether it is required, and its help. Returns the fields
    of long prose, which also read '-' and '@FILE'."""
    import enum
    import typing

    import attrs

    from factcheck.model import HTTP_URL_PATTERN, allows_line_breaks, defaults_to_today, field_constraints, help_text

    prose = []
    hints = typing.get_type_hints(cls)
    for field in attrs.fields(cls):
        tp = hints[field.name]
        args = typing.get_args(tp)
        base = next((a for a in args if a is not type(None)), tp) if args else tp
        optional = type(None) in args or field.default is not attrs.NOTHING or defaults_to_today(field)
        kw: dict = {"required": not optional, "help": help_text(field) or None}
        if base in (dt.date,):
            kw["type"] = date_text
        elif isinstance(base, type) and issubclass(base, enum.Enum):
            kw["choices"] = [member.value for member in base]
        elif field_constraints(field).get("pattern") == HTTP_URL_PATTERN:
            kw["type"] = url_arg
        if base is str and allows_line_breaks(cls, field.name):
            prose.append(field.name)
            kw["help"] = (kw["help"] or "") + FROM_FILE_HELP
        parser.add_argument(f"--{field.name.replace('_', '-')}", **kw)
    return tuple(prose)


#: Text arguments that also read standard input ('-') or a file ('@FILE'), per command.
FROM_FILE: dict[str, tuple[str, ...]] = {
    "add-source": ("excerpt", "note"),
    "set-status": ("summary", "note"),
    "remove-source": ("note",),
    "note": ("text",),
    "set-quantities": ("note",),
}
#: Text arguments that may be left out but, when given, must say something.
NOT_BLANK = ("excerpt", "note", "text", "title", "publisher", "quote", "claimant", "change", "reason", "correction")
FROM_FILE_HELP = "; '-' reads standard input, '@FILE' a file ('@@…' for a text starting with '@')"


def _option(name: str, command: str) -> str:
    return "TEXT" if (name, command) == ("text", "note") else f"--{name.replace('_', '-')}"


def read_text_arg(value: str, option: str, stdin_used: list[bool]) -> str:
    """The text a '-' / '@FILE' / '@@…' argument stands for (raises UsageError)."""
    if value == "-":
        if stdin_used[0]:
            raise UsageError(f"{option} -: standard input is already read by another argument")
        stdin_used[0] = True
        text = sys.stdin.read()
    elif value.startswith("@@"):
        return value[1:]
    elif value.startswith("@"):
        path = value[1:]
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except FileNotFoundError:
            raise UsageError(f"{option} {escape_line(value)}: no such file {escape_line(path)!r}") from None
        except IsADirectoryError:
            raise UsageError(f"{option} {escape_line(value)}: {escape_line(path)!r} is a folder, not a file") from None
        except UnicodeDecodeError:
            raise UsageError(f"{option} {escape_line(value)}: {escape_line(path)!r} is not UTF-8 text") from None
        except OSError as exc:
            raise UsageError(f"{option} {escape_line(value)}: cannot read {escape_line(path)!r}: {exc.strerror or exc}") from None
    else:
        return value
    return text.replace("\r\n", "\n").rstrip("\n")


def resolve_texts(args: argparse.Namespace) -> None:
    """Read '-' and '@FILE' text arguments, and refuse blank ones (raises UsageError)."""
    prog = f"factcheck {args.command}"
    stdin_used = [False]
    for name in FROM_FILE.get(args.command, ()):
        value = getattr(args, name, None)
        if value is not None:
            try:
                setattr(args, name, read_text_arg(value, _option(name, args.command), stdin_used))
            except UsageError as exc:
                raise UsageError(f"{prog}: {exc}", prog) from None
    for name in NOT_BLANK:
        value = getattr(args, name, None)
        if isinstance(value, str) and not value.strip():
            raise UsageError(f"{prog}: {_option(name, args.command)} is empty; write what it asks for", prog)


def _root_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", help="claims folder (default: the claims/ folder found from the current directory)")


def _editor_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--editor", type=one_line, help="who makes the change (default: $FACTCHECK_EDITOR, git user.name, or the OS user)")


def _validate_command(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", help="files or folders (default: claims/)")
    p.add_argument("--format", choices=FORMATS, default="auto")
    p.add_argument("--no-cache", action="store_true", help="parse every file again")
    p.add_argument("--jobs", type=positive_int, default=None, help="processes to use (default: 2)")
    p.add_argument("--base", metavar="REV", help="also compare with a git revision: published claims deleted, or changed without a correction")
    p.add_argument("--strict", action="store_true", help="warnings fail the run too (exit 1)")


def _fmt_command(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", help="files or folders (default: claims/)")
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file is not canonical")
    p.add_argument("--diff", action="store_true", help="change nothing; print a unified diff of what fmt would change (exit 1 if any)")
    p.add_argument("--schema-line", metavar="URL", type=one_line, help="add a '# yaml-language-server: $schema=URL' first line")


def _list_command(p: argparse.ArgumentParser) -> None:
    _root_arg(p)
    p.add_argument("--status", choices=Status.words())
    p.add_argument("--verdict", choices=Verdict.words())
    p.add_argument("--kind", choices=Kind.words())


def _show_command(p: argparse.ArgumentParser) -> None:
    _root_arg(p)
    p.add_argument("id", type=claim_id)


def _export_command(p: argparse.ArgumentParser) -> None:
    _root_arg(p)
    p.add_argument("--format", choices=("json", "claimreview"), default="json")
    p.add_argument("--base-url", help="claimreview: the site's URL, for each review's url (default: base_url of the config)")


def _build_command(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", nargs="?", help="claims folder (default: claims/)")
    p.add_argument("--out", default=None, help="output folder (default: site/ beside the claims folder)")
    p.add_argument("--base-url", help="the URL the site is published at (default: base_url of the config)")
    p.add_argument("--drafts", action="store_true", help="also show claims that are not published, marked as drafts")
    p.add_argument("--repo-url", help="link each claim page to its YAML file under this URL (e.g. https://github.com/OWNER/REPO/blob/main)")
    p.add_argument("--skip-invalid", action="store_true", help="leave out claims that validate finds errors in (always done) and still exit 0")
    p.add_argument("--force", action="store_true", help="build into a folder that is not empty and was not made by factcheck build (its other files are kept)")


def _review_command(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", nargs="?", help="claims folder (default: claims/)")
    _editor_arg(p)


def _add_source_command(p: argparse.ArgumentParser) -> None:
    _root_arg(p)
    _editor_arg(p)
    p.add_argument("id", type=claim_id)
    FROM_FILE["add-source"] = (*record_arguments(p, Source), "note")  # every field of a source, from the model
    p.add_argument("--note", help="why this source" + FROM_FILE_HELP)


def _remove_source_command(p: argparse.ArgumentParser) -> None:
    _root_arg(p)
    _editor_arg(p)
    p.add_argument("id", type=claim_id)
    p.add_argument("url", type=url_arg)
    p.add_argument("--note", required=True, help="why" + FROM_FILE_HELP)
    p.add_argument("--correction", help="for a published claim: why the source is removed (recorded in corrections)")


def _set_source_command(p: argparse.ArgumentParser) -> None:
    _root_arg(p)
    _editor_arg(p)
    p.add_argument("id")
    p.add_argument("url", help="the source's current URL")
    p.add_argument("--published", help="YYYY-MM-DD, or 'none' to clear it")
    p.add_argument("--stance", choices=Stance.words())
    p.add_argument("--title")
    p.add_argument("--publisher")
    p.add_argument("--new-url", help="the source's new URL")
    p.add_argument("--excerpt", help="a short verbatim passage of the page")
    p.add_argument("--note", required=True, help="why")
    p.add_argument("--correction", help="for a published claim whose source changes its url, stance or excerpt: why (recorded in corrections)")


def _set_status_command(p: argparse.ArgumentParser) -> None:
    _root_arg(p)
    _editor_arg(p)
    p.add_argument("id", type=claim_id)
    p.add_argument("status", choices=Status.words())
    p.add_argument("--verdict", choices=Verdict.words())
    p.add_argument("--summary", help="two to five sentences ('' removes the summary)" + FROM_FILE_HELP)
    p.add_argument("--note", required=True, help="why" + FROM_FILE_HELP)
    p.add_argument("--correction", help="for a published claim whose verdict changes: why (recorded in corrections)")


def _correct_command(p: argparse.ArgumentParser) -> None:
    _root_arg(p)
    _editor_arg(p)
    p.add_argument("id", type=claim_id)
    p.add_argument("--change", required=True, help="what changed, e.g. 'source removed: URL'")
    p.add_argument("--reason", required=True, help="why")


def _note_command(p: argparse.ArgumentParser) -> None:
    _root_arg(p)
    _editor_arg(p)
    p.add_argument("id", type=claim_id)
    p.add_argument("text", help="the note" + FROM_FILE_HELP)


def _assign_command(p: argparse.ArgumentParser) -> None:
    _root_arg(p)
    _editor_arg(p)
    p.add_argument("id", type=claim_id)
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("handle", nargs="?", help="the editor's handle, as they edit (FACTCHECK_EDITOR, git user.name)")
    who.add_argument("--clear", action="store_true", help="assign it to nobody")


def _set_quantities_command(p: argparse.ArgumentParser) -> None:
    _root_arg(p)
    _editor_arg(p)
    p.add_argument("id", type=claim_id)
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--from-quote", action="store_true", help="read them from the quote (percentages, counts, money, years as as_of)")
    how.add_argument("--clear", action="store_true", help="remove every quantity")
    p.add_argument("--note", help="why (kept in the history)" + FROM_FILE_HELP)


def _new_command(p: argparse.ArgumentParser) -> None:
    _root_arg(p)
    _editor_arg(p)
    p.add_argument("article", help="article folder or its slug")
    p.add_argument("--quote", required=True)
    p.add_argument("--text", help="the claim as one checkable proposition (default: the quote)")
    p.add_argument("--claimant", help="who makes the claim (default: the article's author)")
    p.add_argument("--kind", choices=Kind.words(), default="event")
    p.add_argument("--id", type=claim_id, help="claim id (default: derived from the quote)")


def _suggest_command(p: argparse.ArgumentParser) -> None:
    _root_arg(p)
    _editor_arg(p)
    p.add_argument("article", nargs="?", help="article folder or its slug")
    p.add_argument("--write", action="store_true", help="create claim files (status new) for the top candidates not yet claimed")
    p.add_argument("--top", type=_positive, help="with --write: at most N claims (default 10 unless --min-score is given)")
    p.add_argument("--min-score", type=float, help="with --write: only sentences scoring at least S (0 to 1)")
    p.add_argument("--sentences", metavar="FILE", help="score the lines of FILE ('-': stdin) as given, one sentence a line, in input order")
    p.add_argument("--format", choices=("text", "json"), default="text")


def _dismiss_command(p: argparse.ArgumentParser) -> None:
    _root_arg(p)
    _editor_arg(p)
    p.add_argument("article", help="article folder or its slug")
    p.add_argument("sentence", help="the sentence's number as factcheck suggest lists it, or its text (whole, verbatim)")
    p.add_argument("--reason", help="why it is not worth checking (kept in dismissed.yaml)")


def _article_command(p: argparse.ArgumentParser) -> None:
    article_sub = p.add_subparsers(dest="article_command", parser_class=_Parser, required=True)
    p = article_sub.add_parser("add", help="create an article folder from a saved page, a text or Markdown file, or an http(s) URL")
    _root_arg(p)
    p.add_argument("source", help="a .html/.htm file, a .txt/.md file, or an http(s) URL")
    p.add_argument("--slug", help="the folder name (default: from the title)")
    p.add_argument("--title")
    p.add_argument("--publisher")
    p.add_argument("--outlet", help="the publication within the publisher")
    p.add_argument("--author", action="append", dest="authors", metavar="NAME", help="a byline (repeat for several); replaces the bylines found")
    p.add_argument("--published", help="YYYY-MM-DD")
    p.add_argument("--url", help="the article's canonical URL")
    p.add_argument("--language", help="language code, e.g. en")
    p.add_argument("--timeout", type=float, default=20.0, help="seconds in all to fetch a URL (default: 20)")
    p.add_argument("--max-bytes", type=_positive, default=5 * 1024 * 1024, help="largest page fetched or read (default: 5 MiB)")
    p.add_argument("--no-input", action="store_true", help="never ask: a field not found is an error (also when stdin is not a terminal)")
    p.add_argument("--allow-private", action="store_true", help="also fetch from loopback, private and other non-public addresses (refused by default)")


def _log_command(p: argparse.ArgumentParser) -> None:
    _root_arg(p)
    p.add_argument("id", type=claim_id)


def _diff_command(p: argparse.ArgumentParser) -> None:
    _root_arg(p)
    p.add_argument("base", nargs="?", help="git revision (default: merge base with main)")
    p.add_argument("--format", choices=("markdown", "json"), default="markdown")


def _links_command(p: argparse.ArgumentParser) -> None:
    _root_arg(p)
    p.add_argument("ids", nargs="*", metavar="ID", help="check only these claims (default: all)")
    p.add_argument("--check", action="store_true", help="request each source URL (HEAD, then GET) and report dead links")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds in all for one URL, redirects included (default: 10)")
    p.add_argument("--jobs", type=_positive, default=4, help="URLs checked at once (default: 4)")
    p.add_argument(
        "--allow-private", action="store_true",
        help="also request loopback, private, link-local and other non-public addresses (refused by default)",
    )


def _schema_command(p: argparse.ArgumentParser) -> None:
    which = p.add_mutually_exclusive_group()
    which.add_argument("--article", action="store_true", help="the schema of article.yaml instead")
    which.add_argument("--dismissed", action="store_true", help="the schema of an article folder's dismissed.yaml instead")


#: Each command: its name, its help line, and what adds its arguments to its parser.
COMMANDS: tuple[tuple[str, str, typing.Callable[[argparse.ArgumentParser], None]], ...] = (
    ("validate", "check claim files (schema and rules)", _validate_command),
    ("fmt", "rewrite claim files in the canonical layout", _fmt_command),
    ("list", "list claims", _list_command),
    ("show", "show one claim", _show_command),
    ("export", "every claim as JSON, or the published ones as ClaimReview JSON-LD", _export_command),
    ("build", "build the static fact-check site", _build_command),
    ("review", "open the review screen on a claims folder", _review_command),
    ("add-source", "add a source to a claim", _add_source_command),
    ("remove-source", "remove a source from a claim", _remove_source_command),
    ("set-source", "change fields of a source of a claim", _set_source_command),
    ("set-status", "move a claim along the workflow, with verdict and summary", _set_status_command),
    ("correct", "record a correction on a claim (what changed and why)", _correct_command),
    ("note", "add a note to a claim's history", _note_command),
    ("assign", "assign a claim to an editor (recorded in its history)", _assign_command),
    ("set-quantities", "set a claim's quantities from the numbers its quote states (recorded in its history)", _set_quantities_command),
    ("new", "scaffold a claim from a verbatim quote of an article", _new_command),
    ("suggest", "rank an article's sentences by check-worthiness; --write creates claims", _suggest_command),
    ("dismiss", "record that a sentence of an article is not worth a claim, so suggest does not propose it again", _dismiss_command),
    ("article", "articles: 'article add SOURCE' brings one in", _article_command),
    ("log", "a claim's recorded history merged with git history", _log_command),
    ("diff", "Markdown summary of what changed in the claim record since BASE", _diff_command),
    ("links", "sources without an archive copy; --check asks each URL", _links_command),
    ("schema", "JSON Schema of claim files", _schema_command),
)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with ``command``, only that command's arguments are made
    (its parser is the same: the other commands' would only cost time)."""
    parser = _Parser(prog="factcheck", description="Claim fact-checking and provenance tracker. With no command, opens the review screen on claims/.")
    parser.add_argument("--version", action="version", version=f"factcheck {__version__}")
    parser.add_argument("--editor", dest="top_editor", type=one_line, help="with no command: who makes the changes in the review screen")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    for name, help_text_, add_arguments in COMMANDS:
        if command is None or name == command:
            add_arguments(sub.add_parser(name, help=help_text_))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        named = argv[0] if argv and any(argv[0] == name for name, _, _ in COMMANDS) else None
        args = build_parser(named).parse_args(argv)
        if args.command is not None:
            resolve_texts(args)
        from factcheck import commands

        if args.command is None:
            return commands.review(argparse.Namespace(path=None, editor=args.top_editor))
        name = "list_" if args.command == "list" else args.command.replace("-", "_")
        handler = getattr(commands, name)
        return handler(args)
    except UsageError as exc:
        print(escape_line(str(exc)), file=sys.stderr)
        print(f"try '{exc.prog} --help'", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def run() -> None:
    sys.exit(main())
