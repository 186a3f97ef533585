"""The converter, the round trip, and the one writer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest
from conftest import CLAIM_YAML

from factcheck import yamlio
from factcheck.cli.check import canonical_bytes
from factcheck.convert import structure, unstructure
from factcheck.model import Action, Claim, Source, Stance, Status, Verdict
from factcheck.session import concluded
from factcheck.store import ClaimStore, EditRefused, history_entry

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


def _claim_files():
    return sorted((REPO / "claims").glob("*/*.yaml"))


@pytest.mark.parametrize("path", _claim_files(), ids=lambda p: p.name)
def test_every_built_in_file_round_trips_byte_for_byte(path):
    raw = path.read_bytes()
    loaded = yamlio.load_roundtrip(str(path), raw)
    assert loaded.problems == []
    assert yamlio.dump(loaded.doc).encode() == raw
    if path.name not in ("article.yaml", "dismissed.yaml"):  # fmt lays out claim files only
        assert canonical_bytes(loaded) == raw


def test_fast_and_round_trip_paths_read_the_same_data(tree):
    path = tree / "test-article" / "support-rose.yaml"
    raw = path.read_bytes()
    with yamlio.quiet_stderr():
        fast = yamlio.load_fast(raw)
    slow = yamlio.to_plain(yamlio.load_roundtrip(str(path), raw).doc)
    assert structure(fast, Claim)[0] == structure(slow, Claim)[0]


LENIENT = [
    b"a: ~\n", b"a: &x 1\nb: *x\n", b"a: 1\na: 2\n", b"a: !!str 1\n", b"a: [1\n", b"- 1\n", b"a: 0x1F\n",
    b"---\na: 1\n---\nb: 1\n", b"a: Null\n", b"a: TRUE\n", b"a: -.inf\n", b"a: [x, &y z]\n", b"&k a: 1\n",
    b"a:\n  - !tag x\n", b"%YAML 1.2\n---\na: 1\n", b"? [a, b]\n: c\n",
]


@pytest.mark.parametrize("text", LENIENT)
def test_fast_path_steps_aside_for_what_it_reads_leniently(text):
    with yamlio.quiet_stderr():
        assert yamlio.load_fast(text) is None


def test_fast_path_threads_each_read_their_own_file():
    """rapidyaml's tree and JSON buffer are reused from file to file, one set per thread:
    threads reading at once each get their own file's data."""
    import threading

    texts = [f"id: c{n}\nitems:\n" + "".join(f"  - {n}-{i}\n" for i in range(50 + n)) for n in range(4)]
    wrong: list[str] = []

    def read(text: str) -> None:
        want = {"id": text.split()[1], "items": [line[4:] for line in text.splitlines()[2:]]}
        for _ in range(300):
            got = yamlio.load_fast(text.encode())
            if got != want:
                wrong.append(text[:8])

    with yamlio.quiet_stderr():
        threads = [threading.Thread(target=read, args=(text,)) for text in texts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert wrong == []


#: Every plain spelling that YAML 1.2 reads as null, a boolean or a number and rapidyaml
#: keeps as text.
SPECIAL_SPELLINGS = [
    "~", "Null", "NULL", "True", "TRUE", "False", "FALSE",
    "0x1F", "-0x1f", "+0x_1", "0o17", "-0o7", ".inf", ".Inf", ".INF", "-.inf", "+.Inf", "-.INF", ".nan", ".NaN", ".NAN",
]


@pytest.mark.parametrize("spelling", SPECIAL_SPELLINGS)
def test_fast_path_steps_aside_for_every_special_plain_spelling_anywhere(spelling):
    for text in (f"a: {spelling}\n", f"a:\n  - x\n  - {spelling}\n", f"a:\n  b: {spelling}\n", f"a: [{spelling}]\n"):
        with yamlio.quiet_stderr():
            assert yamlio.load_fast(text.encode()) is None, text
    quoted = f'a: "{spelling}"\nb: x {spelling}\n'.encode()  # quoted, or inside text: a string
    with yamlio.quiet_stderr():
        assert yamlio.load_fast(quoted) == yamlio.load_strict("x.yaml", quoted).data == {"a": spelling, "b": f"x {spelling}"}


@pytest.mark.parametrize("text", [b"a: null\nb: true\nc: false\n", b"- null\n- true\n", b"a: 'true'\nb: \"false\"\n"])
def test_fast_path_reads_the_lowercase_spellings_as_the_strict_reader_does(text):
    with yamlio.quiet_stderr():
        assert yamlio.load_fast(text) == yamlio.load_strict("x.yaml", text).data


#: Bytes that look like YAML properties but are text: the fast path reads them, and
#: reads them as the strict reader does.
TEXT_LIKE_PROPERTIES = [
    b"publisher: Task & Purpose\n",
    b"url: https://example.org/a?b=1&c=2\n",
    b"a: 'null'\n",
    b'a: "~"\n',
    b"excerpt: \"& more, *emphasis* and !bang\"\n",
    b"summary: about ~150 people; 5 * 3 = 15!\n",
    b"note: Smith, & Co\n",
    b"title: \"*x\"\n",
]


@pytest.mark.parametrize("text", TEXT_LIKE_PROPERTIES)
def test_fast_path_reads_text_that_looks_like_properties(text):
    with yamlio.quiet_stderr():
        fast = yamlio.load_fast(text)
    assert fast is not None
    assert fast == yamlio.load_strict("x.yaml", text).data == yamlio.to_plain(yamlio.load_roundtrip("x.yaml", text).doc)


def test_fast_path_reads_plain_files():
    with yamlio.quiet_stderr():
        assert yamlio.load_fast(b"a: null\nb: 57% & more\nc: [x]\n") == {"a": None, "b": "57% & more", "c": ["x"]}
        assert yamlio.load_fast(b"a: null\nb: 57 percent\nc: [x]\n") == {"a": None, "b": "57 percent", "c": ["x"]}


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


def test_writer_conflict_between_read_and_write(tree):
    path = tree / "test-article" / "bridges-repaired.yaml"
    loaded = yamlio.load_roundtrip(str(path), path.read_bytes())
    path.write_text(path.read_text() + "# someone else\n")
    with pytest.raises(yamlio.ConflictError):
        yamlio.write_merged(loaded, yamlio.to_plain(loaded.doc))
    assert path.read_text().endswith("# someone else\n")


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


def test_merge_keeps_quoting_of_unchanged_values(tmp_path):
    text = "id: 'a'\ntext: \"t\"  # keep me\ntags: [x, y]\n"
    loaded = yamlio.load_roundtrip("x.yaml", text.encode())
    doc = yamlio.merge(loaded.doc, {"id": "a", "text": "t", "tags": ["x", "y", "z"]})
    assert yamlio.dump(doc) == "id: 'a'\ntext: \"t\"  # keep me\ntags: [x, y, z]\n"


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

    claim, _ = structure(yamlio.to_plain(yamlio.load_roundtrip("x.yaml", CLAIM_YAML.encode()).doc), Claim)
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
