"""Argument parsing: the parser classes, argument types and the options many commands share.

Each argument type turns a bad value into a one-line usage error (exit 2).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import sys
import typing

from factcheck.cli.errors import UsageError
from factcheck.model import MAX_ID_LENGTH, SLUG_RE
from factcheck.textsafe import escape_line, first_control


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


class Parser(argparse.ArgumentParser):
    def __init__(self, *args: typing.Any, **kw: typing.Any) -> None:
        kw.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kw)

    def error(self, message: str) -> typing.NoReturn:  # argparse would print usage and exit 2 itself
        raise UsageError(f"{self.prog}: {message}", self.prog)


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


def seconds(value: str) -> float:
    """A time in seconds: a finite number more than 0 (not 'inf', 'nan', 0 or less)."""
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number <= 0:
        raise argparse.ArgumentTypeError(f"'{escape_line(value)}' is not a number of seconds more than 0, e.g. 10")
    return number


positive_int = whole_number("'{shown}' is not a whole number of 1 or more")


positive = whole_number("must be a whole number of at least 1, got {value!r}")


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


def root_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", help="claims folder (default: the claims/ folder found from the current directory)")


def editor_arg(parser: argparse.ArgumentParser) -> None:
    default = "$FACTCHECK_EDITOR, editor in ~/.config/factcheck/config.toml, git user.name, or the OS user"
    parser.add_argument("--editor", type=one_line, help=f"who makes the change (default: {default})")


#: A command: what adds its arguments to its parser, and what runs it (returns the exit code).
Command = tuple[typing.Callable[[argparse.ArgumentParser], None], typing.Callable[[argparse.Namespace], int]]
