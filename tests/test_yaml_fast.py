"""The fast path (rapidyaml): it reads plain files as the strict reader does, and steps
aside for everything it would read leniently."""

from __future__ import annotations

from pathlib import Path

import pytest

from factcheck import reading
from factcheck.convert import structure
from factcheck.model import Claim
from factcheck.yaml.fast import parse_fast, quiet_stderr
from factcheck.yaml.roundtrip import load_roundtrip, to_plain
from factcheck.yaml.strict import load_strict

REPO = Path(__file__).resolve().parent.parent


def fast_data(raw: bytes):
    """The plain data of ``raw`` when the reading path takes it by the fast path, else None
    (the strict reader decided)."""
    parsed = reading.parse("x.yaml", raw)
    return parsed.data if parsed.fast else None


def test_fast_and_round_trip_paths_read_the_same_data(tree):
    path = tree / "test-article" / "support-rose.yaml"
    raw = path.read_bytes()
    with quiet_stderr():
        fast = fast_data(raw)
    slow = to_plain(load_roundtrip(str(path), raw).doc)
    assert structure(fast, Claim)[0] == structure(slow, Claim)[0]


LENIENT = [
    b"a: ~\n", b"a: &x 1\nb: *x\n", b"a: 1\na: 2\n", b"a: !!str 1\n", b"a: [1\n", b"- 1\n", b"a: 0x1F\n",
    b"---\na: 1\n---\nb: 1\n", b"a: Null\n", b"a: TRUE\n", b"a: -.inf\n", b"a: [x, &y z]\n", b"&k a: 1\n",
    b"a:\n  - !tag x\n", b"%YAML 1.2\n---\na: 1\n", b"? [a, b]\n: c\n",
]


@pytest.mark.parametrize("text", LENIENT)
def test_fast_path_steps_aside_for_what_it_reads_leniently(text):
    with quiet_stderr():
        assert fast_data(text) is None


def test_fast_path_threads_each_read_their_own_file():
    """rapidyaml's tree and JSON buffer are reused from file to file, one set per thread:
    threads reading at once each get their own file's data."""
    import threading

    texts = [f"id: c{n}\nitems:\n" + "".join(f"  - {n}-{i}\n" for i in range(50 + n)) for n in range(4)]
    wrong: list[str] = []

    def read(text: str) -> None:
        want = {"id": text.split()[1], "items": [line[4:] for line in text.splitlines()[2:]]}
        for _ in range(300):
            got = fast_data(text.encode())
            if got != want:
                wrong.append(text[:8])

    with quiet_stderr():
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
        with quiet_stderr():
            assert fast_data(text.encode()) is None, text
    quoted = f'a: "{spelling}"\nb: x {spelling}\n'.encode()  # quoted, or inside text: a string
    with quiet_stderr():
        assert fast_data(quoted) == load_strict("x.yaml", quoted).data == {"a": spelling, "b": f"x {spelling}"}


@pytest.mark.parametrize("text", [b"a: null\nb: true\nc: false\n", b"- null\n- true\n", b"a: 'true'\nb: \"false\"\n"])
def test_fast_path_reads_the_lowercase_spellings_as_the_strict_reader_does(text):
    with quiet_stderr():
        assert fast_data(text) == load_strict("x.yaml", text).data


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
    with quiet_stderr():
        fast = fast_data(text)
    assert fast is not None
    assert fast == load_strict("x.yaml", text).data == to_plain(load_roundtrip("x.yaml", text).doc)


def test_fast_path_reads_plain_files():
    with quiet_stderr():
        assert fast_data(b"a: null\nb: 57% & more\nc: [x]\n") == {"a": None, "b": "57% & more", "c": ["x"]}
        assert fast_data(b"a: null\nb: 57 percent\nc: [x]\n") == {"a": None, "b": "57 percent", "c": ["x"]}


def test_an_ampersand_after_a_comma_is_text_outside_flow_collections():
    """"European, & Eurasian" in block prose stays on the fast path; inside a flow
    collection the same bytes may begin an anchor, and the strict reader decides."""
    assert parse_fast(b"a: East European, & Eurasian Studies\ntags: []\n") is not None
    assert parse_fast(b"a: x\ntags: [a, &x b]\n") is None
    assert parse_fast(b"a:\n  - {k: 1, &y j: 2}\n") is None


def test_a_file_that_is_not_utf8_never_passes_the_fast_path():
    """A byte sequence that is not UTF-8, put anywhere in a built-in claim file (or in a
    comment), never reaches a checked record by the fast path: the strict reader reports it."""
    import random

    import msgspec

    from factcheck.fastcheck import decode_record
    from factcheck.model import Claim

    rng = random.Random(8)
    tried = 0
    with quiet_stderr():
        for path in sorted((REPO / "claims").rglob("*.yaml"))[:20]:
            raw = path.read_bytes()
            places = [rng.randrange(len(raw) + 1) for _ in range(60)] + [raw.index(b"\n")]
            for at in places:
                for bad in (b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xc0\xaf", b"\x80", b" # \xfe"):
                    changed = raw[:at] + bad + raw[at:]
                    tried += 1
                    parsed = parse_fast(changed)
                    if parsed is not None:
                        assert decode_record(parsed.json, Claim, parsed.nodes) is None, (path.name, at, bad)
                        with pytest.raises((msgspec.DecodeError, UnicodeDecodeError)):
                            msgspec.json.decode(parsed.json)
    assert tried > 7000
