"""The strict reader (factcheck.yaml.strict): YAML 1.2 values, problems as values with positions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from factcheck.yaml.roundtrip import load_roundtrip, to_plain
from factcheck.yaml.strict import load_strict, plain_value

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("text, value", [
    ("", None), ("null", None), ("~", None), ("true", True), ("False", False),
    ("yes", "yes"), ("no", "no"),  # YAML 1.1 booleans are words in 1.2
    ("7", 7), ("-0o17", -15), ("0x1F", 31), ("1.5", 1.5), (".inf", float("inf")),
    ("2024-04-01", dt.date(2024, 4, 1)), ("2024-02-30", "2024-02-30"),
    ("2024-04-01T09:00:00Z", dt.datetime(2024, 4, 1, 9, 0, tzinfo=dt.timezone.utc)),
    ("1.2.3", "1.2.3"), ("word", "word"),
])
def test_plain_value_reads_as_yaml_1_2(text, value):
    assert plain_value(text) == value and type(plain_value(text)) is type(value)


def test_a_duplicate_key_is_a_problem_at_its_line():
    strict = load_strict("x.yaml", b"id: a\ntext: t\nid: b\n")
    assert strict.data is None
    assert [(p.line, p.code) for p in strict.problems] == [(3, "duplicate-key")]


def test_a_syntax_error_is_a_problem_not_an_exception():
    strict = load_strict("x.yaml", b"id: [a\n")
    assert strict.data is None and [p.code for p in strict.problems] == ["syntax"]


def test_a_valid_file_gives_data_and_a_node_tree():
    strict = load_strict("x.yaml", b"id: a\ntags:\n  - x\n")
    assert strict.problems == [] and strict.data == {"id": "a", "tags": ["x"]} and strict.root is not None


def test_strict_reader_reads_what_the_round_trip_loader_reads():
    for path in sorted((REPO / "claims").rglob("*.yaml")):
        raw = path.read_bytes()
        strict = load_strict(str(path), raw)
        assert strict.problems == []
        assert strict.data == to_plain(load_roundtrip(str(path), raw).doc), path.name

