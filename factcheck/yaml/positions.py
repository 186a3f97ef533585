"""Where a finding is: 1-based line and column of a key or value, from whatever the reader
has at hand -- a round-trip document, the strict reader's node tree, the bytes of a
file in plain block style, or, failing those, a composition of the file by libyaml.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from factcheck.convert import Path
from factcheck.problems import Problem
from factcheck.yaml.fast import flow_collection_at_node_start
from factcheck.yaml.roundtrip import load_roundtrip

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
    return [Problem(path, *locate_node(root, f.path, f.at_key), f.code, f.message) for f in findings]


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
    :func:`locate_node` does (a test holds it to that on every node of the built-in
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
            and not flow_collection_at_node_start(raw)
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


def locate_node(root: Any, path: Path, at_key: bool) -> tuple[int, int]:
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



def place(
    path: str,
    raw: bytes,
    findings: list,
    *,
    doc: Any = None,
    root: Any = None,
    lines: Callable[[], BlockLines | None] | None = None,
) -> list[Problem]:
    """The findings of a file as problems at their lines and columns, sorted: the one way
    every reader places what it found.

    From what the reader has: the round-trip ``doc`` or the strict reader's node tree
    ``root``; else top-level keys found in the bytes, then the lines of a file in plain
    block style (``lines`` makes them when asked), and only then a composition of the
    file by libyaml.
    """
    if not findings:
        return []
    if doc is not None:
        return sorted(Problem(path, *locate(doc, f.path, f.at_key), f.code, f.message) for f in findings)
    if root is None and all(len(f.path) == 1 and isinstance(f.path[0], str) for f in findings):
        quick = [locate_top_level(raw, str(f.path[0]), f.at_key) for f in findings]
        found = [q for q in quick if q is not None]
        if len(found) == len(findings):  # top-level keys of a block mapping: found without a parse
            return sorted(Problem(path, line, col, f.code, f.message) for (line, col), f in zip(found, findings, strict=True))
    if root is not None:
        return sorted(Problem(path, *locate_node(root, f.path, f.at_key), f.code, f.message) for f in findings)
    block = lines() if lines is not None else None
    if block is not None:  # plain block style: found from the lines
        at = [block.locate(f.path, f.at_key) for f in findings]
        if all(found is not None for found in at):
            return sorted(Problem(path, *found, f.code, f.message) for found, f in zip(at, findings, strict=True) if found)
    return sorted(locate_all(path, raw, findings))
