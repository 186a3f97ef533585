"""Positions: every way of finding a line and column gives the composer's answer."""

from __future__ import annotations

from pathlib import Path

from conftest import CLAIM_YAML, OTHER_YAML
from test_reading import conformance_cases

from factcheck import reading
from factcheck.yaml.fast import decode_fast, parse_fast
from factcheck.yaml.positions import BlockLines, locate_all, locate_node, locate_top_level

REPO = Path(__file__).resolve().parent.parent


def _paths_of(data, prefix=()):
    """Every path to a node of plain data, and a few that lead nowhere."""
    yield prefix + ("no-such-key",)
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str):
                yield prefix + (key,)
                yield from _paths_of(value, prefix + (key,))
    elif isinstance(data, list):
        yield prefix + (len(data),)
        for index, value in enumerate(data):
            yield prefix + (index,)
            yield from _paths_of(value, prefix + (index,))


def test_positions_from_lines_agree_with_the_composer():
    """Where the line-based locator answers, it gives what libyaml's composer gives, for every
    node of every built-in claim file, of the YAML corpus, and of some layouts made for it."""
    import yaml

    from factcheck.fastcheck import decode_record, mapping_items
    from factcheck.model import Claim

    made = {
        "indentless": CLAIM_YAML.replace("  - bridges\n", "- bridges\n"),
        "multi-line plain": CLAIM_YAML.replace('text: "', 'text:\n  "', 1),
        "folded": b"a: >\n  x: 1\n  y: 2\nb: [1, 2]\nc: |\n  - a\n",
        "quoted over lines": b'a: "one\n  b: two"\nc:\n  - x\n',
        "flow in prose": b"a: see [1, 2]\nb:\n  - {x: 1}\n",
        "comments": b"# top\na: 1  # here\nb:\n  # inside\n  - x: 1\n    y: [] # end\n",
        "nested items": b"a:\n  - - x\n    - y\n  - z\n",
        "items at the key's column": b"a:\n- x: 1\n  y:\n  - 2\n  -  3\n  z:\n    w: 5\n  v: 6\n- q\nb:\n  c:\n  - 7\n  d: 8\ne: 9\n",
        "claim, blank line": OTHER_YAML.replace("history:\n", "history:\n\n"),
        "claim, comment lines": OTHER_YAML.replace("history:\n", "history:\n    # one\n# two\n"),
        "claim, multi-line note": OTHER_YAML.replace("note: ", "note:\n      ", 1),
    }
    files = {p.name: p.read_bytes() for p in (REPO / "claims").rglob("*.yaml")}
    files.update({k: v if isinstance(v, bytes) else v.encode() for k, v in made.items()})
    files.update(conformance_cases())
    answered = 0
    for name, raw in files.items():
        parsed = parse_fast(raw)
        if parsed is None:
            continue
        try:
            root = yaml.compose(raw, Loader=yaml.CSafeLoader)
        except yaml.YAMLError:
            continue
        data = decode_fast(parsed.json, parsed.nodes)
        readers = [BlockLines(raw, parsed.json, parsed.nodes)]
        record = decode_record(parsed.json, Claim, parsed.nodes)
        if record is not None:  # a claim: the count of item mappings comes from its struct
            readers.append(BlockLines(raw, parsed.json, parsed.nodes, seq_maps=mapping_items(record)))
        for lines in readers:
            for path in _paths_of(data):
                for at_key in (False, True):
                    found = lines.locate(path, at_key)
                    if found is not None:
                        answered += 1
                        assert found == locate_node(root, path, at_key), (name, path, at_key)
    assert answered > 10_000  # it answers for the built-in files
    # What a claim's struct says of its item mappings is what rapidyaml's JSON shows.

    for path in (REPO / "claims").rglob("*.yaml"):
        parsed = reading.parse(str(path), path.read_bytes(), None if path.name == "article.yaml" else Claim)
        if parsed.record is not None:
            emitted = parsed._emitted.json
            assert mapping_items(parsed.record) == emitted.count(b"{\n") - emitted.count(b'": {\n') - 1, path.name


def test_top_level_positions_found_without_a_parse_agree_with_the_composer():
    from factcheck.convert import FieldError

    checked = 0
    for path in sorted((REPO / "claims").rglob("*.yaml")):
        raw = path.read_bytes()
        data = reading.parse(str(path), raw).data
        for key in data:
            for at_key in (False, True):
                quick = locate_top_level(raw, key, at_key)
                if quick is None:
                    continue
                composed = locate_all(str(path), raw, [FieldError("x", "m", (key,), at_key)])[0]
                assert quick == (composed.line, composed.col), (path.name, key, at_key)
                checked += 1
    assert checked > 1000
