"""JSON Schema (draft 2020-12) of claim, article, dismissals and claimant registry files, generated from the attrs models.

Walks ``attrs.fields`` and the type annotations, and turns the field validators of
:mod:`factcheck.model` into ``pattern``, ``minLength``, ``maxLength`` and
``uniqueItems``. Editors (yaml-language-server) use it for completion and checks
as you type; ``factcheck validate`` stays the authority.
"""

from __future__ import annotations

import datetime as dt
import inspect
import types
import typing
from enum import Enum
from typing import Any

import attrs

from factcheck import model

DRAFT = "https://json-schema.org/draft/2020-12/schema"


#: The model's constraint names as JSON Schema keywords.
_KEYWORDS = {"pattern": "pattern", "min_length": "minLength", "max_length": "maxLength", "unique": "uniqueItems"}
#: Constraints a JSON Schema cannot state (YAML and JSON numbers are finite anyway).
_UNSTATED = ("finite",)
#: Constraints that bound a number: they go to the integer branch of a union.
_NUMERIC = {"minimum": "minimum", "maximum": "maximum"}


def _keywords(field: attrs.Attribute) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in model.field_constraints(field).items():
        if name in _UNSTATED:
            continue
        if name in _NUMERIC:
            out[_NUMERIC[name]] = value
        elif name.startswith("item_"):
            items = out.setdefault("items", {"type": "string"})
            items[_KEYWORDS[name[len("item_"):]]] = value
        else:
            out[_KEYWORDS[name]] = value
    return out


def _type_schema(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    """The schema of one annotation; nested attrs classes go to ``defs``."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (types.UnionType, typing.Union):
        return {"anyOf": [_type_schema(arg, defs) for arg in args]}
    if origin is list:
        return {"type": "array", "items": _type_schema(args[0], defs)}
    if tp is type(None):
        return {"type": "null"}
    if tp is str:
        return {"type": "string"}
    if tp is int:
        return {"type": "integer"}
    if tp is float:
        return {"type": "number"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is dt.datetime:  # before date: a datetime is a date
        return {"type": "string", "format": "date-time"}
    if tp is dt.date:
        return {"type": "string", "format": "date"}
    if isinstance(tp, type) and issubclass(tp, Enum):
        return {"type": "string", "enum": [member.value for member in tp]}
    if attrs.has(tp):
        if tp.__name__ not in defs:
            defs[tp.__name__] = {}  # placeholder first: a class may refer to itself
            defs[tp.__name__] = _class_schema(tp, defs)
        return {"$ref": f"#/$defs/{tp.__name__}"}
    raise TypeError(f"no JSON Schema for type {tp!r}")


def _with_keywords(schema: dict[str, Any], keywords: dict[str, Any]) -> dict[str, Any]:
    """Add a field's validator keywords to its non-null branch (number bounds: to its integer branch)."""
    if not keywords:
        return schema
    if "anyOf" in schema:
        return {"anyOf": [_with_keywords(s, keywords) if s != {"type": "null"} else s for s in schema["anyOf"]]}
    if schema.get("type") != "integer":
        keywords = {k: v for k, v in keywords.items() if k not in _NUMERIC.values()}
    return {**schema, **keywords}


def _default(field: attrs.Attribute) -> tuple[bool, Any]:
    default = field.default
    if default is attrs.NOTHING:
        return False, None
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return True, default.factory()  # type: ignore[union-attr]
    return True, default


def _class_schema(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for field in attrs.fields(cls):
        schema = _with_keywords(_type_schema(hints[field.name], defs), _keywords(field))
        has_default, default = _default(field)
        if has_default:
            schema["default"] = default
        else:
            required.append(field.name)
        properties[field.name] = schema
    out: dict[str, Any] = {"type": "object"}
    doc = inspect.getdoc(cls)
    if doc:
        out["description"] = doc
    out.update(properties=properties, required=required, additionalProperties=False)
    return out


def json_schema(cls: type = model.Claim) -> dict[str, Any]:
    """The JSON Schema of a file holding one ``cls`` (Claim, Article, Dismissals or Claimants)."""
    defs: dict[str, Any] = {}
    body = _class_schema(cls, defs)
    schema = {"$schema": DRAFT, "title": f"factcheck {cls.__name__.lower()} file", **body}
    if defs:
        schema["$defs"] = defs
    return schema
