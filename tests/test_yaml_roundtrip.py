"""The round-trip loader: unchanged files come back byte for byte (the merge: test_yaml_render.py;
the strict reader against it: test_yaml_strict.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from factcheck.cli.check import canonical_bytes
from factcheck.yaml.render import dump
from factcheck.yaml.roundtrip import load_roundtrip

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


