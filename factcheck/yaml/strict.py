"""The strict reader: every YAML feature noticed, in C (libyaml's events through PyYAML),
values read the YAML 1.2 way, problems as values (:func:`load_strict`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterator

import attrs

from factcheck.problems import Problem
from factcheck.yaml.roundtrip import load_roundtrip, mark_problem, precheck

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
    return value  # an offset is kept, for the converter to report


@attrs.define
class Strict:
    """What the strict reader found: plain data and a node tree for positions, or problems."""

    data: Any = None
    root: Any = None  # a PyYAML node tree (start marks), for :func:`~factcheck.yaml.positions.locate_node`
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
            return Strict(problems=[mark_problem(path, exc, "syntax", text)])
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

