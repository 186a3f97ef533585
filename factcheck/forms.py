"""Editing forms read from the model: each field's label, input kind, hint and checks.

The review screen's forms (add a source, fix a claim's fields) are built from this,
so a new field with its metadata in :mod:`factcheck.model` shows up in them with its
limits and help. No Textual here.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from factcheck.fields import field_views, type_parts
from factcheck.model import MaxLength, Source, defaults_to_today, omitted_if_default, text_limit


@attrs.frozen
class FormField:
    """One input of a form."""

    name: str
    label: str
    kind: str  # "text", "prose" (may hold line breaks), "date", "url" or "choice"
    required: bool
    hint: str
    limit: MaxLength | None = None
    choices: tuple[str, ...] = ()


def form_fields(cls: type, names: Iterable[str] | None = None) -> list[FormField]:
    """The form fields of ``cls`` (or of the named fields, in that order); lists of records
    (a source's snapshots) are written by commands, never typed into a form."""
    hints = typing.get_type_hints(cls)
    by_name = attrs.fields_dict(cls)
    out = []
    for name in names if names is not None else [v.name for v in field_views(cls) if v.kind != "records"]:
        field = by_name[name]
        tp, optional = type_parts(hints[name])
        optional = optional or omitted_if_default(field)
        limit = text_limit(cls, name)
        view = next(v for v in field_views(cls) if v.name == name)
        help_text = view.help
        choices: tuple[str, ...] = ()
        if view.kind == "choice":
            kind, choices = "choice", tuple(tp.words())
        elif view.kind == "date":
            kind, help_text = "date", help_text or "YYYY-MM-DD"
        elif view.kind == "url":
            kind, help_text = "url", help_text or "https://…"
        else:
            kind = "prose" if limit and limit.lines else "text"
        if limit and limit.about:
            help_text += f" (about {limit.about} characters)"
        if omitted_if_default(field):
            help_text = f"optional: {help_text}"
        out.append(FormField(name, view.label, kind, not optional, help_text, limit, choices))
    return out


def parse(field: FormField, text: str, today: dt.date) -> tuple[Any, str | None]:
    """The value typed into ``field``, or why it is not one."""
    value = text.strip()
    if not value:
        return None, ("required" if field.required else None)
    if field.kind == "date":
        try:
            date = dt.date.fromisoformat(value)
        except ValueError:
            return None, "a date: YYYY-MM-DD"
        return date, (f"{field.name} {date.isoformat()} is in the future" if date > today else None)
    if field.kind == "choice":
        return value, (None if value in field.choices else f"one of {', '.join(field.choices)}")
    if field.kind == "prose":
        return text.strip("\n"), None
    return value, None


def check(cls: type, field: FormField, text: str, today: dt.date) -> tuple[Any, str | None]:
    """The value typed into one field of ``cls``, checked by the model's validators for it."""
    value, error = parse(field, text, today)
    if error or value is None:
        return value, error
    attribute = attrs.fields_dict(cls)[field.name]
    if attribute.validator is not None:
        try:
            attribute.validator(None, attribute, value)
        except ValueError as exc:
            return value, str(exc.args[0]) if exc.args else str(exc)
    return value, None


def parse_fields(cls: type, fields: list[FormField], values: Mapping[str, str], today: dt.date) -> tuple[dict[str, Any], dict[str, str]]:
    """The value of each field (None where there is none) and the error of each bad one."""
    errors: dict[str, str] = {}
    parsed: dict[str, Any] = {}
    for field in fields:
        value, problem = check(cls, field, values.get(field.name, ""), today)
        if problem:
            errors[field.name] = problem
        parsed[field.name] = value
    return parsed, errors


def build(cls: type, fields: list[FormField], values: Mapping[str, str], today: dt.date, fixed: Mapping[str, Any] | None = None) -> tuple[Any, dict[str, str]]:
    """An instance of ``cls`` from form text (with ``fixed`` values for fields not on the
    form), or the error of each bad field (name -> message). Every model check runs."""
    parsed, errors = parse_fields(cls, fields, values, today)
    if errors:
        return None, errors
    return _instance(cls, fields, {**(fixed or {}), **parsed})


def _instance(cls: type, fields: list[FormField], parsed: dict[str, Any]) -> tuple[Any, dict[str, str]]:
    from factcheck.convert import field_errors, unvalidated  # cattrs: loaded when a record is made, not with the command line

    errors: dict[str, str] = {}
    hints = typing.get_type_hints(cls)
    for field in fields:
        tp, _ = type_parts(hints[field.name])
        if field.kind == "choice" and parsed[field.name] is not None:
            parsed[field.name] = tp(parsed[field.name])
    obj = unvalidated(cls, **parsed)  # field_errors below runs every validator
    for error in field_errors(obj):
        name = str(error.path[-1])
        errors.setdefault(name, error.message)
    return (None if errors else obj), errors


def source_from_text(
    values: Mapping[str, str | None], cited: Sequence[str], today: dt.date, cls: type = Source,
) -> tuple[Any, dict[str, str]]:
    """A new source of a claim from text as a person gives it (the review screen's form,
    the options of ``factcheck add-source``), or the error of each bad field (name ->
    message, in the model's field order).

    Each field is parsed and checked by the model (required, dates, limits, URLs,
    vocabularies); a date left empty that defaults to today is today; then the rules
    every source of a claim follows run (:func:`factcheck.rules.source_rules`, control
    characters), with ``cited`` the URLs the claim cites already. Those rules also run on
    the fields that parsed when others did not, so a form can show them as you type.
    """
    from factcheck.model import canonical_url
    from factcheck.rules import control_chars, source_rules

    fields = form_fields(cls)
    text = {f.name: values.get(f.name) or "" for f in fields}
    for attribute in attrs.fields(cls):
        if defaults_to_today(attribute) and not text[attribute.name].strip():
            text[attribute.name] = today.isoformat()
    parsed, errors = parse_fields(cls, fields, text, today)
    source, errors = (None, errors) if errors else _instance(cls, fields, parsed)
    record = source if source is not None else types.SimpleNamespace(**{**{a.name: None for a in attrs.fields(cls)}, **parsed})
    urls: dict[str, int] = {}
    for index, url in enumerate(cited):
        urls.setdefault(canonical_url(url), index)
    for error in control_chars(record, cls) + source_rules(record, today, urls, cls):
        errors.setdefault(str(error.path[-1]), error.message)
    errors = {f.name: errors[f.name] for f in fields if f.name in errors}
    return (None if errors else source), errors


@attrs.frozen
class ChangeOption:
    """A command-line option that changes one field of an existing record (``set-source``)."""

    name: str
    option: str  # "--new-url" for the field that names the record, else "--name"
    dest: str
    help: str
    choices: tuple[str, ...] = ()  # the words of a vocabulary


def change_options(cls: type, key: str | None = None) -> list[ChangeOption]:
    """An option for each field of ``cls``, from the model (its help; 'none' clears a field
    that may be empty). ``key``: the field that names the record on the command line
    (``url`` for a source), whose option is ``--new-KEY``."""
    out = []
    for view in field_views(cls):
        if view.kind == "records":  # written by commands (archive), never given as text
            continue
        word = view.name.replace("_", "-")
        option, dest = (f"--new-{word}", f"new_{view.name}") if view.name == key else (f"--{word}", view.name)
        field = attrs.fields_dict(cls)[view.name]
        help_text = str(field.metadata.get("help", "")) + ("; 'none' clears it" if view.optional and not defaults_to_today(field) else "")
        choices = tuple(view.type.words()) if view.kind == "choice" else ()
        out.append(ChangeOption(view.name, option, dest, help_text, choices))
    return out


def changes_from_text(cls: type, given: Mapping[str, str | None], options: Sequence[ChangeOption]) -> tuple[dict[str, Any], str | None]:
    """The changed values of the fields given as text (name -> text, None: not given), or
    why one is not a value. Dates and words are read; the model checks the rest when the
    record is made."""
    views = {v.name: v for v in field_views(cls)}
    out: dict[str, Any] = {}
    for option in options:
        text = given.get(option.name)
        if text is None:
            continue
        view = views[option.name]
        if view.optional and text.strip().lower() == "none":
            out[option.name] = None
        elif view.kind == "date":
            try:
                out[option.name] = dt.date.fromisoformat(text)
            except ValueError:
                return {}, f"{option.option} must be a date YYYY-MM-DD, got {text!r}"
        elif view.kind == "choice":
            out[option.name] = view.type(text)
        else:
            out[option.name] = text
    return out, None
