"""The fast path: rapidyaml, about seven times faster than libyaml, but lenient (it drops
tags, keeps aliases as ``*name`` strings, reads ``~`` as a string, keeps duplicate
keys). It only answers "this file is plain and here is its data" or "ask the strict
reader" (:func:`parse_fast`); it never decides that a file is bad.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from typing import Any, Iterator, NamedTuple

from factcheck.fsio import MAX_BYTES

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
                    flow = flow_collection_at_node_start(raw)
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


def flow_collection_at_node_start(raw: bytes) -> bool:
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

