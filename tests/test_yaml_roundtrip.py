"""The round-trip loader and the renderer: unchanged files come back byte for byte, a merge
keeps what it does not change, and the strict reader reads what the round trip reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from factcheck.cli.check import canonical_bytes
from factcheck.yaml.render import dump, merge
from factcheck.yaml.roundtrip import load_roundtrip, to_plain
from factcheck.yaml.strict import load_strict

REPO = Path(__file__).resolve().parent.parent


def _claim_files():
    return sorted((REPO / "claims").glob("*/*.yaml"))


@pytest.mark.parametrize("path", _claim_files(), ids=lambda p: p.name)
def test_every_built_in_file_round_trips_byte_for_byte(path):
    raw = path.read_bytes()
    loaded = load_roundtrip(str(path), raw)
    assert loaded.problems == []
    assert dump(loaded.doc).encode() == raw
    if path.name not in ("article.yaml", "dismissed.yaml"):  # fmt lays out claim files only
        assert canonical_bytes(loaded) == raw


def test_merge_keeps_quoting_of_unchanged_values(tmp_path):
    text = "id: 'a'\ntext: \"t\"  # keep me\ntags: [x, y]\n"
    loaded = load_roundtrip("x.yaml", text.encode())
    doc = merge(loaded.doc, {"id": "a", "text": "t", "tags": ["x", "y", "z"]})
    assert dump(doc) == "id: 'a'\ntext: \"t\"  # keep me\ntags: [x, y, z]\n"


def test_strict_reader_reads_what_the_round_trip_loader_reads():
    for path in sorted((REPO / "claims").rglob("*.yaml")):
        raw = path.read_bytes()
        strict = load_strict(str(path), raw)
        assert strict.problems == []
        assert strict.data == to_plain(load_roundtrip(str(path), raw).doc), path.name
