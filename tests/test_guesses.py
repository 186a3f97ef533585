"""The triage guesses: who claims a sentence (factcheck.attribution) and what kind of claim it is.

Some sentences are short excerpts, some shortened, of news reports used to measure the
guesses (bench/guesses.py): CBS News on Scott Kirby's private jet (July 2023), Reuters on
Twitter's layoffs (October 2015, via https://hrreporter.com/news/hr-news/twitter-announces-layoffs-as-ceo-dorsey-looks-to-revive-growth/285962)
and TIME on BlackBerry's job cuts (September 2013, https://business.time.com/?p=88363).
"""

from __future__ import annotations

import pytest

from factcheck.attribution import AUTHOR, EARLIER, NAMED, QUESTION, UNNAMED, attribute, complete, named_in
from factcheck.quantities import extract
from factcheck.suggest import candidates, guess_kind


@pytest.mark.parametrize(("sentence", "claimant"), [
    ("Boeing said it was working closely with the airline.", "Boeing"),
    ("Emirates President Tim Clark told reporters the delays were frustrating.", "Tim Clark"),
    ("According to the flight tracking website FlightAware, more than 7,400 flights were delayed.", "FlightAware"),
    ("According to surveys by the independent pollster Levada Center, support rose.", "Levada Center"),
    ("Boeing announced Wednesday that deliveries would resume.", "Boeing"),
    ("In Clark’s words, the jet is “years late.”", "Clark"),
    ("Boeing’s statement said the jet would fly in 2026.", "Boeing"),
    ("Airbus claims its jet burns less fuel.", "Airbus"),
    ("Ortberg wrote in a memo that the plant would reopen.", "Ortberg"),
    ("“We are not happy,” said Tim Clark, the airline's president.", "Tim Clark"),
    ("Kirby, in a statement provided to CBS News Friday evening, said it was the wrong decision.", "Kirby"),
    ("The FAA, which oversees air traffic, responded by telling reporters that it would cooperate.", "FAA"),
    ("As of Friday night, more than 400 flights had been canceled, per FlightAware.", "FlightAware"),
    ("On Monday Boeing said deliveries would resume.", "Boeing"),
    ("At the beginning of March, Tajik President Emomali Rahmon said that 24 Tajiks took part.", "Emomali Rahmon"),
])
def test_the_sentence_names_its_claimant(sentence, claimant):
    assert named_in(sentence) == claimant


@pytest.mark.parametrize("sentence", [
    "The airline announced Wednesday that it would buy 65 more jets.",  # not "Wednesday"
    "On Monday, the company said deliveries would resume.",
    "“It is late,” said Wednesday’s statement.",
    "Last week said it all.",
    "Officials said the plane was safe.",  # a bare role
    "He said the plane was safe.",  # a pronoun
    "Some estimates put the death toll at up to 100,000.",
    "The year before, ISIS claimed responsibility for killing a group of cyclists.",  # an act, not a statement
    "Responsibility for the attack near Moscow has been claimed by the Islamic State, and most suspects are from Tajikistan.",
    "The 777 program has faced delays for years.",
])
def test_no_date_role_or_pronoun_is_a_claimant(sentence):
    assert named_in(sentence) is None


def test_the_article_names_who_a_pronoun_or_a_role_stands_for():
    sentences = [
        "Emirates, the Dubai-based airline, ordered 65 more jets.",
        "The airline announced Wednesday that the jets would arrive in 2027.",
        "United Airlines CEO Scott Kirby apologised on Friday.",
        "Kirby said it was the wrong decision.",
        "He also said the FAA had failed United.",
        "“Taking a private jet was a bad decision.",
        "I apologise,” said Kirby.",
        "Officials said the airport was closed.",
        "Prices rose sharply last year.",
        "Are they able to stop it?",
    ]
    got = attribute(sentences, " ".join(sentences))
    assert [(a.claimant, a.basis) for a in got] == [
        (None, AUTHOR), ("Emirates", EARLIER), (None, AUTHOR), ("Scott Kirby", NAMED), ("Scott Kirby", EARLIER),
        ("Scott Kirby", EARLIER), ("Scott Kirby", NAMED), (None, UNNAMED), (None, AUTHOR), (None, QUESTION),
    ]
    assert got[1].said_by == "The airline" and "named elsewhere" in got[1].explain()
    assert "“Officials” without a name" in got[7].explain() and "article's author" in got[8].explain()


def test_complete_spells_a_name_as_the_tree_does():
    known = ["Vladimir Putin", "Levada Center", "Carnegie Politika author"]
    assert complete("Putin", known) == "Vladimir Putin"
    assert complete("President Vladimir Putin", known) == "Vladimir Putin"
    assert complete("levada center", known) == "Levada Center"
    assert complete("Boeing", known) == "Boeing"


@pytest.mark.parametrize(("sentence", "kind"), [
    ("The 777 program has faced delays for years.", "event"),
    ("Emirates ordered 65 more 777X jets worth $38 billion.", "quantity"),
    ("About 70 percent of Tajiks live in rural areas.", "quantity"),
    ("The attack is unlikely to change relations between the two countries.", "prediction"),
    ("Deliveries will resume in 2026.", "prediction"),
    ("The delays were caused by supply problems.", "causal"),
    ("Boeing said the delays were caused by supply problems.", "attribution"),
    ("Tajikistan is a corrupt, authoritarian regime.", "characterization"),
    ("The situation in Tajikistan is also one of the worst in Central Asia.", "characterization"),
    ("It is hard to imagine how ties could get much deeper.", "opinion"),
    ("Are these regimes able to prevent attacks?", "opinion"),
    ("Kirby took a private jet from New Jersey to Denver.", "event"),
])
def test_kind_from_the_sentence_shape(sentence, kind):
    assert guess_kind(sentence).value == kind


@pytest.mark.parametrize("sentence", [
    "The 777 program has faced delays for years.",
    "The 737 Max has been grounded twice.",
    "Boeing 737 jets were grounded.",
    "Flight 17 was shot down.",
    "It was the third delay this year.",
    "The 787 Dreamliner program is late.",
])
def test_a_model_number_a_year_or_an_ordinal_is_no_quantity(sentence):
    assert extract(sentence) == []


def test_numbers_next_to_a_model_still_count():
    assert [(q.value, q.unit) for q in extract("The 737 Max crashes killed 346 people.")] == [(346, "people")]
    assert [(q.value, q.unit) for q in extract("More than 7,400 U.S. flights were delayed.")] == [(7400, "flights")]
    assert [(q.value, q.unit) for q in extract("Its 5,000 employees and the 24 Tajiks.")] == [(5000, "employees"), (24, "people")]


def test_candidates_carry_the_attribution_and_the_kind_it_implies():
    text = "United Airlines CEO Scott Kirby apologised on Friday.\n\nKirby said it was the wrong decision.\n"
    found = candidates(text, scorer=lambda s: [0.5] * len(list(s)))
    assert [(c.claimant, c.attribution.basis, c.kind.value) for c in found] == [
        (None, AUTHOR, "event"), ("Scott Kirby", NAMED, "attribution"),
    ]


def test_a_quotation_over_several_sentences_is_its_speakers():
    sentences = [
        '"We feel strongly that engineering will move faster," Dorsey said in a letter.',
        '"And the rest will be streamlined in parallel."',
        '"The general thinking is that Twitter has a product problem.',
        "You would normally not be cutting in engineering.",
        'So I scratched my head," Shebly Seyrafi told Reuters.',
        "Twitter has rolled out a button.",
    ]
    got = attribute(sentences)
    assert [a.claimant for a in got] == ["Dorsey", "Dorsey", "Shebly Seyrafi", "Shebly Seyrafi", "Shebly Seyrafi", None]
    assert [a.basis for a in got] == [NAMED, EARLIER, EARLIER, EARLIER, NAMED, AUTHOR]


def test_a_name_is_completed_within_its_sentence_only():
    text = "Analysts surveyed by Bloomberg.\nBlackberry employed 12,700 people.\nBlackberry, which has been losing money, announced a committee."
    assert [a.claimant for a in attribute(text.split("\n"), text)] == [None, None, "Blackberry"]


def test_new_guesses_claimant_kind_and_id_as_triage_does(capsys, tree):
    from factcheck.cli import main

    assert main(["new", "--root", str(tree), "test-article", "--quote", "24 bridges were repaired in 2023",
                 "--text", "The city repaired 24 bridges in 2023."]) == 0
    text = (tree / "test-article" / "city-repaired-24-bridges-2023.yaml").read_text(encoding="utf-8")
    assert "\nclaimant: the mayor cited by Test Outlet\nkind: quantity\n" in text
    assert main(["new", "--root", str(tree), "test-article", "--quote", "Critics disagree.", "--claimant", "Critics", "--kind", "opinion"]) == 0
    assert "\nclaimant: Critics\nkind: opinion\n" in (tree / "test-article" / "critics-disagree.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("restated", "claim_id"), [
    ("BlackBerry will cut 4,500 jobs facing nearly $1 billion losses", "blackberry-cut-4500-jobs-facing"),
    ("Twitter shares rose as much as 6.7% on Tuesday", "twitter-shares-rose-much-6-7"),
    ("Kirby said the private jet was the wrong decision.", "kirby-private-jet-wrong-decision"),
    ("(Reuters) — Twitter will lay off up to 336 employees", "twitter-lay-off-up-336"),
    ("SAN FRANCISCO (AP) -- Twitter will lay off staff", "twitter-lay-off-staff"),
    ("The", "claim"),
    ("Supercalifragilisticexpialidocious antidisestablishmentarianism floccinaucinihilipilification", "supercalifragilisticexpialidocious"),
])
def test_ids_are_a_few_content_words_of_the_restated_claim(restated, claim_id):
    from factcheck.triage import ID_LENGTH, id_from

    assert id_from(restated) == claim_id and len(id_from(restated)) <= ID_LENGTH
