"""A fast first check of claim data: msgspec structs generated from the attrs models.

``msgspec.convert`` checks types, vocabularies, dates, required and unknown keys and
the field constraints in C, about four times faster than the cattrs converter. It only
answers "this claim is valid, here it is" or "ask the converter": any doubt goes to
:func:`factcheck.convert.structure`, which reports every problem with its path. The
structs have the attrs classes' field names, so the rules read them the same way.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import operator
import sys
import types
import typing
from collections.abc import Callable, Iterable
from typing import Annotated, Any

import attrs
import msgspec

from factcheck import model


def _constrained(tp: Any, constraints: dict, blank_known: bool = False) -> Any:
    meta = {k: constraints[k] for k in ("pattern", "min_length", "max_length") if k in constraints}
    if blank_known and meta.get("pattern") == model.NOT_BLANK:
        del meta["pattern"]
    return Annotated[tp, msgspec.Meta(**meta)] if meta else tp


def _struct_type(tp: Any, constraints: dict, blank_known: bool = False) -> Any:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (types.UnionType, typing.Union):
        mapped = tuple(_struct_type(a, constraints, blank_known) if a is not type(None) else a for a in args)
        return typing.Union[mapped]  # noqa: UP007 - built from a tuple
    if origin is list:
        item = args[0]
        if "item_pattern" in constraints:
            return list[_constrained(item, {k[len("item_"):]: v for k, v in constraints.items() if k.startswith("item_")}, blank_known)]  # type: ignore[misc]
        return list[_struct_type(item, {}, blank_known)]  # type: ignore[misc]
    if tp is dt.datetime:
        return Annotated[dt.datetime, msgspec.Meta(tz=True)]
    if tp is int and "minimum" in constraints:
        return Annotated[int, msgspec.Meta(ge=constraints["minimum"], le=constraints["maximum"])]
    if tp is float and constraints.get("finite"):  # NaN and the infinities fail both bounds
        return Annotated[float, msgspec.Meta(ge=-sys.float_info.max, le=sys.float_info.max)]
    if tp is str:
        return _constrained(str, constraints, blank_known)
    if attrs.has(tp):
        return struct_for(tp, blank_known)
    return tp


_ENCODER = msgspec.json.Encoder()


@functools.cache
def struct_for(cls: type, blank_known: bool = False) -> type[msgspec.Struct]:
    """The msgspec struct of an attrs class: same fields, types, defaults and constraints.

    ``blank_known``: leave out the "not blank" pattern (a string of whitespace only), for
    a decoder whose caller looks for blank strings itself (:func:`_no_blank`). msgspec
    checks a pattern with Python's ``re``, once per string: in a claim with a long
    history that is nearly half of the decoding time.

    msgspec leaves out every default on encoding or none. A class with keys omitted
    while unset (``OMIT_IF_DEFAULT``) gets a struct that leaves out defaults, and its
    other defaulted keys are required in the struct: a file lacking one of those is not
    written out in full, so it goes to the converter, as :func:`decode_record` wants.
    """
    hints = typing.get_type_hints(cls)
    omitted = {f.name for f in attrs.fields(cls) if model.omitted_if_default(f)}
    fields: list[tuple[Any, ...]] = []
    for field in attrs.fields(cls):
        tp = _struct_type(hints[field.name], model.field_constraints(field), blank_known)
        if field.default is attrs.NOTHING or (omitted and field.name not in omitted):
            fields.append((field.name, tp))
        elif isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            fields.append((field.name, tp, msgspec.field(default_factory=field.default.factory)))
        else:
            fields.append((field.name, tp, field.default))
    name = f"Fast{cls.__name__}{'Unblanked' if blank_known else ''}"
    return msgspec.defstruct(name, fields, forbid_unknown_fields=True, omit_defaults=bool(omitted), kw_only=bool(omitted))


@functools.cache
def _unique_fields(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in attrs.fields(cls) if model.field_constraints(f).get("unique"))


def _unique_lists(obj: Any, cls: type) -> bool:
    for name in _unique_fields(cls):
        values = getattr(obj, name)
        if len(set(values)) != len(values):
            return False
    return True


def fast_record(data: Any, cls: type) -> Any | None:
    """A struct with the data of a ``cls`` record if it is certainly valid, else None."""
    try:
        record = msgspec.convert(data, struct_for(cls), strict=True)
    except (msgspec.ValidationError, TypeError, ValueError):
        return None
    return record if _unique_lists(record, cls) else None


@functools.cache
def _decoder(cls: type) -> msgspec.json.Decoder:
    return msgspec.json.Decoder(struct_for(cls))


@functools.cache
def _checking(cls: type) -> msgspec.json.Decoder:
    """A decoder for files of ``cls`` that requires every key the struct writes back; it
    leaves blank strings to :func:`_no_blank`.

    A struct that leaves out defaults (:func:`struct_for`) already requires the rest; in
    one that writes every field, a defaulted key becomes required here, so that the
    struct written back holds exactly the keys the file gave.
    """
    base = struct_for(cls, blank_known=True)
    if base.__struct_config__.omit_defaults:
        return msgspec.json.Decoder(base)
    hints = typing.get_type_hints(base, include_extras=True)  # keep the constraints
    struct = msgspec.defstruct(f"Checked{cls.__name__}", [(name, hints[name]) for name in base.__struct_fields__], forbid_unknown_fields=True)
    return msgspec.json.Decoder(struct)


def decode_record(emitted: bytes, cls: type, nodes: int) -> Any | None:
    """The struct of a file's JSON when it is certainly a valid ``cls`` record written out
    in full, else None.

    Certainly: every field is given, no string that must not be blank is, the struct
    holds as many keys and items as the ``nodes`` rapidyaml read (so no key was given
    twice: the JSON decoder keeps the last of two), and list items are unique.
    """
    try:
        record = _checking(cls).decode(emitted)
    except (msgspec.ValidationError, msgspec.DecodeError, TypeError, ValueError):
        return None  # not valid, or not written out in full: the converter decides
    if 1 + written_nodes(record) != nodes or not _unique_lists(record, cls) or not _no_blank(record, cls):
        return None
    return record


def _no_blank(record: Any, cls: type) -> bool:
    """Whether no string of a ``cls`` record that must not be blank (the ``NOT_BLANK``
    pattern) is, through every level."""
    return _blank_test(cls)(record)


@functools.cache
def _blank_test(cls: type) -> Callable[[Any], bool]:
    """:func:`_no_blank` for records of ``cls``. The strings of the record and of its lists
    of flat items (sources, history entries) are looked at in one pass in C: ``str.strip``
    mapped over them. None (where allowed) and "" (refused by ``min_length``) are skipped."""
    hints = typing.get_type_hints(cls)
    fields = attrs.fields(cls)
    direct = [f.name for f in fields if model.field_constraints(f).get("pattern") == model.NOT_BLANK]
    string_lists = [f.name for f in fields if model.field_constraints(f).get("item_pattern") == model.NOT_BLANK]
    flat: list[tuple[Callable, list[Callable]]] = []  # (the items, a getter of each string field)
    deep: list[tuple[Callable, type, bool]] = []  # (the value, its class, a list)
    for field in fields:
        tp = hints[field.name]
        inner = next((a for a in (typing.get_args(tp) or (tp,)) if attrs.has(a)), None)
        if inner is None:
            continue
        is_list = typing.get_origin(tp) is list
        inner_fields = attrs.fields(inner)
        inner_strings = [f.name for f in inner_fields if model.field_constraints(f).get("pattern") == model.NOT_BLANK]
        inner_hints = typing.get_type_hints(inner)
        plain = not any(model.field_constraints(f).get("item_pattern") == model.NOT_BLANK for f in inner_fields) and not any(
            attrs.has(a) for f in inner_fields for a in (typing.get_args(inner_hints[f.name]) or (inner_hints[f.name],))
        )
        if is_list and plain:
            if inner_strings:
                flat.append((operator.attrgetter(field.name), [operator.attrgetter(n) for n in inner_strings]))
        else:
            deep.append((operator.attrgetter(field.name), inner, is_list))
    own = operator.attrgetter(*direct) if len(direct) > 1 else (lambda record: (getattr(record, direct[0]),)) if direct else (lambda record: ())
    string_lists_of = [operator.attrgetter(n) for n in string_lists]

    def test(record: Any) -> bool:
        parts: list[Iterable[str]] = [own(record)]
        parts += [value(record) for value in string_lists_of]
        for items_of, getters in flat:
            items = items_of(record)
            if items:
                parts += [map(value, items) for value in getters]
        if not all(map(str.strip, filter(None, itertools.chain.from_iterable(parts)))):
            return False
        for value_of, inner, is_list in deep:
            value = value_of(record)
            for item in (value if is_list else () if value is None else (value,)):
                if not _blank_test(inner)(item):
                    return False
        return True

    return test


@functools.cache
def _node_plan(struct: type[msgspec.Struct]) -> tuple[tuple[str, bool, bool, Any, bool, Any], ...]:
    """(name, always written, default from a factory, default, a list, its struct) of each field."""
    hints = typing.get_type_hints(struct)
    fields = struct.__struct_fields__
    defaults = (msgspec.NODEFAULT,) * (len(fields) - len(struct.__struct_defaults__)) + struct.__struct_defaults__
    omit = struct.__struct_config__.omit_defaults
    plan = []
    for name, default in zip(fields, defaults, strict=True):
        tp = hints[name]
        args = typing.get_args(tp) or (tp,)
        inner = next((a for a in args if isinstance(a, type) and issubclass(a, msgspec.Struct)), None)
        factory = callable(getattr(default, "factory", None))  # a default_factory: absent is empty
        plan.append((name, default is msgspec.NODEFAULT or not omit, factory, default, typing.get_origin(tp) is list, inner))
    return tuple(plan)


def written_nodes(record: msgspec.Struct) -> int:
    """The keys and list items of a struct through every level, as the file it was decoded
    from gives them (rapidyaml's node count, less the root).

    A field left out of the file holds its very default (or an empty list from its
    factory) and is not counted; so a count that matches the file's shows that no key
    was given twice.
    """
    return _counter(type(record))(record)


@functools.cache
def _counter(struct: type[msgspec.Struct]) -> Callable[[Any], int]:
    """:func:`written_nodes` for records of one struct. A flat struct (no lists, no structs)
    whose left-out keys all default to None is counted in one step: its many items (history
    entries, sources) make up most of a claim."""
    plan = _node_plan(struct)
    flat = all(not is_list and inner is None for _, _, _, _, is_list, inner in plan)
    optional = [name for name, always, factory, default, *_ in plan if not always]
    if flat and all(default is None for _, always, _, default, *_ in plan if not always):
        given = len(plan)
        if not optional:
            return lambda record: given
        if len(optional) == 1:
            name = optional[0]
            return lambda record: given - (getattr(record, name) is None)
        values = operator.attrgetter(*optional)
        return lambda record: given - values(record).count(None)

    def count(record: Any) -> int:
        total = 0
        for name, always, factory, default, is_list, inner in plan:
            value = getattr(record, name)
            if not always and (not value if factory else value is default):
                continue
            total += 1
            if is_list:
                total += len(value)
                if inner is not None:
                    items = _counter(inner)
                    for item in value:
                        total += items(item)
            elif inner is not None and value is not None:
                total += _counter(inner)(value)
        return total

    return count


def fast_claim(data: Any) -> Any | None:
    """A struct with the claim's data if it is certainly valid, else None."""
    return fast_record(data, model.Claim)


def encode_claim(record: Any) -> bytes:
    """A checked claim struct as JSON, the shape of ``unstructure`` (what ``export`` writes)."""
    return _ENCODER.encode(record)


def decode_sources(encoded: bytes) -> list[Any]:
    """The sources of a claim's JSON (as ``export`` writes it), as structs with the Source fields."""
    return _decoder(model.Claim).decode(encoded).sources


@functools.cache
def _record_lists(struct: type[msgspec.Struct]) -> tuple[str, ...]:
    """The fields of a struct that hold lists of structs."""
    hints = typing.get_type_hints(struct)
    out = []
    for name in struct.__struct_fields__:
        args = typing.get_args(hints[name])
        if typing.get_origin(hints[name]) is list and args and isinstance(args[0], type) and issubclass(args[0], msgspec.Struct):
            out.append(name)
    return tuple(out)


def mapping_items(record: msgspec.Struct) -> int:
    """How many mappings of a record are items of a sequence (its sources, history entries, ...)."""
    count = 0
    for name in _record_lists(type(record)):
        items = getattr(record, name)
        count += len(items)
        if items and isinstance(items[0], msgspec.Struct) and _record_lists(type(items[0])):  # items that hold item mappings
            count += sum(mapping_items(item) for item in items)
    return count
