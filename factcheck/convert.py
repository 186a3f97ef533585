"""The one cattrs Converter: strict, no coercion, no unknown keys.

cattrs coerces by default (``structure(7, str) == "7"``); here a wrong type is an
error. Field validators of the attrs classes are run separately by
:func:`field_errors` so that every bad field of a record is reported, not only
the first one.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import typing
from enum import Enum
from typing import TYPE_CHECKING, Any

import attrs

from factcheck.model import Article, Claim, Dismissals, Vocabulary

if TYPE_CHECKING:
    import cattrs

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

#: A path into a record: keys and list indexes, e.g. ("sources", 0, "url").
Path = tuple[str | int, ...]


class FieldError(ValueError):
    """A bad value at a path, with a problem code."""

    def __init__(self, code: str, message: str, path: Path = (), at_key: bool = False):
        super().__init__(message)
        self.code = code
        self.message = message
        self.path = path
        self.at_key = at_key


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dt.datetime):
        return "a timestamp"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _structure_str(value: Any, _type: type) -> str:
    if not isinstance(value, str):
        raise FieldError("type", f"expected a string, got {_type_name(value)}")
    return str(value)


def _structure_date(value: Any, _type: type) -> dt.date:
    if isinstance(value, dt.datetime):
        raise FieldError("date", "expected a date (YYYY-MM-DD), got a timestamp")
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    if isinstance(value, str) and DATE_RE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise FieldError("date", f"expected a date (YYYY-MM-DD), got {_type_name(value)} {value!r}")


def _structure_datetime(value: Any, _type: type) -> dt.datetime:
    parsed: dt.datetime | None = None
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str) and len(value) >= 16 and value[10:11] in ("T", "t", " "):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            parsed = None
    if parsed is None:
        raise FieldError(
            "datetime",
            f"expected a UTC timestamp such as 2024-03-28T09:00:00Z, got {_type_name(value)} {value!r}",
        )
    if parsed.tzinfo is None:
        raise FieldError("datetime", "timestamp needs a time zone: write it in UTC ending in Z")
    # An offset is kept, as the fast checker keeps it: rules.history_rules warns of it,
    # and the writer (yaml.render.merge) writes the time again in UTC.
    return parsed if parsed.utcoffset() else parsed.replace(tzinfo=dt.timezone.utc)


_ENUM_WORDS: dict[type, dict[str, Vocabulary]] = {}


def _structure_enum(value: Any, enum_type: type[Vocabulary]) -> Vocabulary:
    words = _ENUM_WORDS.get(enum_type)
    if words is None:
        words = _ENUM_WORDS[enum_type] = {member.value: member for member in enum_type}
    if isinstance(value, str):
        member = words.get(value)
        if member is not None:
            return member
    from factcheck.problems import did_you_mean

    hint = did_you_mean(value, words) if isinstance(value, str) else ""
    shown = repr(value) if isinstance(value, str) else _type_name(value)
    raise FieldError("enum", f"{shown} is not one of: {', '.join(words)}{hint}")


def _structure_number(value: Any, _type: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FieldError("type", f"expected a number, got {_type_name(value)}")
    return value


def _structure_bool(value: Any, _type: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise FieldError("type", f"expected true or false, got {_type_name(value)}")


def _structure_int(value: Any, _type: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError("type", f"expected a whole number, got {_type_name(value)}")
    return value


def _structure_year_or_date(value: Any, _type: Any) -> int | dt.date | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, dt.date) or (isinstance(value, str) and DATE_RE.match(value)):
        return _structure_date(value, dt.date)
    hint = "; write a year unquoted" if isinstance(value, str) and value.strip().isdigit() else ""
    raise FieldError("date", f"expected a year (YYYY) or a date (YYYY-MM-DD), got {_type_name(value)} {value!r}{hint}")


def _structure_str_list(value: Any, _type: type) -> list[str]:
    if not isinstance(value, list):
        raise FieldError("type", f"expected a list of strings, got {_type_name(value)}")
    errors = []
    out = []
    for index, item in enumerate(value):
        if isinstance(item, str):
            out.append(item)
        else:
            errors.append(FieldError("type", f"expected a string, got {_type_name(item)}", (index,)))
    if errors:
        raise ExceptionGroup("bad list items", errors)
    return out


def _same_type(wanted: Any) -> Any:
    return lambda t: bool(t == wanted)


def make_converter(detailed: bool = True) -> "cattrs.Converter":
    """The project's converter; never use cattrs' global one.

    ``detailed=False`` gives the lean converter for the common case, a valid record;
    the detailed one collects every error with its path when that fails.
    """
    import cattrs

    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=detailed)
    _scalar_hooks(conv)
    _record_hooks(conv, detailed)
    _unstructure_hooks(conv)
    return conv


def _scalar_hooks(conv: "cattrs.Converter") -> None:
    """Strict hooks for the model's scalar types: a wrong type is an error, never coerced."""
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(dt.datetime, _structure_datetime)
    conv.register_structure_hook(dt.date, _structure_date)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook_func(lambda t: t == list[str], _structure_str_list)
    conv.register_structure_hook_func(lambda t: t == int | float, _structure_number)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook_func(lambda t: t == int | dt.date | None, _structure_year_or_date)

    def optional(hook):
        return lambda value, _type: None if value is None else hook(value, _type)

    def optional_str(value: Any, _type: type) -> str | None:
        if value is None or type(value) is str:
            return value
        return _structure_str(value, str)

    # Direct hooks for the common optional types: faster than cattrs' generic union path.
    conv.register_structure_hook(str | None, optional_str)
    conv.register_structure_hook(dt.date | None, optional(_structure_date))
    for vocabulary in Vocabulary.__subclasses__():
        conv.register_structure_hook(vocabulary | None, lambda v, t, vc=vocabulary: None if v is None else _structure_enum(v, vc))
    for vocabulary in Vocabulary.__subclasses__():
        # Registered per class: a str-based Enum would otherwise match the str hook.
        conv.register_structure_hook(vocabulary, _structure_enum)


def _record_hooks(conv: "cattrs.Converter", detailed: bool) -> None:
    """Hooks for the model's records (mappings, no unknown keys) and the lists of them."""
    from cattrs.gen import make_dict_structure_fn

    def without_validators(cls):
        inner = conv.get_structure_hook(_shadow(cls))
        names = [f.name for f in attrs.fields(cls)]

        def hook(value, _type):
            made = inner(value, _shadow(cls))
            return unvalidated(cls, **{name: getattr(made, name) for name in names})

        return hook

    def record_hook(cls):
        """Every record class of the model (and any attrs class like them): a mapping, no
        unknown keys, and in the detailed converter no validators (field_errors runs them)."""
        if detailed:
            inner = without_validators(cls)
        else:
            inner = make_dict_structure_fn(cls, conv, _cattrs_forbid_extra_keys=True)

        def hook(value, _type):
            if not isinstance(value, dict):
                raise FieldError("type", f"expected a mapping, got {_type_name(value)}")
            return inner(value, _type)

        return hook

    # Any attrs class but the validator-free shadows, by exact type (a subclass of a
    # record gets its own hook, with its own fields).
    conv.register_structure_hook_factory(lambda t: attrs.has(t) and t not in _ORIGINAL, record_hook)

    def must_be_list(hook_type):
        inner = conv.get_structure_hook(hook_type)

        def hook(value, _type):
            if not isinstance(value, list):
                raise FieldError("type", f"expected a list, got {_type_name(value)}")
            return inner(value, _type)

        return hook

    for record_cls in (Claim, Article, Dismissals):
        for tp in typing.get_type_hints(record_cls).values():  # annotations are strings until resolved
            if typing.get_origin(tp) is list and tp != list[str]:
                conv.register_structure_hook_func(_same_type(tp), must_be_list(tp))


def _unstructure_hooks(conv: "cattrs.Converter") -> None:
    from cattrs.gen import make_dict_unstructure_fn, override

    from factcheck.model import omitted_if_default

    # Optional keys whose absence reads as well as null (model metadata): left out when
    # unset, for every attrs class, so a new field needs nothing here.
    def unstructure_fn(cls: type) -> Any:
        omit = {f.name: override(omit_if_default=True) for f in attrs.fields(cls) if omitted_if_default(f)}
        made: Any = make_dict_unstructure_fn(cls, conv, **omit)  # type: ignore[arg-type]
        names = [f.name for f in attrs.fields(cls)]
        if not omit or set(names[-len(omit):]) == set(omit):
            return made
        def in_field_order(obj: Any) -> dict:
            # cattrs appends the keys it may omit after the others: put them back in field order.
            data = made(obj)
            return {name: data[name] for name in names if name in data}

        return in_field_order

    conv.register_unstructure_hook_factory(attrs.has, unstructure_fn)
    conv.register_unstructure_hook(dt.date, lambda d: d)
    conv.register_unstructure_hook(dt.datetime, lambda d: d)


@functools.cache
def converter(detailed: bool = True) -> "cattrs.Converter":
    """The detailed or the lean converter, each made on first use: a valid tree read by
    the fast checker needs neither, and building one costs time at every start."""
    return make_converter(detailed=detailed)


def _walk(exc: BaseException, path: Path, out: list[FieldError], cls: type | None = None) -> None:
    """Flatten a cattrs exception tree into FieldErrors with full paths (``cls``: the record at ``path``)."""
    from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError

    from factcheck.problems import did_you_mean

    if isinstance(exc, ForbiddenExtraKeysError):
        allowed = [a.name for a in attrs.fields(exc.cl)]
        for key in sorted(exc.extra_fields, key=str):
            out.append(
                FieldError(
                    "unknown-key",
                    f"unknown key {key!r}{did_you_mean(str(key), allowed)}",
                    path + (key,),
                    at_key=True,
                )
            )
        return
    if isinstance(exc, (ClassValidationError, IterableValidationError)):
        here = getattr(exc, "cl", None) if isinstance(exc, ClassValidationError) else cls
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            step = getattr(note, "name", None)
            if step is None:
                step = getattr(note, "index", None)
            _walk(sub, path + ((step,) if step is not None else ()), out, here)
        for sub in without:
            _walk(sub, path, out, here)
        return
    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            _walk(inner, path, out, cls)
        return
    if isinstance(exc, FieldError):
        out.append(FieldError(exc.code, exc.message, path + exc.path, exc.at_key))
        return
    if isinstance(exc, KeyError):
        key = exc.args[0] if exc.args else "?"
        hint = _when_missing(cls, key)
        out.append(FieldError("missing-key", f"missing required key {key!r}{hint}", path, at_key=True))
        return
    if isinstance(exc, TypeError) and "missing" in str(exc) and "argument" in str(exc):
        out.append(FieldError("missing-key", str(exc), path, at_key=True))
        return
    out.append(FieldError("type", str(exc) or type(exc).__name__, path))


def _when_missing(cls: type | None, key: object) -> str:
    """The model's advice for a left-out key, as '; advice' (or '')."""
    from factcheck.model import when_missing

    cls = _ORIGINAL.get(cls, cls) if cls is not None else None
    if cls is None or not attrs.has(cls) or key not in attrs.fields_dict(cls):
        return ""
    advice = when_missing(cls, key)
    return f"; {advice}" if advice else ""


_PLANS: dict[type, tuple[tuple, tuple]] = {}


def _plan(cls: type) -> tuple[tuple, tuple]:
    """(fields with validators, list fields of attrs classes) of a class, computed once."""
    plan = _PLANS.get(cls)
    if plan is None:
        fields = attrs.fields(cls)
        hints = typing.get_type_hints(cls)  # f.type is still a string until cattrs resolves it
        checked = tuple((f.name, f, f.validator) for f in fields if f.validator is not None)
        nested = tuple(
            f.name for f in fields
            if typing.get_origin(hints[f.name]) is list and attrs.has(typing.get_args(hints[f.name])[0])
        )
        plan = _PLANS[cls] = (checked, nested)
    return plan


def field_errors(obj: Any, path: Path = ()) -> list[FieldError]:
    """Run every attrs field validator of ``obj`` (recursively); collect failures."""
    out: list[FieldError] = []
    checked, nested = _plan(type(obj))
    for name, field, validator in checked:
        try:
            validator(obj, field, getattr(obj, name))
        except ValueError as exc:
            out.append(FieldError(getattr(exc, "code", "value"), exc.args[0], path + (name,)))
    for name in nested:
        for index, item in enumerate(getattr(obj, name)):
            out.extend(field_errors(item, path + (name, index)))
    return out


def raw_field_errors(data: Any, cls: type, path: Path = ()) -> list[FieldError]:
    """Field validator failures in raw data that failed to structure as a whole.

    Runs each validator on values already of the right plain type, so that a
    record with one wrong type still gets its other bad values reported.
    """
    out: list[FieldError] = []
    if not isinstance(data, dict) or not attrs.has(cls):
        return out
    attrs.resolve_types(cls)  # the annotations are strings until resolved (once per class)
    for field in attrs.fields(cls):
        if field.name not in data:
            continue
        value = data[field.name]
        if field.validator is not None and isinstance(value, (str, list)):
            if isinstance(value, list) and not all(isinstance(v, str) for v in value):
                continue
            try:
                field.validator(None, field, value)
            except ValueError as exc:
                out.append(FieldError(getattr(exc, "code", "value"), exc.args[0], path + (field.name,)))
        item_type = getattr(field.type, "__args__", (None,))[0]
        if isinstance(value, list) and item_type is not None and attrs.has(item_type):
            for index, item in enumerate(value):
                out.extend(raw_field_errors(item, item_type, path + (field.name, index)))
    return out


@functools.cache
def _shadow(cls: type) -> type:
    """An attrs class with ``cls``'s fields, types and defaults but no validators.

    The detailed converter structures into it and copies the values over
    (:func:`unvalidated`), so that collecting every error never needs the process-wide
    ``attrs.validators.disabled()`` switch, which other threads would see too.
    """
    hints = typing.get_type_hints(cls)
    fields = {}
    for field in attrs.fields(cls):
        kw: dict = {"type": hints[field.name]}
        if field.default is not attrs.NOTHING:
            kw["default"] = field.default
        fields[field.name] = attrs.field(**kw)
    shadow = attrs.make_class(cls.__name__, fields, frozen=True, slots=True)
    shadow.__module__ = cls.__module__
    _ORIGINAL[shadow] = cls
    return shadow


#: Each shadow class and the model class it stands for.
_ORIGINAL: dict[type, type] = {}


def unvalidated(cls: type, **values: Any) -> Any:
    """An instance of the attrs class ``cls`` with its field validators not run (they are
    run afterwards with :func:`field_errors`, which reports all of them at once)."""
    obj: Any = object.__new__(cls)
    for field in attrs.fields(cls):
        if field.name in values:
            value = values[field.name]
        elif isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            value = field.default.factory()
        else:
            value = field.default
        object.__setattr__(obj, field.name, value)
    return obj


def evolve_unvalidated(obj: Any, **changes: Any) -> Any:
    """:func:`attrs.evolve` without running the field validators."""
    values = {f.name: getattr(obj, f.name) for f in attrs.fields(type(obj))}
    values.update(changes)
    return unvalidated(type(obj), **values)


def structure(data: Any, cls: type, likely_valid: bool = True) -> tuple[Any | None, list[FieldError]]:
    """Structure plain data into ``cls``; return (object or None, all errors).

    ``likely_valid=False`` (the fast checker has already refused the data) skips the
    lean converter's attempt, which would fail and cost as much as the detailed one.
    """
    if likely_valid:
        try:  # the lean converter, with attrs validators on, accepts valid records quickly
            return converter(detailed=False).structure(data, cls), []
        except Exception:  # any error at all: collect every one of them below
            pass
    try:  # the detailed converter builds without validators: field_errors runs them all
        obj: Any = converter().structure(data, cls)
    except Exception as exc:  # cattrs raises groups of everything it found
        errors: list[FieldError] = []
        _walk(exc, (), errors)
        bad = {e.path for e in errors}
        errors.extend(e for e in raw_field_errors(data, cls) if e.path not in bad)
        return None, errors
    errors = field_errors(obj)
    return (obj if not errors else None), errors


def structure_lenient(data: Any, cls: type) -> Any | None:
    """``cls`` from data of the right types, its field validators not run (None if a type is wrong).

    For the writer: a claim with a bad value (too long, say) can still be loaded so that
    a change that makes it no worse can be written.
    """
    try:
        return converter().structure(data, cls)
    except Exception:  # noqa: BLE001 - any error: it cannot be loaded
        return None


def unstructure(obj: Any) -> Any:
    """Plain data in canonical key order, enums as their words."""
    data = converter().unstructure(obj)
    return _plain(data)


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
