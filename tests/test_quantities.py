"""Quantities: the numbers a claim's quote states, from the extractor to every surface."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from builders import claim_yaml
from conftest import CLAIM_YAML, OTHER_WITH_QUANTITIES, OTHER_YAML, QUANTITIES_BLOCK, REVIEWED, make_tree

from factcheck.cli import main
from factcheck.convert import structure, unstructure
from factcheck.model import CLAIM_KEYS, Claim, Kind, Quantity
from factcheck.quantities import extract
from factcheck.yaml.roundtrip import load_roundtrip, to_plain


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def read(text: str) -> dict:
    return to_plain(load_roundtrip("x.yaml", text.encode()).doc)


def found(text: str) -> list[tuple]:
    return [(q.value, q.unit, q.text, q.as_of) for q in extract(text)]


# -- the extractor, on sentences of the built-in article and a few of its own -------------

ARTICLE_SENTENCES = {
    "According to surveys by the independent pollster Levada Center, the percentage of Russians who support "
    "restrictions on migration rose from 57 percent in 2017 to 68 percent in 2021.": [
        (57, "percent", "57 percent", 2017), (68, "percent", "68 percent", 2021),
    ],
    "At the beginning of March, Tajik President Emomali Rahmon said that in the last three years, twenty-four "
    "Tajiks have committed or planned terrorist attacks in ten countries.": [
        (3, "years", "three years", None), (24, "people", "twenty-four Tajiks", None), (10, "countries", "ten countries", None),
    ],
    "Twenty-six percent would not allow migrants from Central Asia into Russia at all.": [(26, "percent", "Twenty-six percent", None)],
    "The country’s entire population is just 10 million.": [(10_000_000, "people", "population is just 10 million", None)],
    "Some estimates put the brutal war’s death toll at up to 100,000.": [(100_000, "deaths", "toll at up to 100,000", None)],
    "About 70 percent of Tajiks live in rural areas, where child brides, polygamy, and female unemployment are common.": [
        (70, "percent", "About 70 percent", None),
    ],
    "At the beginning of 2024, two Tajik suicide bombers killed almost 100 people in Iran when they blew themselves "
    "up at a memorial service in a cemetery.": [
        (2, "bombers", "two Tajik suicide bombers", 2024), (100, "people", "almost 100 people", 2024),
    ],
    "with the country ranking 162 in the world by GDP per capita—alongside Haiti": [(162, "rank", "ranking 162", None)],
    # Years, dates, decades and ranges of years are not quantities.
    "Tajikistan is the only country in Central Asia to have lived through a relatively recent civil war (1992–1997).": [],
    "Responsibility for the March 22 terrorist attack at the Crocus City concert hall near Moscow has been claimed.": [],
    "Most famously, Tajik riot police commander Gulmurod Khalimov swore loyalty to ISIS in 2015.": [],
    "There is only one path for those opposed to the regime: radicalization.": [],
    "In 2019, dozens of fighters crossed deep into Tajikistan from Afghanistan.": [],
}

OWN_SENTENCES = {
    "The government spent $5 billion on the bridges.": [(5_000_000_000, "USD", "$5 billion", None)],
    "It costs €2.5 million a year.": [(2_500_000, "EUR", "€2.5 million", None)],
    "Wages rose to about 20,000 rubles in 2022.": [(20_000, "RUB", "about 20,000 rubles", 2022)],
    "Support rose 3 percentage points to 40% in the 1990s.": [(3, "percentage-points", "3 percentage points", None), (40, "percent", "40%", None)],
    "In 2019, 3.5 percent of 1,200 people agreed.": [(3.5, "percent", "3.5 percent", 2019), (1200, "people", "1,200 people", 2019)],
    "US$1.1 million was paid.": [(1_100_000, "USD", "US$1.1 million", None)],
}


@pytest.mark.parametrize("sentence", [*ARTICLE_SENTENCES, *OWN_SENTENCES])
def test_extractor_reads_the_numbers_a_sentence_states(sentence):
    expected = ARTICLE_SENTENCES.get(sentence, OWN_SENTENCES.get(sentence))
    assert found(sentence) == expected
    for quantity in extract(sentence):
        assert quantity.text in sentence  # verbatim: the quantity-not-in-quote rule always holds
        assert type(quantity.value) is (float if quantity.value != int(quantity.value) else int)


# -- the model and the converter -------------------------------------------------------------


def test_round_trip_keeps_quantities_in_field_order_and_omits_an_empty_list():
    claim, errors = structure(read(OTHER_WITH_QUANTITIES), Claim)
    assert errors == [] and claim.quantities == [
        Quantity(57, "percent", "57 percent", 2017, "support for the plan"),
        Quantity(68, "percent", "68 percent", dt.date(2021, 12, 1)),
    ]
    data = unstructure(claim)
    assert tuple(data) == CLAIM_KEYS and list(data).index("quantities") == list(data).index("related") + 1
    assert data["quantities"][1] == {"value": 68, "unit": "percent", "text": "68 percent", "as_of": dt.date(2021, 12, 1)}
    plain, _ = structure(read(OTHER_YAML), Claim)
    assert plain.quantities == [] and "quantities" not in unstructure(plain)


BAD = {
    "a boolean value": ("value: 57\n", "value: true\n", "type", "expected a number, got a boolean"),
    "a quoted value": ("value: 57\n", 'value: "57"\n', "type", "expected a number, got a string"),
    "an infinite value": ("value: 57\n", "value: .inf\n", "value", "value must be a finite number"),
    "a quoted year": ("as_of: 2017\n", 'as_of: "2017"\n', "date", "write a year unquoted"),
    "a year of five digits": ("as_of: 2017\n", "as_of: 20170\n", "value", "is not a year"),
    "a unit of two words": ("unit: percent\n    text: 57", "unit: per cent\n    text: 57", "value", "is not a unit word"),
    "an unknown key": ("label: support", "lable: support", "unknown-key", "did you mean 'label'"),
    "a missing unit": ("    unit: percent\n    text: 57 percent\n", "    text: 57 percent\n", "missing-key", "'unit'"),
}


@pytest.mark.parametrize("case", BAD)
def test_validate_reports_a_bad_quantity_at_its_line(capsys, tmp_path, case):
    old, new, code, words = BAD[case]
    text = OTHER_WITH_QUANTITIES.replace(old, new, 1)
    root = make_tree(tmp_path, {"support-rose": text})
    status, out, _ = run(capsys, "validate", "--format", "json", root)
    problems = json.loads(out)
    assert status == 1 and [p["code"] for p in problems] == [code]
    line = next(n for n, row in enumerate(text.splitlines(), 1) if new.strip().split("\n")[0].strip() in row) if code != "missing-key" else None
    if line is not None:
        assert problems[0]["line"] == line
    assert words in problems[0]["message"]


# -- the rule -------------------------------------------------------------------------------


def test_quantity_text_must_occur_in_the_quote(capsys, tmp_path):
    text = OTHER_WITH_QUANTITIES.replace("text: 68 percent\n", "text: 69 percent\n")
    root = make_tree(tmp_path, {"support-rose": text})
    status, out, _ = run(capsys, "validate", "--format", "parsable", root)
    line = text.splitlines().index("    text: 69 percent") + 1
    assert status == 1
    assert out.splitlines()[0] == (
        f"{root}/test-article/support-rose.yaml:{line}:11: error [quantity-not-in-quote] quantity text '69 percent' "
        "does not occur in the quote; copy the words the number comes from"
    )


def test_the_rule_forgives_whitespace_and_curly_quotes_like_the_quote_rule(capsys, tmp_path):
    text = OTHER_WITH_QUANTITIES.replace("text: 68 percent\n", "text: \"68  percent in 2021, according to the city’s “annual\"\n")
    root = make_tree(tmp_path, {"support-rose": text})
    assert run(capsys, "validate", root)[0] == 0


# -- the fast path and fmt ----------------------------------------------------------------------


def test_a_file_with_quantities_is_read_on_the_fast_path_and_is_canonical(capsys, tmp_path):
    from factcheck.reading import parse

    root = make_tree(tmp_path, {"support-rose": OTHER_WITH_QUANTITIES, "bridges-repaired": CLAIM_YAML})
    path = root / "test-article" / "support-rose.yaml"
    parsed = parse(str(path), path.read_bytes(), Claim)
    assert parsed.record is not None and [q.value for q in parsed.record.quantities] == [57, 68]
    assert run(capsys, "fmt", "--check", root)[0] == 0
    assert run(capsys, "validate", root)[0] == 0


def test_fmt_puts_quantities_and_their_keys_in_canonical_order_and_drops_an_empty_list(capsys, tmp_path):
    shuffled = QUANTITIES_BLOCK.replace(
        "  - value: 57\n    unit: percent\n    text: 57 percent\n    as_of: 2017\n    label: support for the plan\n",
        "  - label: support for the plan\n    text: 57 percent\n    as_of: 2017\n    unit: percent\n    value: 57\n",
    )
    at_the_end = OTHER_YAML + shuffled
    root = make_tree(tmp_path, {"support-rose": at_the_end, "bridges-repaired": CLAIM_YAML.replace("sources: []\n", "quantities: []\nsources: []\n")})
    code, out, _ = run(capsys, "fmt", "--check", root)
    assert code == 1 and out.count("not-canonical") == 2
    assert run(capsys, "fmt", root)[0] == 0
    assert (root / "test-article" / "support-rose.yaml").read_text() == OTHER_WITH_QUANTITIES
    assert (root / "test-article" / "bridges-repaired.yaml").read_text() == CLAIM_YAML


# -- export, show ----------------------------------------------------------------------------------


def test_export_json_carries_quantities_and_claimreview_does_not(capsys, tmp_path):
    published = (
        OTHER_WITH_QUANTITIES.replace(
            "status: researching\nverdict: null\nsummary: null", 'status: published\nverdict: accurate\nsummary: "The survey shows it."'
        )
        + REVIEWED
    )
    root = make_tree(tmp_path, {"support-rose": published, "bridges-repaired": CLAIM_YAML})
    for attempt in ("cold", "cached"):
        code, out, _ = run(capsys, "export", "--format", "json", "--root", root)
        claims = {c["id"]: c for c in json.loads(out)}
        assert code == 0, attempt
        assert claims["support-rose"]["quantities"] == [
            {"value": 57, "unit": "percent", "text": "57 percent", "as_of": 2017, "label": "support for the plan"},
            {"value": 68, "unit": "percent", "text": "68 percent", "as_of": "2021-12-01"},
        ]
        assert list(claims["support-rose"]).index("quantities") == list(claims["support-rose"]).index("related") + 1
        assert "quantities" not in claims["bridges-repaired"]
    code, out, _ = run(capsys, "export", "--format", "claimreview", "--root", root)
    assert code == 0 and "quantit" not in out and "support-rose" in out


def test_show_lists_quantities(capsys, tmp_path):
    root = make_tree(tmp_path, {"support-rose": OTHER_WITH_QUANTITIES})
    code, out, _ = run(capsys, "show", "--root", root, "support-rose")
    assert code == 0
    assert "Quantities (2)\n  57 percent (as of 2017), support for the plan — “57 percent”\n  68 percent (as of 2021-12-01) — “68 percent”\n" in out


# -- set-quantities and suggest --write --------------------------------------------------------------


def test_set_quantities_from_the_quote_records_history_and_needs_no_correction(capsys, tmp_path):
    published = (
        OTHER_YAML.replace("status: researching\nverdict: null\nsummary: null", 'status: published\nverdict: accurate\nsummary: "The survey shows it."')
        + REVIEWED
    )
    root = make_tree(tmp_path, {"support-rose": published})
    path = root / "test-article" / "support-rose.yaml"
    code, out, _ = run(capsys, "set-quantities", "--root", root, "support-rose", "--from-quote", "--note", "The poll's two figures.")
    assert code == 0 and out.splitlines()[1:] == ["  57 percent (as of 2017) — “57 percent”", "  68 percent (as of 2021) — “68 percent”"]
    text = path.read_text()
    assert text.startswith(published.split("sources:")[0] + "quantities:\n  - value: 57\n    unit: percent\n    text: 57 percent\n    as_of: 2017\n")
    assert "corrections: []\n" in text
    assert text.endswith(
        "    action: quantities\n    field: quantities\n    after: 57 percent (as of 2017); 68 percent (as of 2021)\n    note: The poll's two figures.\n"
    )
    assert run(capsys, "validate", root)[0] == 0 and run(capsys, "fmt", "--check", root)[0] == 0
    code, out, err = run(capsys, "set-quantities", "--root", root, "support-rose", "--from-quote")
    assert code == 1 and out == "" and "already has these quantities" in err
    code, out, _ = run(capsys, "set-quantities", "--root", root, "support-rose", "--clear")
    assert code == 0 and "quantities:" not in path.read_text()
    assert "before: 57 percent (as of 2017); 68 percent (as of 2021)\n" in path.read_text()


def test_set_quantities_from_a_quote_with_none_says_none_was_found(capsys, tmp_path):
    """A quote with no quantity the extractor reads, on a claim with none: the refusal says
    so, not that the claim "already has these quantities"."""
    root = make_tree(tmp_path, {"bridges-repaired": claim_yaml(quote="Critics disagree.", text="Critics disagree with the mayor.", kind=Kind.EVENT)})
    before = (root / "test-article" / "bridges-repaired.yaml").read_bytes()
    code, out, err = run(capsys, "set-quantities", "--root", root, "bridges-repaired", "--from-quote")
    assert code == 1 and out == ""
    assert "found no quantity in the quote of bridges-repaired, and it has none" in err
    assert "already has" not in err
    code, out, err = run(capsys, "set-quantities", "--root", root, "bridges-repaired", "--clear")
    assert code == 1 and "nothing to change: bridges-repaired has no quantities" in err
    assert (root / "test-article" / "bridges-repaired.yaml").read_bytes() == before


def test_set_quantities_usage(capsys, tmp_path):
    root = make_tree(tmp_path)
    assert run(capsys, "set-quantities", "--root", root, "support-rose")[0] == 2
    assert run(capsys, "set-quantities", "--root", root, "support-rose", "--from-quote", "--clear")[0] == 2
    code, out, err = run(capsys, "set-quantities", "--root", root, "nope", "--from-quote")
    assert code == 1 and out == "" and "no claim with id 'nope'" in err


def test_suggest_write_fills_quantities(capsys, tmp_path):
    root = make_tree(tmp_path, {})
    code, out, _ = run(capsys, "suggest", "--root", root, "test-article", "--write")
    assert code == 0 and "3 claims written" in out
    folder = root / "test-article"
    bridges = structure(read((folder / "mayor-24-bridges-repaired-2023.yaml").read_text()), Claim)[0]
    assert bridges.quantities == [Quantity(24, "bridges", "24 bridges", 2023)]
    assert "1 quantity read from the quote" in bridges.history[0].note
    support = structure(read((folder / "support-plan-rose-57-percent.yaml").read_text()), Claim)[0]
    assert [(q.value, q.unit, q.as_of) for q in support.quantities] == [(57, "percent", 2017), (68, "percent", 2021)]
    critics = (folder / "critics-disagree.yaml").read_text()
    assert "quantities" not in critics
    assert run(capsys, "validate", root)[0] == 0 and run(capsys, "fmt", "--check", root)[0] == 0


def test_control_characters_in_a_quantity_are_found_and_never_shown_raw(capsys, tmp_path):
    text = OTHER_WITH_QUANTITIES.replace("label: support for the plan", 'label: "support\\e[31m for the plan"')
    root = make_tree(tmp_path, {"support-rose": text})
    code, out, _ = run(capsys, "validate", "--format", "parsable", root)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "label:" in row)
    assert code == 1 and f"support-rose.yaml:{line}:12: error [control-char] label holds the control character" in out
    assert "\x1b" not in out
