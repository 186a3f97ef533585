"""factcheck.match.rerank: neighbouring texts as context for the order of each text's matches."""

from __future__ import annotations

from factcheck.match import match_texts
from factcheck.match.feed import Review
from factcheck.match.index import build
from factcheck.match.rerank import Context, day, rerank

ON = Context(window=1, depth=30, claimant=0.2, date=0.2)


def test_day_reads_iso_and_written_dates():
    assert day("2019-10-22T10:00:00Z") == "2019-10-22"
    assert day("stated on October 2, 2019 in a campaign mailer.:") == "2019-10-02"
    assert day("sometime in the fall") is None and day(None) is None


def test_the_neighbours_claimant_and_day_move_a_candidate_up():
    texts = [
        [(0.9, "Donald Trump", "2018-06-15")],
        [(0.50, "Joe Biden", "2012-01-01"), (0.45, "Donald Trump", "stated on June 15, 2018 in a speech")],
        [(0.8, "Donald Trump", "June 15, 2018")],
    ]
    orders = rerank(texts, ON)
    assert [k for k, _ in orders[1]] == [1, 0]
    assert orders[1][0][1] == 0.45 + 0.2 + 0.2  # the whole vote of both neighbours, for claimant and day
    assert orders[0] == [(0, 0.9)]  # its one neighbour's best (Biden, 2012) agrees with nothing
    assert rerank(texts, Context(window=2, claimant=0.2, date=0.2))[0] == [(0, 1.0)]  # 0.9 + 2 * 0.2 * 0.8 / 1.3, capped at 1
    assert rerank(texts, Context())[1] == [(0, 0.50), (1, 0.45)]  # no weights: BM25's order and scores


def test_a_text_alone_or_neighbours_that_agree_on_nothing_keep_the_order():
    alone = [[(0.5, "A", None), (0.4, "B", None)]]
    assert rerank(alone, ON) == [[(0, 0.5), (1, 0.4)]]
    apart = [[(0.9, "C", "2020-01-01")], [(0.5, "A", None), (0.4, "B", None)]]
    assert rerank(apart, ON)[1] == [(0, 0.5), (1, 0.4)]


def test_only_the_first_depth_candidates_are_reordered():
    texts = [[(0.9, "X", None)], [(0.5, "A", None), (0.4, "B", None), (0.3, "X", None)]]
    assert [k for k, _ in rerank(texts, Context(window=1, depth=2, claimant=0.4))[1]] == [0, 1, 2]
    assert [k for k, _ in rerank(texts, Context(window=1, depth=3, claimant=0.4))[1]] == [2, 0, 1]


def test_match_texts_uses_the_context_of_the_sentences_given_together():
    reviews = [
        Review("The senator voted to cut school funding", url="https://a.example/1", claimant="Ann Senator", date="2020-03-01"),
        Review("The governor voted to cut school funding twice", url="https://a.example/2", claimant="Bo Governor", date="2020-03-01"),
        Review("Unemployment doubled under the governor", url="https://a.example/3", claimant="Bo Governor", date="2020-03-01"),
    ]
    segment = build(reviews)
    texts = ["Unemployment doubled under the governor.", "She voted to cut school funding."]
    plain = match_texts(texts, [segment], 2, context=Context())
    found = match_texts(texts, [segment], 2, context=Context(window=1, depth=30, claimant=0.4))
    assert plain[1][0].review.url == "https://a.example/1"
    assert found[1][0].review.url == "https://a.example/2" and found[1][0].score > plain[1][1].score
    assert match_texts(texts[1:], [segment], 2, context=Context(window=1, depth=30, claimant=0.4))[0][0].review.url == "https://a.example/1"
