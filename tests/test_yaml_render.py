"""The writer's layout (factcheck.yaml.render): merge into a loaded document, canonical order, fresh files."""

from __future__ import annotations

from builders import as_yaml, claim, other
from conftest import CLAIM_YAML

from factcheck.convert import structure, unstructure
from factcheck.model import Claim
from factcheck.yaml.render import dump, merge, render_merged, render_new, reorder
from factcheck.yaml.roundtrip import load_roundtrip, to_plain


def test_merge_keeps_quoting_of_unchanged_values(tmp_path):
    text = "id: 'a'\ntext: \"t\"  # keep me\ntags: [x, y]\n"
    loaded = load_roundtrip("x.yaml", text.encode())
    doc = merge(loaded.doc, {"id": "a", "text": "t", "tags": ["x", "y", "z"]})
    assert dump(doc) == "id: 'a'\ntext: \"t\"  # keep me\ntags: [x, y, z]\n"



def test_a_new_file_is_the_fixture_layout_without_its_quotes_and_comment():
    fresh = render_new(unstructure(claim())).decode()
    fixture = CLAIM_YAML.split("\n", 1)[1]  # the comment line is the fixture's own
    assert fresh == fixture.replace('"', "")
    assert fresh.index("\nstatus:") < fresh.index("\nsources:") < fresh.index("\nhistory:")


def test_a_new_file_reads_back_as_the_same_claim():
    built = other()
    data = to_plain(load_roundtrip("x.yaml", as_yaml(built).encode()).doc)
    assert structure(data, Claim) == (built, [])


def test_reorder_puts_keys_in_the_model_order_and_keeps_their_comments():
    loaded = load_roundtrip("x.yaml", b"text: t  # why\nid: a\n")
    reorder(loaded.doc)
    assert dump(loaded.doc) == "id: a\ntext: t  # why\n"


def test_render_merged_changes_only_the_lines_of_changed_values():
    raw = CLAIM_YAML.encode()
    loaded = load_roundtrip("x.yaml", raw)
    new = unstructure(claim(summary="Most were repaired."))
    out = render_merged(loaded, new).decode()
    changed = [(a, b) for a, b in zip(CLAIM_YAML.splitlines(), out.splitlines(), strict=True) if a != b]
    assert changed == [("summary: null", "summary: Most were repaired.")]
