"""Forms read from the model: a new field with its metadata reaches the review screen's forms."""

from __future__ import annotations

import datetime as dt

import attrs

from factcheck.forms import FormField, build, form_fields
from factcheck.model import OMIT_IF_DEFAULT, MaxLength, Source, Stance, _http_url

DAY = dt.date(2024, 4, 5)


@attrs.frozen
class Extended:
    """A source-like model with one new optional field."""

    url: str = attrs.field(validator=_http_url)
    stance: Stance
    seen: dt.date | None = attrs.field(default=None, metadata=OMIT_IF_DEFAULT)
    remark: str | None = attrs.field(default=None, validator=MaxLength(50, about=30), metadata={**OMIT_IF_DEFAULT, "help": "what to know"})


def test_a_new_optional_field_reaches_the_form_with_its_limit_and_help():
    fields = form_fields(Extended)
    assert [(f.name, f.label, f.kind, f.required) for f in fields] == [
        ("url", "URL", "url", True), ("stance", "Stance", "choice", True), ("seen", "Seen", "date", False), ("remark", "Remark", "text", False),
    ]
    assert fields[3] == FormField("remark", "Remark", "text", False, "optional: what to know (about 30 characters)", MaxLength(50, about=30))
    obj, errors = build(Extended, fields, {"url": "https://example.org/", "stance": "refutes", "remark": "x" * 51}, DAY)
    assert obj is None and errors == {"remark": "remark is 51 characters long; at most 50 (aim for about 30)"}
    obj, errors = build(Extended, fields, {"url": "https://example.org/", "stance": "refutes", "seen": "2024-04-01"}, DAY)
    assert errors == {} and obj == Extended("https://example.org/", Stance.REFUTES, dt.date(2024, 4, 1))
    _, errors = build(Extended, fields, {"url": "ftp://x", "stance": "maybe", "seen": "2099-01-01"}, DAY)
    assert errors == {
        "url": "url must be an http or https URL, got 'ftp://x'",
        "stance": "one of supports, refutes, context",
        "seen": "seen 2099-01-01 is in the future",
    }


def test_source_form_fields_follow_the_model():
    """Every field but the snapshots, which ``factcheck archive`` writes and nobody types."""
    assert [f.name for f in form_fields(Source)] == [a.name for a in attrs.fields(Source) if a.name != "snapshots"]
