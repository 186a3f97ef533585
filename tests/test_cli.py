"""The command line: formats, exit codes, and the edit commands' bytes on disk."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import CLAIM_YAML, OTHER_YAML, make_tree

from factcheck.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def broken_tree(tmp_path: Path) -> Path:
    bad = CLAIM_YAML.replace("kind: quantity", "kind: quantty").replace('claimant: "The mayor"', "claimant: 7")
    return make_tree(tmp_path, {"bridges-repaired": bad, "support-rose": OTHER_YAML})


def test_validate_clean_exits_0(capsys, tree):
    code, out, err = run(capsys, "validate", str(tree))
    assert (code, out, err) == (0, "2 claim files checked, no problems\n", "")


def test_validate_text_lists_every_problem(capsys, tmp_path):
    root = broken_tree(tmp_path)
    code, out, err = run(capsys, "validate", str(root))
    path = root / "test-article" / "bridges-repaired.yaml"
    assert code == 1 and err == ""
    assert out.splitlines() == [
        f"{path}:5:11: error [type] expected a string, got a number",
        f"{path}:6:7: error [enum] 'quantty' is not one of: "
        f"quantity, event, attribution, causal, characterization, prediction, opinion (did you mean 'quantity'?)",
        "2 problems in 1 file (2 claim files checked)",
    ]


def test_validate_parsable_has_no_summary_line(capsys, tmp_path):
    code, out, _ = run(capsys, "validate", "--format", "parsable", str(broken_tree(tmp_path)))
    assert code == 1 and len(out.splitlines()) == 2 and all(":error" not in line for line in out.splitlines())


def test_validate_github_escapes(capsys, tmp_path):
    code, out, _ = run(capsys, "validate", "--format", "github", str(broken_tree(tmp_path)))
    first = out.splitlines()[0]
    assert first.startswith("::error file=") and ",line=5,col=11,title=factcheck type::expected a string" in first
    second = out.splitlines()[1]
    assert "%2C" not in second.split("::")[2]  # message commas are left alone
    from factcheck.problems import Problem
    from factcheck.report import github

    assert github(Problem("a:b,c.yaml", 1, 2, "x", "50% done\nnext")) == "::error file=a%3Ab%2Cc.yaml,line=1,col=2,title=factcheck x::50%25 done%0Anext"


def test_validate_auto_uses_github_under_actions(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, _ = run(capsys, "validate", str(broken_tree(tmp_path)))
    assert code == 1 and out.startswith("::error ")


def test_validate_json(capsys, tmp_path):
    code, out, _ = run(capsys, "validate", "--format", "json", str(broken_tree(tmp_path)))
    data = json.loads(out)
    assert code == 1
    assert [(d["line"], d["col"], d["code"]) for d in data] == [(5, 11, "type"), (6, 7, "enum")]


def test_usage_error_exits_2_on_stderr(capsys):
    code, out, err = run(capsys, "validate", "--format", "xml")
    assert code == 2 and out == "" and "invalid choice" in err


def test_unknown_command_exits_2(capsys):
    code, out, err = run(capsys, "frobnicate")
    assert code == 2 and out == ""


def test_missing_path_is_a_usage_error(capsys, tmp_path):
    code, out, err = run(capsys, "validate", str(tmp_path / "nope"))
    assert (code, out) == (2, "")
    assert (
        err.splitlines()[0]
        == f"factcheck validate: {tmp_path / 'nope'}: no such file or folder; expected a claims folder, an article folder or .yaml claim files"
    )


def test_fmt_check_and_fix(capsys, tmp_path):
    messy = CLAIM_YAML.replace("kind: quantity\n", "").replace("status: new\n", "status: new\nkind: quantity\n")
    root = make_tree(tmp_path, {"bridges-repaired": messy, "support-rose": OTHER_YAML})
    path = root / "test-article" / "bridges-repaired.yaml"
    code, out, _ = run(capsys, "fmt", "--check", str(root))
    assert code == 1 and "[not-canonical]" in out and path.read_text() == messy
    code, out, _ = run(capsys, "fmt", str(root))
    assert code == 0 and path.read_text() == CLAIM_YAML
    code, out, _ = run(capsys, "fmt", "--check", str(root))
    assert code == 0


def test_list_show_export(capsys, tree):
    code, out, _ = run(capsys, "list", "--root", str(tree), "--status", "researching")
    assert code == 0 and out.split()[:4] == ["support-rose", "researching", "-", "1"]
    code, out, _ = run(capsys, "show", "--root", str(tree), "support-rose")
    assert code == 0 and "[supports] Annual survey 2021 — City of Example, 2021-12-01" in out
    code, out, err = run(capsys, "show", "--root", str(tree), "support-ros")
    assert code == 1 and out == "" and "did you mean 'support-rose'" in err
    code, out, _ = run(capsys, "export", "--root", str(tree))
    data = json.loads(out)
    assert code == 0 and [d["id"] for d in data] == ["bridges-repaired", "support-rose"]
    assert data[1]["article"] == "test-article" and data[1]["sources"][0]["published"] == "2021-12-01"
    assert data[0]["history"][0]["at"] == "2024-04-01T09:00:00Z"


def test_add_source_changes_only_what_it_must(capsys, tree):
    path = tree / "test-article" / "bridges-repaired.yaml"
    before = path.read_text()
    code, out, _ = run(
        capsys,
        "add-source",
        "--root",
        str(tree),
        "bridges-repaired",
        "--url",
        "https://example.org/b",
        "--title",
        "Bridges",
        "--publisher",
        "City",
        "--stance",
        "supports",
        "--excerpt",
        "24 bridges",
        "--published",
        "2024-01-05",
        "--accessed",
        "2024-04-02",
        "--editor",
        "ed",
    )
    assert code == 0, out
    after = path.read_text()
    head, tail = after.split("sources:\n", 1)
    assert before.startswith(head)
    assert (
        "  - url: https://example.org/b\n    title: Bridges\n    publisher: City\n    published: 2024-01-05\n    accessed: 2024-04-02\n"
        "    excerpt: 24 bridges\n    stance: supports\ncorrections: []\n"
        in after
    )
    assert after.startswith(before.split("sources: []")[0])
    assert "    by: ed\n    action: source-added\n    field: sources\n    after: https://example.org/b\n    note: 'supports: Bridges (City)'\n" in after


def test_add_source_refuses_bad_url_and_leaves_file(capsys, tree):
    path = tree / "test-article" / "bridges-repaired.yaml"
    before = path.read_bytes()
    code, out, err = run(
        capsys,
        "add-source",
        "--root",
        str(tree),
        "bridges-repaired",
        "--url",
        "javascript:alert(1)",
        "--title",
        "x",
        "--publisher",
        "y",
        "--stance",
        "supports",
        "--excerpt",
        "z",
    )
    assert code == 2 and out == "" and "argument --url: 'javascript:alert(1)' is not an http or https URL" in err
    assert path.read_bytes() == before


def test_set_status_refuses_incomplete_publish(capsys, tree):
    path = tree / "test-article" / "support-rose.yaml"
    before = path.read_bytes()
    code, out, _ = run(capsys, "set-status", "--root", str(tree), "support-rose", "in-review", "--note", "go")
    assert code == 0, out
    before = path.read_bytes()
    code, out, err = run(capsys, "set-status", "--root", str(tree), "support-rose", "published", "--editor", "bo", "--note", "go")
    assert code == 1 and path.read_bytes() == before and out == ""
    assert err == "factcheck: refused: a published claim needs a verdict; a published claim needs a summary (--verdict, --summary)\n"
    code, out, _ = run(capsys, "set-status", "--root", str(tree), "support-rose", "published", "--verdict", "accurate",
                       "--summary", "The survey says so.", "--note", "checked", "--editor", "bo")
    assert code == 0, out
    text = path.read_text()
    assert "status: published\nverdict: accurate\nsummary: The survey says so.\n" in text
    assert text.count("action: ") == 6  # created, status, status, verdict, summary, status
    code, out, _ = run(capsys, "validate", str(tree))
    assert code == 0, out


def test_note_and_new(capsys, tree):
    code, out, _ = run(capsys, "note", "--root", str(tree), "support-rose", "Called the city.")
    assert code == 0 and "note: Called the city.\n" in (tree / "test-article" / "support-rose.yaml").read_text()
    code, out, _ = run(capsys, "new", "--root", str(tree), "test-article", "--quote", "Critics  disagree.", "--kind", "opinion")
    assert code == 0, out
    created = tree / "test-article" / "critics-disagree.yaml"
    assert created.exists() and "claimant: Ann Author\n" in created.read_text()
    code, out, err = run(capsys, "new", "--root", str(tree), "test-article", "--quote", "The mayor denied everything.")
    assert code == 1 and out == "" and "does not occur in the article" in err
    code, out, _ = run(capsys, "validate", str(tree))
    assert code == 0, out


def test_console_script_runs_without_traceback(tmp_path):
    root = broken_tree(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "factcheck", "validate", str(root)], capture_output=True, text=True)
    assert proc.returncode == 1 and proc.stderr == ""


def test_correct_records_a_correction(capsys, tree):
    path = tree / "test-article" / "support-rose.yaml"
    code, out, _ = run(capsys, "correct", "--root", str(tree), "support-rose", "--change", "source title fixed", "--reason", "The page's headline differs.")
    assert code == 0, out
    text = path.read_text()
    assert "corrections:\n  - date: " in text and "    change: source title fixed\n    reason: The page's headline differs.\n" in text
    assert '    action: correction\n    field: corrections\n    note: "source title fixed: The page\'s headline differs."\n' in text
    code, out, err = run(capsys, "correct", "--root", str(tree), "support-rose", "--change", " ", "--reason", "x")
    assert code == 2 and out == "" and "factcheck correct: --change is empty" in err


def test_fmt_reports_a_missing_path(capsys, tmp_path):
    code, out, err = run(capsys, "fmt", "--check", str(tmp_path / "nope"))
    assert (code, out) == (2, "") and f"factcheck fmt: {tmp_path / 'nope'}: no such file or folder" in err


def test_export_warns_about_unreadable_claims_on_stderr(capsys, tmp_path):
    root = make_tree(tmp_path, {"bridges-repaired": b"id: [broken\n", "support-rose": OTHER_YAML})
    code, out, err = run(capsys, "export", "--root", str(root))
    assert code == 1
    assert [d["id"] for d in json.loads(out)] == ["bridges-repaired", "support-rose"]
    assert "1 claim file(s) could not be read" in err and "bridges-repaired.yaml" in err
    code, out, _ = run(capsys, "show", "--root", str(root), "bridges-repaired")
    assert code == 1 and "cannot be read as a claim" in out


def test_set_source_changes_one_field_with_one_history_entry(capsys, tree):
    path = tree / "test-article" / "support-rose.yaml"
    before = path.read_text()
    code, out, _ = run(
        capsys,
        "set-source",
        "--root",
        str(tree),
        "support-rose",
        "https://example.org/survey",
        "--published",
        "2021-11-30",
        "--note",
        "The page is dated 30 November.",
        "--editor",
        "ed",
    )
    assert (code, out) == (0, f"{path}: source-changed recorded\n")
    after = path.read_text()
    assert after.startswith(before.replace("    published: 2021-12-01\n", "    published: 2021-11-30\n"))
    added = after[len(before) :]
    assert added.startswith("  - at: ") and added.count("  - at: ") == 1
    assert added.endswith(
        "    by: ed\n    action: source-changed\n    field: sources[0].published\n    before: '2021-12-01'\n"
        "    after: '2021-11-30'\n    note: The page is dated 30 November.\n"
    )
    code, out, _ = run(
        capsys,
        "set-source",
        "--root",
        str(tree),
        "support-rose",
        "https://example.org/survey",
        "--published",
        "none",
        "--title",
        "Annual survey",
        "--note",
        "No date on the page.",
    )
    assert code == 0, out
    text = path.read_text()
    assert '    title: "Annual survey"\n    publisher: "City of Example"\n    published: null\n' in text
    assert "    field: sources[0].published\n    before: '2021-11-30'\n" in text and "    field: sources[0].title\n" in text
    code, out, _ = run(capsys, "validate", str(tree))
    assert code == 0, out


def test_set_source_refuses_no_op_and_unknown_source(capsys, tree):
    path = tree / "test-article" / "support-rose.yaml"
    before = path.read_bytes()
    code, out, err = run(
        capsys,
        "set-source",
        "--root",
        str(tree),
        "support-rose",
        "https://example.org/survey",
        "--published",
        "2021-12-01",
        "--stance",
        "supports",
        "--note",
        "same",
    )
    assert code == 1 and out == "" and "nothing to change" in err and path.read_bytes() == before
    code, out, err = run(capsys, "set-source", "--root", str(tree), "support-rose", "https://example.org/nope", "--title", "x", "--note", "x")
    assert code == 1 and out == "" and "has no source https://example.org/nope" in err and path.read_bytes() == before
    code, out, err = run(
        capsys, "set-source", "--root", str(tree), "support-rose", "https://example.org/survey", "--new-url", "ftp://example.org/survey", "--note", "moved"
    )
    assert code == 1 and out == "" and "url must be an http or https URL" in err and path.read_bytes() == before
    code, out, err = run(capsys, "set-source", "--root", str(tree), "support-rose", "https://example.org/survey", "--note", "x")
    assert code == 2 and "say what to change" in err and path.read_bytes() == before


def test_set_source_on_a_published_claim_needs_a_correction_for_stance(capsys, tree):
    path = tree / "test-article" / "support-rose.yaml"
    code, out, _ = run(capsys, "set-status", "--root", str(tree), "support-rose", "in-review", "--verdict", "mixed",
                       "--summary", "The survey says so.", "--note", "ready")
    assert code == 0, out
    code, out, _ = run(capsys, "set-status", "--root", str(tree), "support-rose", "published", "--note", "checked", "--editor", "bo")
    assert code == 0, out
    before = path.read_bytes()
    code, out, err = run(
        capsys, "set-source", "--root", str(tree), "support-rose", "https://example.org/survey", "--stance", "context", "--note", "It does not say so."
    )
    assert code == 1 and out == "" and "only with a correction" in err and path.read_bytes() == before
    code, out, _ = run(
        capsys,
        "set-source",
        "--root",
        str(tree),
        "support-rose",
        "https://example.org/survey",
        "--publisher",
        "City of Example (statistics office)",
        "--note",
        "The page names the office.",
    )
    assert code == 0, out
    assert "corrections: []\n" in path.read_text()
    code, out, _ = run(
        capsys,
        "set-source",
        "--root",
        str(tree),
        "support-rose",
        "https://example.org/survey",
        "--stance",
        "context",
        "--note",
        "It does not say so.",
        "--correction",
        "The survey shows no trend.",
    )
    assert code == 0, out
    text = path.read_text()
    assert "    stance: context\n" in text
    assert "corrections:\n  - date: " in text
    assert "    change: 'source https://example.org/survey: stance changed'\n    reason: The survey shows no trend.\n" in text
    assert "    action: source-changed\n    field: sources[0].stance\n    before: supports\n    after: context\n" in text
    code, out, _ = run(capsys, "validate", str(tree))
    assert code == 0, out


def test_a_command_parsed_alone_reads_and_helps_as_in_the_whole_parser():
    """main() builds only the named command's parser: its help, its answers and its
    usage errors are those of the whole command line."""
    import argparse
    import contextlib
    import io

    from factcheck.cli import COMMANDS, UsageError, build_parser

    def outcome(parser: argparse.ArgumentParser, argv: list[str]) -> tuple:
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                return ("ok", vars(parser.parse_args(argv)), out.getvalue())
        except SystemExit as exc:
            return ("exit", exc.code, out.getvalue())
        except UsageError as exc:
            return ("usage", str(exc), out.getvalue())

    samples = {"validate": ["claims", "--jobs", "2", "--format", "json"], "show": ["some-id"], "add-source": ["x", "--url", "ftp://x"]}
    assert len(COMMANDS) > 20
    for name, _, _ in COMMANDS:
        for argv in ([name, "--help"], [name, *samples.get(name, [])], [name, "--no-such-option"]):
            alone, whole = outcome(build_parser(name), argv), outcome(build_parser(), argv)
            assert alone == whole, argv
            if argv[1:2] == ["--help"]:
                assert alone[0] == "exit" and f"usage: factcheck {name}" in alone[2]


def test_no_import_cycle_counting_imports_inside_functions():
    """No module of factcheck reaches itself again through the modules it imports, at the
    top or inside a function (the command line once went cli -> commands -> frontdoor -> cli)."""
    from test_layers import PACKAGE, imported, module_name

    graph = {module_name(p): imported(p) for p in PACKAGE.rglob("*.py") if p.name != "__main__.py"}
    graph = {name: {d for d in deps if d in graph and d != name} for name, deps in graph.items()}
    assert len(graph) > 40 and "factcheck.cli.main" in graph
    cycles = []
    for start in graph:
        seen, todo = set(), list(graph[start])
        while todo:
            name = todo.pop()
            if name == start:
                cycles.append(start)
                break
            if name not in seen:
                seen.add(name)
                todo.extend(graph[name])
    assert cycles == []


def test_exit_codes_and_usage_errors_live_in_one_module():
    import re

    from test_layers import PACKAGE

    defined = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if re.search(r"^EXIT_\w+\s*[:=,]|^class UsageError\b", p.read_text(), re.M)]
    assert defined == ["cli/errors.py"]
