"""The converter (factcheck.convert): strict types, every error with its path, canonical plain data."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

from builders import other

from factcheck.convert import raw_field_errors, structure, structure_lenient, unstructure
from factcheck.model import Claim, Source


def test_a_claim_goes_to_plain_data_and_back_unchanged():
    built = other()
    plain = unstructure(built)
    assert list(plain)[:6] == ["id", "text", "quote", "claimant", "kind", "status"]  # the model's order
    assert plain["kind"] == "quantity" and plain["sources"][0]["stance"] == "supports"  # words, not enums
    assert structure(plain, Claim) == (built, [])


def test_no_value_is_coerced_to_the_type_asked_for():
    plain = unstructure(other())
    plain["claimant"] = 7
    plain["sources"][0]["published"] = "1 Dec 2021"  # a string, not a date (YYYY-MM-DD text is read as one)
    plain["history"][0]["at"] = dt.date(2024, 4, 1)  # a date where a time is asked for
    claim, errors = structure(plain, Claim)
    assert claim is None
    assert sorted(e.path for e in errors) == [("claimant",), ("history", 0, "at"), ("sources", 0, "published")]


def test_every_error_is_reported_with_its_path_and_code():
    plain = unstructure(other())
    del plain["quote"]
    plain["kind"] = "quantty"
    plain["verdikt"] = None
    _, errors = structure(plain, Claim)
    assert [(e.path, e.code) for e in errors] == [(("quote",), "missing-key"), (("kind",), "enum"), (("verdikt",), "unknown-key")]
    assert errors[2].message == "unknown key 'verdikt' (did you mean 'verdict'?)"


def test_structure_lenient_skips_validators_but_not_types():
    plain = unstructure(other())
    plain["sources"][0]["excerpt"] = "x" * 401  # too long: a validator's business
    assert structure(plain, Claim)[0] is None
    lenient = structure_lenient(plain, Claim)
    assert lenient is not None and len(lenient.sources[0].excerpt) == 401
    plain["claimant"] = 7
    assert structure_lenient(plain, Claim) is None


def test_raw_field_errors_run_the_field_validators_on_plain_data():
    plain = unstructure(other().sources[0])
    plain["url"] = "ftp://example.org/survey"
    assert [e.path for e in raw_field_errors(plain, Source)] == [("url",)]


def test_nested_limits_are_checked_whichever_check_runs_first():
    """field_errors looks into sources and history also when it runs before any converter
    (in a fresh process: `factcheck new`, `suggest --write` and the triage view call it first)."""
    code = (
        "import datetime as dt\n"
        "from factcheck.convert import field_errors, unvalidated\n"
        "from factcheck.model import Claim, Kind, Source, Stance, Status\n"
        "source = unvalidated(Source, url='https://example.org/', title='T', publisher='P', published=None,\n"
        "                     accessed=dt.date(2024, 1, 1), excerpt='x' * 401, stance=Stance.SUPPORTS)\n"
        "claim = unvalidated(Claim, id='a', text='t', quote='q', claimant='c', kind=Kind.EVENT, status=Status.NEW, sources=[source])\n"
        "print([e.path for e in field_errors(claim)])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[('sources', 0, 'excerpt')]"

