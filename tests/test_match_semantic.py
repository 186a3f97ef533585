"""Similarity in meaning: the model read from the wordllama wheel, offline, and its use by the matcher."""

from __future__ import annotations

import importlib.util
import socket

import attrs
import numpy as np
import pytest
from test_match_cli import feed_file, run, sentences

from factcheck.match import semantic
from factcheck.match.feed import Review
from factcheck.match.index import WEIGHTS, bm25, build, search


def similarities(text: str, others: list[str]) -> np.ndarray:
    """Cosine of ``text`` against each of ``others``: their unit vectors' dot products."""
    vectors = semantic.embed([text, *others])
    return vectors[1:] @ vectors[0]


@pytest.fixture
def fresh_model():
    """The model loaded anew in the test, and again lazily after it."""
    semantic.model.cache_clear()
    yield
    semantic.model.cache_clear()


def test_paraphrase_is_closer_than_an_unrelated_text():
    near = similarities(
        "Unemployment is at a 50-year low",
        ["The unemployment rate is the lowest in 50 years", "Cats like to drink milk", ""],
    )
    assert near[0] > 0.6
    assert abs(near[1]) < 0.3
    assert near[2] == 0.0  # an empty text has no meaning, and no NaN
    vectors = semantic.embed(["a", "the same words", "the same words"])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert float(vectors[1] @ vectors[2]) == pytest.approx(1.0, abs=1e-5)


def test_model_loads_with_every_connection_refused(monkeypatch, fresh_model):
    def refuse(*args, **kwargs):
        raise AssertionError("the model must not be downloaded")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    tokenizer, table = semantic.model()
    assert table.shape == (32000, 256)
    assert similarities("tax cut", ["tax cuts"])[0] > 0.5


def test_meaning_reorders_what_bm25_found():
    segment = build(
        [
            Review(claim="Bridge traffic fell to the lowest level in half a century", url="bridge"),
            Review(claim="The jobless rate is at the lowest level in 50 years", url="jobs"),
        ]
    )
    query = "Joblessness is at the lowest level in half a century"
    lexical = attrs.evolve(WEIGHTS, semantic=0.0)
    urls = lambda hits: [segment.review(h.doc).url for h in hits]  # noqa: E731
    assert urls(bm25([segment], query, 2, lexical)) == urls(search([segment], query, 2, lexical)) == ["bridge", "jobs"]
    blended = search([segment], query, 2, attrs.evolve(WEIGHTS, semantic=2.0))
    assert urls(blended) == ["jobs", "bridge"]
    assert all(0 < h.score <= 1 for h in blended)
    (same,) = search([segment], "The jobless rate is at the lowest level in 50 years", 1, WEIGHTS)
    assert same.score == pytest.approx(1.0, abs=0.02)


def test_bm25_finds_the_pool_meaning_orders_it():
    """Only what BM25 finds is scored for meaning: a text sharing no term is never found."""
    segment = build([Review(claim="Joblessness hits record low"), Review(claim="zebra stripes")])
    assert search([segment], "unemployment rate falls", 5) == []


def test_missing_model_is_a_clear_error_not_a_traceback(capsys, tmp_path, monkeypatch, fresh_model):
    real = importlib.util.find_spec
    monkeypatch.setattr(semantic.importlib.util, "find_spec", lambda name, *a: None if name == "wordllama" else real(name, *a))
    feed = feed_file(tmp_path, "Hot water cures the flu")
    code, out, err = run(capsys, "match", "--no-tree", "--against", feed, "--sentences", sentences(tmp_path, "hot water cures flu"))
    assert code == 1
    assert out == ""
    assert "wordllama package is not installed" in err and "Traceback" not in err


def test_missing_model_file_is_named(monkeypatch, fresh_model):
    monkeypatch.setattr(semantic, "WEIGHTS_FILE", "weights/no-such-model.safetensors")
    with pytest.raises(semantic.ModelMissing, match="no-such-model.safetensors: the wordllama package lacks"):
        semantic.model()


def test_kept_vectors_give_the_same_ranking_and_embed_each_candidate_once(monkeypatch):
    segment = build([Review(claim=c) for c in ("tax cut for the rich", "tax cut for the middle class", "the rich pay less tax", "school budget cut")])
    queries = ["the tax cut helps the rich", "a tax cut for the middle class", "tax cut"]
    alone = [search([segment], q, 3) for q in queries]
    embedded: list[int] = []
    real = semantic.embed

    def counting(texts):
        embedded.append(len(texts) - 1)  # the query is the first text
        return real(texts)

    monkeypatch.setattr(semantic, "embed", counting)
    vectors: dict = {}
    shared = [search([segment], q, 3, vectors=vectors) for q in queries]
    assert [[(h.doc, round(h.score, 5)) for h in hits] for hits in shared] == [[(h.doc, round(h.score, 5)) for h in hits] for hits in alone]
    assert sum(embedded) == len(vectors) == 4  # each shares "cut" with every query: all found by the first
    assert embedded[1:] == [0, 0]


def test_suggest_without_the_model_is_a_clear_error_too(capsys, tmp_path, monkeypatch, fresh_model):
    real = importlib.util.find_spec
    monkeypatch.setattr(semantic.importlib.util, "find_spec", lambda name, *a: None if name == "wordllama" else real(name, *a))
    code, out, err = run(capsys, "suggest", "--sentences", sentences(tmp_path, "Unemployment fell to 3.5 percent in 2019."))
    assert code == 1
    assert out == ""
    assert err.startswith("factcheck: the wordllama package is not installed") and "Traceback" not in err
