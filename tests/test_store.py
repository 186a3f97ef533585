"""The converter, the round trip, and the one writer."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import attrs
import pytest
from conftest import CLAIM_YAML

from factcheck.convert import structure, unstructure
from factcheck.model import Action, Claim, Source, Stance, Status, Verdict
from factcheck.session import concluded
from factcheck.store import ClaimStore, EditRefused, history_entry
from factcheck.yaml.roundtrip import load_roundtrip, to_plain

REPO = Path(__file__).resolve().parent.parent


def test_converter_is_strict():
    data = {"id": "a", "text": "t", "quote": "q", "claimant": 7, "kind": "event", "status": "new"}
    claim, errors = structure(data, Claim)
    assert claim is None
    assert [(e.path, e.code, e.message) for e in errors] == [(("claimant",), "type", "expected a string, got a number")]


def test_converter_round_trips_a_claim():
    data = {"id": "a", "text": "t", "quote": "q", "claimant": "c", "kind": "event", "status": "new",
            "history": [{"at": "2024-01-01T00:00:00Z", "by": "me", "action": "created", "after": "new"}]}
    claim, errors = structure(data, Claim)
    assert errors == []
    assert claim.history[0].at == dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    plain = unstructure(claim)
    assert list(plain) == ["id", "text", "quote", "claimant", "kind", "status", "verdict", "summary", "tags", "related", "sources", "corrections", "history"]
    assert plain["history"] == [{"at": claim.history[0].at, "by": "me", "action": "created", "after": "new"}]


def test_no_vocabulary_word_is_a_yaml_boolean_or_null():
    from factcheck.model import Vocabulary

    for vocabulary in Vocabulary.__subclasses__():
        for word in vocabulary.words():
            assert word.lower() not in {"true", "false", "null", "yes", "no", "on", "off", "~", ""}


def _add_source(claim: Claim) -> Claim:
    source = Source(url="https://example.org/new", title="New", publisher="Pub", published=dt.date(2024, 1, 2),
                    accessed=dt.date(2024, 4, 3), excerpt="24 bridges", stance=Stance.SUPPORTS)
    entry = history_entry(Action.SOURCE_ADDED, "tester", field="sources", after=source.url, at=dt.datetime(2024, 4, 3, 12, tzinfo=dt.timezone.utc))
    return attrs.evolve(claim, sources=[*claim.sources, source], history=[*claim.history, entry])


def test_writer_keeps_comments_and_untouched_lines(tree):
    path = tree / "test-article" / "bridges-repaired.yaml"
    store = ClaimStore.open(tree)
    store.edit("bridges-repaired", _add_source)
    after = path.read_text()
    expected = CLAIM_YAML.replace(
        "sources: []\n",
        "sources:\n"
        "  - url: https://example.org/new\n"
        "    title: New\n"
        "    publisher: Pub\n"
        "    published: 2024-01-02\n"
        "    accessed: 2024-04-03\n"
        "    excerpt: 24 bridges\n"
        "    stance: supports\n",
    ) + (
        "  - at: 2024-04-03T12:00:00Z\n"
        "    by: tester\n"
        "    action: source-added\n"
        "    field: sources\n"
        "    after: https://example.org/new\n"
    )
    assert after == expected
    assert ClaimStore.open(tree).find("bridges-repaired").problems == []


def test_writer_refuses_when_file_changed_on_disk(tree):
    path = tree / "test-article" / "bridges-repaired.yaml"
    store = ClaimStore.open(tree)
    changed = path.read_text().replace("infrastructure", "roads")
    path.write_text(changed)
    with pytest.raises(EditRefused, match="changed on disk"):
        store.edit("bridges-repaired", _add_source)
    assert path.read_text() == changed
    assert store.find("bridges-repaired").claim.tags == ["roads"]  # reloaded


def test_edit_that_breaks_a_rule_is_refused_and_file_untouched(tree):
    path = tree / "test-article" / "bridges-repaired.yaml"
    before = path.read_bytes()
    store = ClaimStore.open(tree)
    with pytest.raises(EditRefused) as info:
        store.edit("bridges-repaired", lambda c: concluded(c, "tester", status=Status.PUBLISHED, verdict=Verdict.ACCURATE, note="go"))
    assert "a published claim needs a summary" in info.value.message
    assert "needs at least one source that supports it" in info.value.message
    assert path.read_bytes() == before


def test_write_is_atomic_and_leaves_no_temp_files(tree):
    store = ClaimStore.open(tree)
    store.edit("bridges-repaired", _add_source)
    assert sorted(p.name for p in (tree / "test-article").iterdir()) == ["article.txt", "article.yaml", "bridges-repaired.yaml", "support-rose.yaml"]


def test_same_object_twice_is_written_twice_not_as_an_alias(tree):
    at = dt.datetime(2024, 4, 3, 12, tzinfo=dt.timezone.utc)

    def two_notes(claim: Claim) -> Claim:
        entries = [history_entry(Action.NOTE, "tester", note=n, at=at) for n in ("one", "two")]
        return attrs.evolve(claim, history=[*claim.history, *entries])

    store = ClaimStore.open(tree)
    store.edit("bridges-repaired", two_notes)
    text = (tree / "test-article" / "bridges-repaired.yaml").read_text()
    assert "&" not in text and "*" not in text
    assert text.count("  - at: 2024-04-03T12:00:00Z\n") == 2


def test_undo_on_a_published_claim_keeps_the_correction_and_adds_one(tree):
    from factcheck.session import EditSession

    store = ClaimStore.open(tree)
    session = EditSession(store, "tester")
    session.add_source("support-rose", Source(url="https://example.org/x", title="X", publisher="P", published=None,
                                              accessed=dt.date(2024, 4, 3), excerpt="x", stance=Stance.SUPPORTS))
    session.set_summary("support-rose", "It holds.")
    session.set_verdict("support-rose", Verdict.ACCURATE)
    session.set_status("support-rose", Status.IN_REVIEW)
    EditSession(store, "bo").set_status("support-rose", Status.PUBLISHED, note="Reviewed.")  # a second editor
    session.set_verdict("support-rose", Verdict.MIXED, correction="The 2017 figure is from another poll.")
    committed = store.find("support-rose").claim  # as if committed: others have seen "mixed"
    session.committed = lambda path: committed
    record, what = session.undo()
    claim = record.claim
    assert what == "verdict → mixed" and claim.verdict is Verdict.ACCURATE
    assert [c.change for c in claim.corrections] == ["verdict accurate → mixed", "undone: verdict → mixed"]
    last = claim.history[-1]
    assert (last.action, last.field, last.before, last.after) == (Action.UNDO, "verdict", "mixed", "accurate")
    assert store.find("support-rose").problems == []


def test_needs_is_the_one_answer_for_corrections_notes_and_fields():
    from factcheck.session import needs

    claim, _ = structure(to_plain(load_roundtrip("x.yaml", CLAIM_YAML.encode()).doc), Claim)
    assert [(n.what, n.reason) for n in needs(claim, status=Status.PUBLISHED)] == [
        ("in-review", "bridges-repaired must pass through in-review first; a second editor then publishes it"),
        ("note", "a review note: why the evidence is sufficient"),
        ("verdict", "a published claim needs a verdict"),
        ("summary", "a published claim needs a summary"),
        ("source", "a published claim needs at least one source"),
    ]
    source = Source("https://example.org/a", "A", "B", None, dt.date(2024, 1, 1), "x", Stance.REFUTES)
    published = attrs.evolve(claim, status=Status.PUBLISHED, verdict=Verdict.INACCURATE, summary="s", sources=[source])
    assert [n.what for n in needs(published, verdict=Verdict.MIXED)] == ["correction"]
    assert [n.what for n in needs(published, status=Status.IN_REVIEW)] == ["correction"]
    assert [n.what for n in needs(published, removes_source=True)] == ["correction", "note"]
    assert [n.what for n in needs(published, source_fields=("title",))] == []
    assert [n.what for n in needs(published, source_fields=("stance",))] == ["correction"]
    assert [n.what for n in needs(claim, verdict=Verdict.MIXED)] == []


def test_set_fields_repairs_a_bad_word_and_refuses_a_stale_start(tmp_path):
    from conftest import OTHER_YAML, make_tree

    from factcheck.session import EditSession, FieldChanged

    tree = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML.replace("kind: quantity", "kind: quantty"), "support-rose": OTHER_YAML})
    path = tree / "test-article" / "bridges-repaired.yaml"
    store = ClaimStore.open(tree)
    session = EditSession(store, "tester")
    assert store.find("bridges-repaired").claim is None
    with pytest.raises(EditRefused, match="kind: one of quantity"):
        session.set_fields("bridges-repaired", {"kind": "quantityy"})
    before = path.read_bytes()
    with pytest.raises(FieldChanged) as info:
        session.set_fields("bridges-repaired", {"kind": "event"}, started_from={"kind": "quantity"})
    assert (info.value.theirs, info.value.yours) == ("quantty", "event") and path.read_bytes() == before
    record = session.set_fields("bridges-repaired", {"kind": "quantity"}, started_from={"kind": "quantty"})
    assert record.claim.kind.value == "quantity" and record.problems == []
    assert path.read_text().startswith(CLAIM_YAML.rstrip("\n"))


@pytest.fixture
def parses_and_reads(monkeypatch):
    """Every parse of YAML text by any of the three parsers, and every opening of a file (by path)."""
    import builtins

    import ruamel.yaml
    import ryml
    import yaml

    parses: list[str] = []
    opened: list[str] = []

    def counting(owner, name, label):
        real = getattr(owner, name)

        def counted(*args, **kwargs):
            parses.append(label)
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)

    counting(ryml._ryml, "parse_csubstr", "rapidyaml")
    counting(yaml, "parse", "libyaml")
    counting(yaml, "compose", "libyaml")
    counting(ruamel.yaml.YAML, "parse", "round trip (events)")
    counting(ruamel.yaml.YAML, "load", "round trip")
    real_os_open, real_open = os.open, builtins.open

    def os_open(path, *args, **kwargs):
        opened.append(os.fspath(path))
        return real_os_open(path, *args, **kwargs)

    def open_(path, *args, **kwargs):
        if isinstance(path, (str, os.PathLike)):
            opened.append(os.fspath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(builtins, "open", open_)
    return parses, opened


#: One round-trip load: ruamel.yaml's pass over the events (anchors, tags, documents), then its document.
ONE_ROUND_TRIP = ["round trip (events)", "round trip"]


def test_an_edit_reads_and_parses_its_file_once(tree, monkeypatch, parses_and_reads):
    """From ``set_fields`` (the review screen's edit of a text field) to the file replaced: one
    read and one (round-trip) parse of the claim file; the bytes written are checked from
    the data they were made from."""
    from factcheck import fsio
    from factcheck.session import EditSession

    monkeypatch.setattr(fsio, "SETTLED_NS", 20_000_000)  # the file, written by the fixture, has settled
    time.sleep(0.05)
    path = str(tree / "test-article" / "bridges-repaired.yaml")
    store = ClaimStore.open(tree)
    session = EditSession(store, "tester")
    parses, opened = parses_and_reads
    parses.clear()
    opened.clear()
    session.set_fields("bridges-repaired", {"claimant": "The deputy mayor"}, note="misattributed")
    assert (parses, opened.count(path)) == (ONE_ROUND_TRIP, 1)
    assert 'claimant: "The deputy mayor"' in Path(path).read_text()
    assert session.undo_stack[-1].before.claimant == "The mayor"  # the claim as the edit read it
    time.sleep(0.05)
    parses.clear()
    opened.clear()
    session.add_note("bridges-repaired", "Checked with the city.")
    assert (parses, opened.count(path)) == (ONE_ROUND_TRIP, 1)


def test_an_edit_right_after_a_write_compares_the_bytes_before_replacing(tree, parses_and_reads):
    """A file written moments ago may change again within one clock tick without its stat
    showing it: then the writer reads it once more, just before replacing it."""
    from factcheck.session import EditSession

    path = str(tree / "test-article" / "bridges-repaired.yaml")
    session = EditSession(ClaimStore.open(tree), "tester")
    parses, opened = parses_and_reads
    opened.clear()
    session.add_note("bridges-repaired", "One.")
    assert opened.count(path) == 2
