"""Reading and writing claim files.

Two read paths:

* :func:`load_roundtrip` -- ruamel.yaml round-trip: keeps comments and positions,
  reports every syntax-level problem with its line and column. Used for editing and
  for locating the problems of the few files that have them.
* :func:`load_fast` -- rapidyaml: about seven times faster than libyaml, but lenient
  (it drops tags, keeps aliases as ``*name`` strings, reads ``~`` as a string, keeps
  duplicate keys). It only answers "this file is plain and here is its data" or
  "ask the round-trip loader"; it never decides that a file is bad.

And one writer, :func:`write_merged`, for every edit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import json
import os
import re
import threading
from typing import TYPE_CHECKING, Any, Iterator, NamedTuple

import attrs

from factcheck.convert import Path
from factcheck.problems import Problem

if TYPE_CHECKING:
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

MAX_BYTES = 1024 * 1024
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


def _mark_problem(path: str, exc: Any, code: str, text: str = "") -> Problem:
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
        loaded.problems = [_mark_problem(path, exc, "syntax", text)]
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
        loaded.problems = [_mark_problem(path, exc, code, text)]
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


# -- the fast path --------------------------------------------------------------

#: Document markers and directives at the start of a line: the strict reader decides.
_RISKY_LINE = re.compile(rb"\n(?:---|\.\.\.|%)")

#: Bytes after which a node may begin, so that an ``&``, ``*`` or ``!`` there may be an
#: anchor, alias or tag: a line start, ``key:``, ``- ``, ``? `` or a flow collection.
_NODE_START = frozenset(b"\n:-?,[{")
#: Of those, the ones that stand before a node only inside a flow collection.
_FLOW_NODE_START = frozenset(b",[{")


def _may_have_properties(raw: bytes) -> bool:
    """Whether an ``&``, ``*`` or ``!`` of ``raw`` stands where a node may begin.

    Inside prose ("Task & Purpose", "?a=1&b=2", "5 * 3", "European, & Eurasian") these
    bytes are text and the answer is no; a yes only means "look at the parsed nodes"
    (:func:`_plain_nodes`). A ``,`` comes before a node only inside a flow collection.
    """
    flow: bool | None = None
    for indicator in (b"&", b"*", b"!"):
        found = raw.find(indicator)
        while found >= 0:
            at = found - 1
            while at >= 0 and raw[at] == 0x20:
                at -= 1
            if at < 0 or raw[at] in _NODE_START:
                if at < 0 or raw[at] not in _FLOW_NODE_START:
                    return True
                if flow is None:
                    flow = _flow_collection_at_node_start(raw)
                if flow:
                    return True
            found = raw.find(indicator, found + 1)
    return False


#: Plain scalars that YAML 1.2 reads as something other than text (rapidyaml keeps
#: them as text): null and boolean spellings, octal and hex numbers, infinities.
_SPECIAL_PLAIN = (
    r"(?:[-+]?0[xo][0-9a-fA-F_]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
    r"|[nN]ull|NULL|[tT]rue|TRUE|[fF]alse|FALSE|~)"
)
_SPECIAL_PLAIN_BYTES = re.compile(_SPECIAL_PLAIN.encode() + rb"\Z")
#: The spellings rapidyaml itself reads as null and booleans: it writes them to JSON as
#: such, unquoted (a key, which JSON quotes, stays text in either reader).
_RYML_READS = (b"null", b"true", b"false")
#: A special plain scalar in rapidyaml's JSON: a string of one of the other spellings.
#: (Leaving out the lowercase ones, which begin many keys, makes the search 25% faster.)
_SPECIAL_SCALAR = re.compile(
    rb'"(?=[-+.0NTF~])(?:[-+]?0[xo][0-9a-fA-F_]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|Null|NULL|True|TRUE|False|FALSE|~)"'
)


def _entries(value: Any) -> int:
    """Keys and items of plain data, counted through every level."""
    items: Any
    if isinstance(value, dict):
        items = value.values()
    elif isinstance(value, list):
        items = value
    else:
        return 0
    count = len(items)
    for item in items:
        if isinstance(item, (dict, list)):
            count += _entries(item)
    return count


def _json_decode(emitted: str | bytes) -> Any:
    import msgspec

    return msgspec.json.decode(emitted)


def _special(scalar: bytes) -> bool:
    return scalar not in _RYML_READS and _SPECIAL_PLAIN_BYTES.match(scalar) is not None


def _plain_nodes(tree: Any, specials: bool) -> bool:
    """True when no node of a rapidyaml tree has an anchor, alias or tag (and, with
    ``specials``, no plain scalar that YAML 1.2 reads as other than text).

    Decided per node, so an ``&`` inside a quoted or plain scalar is text.
    """
    import ryml

    none = ryml.NONE
    properties = ryml.KEYANCH | ryml.VALANCH | ryml.KEYREF | ryml.VALREF | ryml.KEYTAG | ryml.VALTAG
    has_any, first_child, next_sibling = tree.type_has_any, tree.first_child, tree.next_sibling
    stack = [tree.root_id()]
    while stack:
        node = stack.pop()
        if has_any(node, properties):
            return False
        if specials:
            if tree.has_key(node) and tree.is_key_plain(node) and _special(bytes(tree.key(node))):
                return False
            if tree.has_val(node) and tree.is_val_plain(node) and _special(bytes(tree.val(node))):
                return False
        child = first_child(node)
        while child != none:
            stack.append(child)
            child = next_sibling(child)
    return True


class _Workspace(threading.local):
    """What rapidyaml parses into and writes JSON to, one per thread: each parse reuses the
    tree's nodes and arena (no allocation per file), and no other thread can empty them
    between a parse and the copy of its JSON."""

    def __init__(self) -> None:
        import ryml

        self.tree = ryml.Tree()
        self.buffer = bytearray(1 << 20)  # grown when a file needs more


_WORKSPACE: _Workspace | None = None


def _workspace() -> _Workspace:
    global _WORKSPACE
    if _WORKSPACE is None:
        _WORKSPACE = _Workspace()
    return _WORKSPACE


class FastParse(NamedTuple):
    """A file as rapidyaml read it."""

    json: bytes
    nodes: int  # how many nodes rapidyaml read: one more than keys and items


def parse_fast(raw: bytes) -> FastParse | None:
    """A well-formed plain file as JSON, with the number of nodes rapidyaml read; or None:
    "use the strict reader".

    rapidyaml is lenient (it drops tags, keeps aliases as text, reads ``~`` as text), so
    a file whose bytes could hold such a node has its parsed nodes looked at one by one;
    only a node that really has an anchor, alias, tag or special plain scalar sends the
    file to the strict reader. The node count lets the caller notice a duplicate key,
    which decoding the JSON would silently collapse. rapidyaml prints parse errors to
    stderr: call inside :func:`quiet_stderr`.
    """
    import ryml

    if (
        len(raw) > MAX_BYTES
        or b"\t" in raw
        or raw.startswith((b"---", b"%"))
        or _RISKY_LINE.search(raw)
    ):
        return None
    space = _workspace()
    tree = space.tree
    try:
        if b"#" in raw:  # a comment is the one part of a plain file that does not reach the
            raw.decode("utf-8")  # JSON, whose decoder refuses a string that is not UTF-8
        tree.clear()
        tree.clear_arena()
        ryml._ryml.parse_csubstr(raw, tree)
        root = tree.root_id()
        if not tree.is_map(root):
            return None
        failed, size = ryml._ryml.emit_json_to_substr(tree, root, space.buffer)
        if failed:
            space.buffer = bytearray(size * 2)
            failed, size = ryml._ryml.emit_json_to_substr(tree, root, space.buffer)
        emitted = bytes(memoryview(space.buffer)[:size])
        specials = _SPECIAL_SCALAR.search(emitted) is not None
        if (specials or _may_have_properties(raw)) and not _plain_nodes(tree, specials):
            return None
        return FastParse(emitted, tree.size())
    except Exception:  # any doubt: the strict reader decides
        return None


def decode_fast(emitted: str | bytes, nodes: int) -> dict | None:
    """The plain data of :func:`parse_fast`'s JSON, or None when a key was given twice."""
    try:
        data = _json_decode(emitted)
        # A duplicate key collapses in the decoded data: one node fewer than rapidyaml read.
        if not isinstance(data, dict) or 1 + _entries(data) != nodes:
            return None
    except (Exception, RecursionError):  # noqa: BLE001 - any doubt: the strict reader decides
        return None
    return data


def load_fast(raw: bytes) -> dict | None:
    """Plain data of a well-formed plain file, or None: "use the strict reader"."""
    parsed = parse_fast(raw)
    return decode_fast(parsed.json, parsed.nodes) if parsed is not None else None


_QUIET_LOCK = threading.Lock()
_QUIET_DEPTH = 0
_QUIET_SAVED = -1


#: How deep this thread is inside :func:`quiet_stderr` (while it is, descriptor 2 stays away).
_QUIET_HERE = threading.local()


def stderr_is_quiet() -> bool:
    """Whether descriptor 2 is sent away for this thread now: it is inside :func:`quiet_stderr`,
    or this is a helper process whose descriptor 2 is /dev/null for good."""
    return _STDERR_DISCARDED or getattr(_QUIET_HERE, "depth", 0) > 0


def stderr_discarded() -> None:
    """Note that this process's descriptor 2 leads to /dev/null for good (a helper process)."""
    global _STDERR_DISCARDED
    _STDERR_DISCARDED = True


_STDERR_DISCARDED = False


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null while any thread is inside (rapidyaml's C++ writes there).

    Safe to nest and to use from several threads at once: the first one in swaps the
    descriptor, the last one out puts it back.
    """
    global _QUIET_DEPTH, _QUIET_SAVED
    with _QUIET_LOCK:
        if _QUIET_DEPTH == 0:
            _QUIET_SAVED = os.dup(2)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            os.close(devnull)
        _QUIET_DEPTH += 1
    _QUIET_HERE.depth = getattr(_QUIET_HERE, "depth", 0) + 1
    try:
        yield
    finally:
        _QUIET_HERE.depth -= 1
        with _QUIET_LOCK:
            _QUIET_DEPTH -= 1
            if _QUIET_DEPTH == 0:
                os.dup2(_QUIET_SAVED, 2)
                os.close(_QUIET_SAVED)
                _QUIET_SAVED = -1


# -- the strict reader: libyaml's events (C), YAML 1.2 values ---------------------

_NULL = re.compile(r"(?:~|null|Null|NULL|)\Z")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9_]*)\Z")
_INT_OTHER = re.compile(r"[-+]?0(?:o[0-7_]+|x[0-9a-fA-F_]+)\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9_]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_FLOAT_SPECIAL = re.compile(r"[-+]?\.(?:inf|Inf|INF)\Z|\.(?:nan|NaN|NAN)\Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}\Z")
_DATETIME = re.compile(
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[Tt]|[ \t]+)([0-9]{1,2}):([0-9]{2}):([0-9]{2})(\.[0-9]*)?"
    r"(?:[ \t]*(Z|[-+][0-9]{1,2}(?::?[0-9]{2})?))?\Z"
)
MAX_NESTING = 100


def plain_value(text: str) -> Any:
    """A plain (unquoted) scalar as YAML 1.2 reads it, timestamps included (as ruamel.yaml does)."""
    if not text:
        return None
    first = text[0]
    if first in "~nN" and _NULL.match(text):
        return None
    if first in "tTfF" and text in _BOOL:
        return _BOOL[text]
    if first in "-+0123456789.":
        try:
            if _INT.match(text):
                return int(text.replace("_", ""))
            if _INT_OTHER.match(text):
                sign = -1 if text[0] == "-" else 1
                digits = text.lstrip("+-").replace("_", "")
                return sign * int(digits[2:], 8 if digits[1] == "o" else 16)
        except ValueError:  # more digits than Python converts: a number all the same
            return float("inf")
        if _DATE.match(text):
            try:
                year, month, day = (int(p) for p in text.split("-"))
                return dt.date(year, month, day)
            except ValueError:
                return text
        match = _DATETIME.match(text)
        if match:
            return _timestamp(match, text)
        if _FLOAT.match(text) and any(c.isdigit() for c in text):
            return float(text.replace("_", ""))
        if _FLOAT_SPECIAL.match(text):
            return float(text.replace(".", "").lower())
    return text


def _timestamp(match: re.Match, text: str) -> Any:
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        micro = int((fraction[1:] + "000000")[:6]) if fraction and len(fraction) > 1 else 0
        tz = None
        if zone:
            if zone == "Z":
                tz = dt.timezone.utc
            else:
                sign = -1 if zone[0] == "-" else 1
                hours, _, minutes = zone[1:].partition(":")
                if not minutes and len(hours) > 2:
                    hours, minutes = hours[:-2], hours[-2:]
                tz = dt.timezone(sign * dt.timedelta(hours=int(hours), minutes=int(minutes or 0)))
        value = dt.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tzinfo=tz)
    except ValueError:
        return text
    return value.astimezone(dt.timezone.utc) if tz is not None else value


@attrs.define
class Strict:
    """What the strict reader found: plain data and a node tree for positions, or problems."""

    data: Any = None
    root: Any = None  # a PyYAML node tree (start marks), for :func:`_locate_node`
    problems: list[Problem] = attrs.field(factory=list)


class _Found(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems


_DIRECTIVE = re.compile(r"(?m)^%")


def load_strict(path: str, raw: bytes) -> Strict:
    """Read a file the fast path declined: every YAML feature noticed, in C, problems as values.

    libyaml's event stream (through PyYAML's C parser) gives anchors, aliases, tags,
    directives and documents with their positions; values are read the YAML 1.2 way.
    A syntax error is described by the round-trip loader, whose messages are the
    project's (:func:`load_roundtrip`).
    """
    import yaml

    text, problems = precheck(path, raw)
    if text is None:
        return Strict(problems=problems)
    try:
        events = yaml.parse(text, Loader=yaml.CSafeLoader)
        return _compose(path, events)
    except _Found as found:
        return Strict(problems=found.problems)
    except yaml.YAMLError as exc:
        directive = _DIRECTIVE.search(text)
        if directive:
            line = text.count("\n", 0, directive.start()) + 1
            return Strict(problems=[Problem(path, line, 1, "directive", "a %YAML or %TAG directive; claim files are plain YAML without directives")])
        loaded = load_roundtrip(path, raw)
        if loaded.problems:
            return Strict(problems=loaded.problems)
        if isinstance(exc, yaml.MarkedYAMLError):
            return Strict(problems=[_mark_problem(path, exc, "syntax", text)])
        return Strict(problems=[Problem(path, 1, 1, "syntax", str(exc) or type(exc).__name__)])


def _compose(path: str, events: Iterator[Any]) -> Strict:
    import yaml
    from yaml import events as ev

    problems: list[Problem] = []

    def at(event: Any) -> tuple[int, int]:
        return event.start_mark.line + 1, event.start_mark.column + 1

    def properties(event: Any) -> None:
        if isinstance(event, ev.AliasEvent):
            problems.append(Problem(path, *at(event), "alias", f"alias *{event.anchor} is not allowed in claim files"))
            return
        if event.anchor:
            problems.append(Problem(path, *at(event), "anchor", f"anchor &{event.anchor} is not allowed in claim files"))
        if event.tag is not None and not (isinstance(event, ev.ScalarEvent) and event.tag == "!"):
            problems.append(Problem(path, *at(event), "tag", f"tag {event.tag} is not allowed in claim files"))

    def node(event: Any, depth: int) -> tuple[Any, Any]:
        if depth > MAX_NESTING:
            raise _Found([Problem(path, *at(event), "too-deep", f"values nested more than {MAX_NESTING} deep")])
        properties(event)
        if isinstance(event, ev.ScalarEvent):
            value = plain_value(event.value) if not event.style and event.tag is None else event.value
            return yaml.ScalarNode("", event.value, event.start_mark, event.end_mark, event.style), value
        if isinstance(event, ev.AliasEvent):
            return yaml.ScalarNode("", "", event.start_mark, event.end_mark), None
        if isinstance(event, ev.SequenceStartEvent):
            items, values = [], []
            for item in iter(lambda: next(events), None):
                if isinstance(item, ev.SequenceEndEvent):
                    break
                child, value = node(item, depth + 1)
                items.append(child)
                values.append(value)
            return yaml.SequenceNode("", items, event.start_mark, event.end_mark), values
        if isinstance(event, ev.MappingStartEvent):
            pairs: list[tuple[Any, Any]] = []
            mapping: dict[str, Any] = {}
            while True:
                key_event = next(events)
                if isinstance(key_event, ev.MappingEndEvent):
                    break
                key_node, key = node(key_event, depth + 1)
                value_node, value = node(next(events), depth + 1)
                if not isinstance(key_node, yaml.ScalarNode) or isinstance(key, (list, dict)):
                    problems.append(Problem(path, *at(key_event), "key", "a key here is a list or mapping; keys are plain words"))
                    continue
                key = str(key)
                key_node.value = key
                if key in mapping:
                    problems.append(Problem(path, *at(key_event), "duplicate-key", f"this key appears twice in the same mapping ({key!r})"))
                    continue
                mapping[key] = value
                pairs.append((key_node, value_node))
            return yaml.MappingNode("", pairs, event.start_mark, event.end_mark), mapping
        raise _Found([Problem(path, *at(event), "syntax", f"unexpected {type(event).__name__}")])

    root = data = None
    documents = 0
    for event in events:
        if isinstance(event, ev.DocumentStartEvent):
            documents += 1
            if documents == 2:
                problems.append(Problem(path, *at(event), "multiple-documents", "more than one YAML document; a claim file holds one"))
            if event.version or event.tags:
                problems.append(Problem(path, *at(event), "directive", "a %YAML or %TAG directive; claim files are plain YAML without directives"))
        elif isinstance(event, (ev.ScalarEvent, ev.SequenceStartEvent, ev.MappingStartEvent, ev.AliasEvent)):
            found_root, value = node(event, 0)
            if documents == 1:
                root, data = found_root, value
    if problems:
        return Strict(problems=problems)
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        return Strict(problems=[Problem(path, 1, 1, "not-a-mapping", f"file holds {kind}; a claim file holds one mapping of keys")])
    return Strict(data=data, root=root)


# -- positions ------------------------------------------------------------------


def locate(doc: Any, path: Path, at_key: bool = False) -> tuple[int, int]:
    """1-based line and column of the key or value at ``path`` in a round-trip doc.

    Walks as deep as the document goes; a missing key points at its parent.
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    node = doc
    line, col = 0, 0
    for index, step in enumerate(path):
        last = index == len(path) - 1
        if isinstance(node, CommentedMap) and step in node:
            key_line, key_col = node.lc.key(step)
            if last and at_key:
                return key_line + 1, key_col + 1
            value = node[step]
            if isinstance(value, (CommentedMap, CommentedSeq)) and len(value) and not (last and at_key):
                line, col = key_line, key_col
                if last:
                    return key_line + 1, key_col + 1
            else:
                line, col = node.lc.value(step)
                if last:
                    return line + 1, col + 1
            node = value
        elif isinstance(node, CommentedSeq) and isinstance(step, int) and 0 <= step < len(node):
            line, col = node.lc.item(step)
            node = node[step]
            if last:
                if isinstance(node, CommentedMap) and len(node):
                    first = next(iter(node))
                    kl, kc = node.lc.key(first)
                    return kl + 1, kc + 1
                return line + 1, col + 1
        else:
            break
    if isinstance(node, CommentedMap) and len(node) and (line, col) == (0, 0):
        first = next(iter(node))
        kl, kc = node.lc.key(first)
        return kl + 1, kc + 1
    return line + 1, col + 1


def locate_all(path: str, raw: bytes, findings: list) -> list[Problem]:
    """Problems for ``findings`` (FieldErrors) of a file, each at its line and column.

    Uses libyaml's composer (through PyYAML, in C, about 70 times faster than the
    round-trip loader) for the positions; falls back to the round-trip loader for a
    file libyaml cannot compose.
    """
    import yaml

    try:
        root = yaml.compose(raw, Loader=yaml.CSafeLoader)
    except Exception:  # anything libyaml rejects is read by the strict loader instead
        loaded = load_roundtrip(path, raw)
        if loaded.problems:
            return loaded.problems
        return [Problem(path, *locate(loaded.doc, f.path, f.at_key), f.code, f.message) for f in findings]
    return [Problem(path, *_locate_node(root, f.path, f.at_key), f.code, f.message) for f in findings]


def locate_top_level(raw: bytes, key: str, at_key: bool = False) -> tuple[int, int] | None:
    """Where :func:`locate_all` would put a top-level key of a block mapping, found in the bytes.

    The key's own position for a collection (or with ``at_key``), its value's for a
    scalar; None when the key is not written plainly at the start of a line (then the
    caller composes the document).
    """
    match = re.search(rb"(?m)^" + re.escape(key.encode()) + rb":(?=[ \r\n])", raw)
    if match is None:
        return None
    line = raw.count(b"\n", 0, match.start()) + 1
    if at_key:
        return line, 1
    end = raw.find(b"\n", match.end())
    rest = raw[match.end(): end if end >= 0 else len(raw)]
    value = rest.lstrip(b" ")
    if not value or value.startswith((b"#", b"\r")):
        return line, 1  # a block collection (or an empty value) below: the key's position
    if value.startswith((b"|", b">", b"&", b"!", b"*", b"[", b"{")) and not value.startswith((b"[]", b"{}")):
        return None  # block scalars, properties and flow collections: let the composer decide
    return line, len(key) + 1 + (len(rest) - len(value)) + 1


def _flow_collection_at_node_start(raw: bytes) -> bool:
    """Whether ``raw`` may hold a flow collection with something in it, where a value can begin.

    A ``[`` inside prose ("[...]") is not looked at; ``[]`` and ``{}`` hold nothing.
    """
    for opener, closer in ((0x5B, 0x5D), (0x7B, 0x7D)):  # [ ], { }
        at = raw.find(opener)
        while at >= 0:
            if raw[at + 1 : at + 2] != bytes((closer,)):
                before = at - 1
                while before >= 0 and raw[before] == 0x20:
                    before -= 1
                if before < 0 or raw[before] in _NODE_START:
                    return True
            at = raw.find(opener, at + 1)
    return False


def _comment_or_blank_line(raw: bytes) -> bool:
    """Whether some line of ``raw`` is blank or holds only a comment."""
    if b"\n\n" in raw or (b" \n" in raw and _BLANK_OR_COMMENT.search(raw)):
        return True
    at = raw.find(b"#")
    while at >= 0:
        start = raw.rfind(b"\n", 0, at) + 1
        if not raw[start:at].strip(b" "):
            return True
        at = raw.find(b"#", at + 1)
    return False


#: A blank line, or one that holds only a comment.
_BLANK_OR_COMMENT = re.compile(rb"\n *(?:#|\n)")


@functools.cache
def _indented_at_most(column: int) -> re.Pattern:
    """A line (its newline) indented no deeper than ``column``."""
    return re.compile(rb"\n {0,%d}[^ ]" % column)


def _block_end(raw: bytes, column: int, start: int, end: int) -> int:
    """Where the block under a key at ``column`` ends: just after the newline before its
    first line that is not part of it (a line indented no deeper than the key that is not
    a "- " item at the key's own column), or ``end``."""
    pattern = _indented_at_most(column)
    item = b" " * column + b"- "
    found = pattern.search(raw, start, end)
    while found is not None and raw.startswith(item, found.start() + 1):
        found = pattern.search(raw, found.end(), end)
    return found.start() + 1 if found is not None else end


class BlockLines:
    """Positions in a file written in plain block style, found in its bytes.

    Usable when every node rapidyaml read sits on a line of its own (except that a
    mapping which is an item of a sequence shares its line with its first key,
    ``- at: ...``), with no blank or comment line: that count is checked against
    rapidyaml's once. Then a key at some column is found with ``bytes.find`` at that
    column, and a sequence's items as its "- " lines. Anything unusual gives None, and
    the caller composes the document. Where it answers, it answers as
    :func:`_locate_node` does (a test holds it to that on every node of the built-in
    claims and of the YAML corpus).
    """

    def __init__(self, raw: bytes, emitted: bytes, nodes: int, seq_maps: int | None = None):
        """``seq_maps``: how many mappings are items of a sequence, if the caller knows
        (else counted in rapidyaml's JSON, where each stands alone on a line as ``{``)."""
        self.raw = raw
        if seq_maps is None:
            seq_maps = emitted.count(b"{\n") - emitted.count(b'": {\n') - 1
            # Only a sequence inside a sequence ("- - x") or a flow collection puts two
            # nodes on one line. A record holds no sequence of sequences and flow
            # collections are looked for below, so with ``seq_maps`` given, a blank or
            # comment line is a line too many and shows in the count; here it may not.
            lone_lines = _comment_or_blank_line(raw)
        else:
            lone_lines = False
        self._newlines = raw.count(b"\n")
        self.usable = (
            raw.endswith(b"\n")
            and not raw.startswith((b" ", b"#", b"\n"))
            and b"\r" not in raw
            and self._newlines == nodes - 1 - seq_maps
            and not lone_lines
            and not _flow_collection_at_node_start(raw)
        )

    def _position(self, at: int) -> tuple[int, int]:
        raw = self.raw
        line_start = raw.rfind(b"\n", 0, at) + 1
        # Lines counted from the nearer end (the history, where most warnings point, is last).
        before = raw.count(b"\n", 0, at) if at < len(raw) // 2 else self._newlines - raw.count(b"\n", at)
        return before + 1, at - line_start + 1

    def _indent(self, at: int) -> int:
        head = self.raw[at : at + 200]
        return len(head) - len(head.lstrip(b" "))

    def locate(self, path: Path, at_key: bool) -> tuple[int, int] | None:
        if not self.usable or not path:
            return None
        raw = self.raw
        lo, hi, column = 0, len(raw), 0  # the container's lines, its keys' or items' column
        item: bool | None = False  # the first key on a "- " line; None: a sequence
        if raw.startswith(b"- "):
            return None  # a sequence at the top: not a claim file
        for step_index, step in enumerate(path):
            last = step_index == len(path) - 1
            if isinstance(step, str):
                if item is None:
                    return None  # a key of a sequence
                key = step.encode() + b":"
                if item and raw.startswith(b" " * (column - 2) + b"- " + key, lo):
                    at = lo + column  # the first key of an item, on its "- " line
                elif lo == 0 and raw.startswith(key):
                    at = 0
                else:
                    found = raw.find(b"\n" + b" " * column + key, max(lo - 1, 0), hi)
                    if found < 0:
                        return None
                    at = found + 1 + column
                after = at + len(key)
                end = raw.find(b"\n", after)
                rest = raw[after:end]
                if rest and not rest.startswith(b" "):
                    return None  # "key:x" is not this key
                value = rest.lstrip(b" ")
                if value.startswith(b"#"):
                    return None
                below = end + 1
                deeper = below < hi and (self._indent(below) > column or raw.startswith(b" " * column + b"- ", below))
                if last:
                    if at_key or (deeper and not value):
                        return self._position(at)
                    if not value or deeper:
                        return None
                    return self._position(after + len(rest) - len(value))
                if value or not deeper:
                    return None
                lo, hi = below, _block_end(raw, column, end + 1, hi)
                column, item = self._indent(lo), False
                if raw.startswith(b"- ", lo + column):
                    item = None  # a sequence: its items are at this column
            else:
                if isinstance(step, bool) or not isinstance(step, int) or item is not None or step < 0:
                    return None
                needle = b"\n" + b" " * column + b"- "
                at = lo
                for _ in range(step):
                    found = raw.find(needle, at, hi - 1)
                    if found < 0:
                        return None
                    at = found + 1
                nxt = raw.find(needle, at, hi - 1)
                start = at + column + 2
                if raw[start : start + 1] in (b" ", b"-", b""):
                    return None
                if last:
                    return self._position(start)
                lo, hi, column, item = at, (nxt + 1 if nxt >= 0 else hi), column + 2, True
        return None


def _locate_node(root: Any, path: Path, at_key: bool) -> tuple[int, int]:
    """The same answer as :func:`locate`, from a PyYAML node tree."""
    import yaml

    def start(node: Any) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    node = root
    for index, step in enumerate(path):
        last = index == len(path) - 1
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if k.value == step), None)
            if pair is None:
                return start(node)
            key, value = pair
            if last:
                if at_key:
                    return start(key)
                if isinstance(value, (yaml.MappingNode, yaml.SequenceNode)) and value.value:
                    return start(key)
                return start(value)
            node = value
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            node = node.value[step]
            if last:
                return start(node)
        else:
            return start(node)
    return start(node)


# -- the writer -----------------------------------------------------------------


class ConflictError(Exception):
    """The file changed on disk since it was read."""


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


def _fresh(value: Any) -> Any:
    """Plain data as round-trip nodes, so new mappings get the house layout."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        out = CommentedMap()
        for k, v in value.items():
            out[k] = _fresh(v)
        return out
    if isinstance(value, list):
        seq = CommentedSeq(_fresh(v) for v in value)
        if not value:
            seq.fa.set_flow_style()
        return seq
    return value


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def merge(node: Any, new: Any) -> Any:
    """Merge plain ``new`` into round-trip ``node``; return the node to keep.

    Equal values keep their original node (and so their quoting and comments);
    mappings and lists are changed in place.
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if to_plain(node) == new:
        return node
    if isinstance(node, CommentedMap) and isinstance(new, dict):
        for key in [k for k in node if k not in new]:
            del node[key]
        for position, (key, value) in enumerate(new.items()):
            if key in node:
                node[key] = merge(node[key], value)
            else:
                node.insert(position, key, _fresh(value))
        return node
    if isinstance(node, CommentedSeq) and isinstance(new, list):
        was_empty = not len(node)
        old_keys = [_key(to_plain(v)) for v in node]
        new_keys = [_key(v) for v in new]
        import difflib

        matcher = difflib.SequenceMatcher(a=old_keys, b=new_keys, autojunk=False)
        ops = matcher.get_opcodes()
        for tag, i1, i2, j1, j2 in reversed(ops):
            if tag == "equal":
                continue
            if tag == "replace" and i2 - i1 == j2 - j1:
                for offset in range(i2 - i1):
                    node[i1 + offset] = merge(node[i1 + offset], new[j1 + offset])
                continue
            for index in range(i2 - 1, i1 - 1, -1):
                del node[index]
            for offset, value in enumerate(new[j1:j2]):
                node.insert(i1 + offset, _fresh(value))
        if not len(node):
            node.fa.set_flow_style()
        elif was_empty:
            node.fa.set_block_style()  # "[]" grows into the house block layout
        return node
    return _fresh(new)


def reorder(doc: CommentedMap) -> None:
    """Put the keys of a claim document (and its list items) in canonical order, in place."""
    from ruamel.yaml.comments import CommentedMap

    from factcheck.model import CLAIM_KEYS, CORRECTION_KEYS, HISTORY_KEYS, QUANTITY_KEYS, SOURCE_KEYS

    _reorder_map(doc, CLAIM_KEYS)
    for key, order in (("quantities", QUANTITY_KEYS), ("sources", SOURCE_KEYS), ("history", HISTORY_KEYS), ("corrections", CORRECTION_KEYS)):
        for item in doc.get(key) or []:
            if isinstance(item, CommentedMap):
                _reorder_map(item, order)


def _reorder_map(node: CommentedMap, order: tuple[str, ...]) -> None:
    keys = list(node)
    wanted = sorted(keys, key=lambda k: order.index(k) if k in order else len(order))
    if keys == wanted:
        return
    items = [(k, node[k], node.ca.items.get(k)) for k in wanted]
    for k in keys:
        del node[k]
    for k, value, comment in items:
        node[k] = value
        if comment is not None:
            node.ca.items[k] = comment


def dump(doc: Any) -> str:
    out = io.StringIO()
    make_yaml().dump(doc, out)
    return out.getvalue()


#: Suffix of the temp files the writer makes next to a claim (hidden, and ignored by git).
TMP_SUFFIX = ".factcheck-tmp"


class LockTimeout(Exception):
    """Another process held a folder's write lock for too long."""


@contextlib.contextmanager
def folder_lock(folder: str, timeout: float) -> Iterator[None]:
    """Hold the write lock of a claim folder: one writer at a time checks and replaces a file.

    The lock is taken on the folder itself (``flock`` on its descriptor), so no lock
    file is left behind. While it is held no other writer is inside, so temp files
    found in the folder are left over from a writer that was killed: they are removed.
    """
    import fcntl
    import time

    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(f"{folder}: another factcheck process has been writing here for over {timeout:.0f} s; try again") from None
                time.sleep(0.01)
        with contextlib.suppress(OSError):
            for entry in os.scandir(folder):
                if entry.name.startswith(".") and entry.name.endswith(TMP_SUFFIX):
                    os.unlink(entry.path)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _temp_for(path: str) -> tuple[int, str]:
    import tempfile

    folder = os.path.dirname(os.path.abspath(path))
    return tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=TMP_SUFFIX, dir=folder)


def _sync_folder(folder: str) -> None:
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _write_temp(path: str, data: bytes) -> str:
    fd, tmp = _temp_for(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def write_atomic(path: str, data: bytes) -> None:
    """Write to a temp file in the same folder, fsync, rename over ``path``."""
    tmp = _write_temp(path, data)
    try:
        if os.path.exists(path):
            os.chmod(tmp, os.stat(path).st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _sync_folder(os.path.dirname(os.path.abspath(path)))


def create_exclusive(path: str, data: bytes) -> None:
    """Write a new file with all its bytes at once; :class:`ConflictError` if ``path`` exists.

    The bytes go to a temp file first, which is then linked to ``path`` (a link never
    replaces an existing name), so no reader ever sees half a file and two creators
    of one name cannot both succeed.
    """
    tmp = _write_temp(path, data)
    try:
        os.chmod(tmp, 0o644)
        os.link(tmp, path)
    except FileExistsError:
        raise ConflictError(f"{path} already exists") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    _sync_folder(os.path.dirname(os.path.abspath(path)))


def render_merged(loaded: Loaded, new: dict[str, Any]) -> bytes:
    """The bytes of the loaded document with plain ``new`` merged in (untouched lines kept)."""
    return dump(merge(loaded.doc, new)).encode("utf-8")


def render_new(new: dict[str, Any]) -> bytes:
    return dump(_fresh(new)).encode("utf-8")


def write_merged(loaded: Loaded, new: bytes | dict[str, Any]) -> bytes:
    """Write new bytes (or plain data merged into the loaded document) over the loaded file.

    Call with the folder's lock held (:func:`folder_lock`). Refuses with
    :class:`ConflictError` when the file on disk is no longer the bytes that were
    loaded. Returns the bytes written.
    """
    data = new if isinstance(new, bytes) else render_merged(loaded, new)
    try:
        with open(loaded.path, "rb") as handle:
            current = handle.read()
    except FileNotFoundError:
        current = None
    if current != loaded.raw:
        raise ConflictError(f"{loaded.path} changed on disk since it was read; reload it and make the change again")
    write_atomic(loaded.path, data)
    loaded.raw = data
    return data
