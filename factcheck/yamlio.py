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
import difflib
import io
import json
import os
import re
import tempfile
from typing import Any, Iterator

import attrs

from factcheck.convert import Path
from factcheck.problems import Problem

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


def precheck(path: str, raw: bytes) -> tuple[str | None, list[Problem]]:
    """Checks before any parser sees the bytes: size, encoding, emptiness, tabs."""
    problems: list[Problem] = []
    if len(raw) > MAX_BYTES:
        return None, [
            Problem(path, 1, 1, "too-large", f"file is {len(raw)} bytes; claim files are at most 1 MiB")
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _pos_of_offset(raw, exc.start)
        return None, [
            Problem(path, line, col, "encoding", f"not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded")
        ]
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        return None, [Problem(path, 1, 1, "empty-file", "file is empty; a claim file holds one mapping")]
    for lineno, line in enumerate(text.splitlines(), 1):
        col = line.find("\t")
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


def _mark_problem(path: str, exc: Exception, code: str, text: str = "") -> Problem:
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
    from ruamel.yaml import YAML
    from ruamel.yaml import events

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


def load_roundtrip(path: str, raw: bytes) -> Loaded:
    """Parse for editing; every problem is a value, never an exception."""
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    loaded = Loaded(path=path, raw=raw)
    text, problems = precheck(path, raw)
    if text is None:
        loaded.problems = problems
        return loaded
    try:
        problems = _event_problems(path, text)
    except MarkedYAMLError as exc:
        loaded.problems = [_mark_problem(path, exc, "syntax", text)]
        return loaded
    except (YAMLError, RecursionError) as exc:
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
    except (YAMLError, RecursionError, ValueError) as exc:
        loaded.problems = [Problem(path, 1, 1, "syntax", str(exc) or type(exc).__name__)]
        return loaded
    if not isinstance(doc, CommentedMap):
        kind = "a list" if isinstance(doc, list) else "a single value"
        loaded.problems = [Problem(path, 1, 1, "not-a-mapping", f"file holds {kind}; a claim file holds one mapping of keys")]
        return loaded
    loaded.doc = doc
    return loaded


# -- the fast path --------------------------------------------------------------

#: Bytes that make the fast path step aside: tabs, tags, anchors, aliases, "~" null,
#: directives and document markers. Any of them sends the file to the round-trip loader.
_RISKY_LINE = re.compile(rb"\n(?:---|\.\.\.|%)")

#: JSON string values that YAML 1.2 reads as something else when written plain
#: (rapidyaml keeps them as text). Found in the emitted JSON in one pass.
_SPECIAL_SCALAR = re.compile(
    r'"(?=[-+.0nNtTfF~])(?:[-+]?0[xo][0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)'
    r'|[nN]ull|NULL|[tT]rue|TRUE|[fF]alse|FALSE|~)"'
)


class _Duplicate(Exception):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _Duplicate
    return out


def load_fast(raw: bytes) -> dict | None:
    """Plain data of a simple, well-formed claim file, or None: "use load_roundtrip".

    rapidyaml prints parse errors to stderr; call inside :func:`quiet_stderr`.
    """
    import ryml

    if (
        len(raw) > MAX_BYTES
        or b"\t" in raw or b"!" in raw or b"&" in raw or b"*" in raw or b"~" in raw
        or raw.startswith((b"---", b"%"))
        or _RISKY_LINE.search(raw)
    ):
        return None
    if raw.count(b"[") + raw.count(b"{") > MAX_FLOW_DEPTH:
        return None
    try:
        raw.decode("utf-8")
        tree = ryml.parse_in_arena(raw)
        root = tree.root_id()
        if not tree.is_map(root):
            return None
        emitted = ryml.emit_json_malloc(tree, root)
        if _SPECIAL_SCALAR.search(emitted):
            return None
        data = json.loads(emitted, object_pairs_hook=_no_duplicates)
    except Exception:  # any doubt: the strict loader decides
        return None
    return data if isinstance(data, dict) else None


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null for a while (rapidyaml's C++ writes there)."""
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


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

    from factcheck.model import CLAIM_KEYS, CORRECTION_KEYS, HISTORY_KEYS, SOURCE_KEYS

    _reorder_map(doc, CLAIM_KEYS)
    for key, order in (("sources", SOURCE_KEYS), ("history", HISTORY_KEYS), ("corrections", CORRECTION_KEYS)):
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


def write_atomic(path: str, data: bytes) -> None:
    """Write to a temp file in the same folder, fsync, rename over ``path``."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if os.path.exists(path):
            os.chmod(tmp, os.stat(path).st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def write_merged(loaded: Loaded, new: dict[str, Any], *, create: bool = False) -> bytes:
    """Merge ``new`` (plain data) into the loaded document and write it atomically.

    Refuses with :class:`ConflictError` when the file on disk is no longer the
    bytes that were loaded. Returns the bytes written.
    """
    try:
        with open(loaded.path, "rb") as handle:
            current = handle.read()
    except FileNotFoundError:
        current = None
    if create:
        if current is not None:
            raise ConflictError(f"{loaded.path} already exists")
        doc = _fresh(new)
    else:
        if current != loaded.raw:
            raise ConflictError(
                f"{loaded.path} changed on disk since it was read; reload it and make the change again"
            )
        doc = merge(loaded.doc, new)
    data = dump(doc).encode("utf-8")
    write_atomic(loaded.path, data)
    loaded.raw = data
    loaded.doc = doc
    return data
