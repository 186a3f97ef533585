"""What the surfaces know of a record's fields, read from the model: label, help, kind, optional.

The command line, ``show``, the forms, the detail pane, the site page and search iterate
these views instead of naming fields, so a field added to :mod:`factcheck.model` reaches
them all. No I/O.
"""

from __future__ import annotations

import datetime as dt
import functools
import types
import typing
from typing import Any

import attrs

from factcheck.model import HTTP_URL_PATTERN, Vocabulary, allows_line_breaks, defaults_to_today, field_constraints, help_text, text_limit

#: Source fields that the surfaces (``show``, the detail pane, the site page, search) lay out
#: each in its own way; every other field of :class:`Source`, a new one included, each
#: surface shows from :func:`field_views` as "label: value". ``snapshots`` (records that
#: ``factcheck archive`` writes, no form edits them) is laid out by each surface too.
SOURCE_LAID_OUT: tuple[str, ...] = ("url", "title", "publisher", "published", "accessed", "excerpt", "stance", "snapshots")
#: The archive fields, which the site page and search also lay out themselves.
SOURCE_ARCHIVE: tuple[str, ...] = ("archive_url", "archived")


@attrs.frozen
class FieldView:
    """What the surfaces need to know of one field: its name, label, help, kind and whether it may be left out.

    ``kind``: ``"text"``, ``"prose"`` (may hold line breaks), ``"date"``, ``"url"``,
    ``"choice"`` (a vocabulary), ``"number"``, ``"list"``, ``"records"`` (a list of records,
    which no form or option types in) or ``"other"``.
    """

    name: str
    label: str
    help: str
    kind: str
    optional: bool
    type: Any = None  # the field's type without None


def type_parts(tp: Any) -> tuple[Any, bool]:
    """(the type without None, whether None is allowed)."""
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return (args[0] if len(args) == 1 else tp), len(args) < len(typing.get_args(tp))
    return tp, False


def field_label(field: attrs.Attribute) -> str:
    """A field's label for people: its ``label`` metadata, or its name in words ('archive_url' → 'Archive URL')."""
    text = " ".join("URL" if w == "url" else w for w in field.name.split("_"))
    return field.metadata.get("label", text[:1].upper() + text[1:])


def _kind(cls: type, field: attrs.Attribute, tp: Any) -> str:
    if isinstance(tp, type) and issubclass(tp, Vocabulary):
        return "choice"
    if tp is dt.date:
        return "date"
    if field.validator is not None and field_constraints(field).get("pattern") == HTTP_URL_PATTERN:
        return "url"
    if tp is str:
        return "prose" if allows_line_breaks(cls, field.name) else "text"
    if tp in (int, float) or typing.get_origin(tp) is typing.Union:
        return "number"
    if typing.get_origin(tp) is list:
        return "records" if attrs.has(typing.get_args(tp)[0]) else "list"
    return "other"


def field_views(cls: type, leave_out: tuple[str, ...] = ()) -> tuple[FieldView, ...]:
    """A :class:`FieldView` of each field of ``cls`` (in order) but those named in ``leave_out``."""
    return tuple(v for v in _field_views(cls) if v.name not in leave_out)


@functools.cache
def _field_views(cls: type) -> tuple[FieldView, ...]:
    hints = typing.get_type_hints(cls)
    out = []
    for field in attrs.fields(cls):
        tp, optional = type_parts(hints[field.name])
        optional = optional or field.default is not attrs.NOTHING or defaults_to_today(field)
        out.append(FieldView(field.name, field_label(field), help_text(field), _kind(cls, field, tp), optional, tp))
    return tuple(out)


def shown(value: Any) -> str:
    """A field's value as one line of text: a date as YYYY-MM-DD, a word as itself."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(getattr(value, "value", value))


def _type_words(view: FieldView, field: attrs.Attribute, nullable: bool) -> str:
    if view.kind == "choice":
        words = [f"`{w}`" for w in view.type.words()]
        kind = "word: " + (f"{', '.join(words[:-1])} or {words[-1]}" if len(words) > 1 else words[0])
    else:
        kind = {"url": "http(s) URL", "prose": "text"}.get(view.kind, view.kind)
    if field.default is not attrs.NOTHING:
        return f"{kind} (optional)"  # the key may be left out
    return f"{kind} or null" if nullable else kind  # the key is there, its value may be null


def markdown_table(cls: type) -> str:
    """The README's table of ``cls``'s keys (key, type, meaning), made from the model: a
    field added there reaches the table when it is made again (``docs/readme_tables.py``)."""
    fields = {f.name: f for f in attrs.fields(cls)}
    hints = typing.get_type_hints(cls)
    lines = ["| key | type | meaning |", "| --- | --- | --- |"]
    for view in field_views(cls):
        limit = field_constraints(fields[view.name]).get("max_length")
        about = getattr(text_limit(cls, view.name), "about", None)
        meaning = view.help + (f"; at most {limit} characters" if limit else "") + (f", aim for about {about}" if about else "")
        lines.append(f"| `{view.name}` | {_type_words(view, fields[view.name], type_parts(hints[view.name])[1])} | {meaning} |")
    return "\n".join(lines) + "\n"
