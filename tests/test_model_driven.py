"""The model drives the rest: a new optional Source field reaches every surface from model.py alone."""

from __future__ import annotations

import argparse
import datetime as dt

import attrs

from factcheck.cli import record_arguments
from factcheck.cli.edit import record_text
from factcheck.convert import evolve_unvalidated, field_errors, structure, unstructure
from factcheck.fastcheck import struct_for
from factcheck.forms import source_from_text
from factcheck.model import OMIT_IF_DEFAULT, MaxLength, Source, Stance
from factcheck.rules import control_chars
from factcheck.schema import _class_schema

LANGUAGE = MaxLength(20)


@attrs.frozen
class SourceWithLanguage(Source):
    """A Source with one more optional field, declared as model.py would declare it."""

    language: str | None = attrs.field(default=None, validator=LANGUAGE, metadata={**OMIT_IF_DEFAULT, "help": "the page's language"})


DATA = {
    "url": "https://example.org/a", "title": "T", "publisher": "P", "published": None,
    "accessed": "2024-04-02", "excerpt": "E", "stance": "supports",
}


def test_the_command_line_gets_the_option_and_builds_the_record():
    parser = argparse.ArgumentParser()
    prose = record_arguments(parser, SourceWithLanguage)
    assert "--language" in parser.format_help() and "the page's language" in parser.format_help()
    args = parser.parse_args(["--url", "https://example.org/a", "--title", "T", "--publisher", "P", "--excerpt", "E",
                              "--stance", "supports", "--language", "ru"])
    today = dt.datetime.now(dt.timezone.utc).date()
    record, errors = source_from_text(record_text(SourceWithLanguage, args), [], today, SourceWithLanguage)
    assert errors == {} and record.language == "ru" and record.stance is Stance.SUPPORTS and record.accessed == today
    assert "excerpt" in prose


def test_the_converter_reads_checks_and_omits_it():
    record, errors = structure({**DATA, "language": "ru"}, SourceWithLanguage)
    assert errors == [] and record.language == "ru"
    record, errors = structure({**DATA, "language": 7}, SourceWithLanguage)
    assert record is None and [(e.code, e.path) for e in errors] == [("type", ("language",))]
    long, _ = structure({**DATA, "language": "x" * 30}, SourceWithLanguage)
    assert long is None
    plain, _ = structure(DATA, SourceWithLanguage)
    assert "language" not in unstructure(plain) and unstructure(structure({**DATA, "language": "ru"}, SourceWithLanguage)[0])["language"] == "ru"


def test_the_fast_checker_schema_and_rules_know_it():
    assert "language" in struct_for(SourceWithLanguage).__struct_fields__
    schema = _class_schema(SourceWithLanguage, {})
    assert schema["properties"]["language"]["anyOf"][0] == {"type": "string", "maxLength": 20}
    assert "language" not in schema["required"]
    bad = evolve_unvalidated(structure(DATA, SourceWithLanguage)[0], language="r\x1bu")
    assert [e.path for e in control_chars(bad, SourceWithLanguage)] == [("language",)]
    assert [e.code for e in field_errors(evolve_unvalidated(structure(DATA, SourceWithLanguage)[0], language="y" * 30))] == ["too-long"]
