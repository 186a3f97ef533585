"""The JSON Schema generated from the models, checked with the jsonschema library."""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path

import pytest
import yaml
from conftest import CLAIM_YAML, OTHER_WITH_QUANTITIES, OTHER_YAML, make_tree
from jsonschema import Draft202012Validator, FormatChecker

from factcheck.cli import main
from factcheck.model import ARTICLE_KEYS, CLAIM_KEYS, Article, Claim, Dismissals
from factcheck.schema import json_schema

BUILT_IN = Path(__file__).resolve().parents[1] / "claims"


def as_json(value):
    """YAML data as JSON sees it: dates and timestamps as the strings written in the file."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None and not value.utcoffset():
            return value.strftime("%Y-%m-%dT%H:%M:%SZ")
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    return value


@functools.cache
def validator(cls: type) -> Draft202012Validator:
    return Draft202012Validator(json_schema(cls), format_checker=FormatChecker())


def schema_errors(cls: type, text: str) -> list[str]:
    return [e.message for e in validator(cls).iter_errors(as_json(yaml.safe_load(text)))]


def test_schemas_are_valid_draft_2020_12():
    for cls in (Claim, Article, Dismissals):
        Draft202012Validator.check_schema(json_schema(cls))


def test_schema_is_generated_from_the_models():
    schema = json_schema(Claim)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert tuple(schema["properties"]) == CLAIM_KEYS
    assert tuple(json_schema(Article)["properties"]) == ARTICLE_KEYS
    assert schema["required"] == ["id", "text", "quote", "claimant", "kind", "status"]
    assert schema["additionalProperties"] is False
    assert schema["description"] == "One checkable assertion of an article."
    assert schema["properties"]["id"] == {"type": "string", "pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*$", "maxLength": 80}
    assert schema["properties"]["verdict"] == {
        "anyOf": [
            {"type": "string", "enum": ["accurate", "mostly-accurate", "mixed", "misleading", "mostly-inaccurate", "inaccurate", "unproven"]},
            {"type": "null"},
        ],
        "default": None,
    }
    assert schema["properties"]["sources"] == {"type": "array", "items": {"$ref": "#/$defs/Source"}, "default": []}
    assert schema["properties"]["tags"]["uniqueItems"] is True
    source = schema["$defs"]["Source"]
    assert source["required"] == ["url", "title", "publisher", "published", "accessed", "excerpt", "stance"]
    assert source["properties"]["published"]["anyOf"] == [{"type": "string", "format": "date"}, {"type": "null"}]
    assert source["properties"]["archive_url"]["anyOf"][0]["pattern"] == r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]\S*$"
    assert schema["$defs"]["HistoryEntry"]["properties"]["at"] == {"type": "string", "format": "date-time"}
    assert set(schema["$defs"]) == {"Source", "Snapshot", "Correction", "HistoryEntry", "Quantity"}
    assert schema["properties"]["quantities"] == {"type": "array", "items": {"$ref": "#/$defs/Quantity"}, "default": []}
    quantity = schema["$defs"]["Quantity"]
    assert quantity["required"] == ["value", "unit", "text"]
    assert quantity["properties"]["value"] == {"anyOf": [{"type": "integer"}, {"type": "number"}]}
    assert quantity["properties"]["as_of"]["anyOf"] == [
        {"type": "integer", "minimum": 1000, "maximum": 9999}, {"type": "string", "format": "date"}, {"type": "null"},
    ]


def test_schema_command_prints_the_generated_schema(capsys):
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == json_schema(Claim)
    assert main(["schema", "--article"]) == 0
    assert json.loads(capsys.readouterr().out) == json_schema(Article)
    assert main(["schema", "--dismissed"]) == 0
    assert json.loads(capsys.readouterr().out) == json_schema(Dismissals)


def test_a_dismissals_file_written_by_factcheck_validates_and_a_broken_one_does_not(capsys, tmp_path):
    root = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": OTHER_YAML})
    assert main(["dismiss", "--root", str(root), "--editor", "ann", "test-article", "Critics disagree.", "--reason", "Opinion."]) == 0
    path = root / "test-article" / "dismissed.yaml"
    text = path.read_text(encoding="utf-8")
    assert schema_errors(Dismissals, text) == []
    capsys.readouterr()
    for broken in (text.replace("    by: ann\n", ""), text.replace("    by: ann\n", "    by: ann\n    bye: ann\n"), text.replace("dismissed:", "dismised:")):
        path.write_text(broken, encoding="utf-8")
        assert main(["validate", str(root)]) == 1, broken
        assert schema_errors(Dismissals, broken) != [], broken


def test_every_built_in_claim_file_validates():
    files = sorted(BUILT_IN.glob("*/*.yaml"))
    claims = [f for f in files if f.name not in ("article.yaml", "dismissed.yaml")]
    assert len(claims) > 10
    errors = {}
    for path in files:
        cls = {"article.yaml": Article, "dismissed.yaml": Dismissals}.get(path.name, Claim)
        found = schema_errors(cls, path.read_text(encoding="utf-8"))
        if found:
            errors[path.name] = found
    assert errors == {}


def test_fixture_claims_validate():
    assert schema_errors(Claim, CLAIM_YAML) == [] and schema_errors(Claim, OTHER_YAML) == []
    assert schema_errors(Claim, OTHER_WITH_QUANTITIES) == []


CASES = {
    "unknown key": (CLAIM_YAML.replace("summary: null\n", "summary: null\nverdikt: null\n"), "unknown-key"),
    "wrong enum word": (CLAIM_YAML.replace("kind: quantity", "kind: quantty"), "enum"),
    "number for a string": (CLAIM_YAML.replace('claimant: "The mayor"', "claimant: 7"), "type"),
    "ftp url": (OTHER_YAML.replace("https://example.org/survey", "ftp://example.org/survey"), "value"),
    "missing required key": (CLAIM_YAML.replace('claimant: "The mayor"\n', ""), "missing-key"),
    "empty text": (CLAIM_YAML.replace('text: "The mayor said 24 bridges were repaired in 2023."', 'text: "  "'), "value"),
    "tag not a slug": (CLAIM_YAML.replace("  - infrastructure", "  - Infra Structure"), "value"),
    "not a date": (OTHER_YAML.replace("accessed: 2024-04-02", "accessed: yesterday"), "date"),
    "boolean quantity": (OTHER_WITH_QUANTITIES.replace("value: 57", "value: true"), "type"),
    "quantity year out of range": (OTHER_WITH_QUANTITIES.replace("as_of: 2017", "as_of: 20170"), "value"),
    "quantity unit of two words": (OTHER_WITH_QUANTITIES.replace("unit: percent", "unit: per cent", 1), "value"),
    "quantity without text": (OTHER_WITH_QUANTITIES.replace("    text: 57 percent\n", ""), "missing-key"),
}


@pytest.mark.parametrize("case", CASES)
def test_schema_rejects_what_validate_rejects(capsys, tmp_path, case):
    text, code = CASES[case]
    name = "support-rose" if text.startswith("id: support-rose") else "bridges-repaired"
    root = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": OTHER_YAML, name: text})
    assert main(["validate", "--format", "json", str(root)]) == 1
    assert code in [p["code"] for p in json.loads(capsys.readouterr().out)]
    assert schema_errors(Claim, text) != []


def test_fmt_schema_line(capsys, tree):
    path = tree / "test-article" / "bridges-repaired.yaml"
    other = tree / "test-article" / "support-rose.yaml"
    assert main(["fmt", "--schema-line", "https://example.org/claim.schema.json", str(tree)]) == 0
    assert capsys.readouterr().out == f"formatted {path}\nformatted {other}\n2 claim files checked, 2 reformatted\n"
    assert path.read_text() == "# yaml-language-server: $schema=https://example.org/claim.schema.json\n" + CLAIM_YAML
    assert other.read_text() == "# yaml-language-server: $schema=https://example.org/claim.schema.json\n" + OTHER_YAML
    assert main(["fmt", "--check", str(tree)]) == 0
    assert main(["validate", str(tree)]) == 0
    capsys.readouterr()
    assert main(["fmt", "--schema-line", "../claim.schema.json", str(path)]) == 0
    assert path.read_text() == "# yaml-language-server: $schema=../claim.schema.json\n" + CLAIM_YAML
