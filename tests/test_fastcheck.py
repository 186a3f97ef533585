"""The fast checker never accepts what the converter rejects."""

from __future__ import annotations

import copy

import attrs
import msgspec
import pytest
from conftest import OTHER_WITH_QUANTITIES, OTHER_YAML

from factcheck import model
from factcheck.convert import structure
from factcheck.fastcheck import decode_record, fast_claim
from factcheck.model import Claim
from factcheck.yaml import fast
from factcheck.yaml.roundtrip import load_roundtrip, to_plain


def base(text: str = OTHER_YAML) -> dict:
    return to_plain(load_roundtrip("x.yaml", text.encode()).doc)


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
    "blank reason, wide spaces": _set(("history", 0, "reason"), "\u3000\u2028\xa0\x85"),
    "blank excerpt, controls": _set(("sources", 0, "excerpt"), "\x1c\x1f\x0b\t"),
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
    assert decode_record(msgspec.json.encode(data), Claim, 1 + fast._entries(data)) is None


QUANTITY_MUTATIONS = {
    "bool value": _set(("quantities", 0, "value"), True),
    "text value": _set(("quantities", 0, "value"), "57"),
    "nan value": _set(("quantities", 0, "value"), float("nan")),
    "infinite value": _set(("quantities", 0, "value"), float("-inf")),
    "unit with a space": _set(("quantities", 0, "unit"), "per cent"),
    "unit too long": _set(("quantities", 0, "unit"), "u" * 41),
    "empty text": _set(("quantities", 0, "text"), " "),
    "text too long": _set(("quantities", 0, "text"), "t" * 201),
    "label too long": _set(("quantities", 0, "label"), "l" * 201),
    "label number": _set(("quantities", 0, "label"), 5),
    "year too small": _set(("quantities", 0, "as_of"), 999),
    "year too large": _set(("quantities", 0, "as_of"), 10000),
    "year as text": _set(("quantities", 0, "as_of"), "2017"),
    "year as bool": _set(("quantities", 0, "as_of"), True),
    "timestamp as_of": _set(("quantities", 0, "as_of"), "2017-01-01T00:00:00Z"),
    "bad date as_of": _set(("quantities", 1, "as_of"), "2021-02-30"),
    "unknown quantity key": _set(("quantities", 0, "source"), "x"),
    "missing value": _drop(("quantities", 0, "value")),
    "missing text": _drop(("quantities", 1, "text")),
    "quantities not a list": _set(("quantities",), {"value": 1}),
    "quantity not a mapping": _set(("quantities", 0), 57),
}


def test_valid_quantities_are_accepted_by_both():
    data = base(OTHER_WITH_QUANTITIES)
    claim, errors = structure(copy.deepcopy(data), Claim)
    fast = fast_claim(data)
    assert errors == [] and fast is not None
    assert [(q.value, q.unit, q.text, q.as_of, q.label) for q in fast.quantities] == [
        (q.value, q.unit, q.text, q.as_of, q.label) for q in claim.quantities
    ]
    for value in (0, -3, 57.5, 5_000_000_000, 1e-3):
        changed = _set(("quantities", 0, "value"), value)(base(OTHER_WITH_QUANTITIES))
        assert structure(copy.deepcopy(changed), Claim)[1] == [] and fast_claim(changed) is not None, value


@pytest.mark.parametrize("name", sorted(QUANTITY_MUTATIONS))
def test_fast_checker_rejects_the_quantities_the_converter_rejects(name):
    data = QUANTITY_MUTATIONS[name](base(OTHER_WITH_QUANTITIES))
    claim, errors = structure(copy.deepcopy(data), Claim)
    assert errors, f"the converter should reject: {name}"
    assert fast_claim(data) is None


def test_a_claim_read_straight_from_json_omits_no_key_but_an_empty_quantities_list():
    """Decoded straight from a file's JSON only when written out in full: every key but
    the ones left out while unset; a claim lacking ``verdict`` or holding ``quantities: []``
    goes to the converter, which fills in or drops them."""
    from factcheck import reading

    for text, direct in (
        (OTHER_YAML, True),
        (OTHER_WITH_QUANTITIES, True),
        (OTHER_YAML.replace("related: []\n", "related: []\nquantities: []\n"), False),
        (OTHER_YAML.replace("verdict: null\n", ""), False),
    ):
        parsed = reading.parse("x.yaml", text.encode(), Claim)
        assert (parsed.record is not None) is direct, text


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
    monkeypatch.setattr(fastcheck, "decode_record", lambda emitted, cls, nodes: None)
    slow = check_tree([tmp_path / "tree"], use_cache=False, jobs=1).problems
    assert len(fast) > 20 and fast == slow


def test_a_key_given_twice_at_any_level_is_never_read_straight_from_json():
    """The struct's count of keys and items matches rapidyaml's node count for every built-in
    claim file, and no longer does once any one key line is given twice (the JSON decoder
    would keep the second and hide the first)."""
    from pathlib import Path

    from factcheck.fastcheck import written_nodes

    files = sorted((Path(__file__).resolve().parent.parent / "claims").rglob("*.yaml"))
    checked = 0
    for path in files[:12]:
        raw = path.read_bytes()
        parsed = fast.parse_fast(raw)
        record = decode_record(parsed.json, Claim, parsed.nodes) if parsed is not None and path.name != "article.yaml" else None
        if record is None:
            continue
        assert 1 + written_nodes(record) == parsed.nodes
        lines = raw.splitlines(keepends=True)
        for index, line in enumerate(lines):
            key, colon, value = line.strip().removeprefix(b"- ").partition(b": ")
            if not colon or not value.strip() or line.lstrip().startswith(b"- "):
                continue  # only a "key: value" line that is not an item's first key
            twice = b"".join([*lines[: index + 1], line, *lines[index + 1 :]])
            again = fast.parse_fast(twice)
            if again is not None:
                assert decode_record(again[0], Claim, again[1]) is None, (path.name, line)
                checked += 1
    assert checked > 300


class One(msgspec.Struct, omit_defaults=True):
    a: int
    b: str | None = None


class Two(msgspec.Struct, omit_defaults=True):
    a: int
    b: str | None = None
    c: str | None = None


class Outer(msgspec.Struct, omit_defaults=True):
    name: str
    ones: list[One]
    tags: list[str] = msgspec.field(default_factory=list)
    two: Two | None = None


def test_written_nodes_counts_what_a_file_gives():
    """Keys given and list items, through every level; a left-out key is not counted."""
    from factcheck.fastcheck import written_nodes

    assert [written_nodes(One(1)), written_nodes(One(1, "x"))] == [1, 2]
    assert [written_nodes(Two(1)), written_nodes(Two(1, c="y")), written_nodes(Two(1, "x", "y"))] == [1, 2, 3]
    # name, ones (2 items: 1 + 2 keys), tags (2 items), two (2 keys)
    assert written_nodes(Outer("n", [One(1), One(2, "x")], ["a", "b"], Two(1, "x"))) == 1 + (1 + 2 + 3) + (1 + 2) + (1 + 2)
    assert written_nodes(Outer("n", [])) == 2



@pytest.mark.parametrize("char", [chr(c) for c in range(0x110000) if not chr(c).strip()])
def test_a_blank_field_never_reaches_the_struct(char):
    """A claim file whose history editor is blank (every character ``str.strip`` removes,
    written as a YAML escape): the struct that the file's JSON is decoded into does not
    check blankness itself, the fast path still refuses it and the converter reports it."""
    from pathlib import Path

    path = next(p for p in sorted((Path(__file__).resolve().parent.parent / "claims").rglob("*.yaml")) if p.name not in ("article.yaml", "claimants.yaml"))
    raw = path.read_bytes()
    lines = raw.split(b"\n")
    at = next(i for i, line in enumerate(lines) if line.startswith(b"    by: "))
    for spelled in (f"\\u{ord(char):04x}", f"\\u{ord(char):04x}\\u{ord(char):04x}"):
        lines[at] = f'    by: "{spelled}"'.encode()
        changed = b"\n".join(lines)
        with fast.quiet_stderr():
            parsed = fast.parse_fast(changed)
        assert parsed is not None
        assert decode_record(parsed.json, Claim, parsed.nodes) is None
        assert structure(load_roundtrip(str(path), changed), Claim)[1], "the converter reports it"
    lines[at] = f'    by: "a{char}"'.encode("utf-8", "surrogatepass") if char >= " " else b'    by: "a"'
    parsed = fast.parse_fast(b"\n".join(lines))
    assert parsed is not None and decode_record(parsed.json, Claim, parsed.nodes) is not None


@attrs.define
class _Leaf:
    name: str = attrs.field(validator=model._non_empty)


@attrs.define
class _Branch:
    label: str = attrs.field(validator=model._non_empty)
    leaves: list[_Leaf] = attrs.field(factory=list)
    note: str | None = None


@attrs.define
class _Tree:
    title: str = attrs.field(validator=model._non_empty)
    branches: list[_Branch] = attrs.field(factory=list)
    top: _Leaf | None = None


def test_blank_strings_are_found_at_every_level():
    """The blank test of the fast path follows the model through nesting that claims do not
    use today: a record inside a record, a list of items that hold records themselves."""
    from factcheck import fastcheck

    struct = fastcheck.struct_for(_Tree, blank_known=True)  # what decode_record decodes into

    def tree(title="t", label="b", leaf="l", top="x"):
        data = {"title": title, "branches": [{"label": "ok"}, {"label": label, "leaves": [{"name": "y"}, {"name": leaf}], "note": " "}]}
        if top is not None:
            data["top"] = {"name": top}
        return msgspec.convert(data, struct)

    assert fastcheck._no_blank(tree(), _Tree)
    assert fastcheck._no_blank(tree(top=None), _Tree)
    for blank in (" ", "\u3000\n"):
        for where in ("title", "label", "leaf", "top"):
            assert not fastcheck._no_blank(tree(**{where: blank}), _Tree), where
