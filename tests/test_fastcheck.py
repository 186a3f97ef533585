"""The fast checker never accepts what the converter rejects."""

from __future__ import annotations

import copy

import msgspec
import pytest
from conftest import OTHER_YAML

from factcheck import yamlio
from factcheck.convert import structure
from factcheck.fastcheck import decode_record, fast_claim
from factcheck.model import Claim


def base() -> dict:
    return yamlio.to_plain(yamlio.load_roundtrip("x.yaml", OTHER_YAML.encode()).doc)


def _set(path, value):
    def mutate(data):
        node = data
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = value
        return data

    return mutate


def _drop(path):
    def mutate(data):
        node = data
        for step in path[:-1]:
            node = node[step]
        del node[path[-1]]
        return data

    return mutate


MUTATIONS = {
    "number for text": _set(("claimant",), 7),
    "bool for text": _set(("text",), True),
    "empty text": _set(("text",), ""),
    "blank text": _set(("quote",), "   \n "),
    "bad id": _set(("id",), "Bad Id"),
    "long id": _set(("id",), "a" * 81),
    "unknown key": _set(("verdikt",), None),
    "missing key": _drop(("kind",)),
    "bad enum": _set(("status",), "done"),
    "enum as number": _set(("kind",), 3),
    "bad tag": _set(("tags",), ["Bad Tag"]),
    "tags not a list": _set(("tags",), "a"),
    "duplicate tags": _set(("tags",), ["a", "a"]),
    "long tag": _set(("tags",), ["a" * 41]),
    "long excerpt": _set(("sources", 0, "excerpt"), "a" * 401),
    "duplicate related": _set(("related",), ["x", "x"]),
    "related item number": _set(("related",), [1]),
    "ftp url": _set(("sources", 0, "url"), "ftp://example.org"),
    "url without host": _set(("sources", 0, "url"), "https:///path"),
    "url with space": _set(("sources", 0, "url"), "https://example.org/a b"),
    "bad date": _set(("sources", 0, "published"), "2021-13-01"),
    "short date": _set(("sources", 0, "accessed"), "2021-1-1"),
    "timestamp for date": _set(("sources", 0, "accessed"), "2021-01-01T00:00:00Z"),
    "naive timestamp": _set(("history", 0, "at"), "2024-04-01T09:00:00"),
    "date for timestamp": _set(("history", 0, "at"), "2024-04-01"),
    "bad stance": _set(("sources", 0, "stance"), "agrees"),
    "unknown source key": _set(("sources", 0, "extra"), 1),
    "source not a mapping": _set(("sources", 0), "https://example.org"),
    "missing source key": _drop(("sources", 0, "title")),
    "empty history by": _set(("history", 0, "by"), ""),
    "bad action": _set(("history", 0, "action"), "renamed"),
    "history note number": _set(("history", 1, "note"), 5),
    "corrections not a list": _set(("corrections",), {}),
    "correction without reason": _set(("corrections",), [{"date": "2024-01-01", "change": "x"}]),
}


def test_valid_claim_is_accepted_by_both():
    data = base()
    claim, errors = structure(data, Claim)
    assert errors == [] and claim is not None
    fast = fast_claim(copy.deepcopy(data))
    assert fast is not None and fast.id == claim.id and fast.sources[0].stance is claim.sources[0].stance
    assert fast.history[-1].at == claim.history[-1].at


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_fast_checker_rejects_what_the_converter_rejects(name):
    data = MUTATIONS[name](base())
    claim, errors = structure(copy.deepcopy(data), Claim)
    assert errors, f"the converter should reject: {name}"
    assert fast_claim(copy.deepcopy(data)) is None
    # The file's own path: its JSON decoded straight into the struct.
    assert decode_record(msgspec.json.encode(data), Claim) is None


@pytest.mark.parametrize("kind", ["real", "synthetic"])
def test_whole_tree_gives_the_same_problems_with_and_without_the_fast_checker(tmp_path, monkeypatch, kind):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import generate

    from factcheck import fastcheck
    from factcheck.validate import check_tree

    if kind == "real":
        generate.generate_real(200, tmp_path / "tree", broken=0.2, per_article=20)
    else:
        generate.generate_synthetic(200, tmp_path / "tree", broken=0.2, per_article=20)
    fast = check_tree([tmp_path / "tree"], use_cache=False, jobs=1).problems
    monkeypatch.setattr(fastcheck, "fast_record", lambda data, cls: None)
    monkeypatch.setattr(fastcheck, "decode_record", lambda emitted, cls: None)
    slow = check_tree([tmp_path / "tree"], use_cache=False, jobs=1).problems
    assert len(fast) > 20 and fast == slow
