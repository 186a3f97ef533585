"""The round-trip loader: ruamel.yaml keeps comments and positions for editing, and every
syntax-level problem is reported with its line and column, in plain words where the
parser's own words mislead (:func:`load_roundtrip`).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import TYPE_CHECKING, Any

import attrs

from factcheck.fsio import MAX_BYTES
from factcheck.problems import Problem

if TYPE_CHECKING:
    from ruamel.yaml import YAML

MAX_FLOW_DEPTH = 64


def make_yaml() -> YAML:
    """The one ruamel.yaml factory: round-trip, house indentation, no rewrapping."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_duplicate_keys = False
    rep = yaml.representer
    # Claim files never hold anchors or aliases (the validator rejects them), so an
    # object that appears twice in a document is written out twice.
    rep.ignore_aliases = lambda _data: True
    rep.add_representer(
        type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    rep.add_representer(
        dt.datetime,
        lambda r, d: r.represent_scalar(
            "tag:yaml.org,2002:timestamp",
            d.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        ),
    )
    return yaml


@attrs.define
class Loaded:
    """A file read for editing: its bytes, round-trip document and problems."""

    path: str
    raw: bytes
    doc: Any = None
    problems: list[Problem] = attrs.field(factory=list)


def _pos_of_offset(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    col = offset - (before.rfind(b"\n") + 1) + 1
    return line, col


def precheck(path: str, raw: bytes, limit_size: bool = True) -> tuple[str | None, list[Problem]]:
    """Checks before any parser sees the bytes: size, encoding, emptiness, tabs."""
    problems: list[Problem] = []
    if limit_size and len(raw) > MAX_BYTES:
        return None, [
            Problem(path, 1, 1, "too-large", f"file is {len(raw)} bytes; claim files are at most 1 MiB")
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        at_line, at_col = _pos_of_offset(raw, exc.start)
        return None, [
            Problem(path, at_line, at_col, "encoding", f"not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded")
        ]
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        return None, [Problem(path, 1, 1, "empty-file", "file is empty; a claim file holds one mapping")]
    for lineno, text_line in enumerate(text.splitlines(), 1):
        col = text_line.find("\t")
        if col >= 0:
            problems.append(
                Problem(path, lineno, col + 1, "tab", "tab character; indent and separate with spaces")
            )
    depth = max_flow_depth(text)
    if depth > MAX_FLOW_DEPTH:
        problems.append(
            Problem(path, 1, 1, "too-deep", f"flow collections nested {depth} deep; at most {MAX_FLOW_DEPTH}")
        )
    if problems:
        return None, problems
    return text, problems


def max_flow_depth(text: str) -> int:
    """Deepest nesting of [ and { (an over-estimate: ignores quoting)."""
    if text.count("[") + text.count("{") <= MAX_FLOW_DEPTH:
        return 0
    depth = deepest = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}" and depth:
            depth -= 1
    return deepest


#: The parser's words for common mistakes, and what they mean in plain words.
_PLAIN = (
    ("expected <block end>", "the indentation of this line does not match the lines above it"),
    ("mapping values are not allowed here", "a ':' where a value cannot have one: put the value in quotes"),
    ("could not find expected ':'", "a line here is missing its ':' after the key"),
    ("found unexpected end of stream", "the file ends inside an unfinished value"),
    ("found duplicate key", "this key appears twice in the same mapping"),
)

_OPEN_QUOTE = re.compile(r"""^\s*(?:- )?[\w-]+:\s+(["'])""")


def _unclosed_quote(text: str, before_line: int) -> int | None:
    """1-based number of a line before ``before_line`` that opens a quote it never closes."""
    for number, line in enumerate(text.splitlines()[: before_line - 1], 1):
        match = _OPEN_QUOTE.match(line)
        if not match:
            continue
        quote, rest = match.group(1), line[match.end():]
        if quote == '"':
            closed = re.search(r'(?<!\\)"\s*(?:#.*)?$', rest)
        else:
            closed = re.search(r"'\s*(?:#.*)?$", rest.replace("''", ""))
        if not closed:
            return number
    return None


_KEY_LINE = re.compile(r"^(\s*(?:- )?)([\w-]+):")
_QUOTED_START = re.compile(r"""^\s*(?:- )?[\w-]+:\s+(["'])""")


def _specific_problem(text: str, line: int, col: int, message: str) -> str | None:
    """A plain-words cause for two hand-editing mistakes the parser words badly."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return None
    here = lines[line - 1]
    if "expected <block end>" in message and "'<scalar>'" in message:
        quoted = _QUOTED_START.match(here)
        before = here[: col - 1].rstrip()
        if quoted and len(before) > quoted.end() and before.endswith(quoted.group(1)):
            return (
                f"text after the closing quote: {here[col - 1:].strip()!r} follows the quoted value; "
                f"put the whole value inside the quotes (write \\{quoted.group(1)} for a quote inside)"
                if quoted.group(1) == '"' else
                f"text after the closing quote: {here[col - 1:].strip()!r} follows the quoted value; "
                "put the whole value inside the quotes (write '' for a quote inside)"
            )
    if "mapping values are not allowed here" in message:
        key = _KEY_LINE.match(here)
        above = next((lines[i] for i in range(line - 2, -1, -1) if lines[i].strip() and not lines[i].lstrip().startswith("#")), "")
        parent = _KEY_LINE.match(above)
        if key and parent and key.end() == col and len(key.group(1)) > len(parent.group(1)):
            return (
                f"{key.group(2)!r} is indented more than {parent.group(2)!r} on the line above, so it reads as "
                f"part of that value: indent it by {len(parent.group(1))} spaces, like {parent.group(2)!r}"
            )
    return None


def mark_problem(path: str, exc: Any, code: str, text: str = "") -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    col = mark.column + 1 if mark else 1
    message = " ".join(str(x) for x in (exc.context, exc.problem) if x)
    message = re.sub(r"\s+", " ", message).strip() or type(exc).__name__
    specific = _specific_problem(text, line, col, message) if text else None
    if specific:
        return Problem(path, line, col, code, f"{specific} (the parser says: {message})")
    quote_line = _unclosed_quote(text, line) if text else None
    if quote_line is not None:  # the likely cause, which the parser only notices later
        return Problem(path, line, col, code, f"line {quote_line} opens a quote that is not closed on that line (the parser stopped here: {message})")
    for words, plain in _PLAIN:
        if words in message:
            message = f"{plain} (the parser says: {message})"
            break
    return Problem(path, line, col, code, message)


def _event_problems(path: str, text: str) -> list[Problem]:
    """Anchors, aliases, explicit tags and extra documents, found in the event stream."""
    from ruamel.yaml import YAML, events

    problems: list[Problem] = []
    docs = 0
    for event in YAML(typ="rt").parse(io.StringIO(text)):
        mark = event.start_mark
        line, col = mark.line + 1, mark.column + 1
        if isinstance(event, events.DocumentStartEvent):
            docs += 1
            if docs == 2:
                problems.append(Problem(path, line, col, "multiple-documents", "more than one YAML document; a claim file holds one"))
        elif isinstance(event, events.AliasEvent):
            problems.append(Problem(path, line, col, "alias", f"alias *{event.anchor} is not allowed in claim files"))
        elif isinstance(event, (events.ScalarEvent, events.CollectionStartEvent)):
            if event.anchor:
                problems.append(Problem(path, line, col, "anchor", f"anchor &{event.anchor} is not allowed in claim files"))
            tag = event.tag
            if tag is not None and not (isinstance(event, events.ScalarEvent) and tag == "!" ):
                problems.append(Problem(path, line, col, "tag", f"tag {tag} is not allowed in claim files"))
    return problems


def load_roundtrip(path: str, raw: bytes, limit_size: bool = True) -> Loaded:
    """Parse for editing; every problem is a value, never an exception.

    Without ``limit_size`` a file over the size limit is read all the same, so that a
    change that makes it smaller can be written.
    """
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    loaded = Loaded(path=path, raw=raw)
    text, problems = precheck(path, raw, limit_size)
    if text is None:
        loaded.problems = problems
        return loaded
    try:
        problems = _event_problems(path, text)
    except MarkedYAMLError as exc:
        loaded.problems = [mark_problem(path, exc, "syntax", text)]
        return loaded
    except (YAMLError, RecursionError, AssertionError, ValueError, TypeError) as exc:
        loaded.problems = [Problem(path, 1, 1, "syntax", str(exc) or type(exc).__name__)]
        return loaded
    if problems:
        loaded.problems = problems
        return loaded
    try:
        doc = make_yaml().load(text)
    except MarkedYAMLError as exc:
        code = "duplicate-key" if "duplicate key" in str(exc) else "syntax"
        loaded.problems = [mark_problem(path, exc, code, text)]
        return loaded
    except (YAMLError, RecursionError, ValueError, AssertionError, TypeError, AttributeError) as exc:
        loaded.problems = [Problem(path, 1, 1, "syntax", str(exc) or type(exc).__name__)]
        return loaded
    if not isinstance(doc, CommentedMap):
        kind = "a list" if isinstance(doc, list) else "a single value"
        loaded.problems = [Problem(path, 1, 1, "not-a-mapping", f"file holds {kind}; a claim file holds one mapping of keys")]
        return loaded
    loaded.doc = doc
    return loaded


def to_plain(node: Any) -> Any:
    """A round-trip node as plain Python data (for comparisons)."""
    if isinstance(node, dict):
        return {str(k): to_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [to_plain(v) for v in node]
    if isinstance(node, dt.datetime):
        plain = dt.datetime(
            node.year, node.month, node.day, node.hour, node.minute, node.second,
            node.microsecond, tzinfo=node.tzinfo,
        )
        return plain.astimezone(dt.timezone.utc) if node.tzinfo else plain
    if isinstance(node, dt.date):
        return dt.date(node.year, node.month, node.day)
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node
