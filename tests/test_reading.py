"""The one reading path: per-node fast path, strict reader, containment, cache trust, parallel checks."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ARTICLE_YAML, CLAIM_YAML, OTHER_YAML, make_tree

from factcheck import cache, fsio, reading
from factcheck.cli import main
from factcheck.rows import ClaimRow, ListLine
from factcheck.validate import PARALLEL_THRESHOLD, check_tree

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
import generate  # noqa: E402


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def codes(result) -> list[tuple[str, str]]:
    return [(Path(p.path).name, p.code) for p in result.problems]


# -- the fast path decides per node ------------------------------------------------


def test_every_built_in_claim_file_takes_the_fast_path():
    result = check_tree([REPO / "claims"], use_cache=False, jobs=1)
    assert result.files > 60 and [p for p in result.problems if p.severity == "error"] == []
    assert (result.fast, result.strict) == (result.files, 0)


def test_real_text_with_ampersands_and_tildes_takes_the_fast_path(tmp_path):
    generate.generate_real(300, tmp_path / "tree", broken=0.0, per_article=100)
    text = b"".join(p.read_bytes() for p in (tmp_path / "tree").rglob("*.yaml"))
    assert b" & " in text and b"~" in text  # the real text carries them
    result = check_tree([tmp_path / "tree"], use_cache=False, jobs=1)
    assert [p for p in result.problems if p.severity == "error"] == [] and (result.fast, result.strict) == (300, 0)


@pytest.mark.parametrize(
    "value, code",
    [("&a Task", "anchor"), ("!!str Task", "tag"), ("!local Task", "tag")],
)
def test_files_that_really_use_yaml_features_get_their_exact_problem(tmp_path, value, code):
    text = CLAIM_YAML.replace('claimant: "The mayor"', f"claimant: {value}")
    root = make_tree(tmp_path, {"bridges-repaired": text, "support-rose": OTHER_YAML})
    result = check_tree([root], use_cache=False)
    assert [(p.line, p.col, p.code) for p in result.problems] == [(5, 11, code)]
    assert result.strict == 1


def test_alias_and_tilde_null_are_read_as_yaml_says(tmp_path):
    alias = CLAIM_YAML.replace('claimant: "The mayor"', 'claimant: &who "The mayor"').replace('text: "The mayor said 24', 'text: *who\nx: "The mayor said 24')
    root = make_tree(tmp_path, {"bridges-repaired": alias, "support-rose": OTHER_YAML.replace("verdict: null", "verdict: ~")})
    result = check_tree([root], use_cache=False)
    assert ("bridges-repaired.yaml", "anchor") in codes(result) and ("bridges-repaired.yaml", "alias") in codes(result)
    assert not [p for p in result.problems if p.path.endswith("support-rose.yaml")]  # ~ is null: valid


def test_duplicate_key_is_found_on_the_fast_path(tmp_path):
    text = CLAIM_YAML.replace("kind: quantity\n", "kind: quantity\nkind: event\n")
    root = make_tree(tmp_path, {"bridges-repaired": text, "support-rose": OTHER_YAML})
    result = check_tree([root], use_cache=False)
    assert [(p.line, p.code) for p in result.problems] == [(7, "duplicate-key")]


def test_duplicate_key_is_found_when_another_key_is_left_out(tmp_path):
    # One key too many and one key too few: the file holds as many keys as a complete claim.
    text = CLAIM_YAML.replace("kind: quantity\n", "kind: quantity\nkind: event\n").replace("corrections: []\n", "")
    assert text.count("\n") == CLAIM_YAML.count("\n")
    root = make_tree(tmp_path, {"bridges-repaired": text, "support-rose": OTHER_YAML})
    result = check_tree([root], use_cache=False)
    assert [(p.line, p.code) for p in result.problems] == [(7, "duplicate-key")]


def test_duplicate_key_of_an_article_is_found_when_another_key_is_left_out(tmp_path):
    root = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": OTHER_YAML})
    article = root / "test-article" / "article.yaml"
    text = ARTICLE_YAML.replace('outlet: "Test Outlet"\n', "").replace("language: en\n", "language: en\nlanguage: de\n")
    article.write_text(text)
    result = check_tree([root], use_cache=False)
    assert [(p.line, p.code) for p in result.problems] == [(6, "duplicate-key")]


# -- no file can take the run down ------------------------------------------------


def conformance_cases() -> dict[str, bytes]:
    """YAML that is unusual, valid or not, made from the spec's features one by one and in pairs.

    Each feature stands alone as a file and inside an otherwise valid claim, at the top
    and nested under a source, so every reader sees it in every position.
    """
    features = {
        "yaml13": "%YAML 1.3\n---\n",
        "yaml11": "%YAML 1.1\n---\n",
        "tagdir": "%TAG !e! tag:example.com,2000:\n---\n",
        "docend": "...\n",
        "twodocs": "---\na: 1\n---\nb: 2\n",
        "seqkey": "? [a, b]\n: c\n",
        "mapkey": "? {a: b}\n: c\n",
        "nullkey": "? \n: c\n",
        "flowseqkey": "[a, b]: c\n",
        "mergekey": "base: &b {x: 1}\nmerged:\n  <<: *b\n",
        "verbatim": "a: !<tag:yaml.org,2002:str> b\n",
        "localtag": "a: !foo\n  b: c\n",
        "binary": "a: !!binary aGVsbG8=\n",
        "set": "a: !!set {x, y}\n",
        "omap": "a: !!omap [x: 1, y: 2]\n",
        "anchorkey": "&k a: b\nc: *k\n",
        "undefinedalias": "a: *nowhere\n",
        "recursive": "a: &r [*r]\n",
        "literal": "a: |2-\n    x\n   y\n",
        "folded": "a: >+\n  x\n\n\n",
        "badindent": "a: |\n x\n  y\n z\n",
        "escapes": 'a: "\\x41\\u263A\\U0001F600\\N\\_\\L\\P\\e"\n',
        "badescape": 'a: "\\q"\n',
        "crlf": "a: 1\r\nb: 2\r\n",
        "cr": "a: 1\rb: 2\r",
        "ls": "a: x\u2028y\n",
        "nul": "a: x\x00y\n",
        "bom": "\ufeffa: 1\n",
        "bommid": "a: 1\n\ufeffb: 2\n",
        "deepflow": "a: " + "[" * 200 + "]" * 200 + "\n",
        "deepblock": "".join("  " * i + "- \n" for i in range(150)),
        "deepmap": "".join("  " * i + f"k{i}:\n" for i in range(150)),
        "hugeint": "a: " + "9" * 5000 + "\n",
        "specials": "a: [.inf, -.Inf, .NaN, 0o17, 0x1F, +12, 1_000, 1e400]\n",
        "bools11": "a: [yes, No, on, OFF, y, n]\n",
        "dates": "a: [2024-13-45, 2024-02-30T25:61:61Z, 2001-12-14 21:59:43.10 -5]\n",
        "emptykey": ": x\n",
        "questionplain": "?x: y\n",
        "comment": "# only a comment\n",
        "empty": "",
        "spaces": "   \n  \n",
        "tabs": "a:\tb\n",
        "unclosed": 'a: "x\nb: y\n',
        "unclosedflow": "a: [x, y\n",
        "colonplain": "a: b: c\n",
        "dashplain": "- a\nb: c\n",
        "latin1": "a: caf\xe9\n",
        "longline": "a: " + "x" * 200_000 + "\n",
        "manykeys": "".join(f"k{i}: {i}\n" for i in range(3000)),
        "surrogate": 'a: "\\uD800"\n',
        "controls": "a: \x07\x1b[31m\n",
    }
    cases: dict[str, bytes] = {}
    for name, text in features.items():
        encoded = text.encode("latin-1") if name == "latin1" else text.encode("utf-8", "surrogatepass")
        cases[f"alone-{name}"] = encoded
        body = "\n".join("    " + line for line in text.splitlines())
        cases[f"top-{name}"] = encoded + CLAIM_YAML.encode()
        cases[f"nested-{name}"] = CLAIM_YAML.replace("sources: []\n", f"sources:\n  - url: https://example.org/x\n    extra:\n{body}\n").encode(
            "utf-8", "surrogatepass"
        )
    names = list(features)
    for first, second in zip(names, names[1:] + names[:1], strict=True):  # features in pairs
        cases[f"pair-{first}-{second}"] = (features[first] + features[second]).encode("utf-8", "surrogatepass")
    return cases


@pytest.fixture(scope="module")
def conformance_tree(tmp_path_factory) -> Path:
    root = make_tree(tmp_path_factory.mktemp("conformance"), {"bridges-repaired": CLAIM_YAML, "support-rose": OTHER_YAML})
    for name, data in conformance_cases().items():
        (root / "test-article" / f"{name.lower().replace('_', '-')}.yaml").write_bytes(data)
    return root


def test_conformance_corpus_never_takes_a_run_down(conformance_tree):
    result = check_tree([conformance_tree], use_cache=False, jobs=1)
    files = result.files
    assert files > 150
    touched = {p.path for p in result.problems}
    # Every unusual file is either valid or has at least one problem with a position.
    assert all(p.line >= 1 and p.col >= 1 for p in result.problems)
    assert not [p for p in result.problems if p.code == "internal-error"], [p for p in result.problems if p.code == "internal-error"][:3]
    assert len(touched) >= files - 2  # only the two real claims are clean


def test_conformance_corpus_through_the_command_line(capsys, conformance_tree):
    code, out, err = run(capsys, "validate", "--format", "json", str(conformance_tree))
    assert code == 1 and err == ""
    assert len({p["path"] for p in json.loads(out)}) > 150


def test_an_exception_inside_a_check_is_a_problem_of_that_file(capsys, tmp_path, monkeypatch):
    from factcheck import reading as module

    real = module.claim_rules

    def explode(claim, file_stem, article, day, *rest):
        if file_stem == "bridges-repaired":
            raise RecursionError("maximum recursion depth exceeded")
        return real(claim, file_stem, article, day, *rest)

    monkeypatch.setattr(module, "claim_rules", explode)
    broken = OTHER_YAML.replace("kind: quantity", "kind: quantty")
    root = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": broken})
    code, out, _ = run(capsys, "validate", "--format", "parsable", str(root))
    assert code == 1
    lines = out.splitlines()
    assert any("bridges-repaired.yaml:1:1: error [internal-error]" in line and "RecursionError" in line and "bug in factcheck" in line for line in lines)
    assert any("support-rose.yaml" in line and "[enum]" in line for line in lines)


# -- both cores give the same answer ------------------------------------------------


def test_jobs_1_and_jobs_2_give_identical_results(tmp_path):
    generate.generate_real(PARALLEL_THRESHOLD + 150, tmp_path / "tree", broken=0.1, per_article=100)
    (tmp_path / "tree" / "extra").mkdir()  # a stray file and an unusual one, too
    (tmp_path / "tree" / "extra" / "stray.yaml").write_text("a: 1\n")
    folder = next((tmp_path / "tree").glob("*-00000"))
    (folder / "seqkey.yaml").write_bytes(b"? [a, b]\n: c\n")
    one = check_tree([tmp_path / "tree"], use_cache=False, jobs=1, rows=True)
    two = check_tree([tmp_path / "tree"], use_cache=False, jobs=2, rows=True)
    assert len(one.problems) > 40
    assert one.problems == two.problems
    assert one.rows == two.rows and len(two.rows) == one.files
    assert {p: s[1] for p, s in one.signatures.items()} == {p: s[1] for p, s in two.signatures.items()}


def test_validate_keeps_each_list_line_with_its_problems_and_leaves_the_rows_to_the_screen(tmp_path, monkeypatch):
    """validate keeps each claim's list line in its own cache, the same with one process
    or two, and writes no rows cache; a screen's run (rows) writes the rows cache, again
    the same either way, and a listing after validate reads no claim file."""
    generate.generate_real(PARALLEL_THRESHOLD + 150, tmp_path / "tree", broken=0.1, per_article=100)
    version = cache.code_version()
    lines, rows = [], []
    for jobs in (1, 2):
        monkeypatch.setenv("FACTCHECK_CACHE_DIR", str(tmp_path / f"cache-{jobs}"))
        result = check_tree([tmp_path / "tree"], jobs=jobs)
        assert not cache.path_for([str(tmp_path / "tree")], "rows").exists()
        entries = cache.load(cache.path_for([str(tmp_path / "tree")], "validate"), "validate", version, ListLine | None)
        assert len(entries) == result.files
        lines.append({path: (tuple(entry.stat), entry.line) for path, entry in entries.items()})
        check_tree([tmp_path / "tree"], jobs=jobs, rows=True, use_cache=False)  # no cache: every file checked again
        screen = check_tree([tmp_path / "tree"], jobs=jobs, rows=True)
        assert screen.parsed == result.files  # validate made no rows: the screen checks every file once ...
        assert check_tree([tmp_path / "tree"], jobs=jobs, rows=True).parsed == 0  # ... and then has them
        made = cache.load(cache.path_for([str(tmp_path / "tree")], "rows"), "rows", version, ClaimRow | None)
        rows.append({path: (extra.stat, extra.value) for path, extra in made.items()})
    assert lines[0] == lines[1] and rows[0] == rows[1]
    broken = [path for path, (_, line) in lines[0].items() if line is None]
    assert len(broken) > 10  # the broken copies: no line, still an entry
    some = next(path for path, (_, line) in lines[0].items() if line is not None)
    assert lines[0][some][1] == ListLine.of(reading.check_claim_file(some, None, reading.today(), reading.Want(claim=True))[0].claim)

    read_file, claims_read = reading.read_file, []

    def counted(path, *args, **kwargs):
        if path.endswith(".yaml") and os.path.basename(path) != "article.yaml":
            claims_read.append(path)
        return read_file(path, *args, **kwargs)

    monkeypatch.setattr(reading, "read_file", counted)
    listed = check_tree([tmp_path / "tree"], jobs=2)
    uncached = set(lines[1]) ^ {str(p) for p in (tmp_path / "tree").rglob("*.yaml") if p.name != "article.yaml"}
    assert listed.parsed == len(claims_read) == len(uncached)  # only what the cache cannot hold (a future date)
    assert set(claims_read) == uncached

# -- a cache that cannot lie ---------------------------------------------------------


def test_same_size_edit_with_mtime_put_back_is_seen(tmp_path, capsys):
    root = make_tree(tmp_path)
    path = root / "test-article" / "support-rose.yaml"
    assert run(capsys, "validate", str(root))[0] == 0
    st = os.stat(path)
    path.write_text(path.read_text().replace("kind: quantity", "kind: quantitx"))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # touch -r
    assert os.stat(path).st_size == st.st_size and os.stat(path).st_mtime_ns == st.st_mtime_ns
    code, out, _ = run(capsys, "validate", str(root))
    assert code == 1 and "[enum]" in out


def test_forged_or_corrupt_cache_is_ignored(tmp_path, capsys):
    root = make_tree(tmp_path)
    path = root / "test-article" / "support-rose.yaml"
    path.write_text(path.read_text().replace("kind: quantity", "kind: quantitx"))
    assert run(capsys, "validate", str(root))[0] == 1
    cache_file = cache.path_for([str(root)], "validate")
    blob = cache_file.read_bytes()
    # Forge: the entry of the bad file made to say "no problems", under a MAC made without the key.
    entries = cache.load(cache_file, "validate", cache.code_version())
    entries[str(path)].problems.clear()
    body = cache.msgspec.msgpack.encode(entries)
    cache_file.write_bytes(blob[: len(cache.MAGIC) + cache.MAC_SIZE] + body)
    assert run(capsys, "validate", str(root))[0] == 1
    cache_file.write_bytes(b"\x00garbage" * 10)
    assert run(capsys, "validate", str(root))[0] == 1


def test_a_run_that_fails_midway_leaves_the_caches_as_they_were(tmp_path, capsys, monkeypatch):
    from factcheck import validate

    root = make_tree(tmp_path)
    check_tree([root], rows=True)
    assert run(capsys, "validate", str(root))[0] == 0
    base = cache.path_for([str(root)], "rows")
    before = {path: path.read_bytes() for path in base.parent.iterdir()}
    assert cache.path_for([str(root)], "rows") in before
    path = root / "test-article" / "support-rose.yaml"
    path.write_text(path.read_text() + "# changed\n")

    def broken(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(validate, "_run", broken)
    for rows in (False, True):
        with pytest.raises(KeyboardInterrupt):
            validate.check_tree([root], rows=rows)
    assert {path: path.read_bytes() for path in base.parent.iterdir()} == before

def test_a_pickle_in_the_cache_folder_never_runs(tmp_path, capsys):
    root = make_tree(tmp_path)
    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    folder = cache.cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for kind in ("validate", "rows", "data"):
        target = cache.path_for([str(root)], kind)
        target.write_bytes(pickle.dumps(Evil()))
        target.with_suffix(".pickle").write_bytes(pickle.dumps(Evil()))
    assert run(capsys, "validate", str(root))[0] == 0
    run(capsys, "list", "--root", str(root))
    run(capsys, "export", "--root", str(root))
    assert not marker.exists()


def test_a_chmod_or_replaced_file_is_checked_again(tmp_path):
    root = make_tree(tmp_path)
    path = root / "test-article" / "support-rose.yaml"
    assert check_tree([root]).parsed == 2
    assert check_tree([root]).parsed == 0
    os.chmod(path, 0o600)  # changes ctime: the file is read again
    assert check_tree([root]).parsed == 1
    data = path.read_bytes()
    path.unlink()
    path.write_bytes(data)  # same bytes, new inode
    assert check_tree([root]).parsed == 1


# -- every command reads through the cache -------------------------------------------


@pytest.fixture
def counted(monkeypatch):
    calls: list[str] = []
    real_fast, real_strict = reading.parse_fast, reading.load_strict

    def fast(raw):
        calls.append("fast")
        return real_fast(raw)

    def strict(path, raw):
        calls.append(path)
        return real_strict(path, raw)

    monkeypatch.setattr(reading, "parse_fast", fast)  # the names the reading path calls
    monkeypatch.setattr(reading, "load_strict", strict)
    return calls


def test_no_command_parses_an_unchanged_file_again(capsys, tree, counted):
    assert run(capsys, "validate", str(tree))[0] == 0
    assert len(counted) == 3  # two claims and the article
    counted.clear()
    code, out, _ = run(capsys, "list", "--root", str(tree))
    assert code == 0 and "support-rose" in out
    assert counted == ["fast"]  # the article only: its text is needed for the quote rule
    counted.clear()
    code, out, _ = run(capsys, "export", "--root", str(tree))
    assert code == 0 and len(json.loads(out)) == 2
    counted.clear()
    code, out, _ = run(capsys, "export", "--root", str(tree))
    assert code == 0 and len(json.loads(out)) == 2
    assert counted == ["fast"]
    counted.clear()
    code, out, _ = run(capsys, "show", "--root", str(tree), "support-rose")
    assert code == 0 and "Annual survey 2021" in out
    assert len(counted) == 2  # its article and the one claim shown, no other claim


def test_export_has_the_shape_of_the_claims(capsys, tree):
    from factcheck.convert import structure, unstructure
    from factcheck.model import Claim

    code, out, _ = run(capsys, "export", "--root", str(tree))
    exported = json.loads(out)
    for item in exported:
        path = tree.parent / item["path"] if not os.path.isabs(item["path"]) else Path(item["path"])
        raw = (tree / "test-article" / f"{item['id']}.yaml").read_bytes()
        claim, _ = structure(reading.parse(str(path), raw).data, Claim)
        plain = json.loads(json.dumps(unstructure(claim), default=lambda v: v.isoformat().replace("+00:00", "Z")))
        assert {k: v for k, v in item.items() if k not in ("article", "path")} == plain
        assert item["article"] == "test-article" and path.name == f"{item['id']}.yaml"


def test_validate_one_file_sees_the_rest_of_its_tree(capsys, tree):
    code, out, _ = run(capsys, "validate", str(tree / "test-article" / "bridges-repaired.yaml"))
    assert code == 0, out  # its related claim support-rose exists in the tree
    (tree / "test-article" / "support-rose.yaml").unlink()
    code, out, _ = run(capsys, "validate", str(tree / "test-article" / "bridges-repaired.yaml"))
    assert code == 1 and "[related-missing]" in out


# -- files that are not what they seem ------------------------------------------------


def test_symlinks_out_of_the_tree_are_reported_and_never_read(capsys, tmp_path):
    root = make_tree(tmp_path)
    outside = tmp_path / "secret.yaml"
    outside.write_text(OTHER_YAML.replace("support-rose", "outside-claim"))
    (root / "test-article" / "outside-claim.yaml").symlink_to(outside)
    code, out, _ = run(capsys, "validate", "--format", "parsable", str(root))
    assert code == 1 and "outside-claim.yaml:1:1: error [symlink]" in out
    assert "Annual survey" not in out


def test_a_symlinked_article_text_is_never_quoted(capsys, tmp_path):
    root = make_tree(tmp_path)
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:secret line\n")
    text = root / "test-article" / "article.txt"
    text.unlink()
    text.symlink_to(secret)
    code, out, _ = run(capsys, "validate", "--format", "parsable", str(root))
    assert code == 1 and "[article-text]" in out and "secret line" not in out


def test_a_fifo_is_reported_without_being_opened(capsys, tmp_path):
    root = make_tree(tmp_path)
    os.mkfifo(root / "test-article" / "x.yaml")
    code, out, _ = run(capsys, "validate", "--format", "parsable", str(root))
    assert code == 1 and "x.yaml:1:1: error [not-a-file]" in out
    code, out, _ = run(capsys, "list", "--root", str(root))
    assert code == 0


def test_an_unreadable_folder_is_a_problem(capsys, tmp_path, monkeypatch):
    root = make_tree(tmp_path)
    real = os.scandir

    def scandir(path="."):
        if str(path).endswith("test-article"):
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(reading.os, "scandir", scandir)
    code, out, _ = run(capsys, "validate", "--format", "parsable", str(root))
    assert code == 1 and "[unreadable]" in out and "Permission denied" in out


# -- two editors, one file ----------------------------------------------------------------


def _factcheck(*argv: str, cwd: Path) -> subprocess.Popen:
    env = dict(os.environ, FACTCHECK_EDITOR="racer")
    return subprocess.Popen([sys.executable, "-m", "factcheck", *argv], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_racing_edits_to_one_claim_all_land_or_are_refused(tmp_path):
    root = make_tree(tmp_path)
    procs = [_factcheck("note", "--root", str(root), "support-rose", f"note number {n}", cwd=tmp_path) for n in range(12)]
    outcomes = [(p.wait(), p.stdout.read()) for p in procs]
    text = (root / "test-article" / "support-rose.yaml").read_text()
    for n, (code, out) in enumerate(outcomes):
        if code == 0:
            assert f"note number {n}" in text, out  # reported success: it is in the file
        else:
            assert "refused" in out
    assert sum(1 for code, _ in outcomes if code == 0) >= 10
    assert check_tree([root], use_cache=False).problems == []


def test_two_creators_of_one_id_cannot_both_succeed(tmp_path):
    root = make_tree(tmp_path)
    for trial in range(4):
        claim_id = f"race-{trial}"
        procs = [_factcheck("new", "--root", str(root), "test-article", "--quote", "Critics disagree.", "--id", claim_id, cwd=tmp_path) for _ in range(3)]
        results = [(p.wait(), p.stdout.read()) for p in procs]
        assert sum(1 for code, out in results if code == 0 and "created" in out) == 1, results


def test_temp_files_left_by_a_killed_writer_are_cleared(capsys, tree, tmp_path):
    stale = tree / "test-article" / ".support-rose.yaml.x1y2.factcheck-tmp"
    stale.write_text("half a file")
    code, _, _ = run(capsys, "note", "--root", str(tree), "support-rose", "a note")
    assert code == 0 and not stale.exists()
    assert not list((tree / "test-article").glob(".*"))
    # .gitignore covers the name (asked in a repository of its own: an unpacked sdist is none)
    repo = tmp_path / "ignore-check"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    shutil.copy2(REPO / ".gitignore", repo / ".gitignore")
    ignored = subprocess.run(["git", "check-ignore", "-q", "--no-index", f"claims/test-article/{stale.name}"], cwd=repo)
    assert ignored.returncode == 0


# -- the writer never writes what validate refuses ----------------------------------------


def test_writer_refuses_a_file_validate_would_call_too_large(capsys, tree):
    path = tree / "test-article" / "support-rose.yaml"
    before = path.read_bytes()
    huge = "x" * (fsio.MAX_BYTES + 10)
    code, out, err = run(capsys, "note", "--root", str(tree), "support-rose", huge)
    assert code == 1 and out == "" and "refused" in err and path.read_bytes() == before


def test_a_too_large_claim_can_still_be_made_smaller(capsys, tree):
    path = tree / "test-article" / "support-rose.yaml"
    big = path.read_text().replace('excerpt: "68 percent support the plan"', 'excerpt: "' + "y" * (fsio.MAX_BYTES + 10) + '"')
    path.write_text(big)
    code, out, _ = run(capsys, "validate", str(tree))
    assert code == 1 and "[too-large]" in out
    code, out, _ = run(capsys, "remove-source", "--root", str(tree), "support-rose", "https://example.org/survey", "--note", "Excerpt far too long.")
    assert code == 0, out
    assert run(capsys, "validate", str(tree))[0] == 0


def test_a_screen_process_leaves_rapidyaml_to_its_helpers(tmp_path):
    generate.generate_real(PARALLEL_THRESHOLD + 50, tmp_path / "tree", broken=0.0, per_article=200)
    reading.fast_parser_here(False)
    try:
        result = check_tree([tmp_path / "tree"], use_cache=False, isolate=True)
        one = reading.parse("x.yaml", CLAIM_YAML.encode())
    finally:
        reading.fast_parser_here(True)
    assert [p for p in result.problems if p.severity == "error"] == [] and result.fast == result.files  # helpers read fast
    assert not one.fast  # this process did not


def test_a_file_this_user_may_no_longer_read_is_not_taken_from_the_cache(tmp_path, monkeypatch):
    root = make_tree(tmp_path)
    path = root / "test-article" / "support-rose.yaml"
    assert check_tree([root]).parsed == 2
    monkeypatch.setattr(fsio, "_EUID", os.stat(path).st_uid + 1)  # as another, unprivileged user
    monkeypatch.setattr(fsio, "_GROUPS", set())
    os.chmod(path, 0o600)
    assert check_tree([root]).parsed == 1  # only the file others may not read: read again
    assert check_tree([root]).parsed == 1


def test_a_claim_created_by_someone_else_meanwhile_is_never_overwritten(capsys, tree, monkeypatch):
    """Another `factcheck new --id same` writes the file after this one looked and before it writes."""
    import tempfile

    target = tree / "test-article" / "critics-disagree.yaml"
    real_mkstemp = tempfile.mkstemp

    def rival_first(*args, **kwargs):
        if str(kwargs.get("dir")) == str(target.parent) and not target.exists():  # the claim's own temp file
            target.write_text("# the other creator's claim\n")
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", rival_first)
    code, out, err = run(capsys, "new", "--root", str(tree), "test-article", "--quote", "Critics disagree.", "--id", "critics-disagree")
    assert code == 1 and out == "" and "already exists" in err
    assert target.read_text() == "# the other creator's claim\n"


def _kill_on(name: str):
    """check_claim_file that ends its process at once on the file called ``name``."""
    import signal

    from factcheck import validate

    real = validate.check_claim_file

    def check(path, *args, **kw):
        if os.path.basename(path) == name:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(path, *args, **kw)

    return check


def test_a_helper_that_dies_on_a_file_costs_only_that_file(tmp_path, monkeypatch):
    """A helper process killed while checking one file (as a crash inside a parser would):
    that file is reported as an internal error, and every other file is checked and
    reported as in a run without the crash."""
    from factcheck import validate

    generate.generate_real(PARALLEL_THRESHOLD + 150, tmp_path / "tree", broken=0.1, per_article=100)
    claims = sorted((tmp_path / "tree").glob("*/*.yaml"))
    victim = next(p for p in claims[len(claims) // 2 :] if p.name != "article.yaml")
    plain = check_tree([tmp_path / "tree"], use_cache=False, jobs=1)
    monkeypatch.setattr(validate, "check_claim_file", _kill_on(victim.name))
    for jobs in (1, 2):  # helpers only: one helper, or two that go on while the first one's batch is checked again
        crashed = check_tree([tmp_path / "tree"], use_cache=False, jobs=jobs, isolate=True)
        # possible-duplicate compares claims with each other: without the victim's claim it differs by design
        others = [p for p in crashed.problems if p.path != str(victim) and p.code != "possible-duplicate"]
        assert others == [p for p in plain.problems if p.path != str(victim) and p.code != "possible-duplicate"]
        mine = [p for p in crashed.problems if p.path == str(victim)]
        assert [(p.code, p.severity) for p in mine] == [("internal-error", "error")]
        assert "ended abruptly" in mine[0].message and "bug in factcheck" in mine[0].message
        assert crashed.files == plain.files and len(crashed.lines) == plain.files
    with pytest.raises(ChildProcessError):  # every helper was waited for
        os.waitpid(-1, os.WNOHANG)


def test_an_interrupt_stops_the_helpers_too(tmp_path, monkeypatch):
    """Ctrl-C while this process checks its own batch: the run stops with the interrupt,
    and no helper process is left running or unreaped."""
    from factcheck import validate

    generate.generate_real(PARALLEL_THRESHOLD + 150, tmp_path / "tree", broken=0.0, per_article=100)
    here = os.getpid()
    real = validate._check_batch

    def interrupted(paths, job):
        if os.getpid() == here:
            raise KeyboardInterrupt
        return real(paths, job)

    monkeypatch.setattr(validate, "_check_batch", interrupted)
    with pytest.raises(KeyboardInterrupt):
        check_tree([tmp_path / "tree"], use_cache=False, jobs=2)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_a_run_that_cannot_start_a_helper_checks_every_file_itself(tmp_path, monkeypatch):
    """No process to be had (fork fails): this process checks every file, even when it
    was to leave them to helpers, and finds what a one-process run finds."""
    generate.generate_real(PARALLEL_THRESHOLD + 50, tmp_path / "tree", broken=0.1, per_article=100)
    plain = check_tree([tmp_path / "tree"], use_cache=False, jobs=1)

    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    for isolate in (False, True):
        alone = check_tree([tmp_path / "tree"], use_cache=False, jobs=2, isolate=isolate)
        assert alone.problems == plain.problems and alone.parsed == plain.files


def test_a_helper_that_dies_halfway_through_an_answer_does_not_hang_the_run(tmp_path, monkeypatch):
    """A helper that writes part of its answer and dies: the run ends (no wait for the
    rest), and the files of that helper get an internal error."""
    import signal
    import struct

    from factcheck import validate

    generate.generate_real(PARALLEL_THRESHOLD + 10, tmp_path / "tree", broken=0.0, per_article=100)

    def half(queue, out, batches, want, article_texts, day, policies, claimants=None):
        os.read(queue, validate._TOKEN)
        os.write(out, struct.pack("<II", 0, 1000) + b"x" * 10)  # a frame that says 1000 bytes, and 10 of them
        os._exit(0)

    monkeypatch.setattr(validate, "_helper", half)
    previous = signal.signal(signal.SIGALRM, lambda *_: pytest.fail("the run hung on a half-written answer"))
    signal.alarm(60)
    try:
        result = check_tree([tmp_path / "tree"], use_cache=False, jobs=1, isolate=True)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert result.files == PARALLEL_THRESHOLD + 10
    assert {p.code for p in result.problems} == {"internal-error"}
    assert len({p.path for p in result.problems}) == result.files
