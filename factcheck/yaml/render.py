"""Plain data written as claim-file YAML: merged into the loaded round-trip document, so
comments, quoting and untouched lines are kept byte for byte (:func:`render_merged`),
or laid out fresh in the house style (:func:`render_new`).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import TYPE_CHECKING, Any

from factcheck.yaml.roundtrip import Loaded, make_yaml, to_plain

if TYPE_CHECKING:
    from ruamel.yaml.comments import CommentedMap

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


def _has_offset_time(node: Any) -> bool:
    """Whether ``node`` holds a time written with an offset (equal to its UTC time, but
    written again, in UTC ending in Z)."""
    if isinstance(node, dt.datetime):
        return bool(node.utcoffset())
    if isinstance(node, dict):
        return any(_has_offset_time(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_offset_time(v) for v in node)
    return False


def merge(node: Any, new: Any) -> Any:
    """Merge plain ``new`` into round-trip ``node``; return the node to keep.

    Equal values keep their original node (and so their quoting and comments), but for a
    time written with an offset, which is written again in UTC ending in Z; mappings and
    lists are changed in place.
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if to_plain(node) == new and not _has_offset_time(node):
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
        old_keys = [_key(to_plain(v)) + ("+offset" if _has_offset_time(v) else "") for v in node]  # such an item is written again
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

    from factcheck.model import CLAIM_KEYS, CORRECTION_KEYS, HISTORY_KEYS, QUANTITY_KEYS, SNAPSHOT_KEYS, SOURCE_KEYS

    _reorder_map(doc, CLAIM_KEYS)
    for key, order in (("quantities", QUANTITY_KEYS), ("sources", SOURCE_KEYS), ("history", HISTORY_KEYS), ("corrections", CORRECTION_KEYS)):
        for item in doc.get(key) or []:
            if isinstance(item, CommentedMap):
                _reorder_map(item, order)
    for source in doc.get("sources") or []:
        for snapshot in (source.get("snapshots") or []) if isinstance(source, CommentedMap) else []:
            if isinstance(snapshot, CommentedMap):
                _reorder_map(snapshot, SNAPSHOT_KEYS)


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


def render_merged(loaded: Loaded, new: dict[str, Any]) -> bytes:
    """The bytes of the loaded document with plain ``new`` merged in (untouched lines kept)."""
    return dump(merge(loaded.doc, new)).encode("utf-8")


def render_new(new: dict[str, Any]) -> bytes:
    return dump(_fresh(new)).encode("utf-8")

