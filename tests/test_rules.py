"""The rules of one claim and across claims (factcheck.rules): pure functions, no files."""

from __future__ import annotations

from conftest import ARTICLE_TEXT

from factcheck import rules
from factcheck.rules import QuoteIndex, closest_passage, cross_rules, cross_rules_for, find_quote


def test_find_quote_gives_the_span_in_the_article_as_written():
    text = "He said “24  bridges\nwere repaired”. Then left."
    span = find_quote('"24 bridges were repaired"', text)
    assert span is not None and text[span[0]:span[1]] == "“24  bridges\nwere repaired”"
    assert find_quote("25 bridges", text) is None
    assert find_quote("  ", text) is None  # an empty quote is found nowhere


def test_closest_passage_is_the_sentence_most_like_the_quote():
    text = "The council met. The mayor said that 24 bridges were repaired in 2023. Critics disagree."
    assert closest_passage("The mayor said 25 bridges were fixed in 2023.", text) == "The mayor said that 24 bridges were repaired in 2023."
    assert closest_passage("anything", "") == ""


def test_quote_index_forgives_whitespace_and_curly_quotes():
    index = QuoteIndex(ARTICLE_TEXT)
    assert index.contains("according to the city's \"annual   survey.\"")
    assert not index.contains("according to the town's survey")


def test_cross_rules_find_duplicate_ids_and_missing_related_ids():
    found = cross_rules(
        {"a/one.yaml": "one", "b/one.yaml": "one", "a/two.yaml": "two", "a/bad.yaml": None},
        {"a/one.yaml": [], "b/one.yaml": [], "a/two.yaml": ["one", "onne"]},
    )
    assert {path: [(e.code, e.path) for e in errors] for path, errors in found.items()} == {
        "b/one.yaml": [("duplicate-id", ("id",))],
        "a/two.yaml": [("related-missing", ("related", 1))],
    }
    assert found["b/one.yaml"][0].message == "id 'one' is already used by a/one.yaml"
    assert cross_rules({"a/one.yaml": "one"}, {"a/one.yaml": []}) == {}


def test_cross_rules_for_one_claim_agrees_with_the_whole_tree():
    paths_by_id = {"one": ["a/one.yaml", "b/one.yaml"], "two": ["a/two.yaml"]}
    assert [e.code for e in cross_rules_for("b/one.yaml", "one", ["two", "three"], paths_by_id)] == ["duplicate-id", "related-missing"]
    assert cross_rules_for("a/one.yaml", "one", ["two"], paths_by_id) == []  # the first file of an id keeps it


def test_credentials_are_found_exactly_where_the_authority_holds_an_at_sign():
    """The one-pattern check agrees with the plain definition (the part after the first
    "://" and before any "/", "?" or "#" holds "@") on every short string of URL pieces."""
    import itertools

    from factcheck.rules import has_credentials

    def by_definition(url: str) -> bool:
        authority = url.partition("://")[2]
        for end in "/?#":
            authority = authority.split(end, 1)[0]
        return "@" in authority

    pieces = ["a", ":", "/", "?", "#", "@", "://", "\n"]
    checked = 0
    for length in range(6):
        for parts in itertools.product(pieces, repeat=length):
            url = "".join(parts)
            assert has_credentials(url) == by_definition(url), repr(url)
            checked += 1
    assert checked > 37000
    assert has_credentials("https://user:pw@example.org/") and not has_credentials("https://web.archive.org/web/https://u:p@x.org/")



def test_normalize_is_the_plain_definition():
    """normalize looks for work before doing it; the answer is that of the plain definition
    (translate every character, one space for every run of whitespace) on every short
    string of the characters that matter."""
    import itertools
    import re


    def plain(text):
        return re.sub(r"\s+", " ", text.translate(rules._QUOTE_MAP)).strip()

    alphabet = ["a", " ", "\t", "\n", "\u3000", "\u2028", "é", *map(chr, rules._QUOTE_MAP)]  # every curly quote
    tried = 0
    for length in range(4):
        for chars in itertools.product(alphabet, repeat=length):
            text = "".join(chars)
            assert rules.normalize(text) == plain(text), repr(text)
            tried += 1
    assert tried > 8_000

