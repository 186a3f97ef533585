"""Every way in is guarded: text limits, arguments, and text that attacks its reader."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import attrs
import pytest
from builders import published_yaml
from conftest import CLAIM_YAML, OTHER_YAML, make_tree

from factcheck import model
from factcheck.cli import main
from factcheck.problems import Problem

REPO = Path(__file__).resolve().parent.parent


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def claim_file(tree: Path, name: str) -> Path:
    return tree / "test-article" / f"{name}.yaml"


ADD = ("--url", "https://example.org/b", "--title", "Bridges", "--publisher", "City", "--stance", "supports")


# -- 1. one limit per text field, in the model ---------------------------------------------


def test_each_text_field_has_a_limit_in_the_model():
    limits = {
        (cls.__name__, f.name): model.field_constraints(f).get("max_length")
        for cls in (model.Claim, model.Source, model.Correction, model.HistoryEntry, model.Article)
        for f in attrs.fields(cls)
    }
    assert limits[("Source", "excerpt")] == 400 and model.EXCERPT.about == 300
    for key in [("Source", "title"), ("Source", "publisher"), ("Claim", "summary"), ("HistoryEntry", "note"),
                ("Claim", "text"), ("Claim", "quote"), ("Correction", "change"), ("Correction", "reason"),
                ("Article", "title"), ("Article", "publisher")]:
        assert limits[key], key
    tags = attrs.fields_dict(model.Claim)["tags"]
    assert model.field_constraints(tags)["item_max_length"] == 40


def test_schema_carries_the_limits():
    from factcheck.schema import json_schema

    schema = json_schema()
    source = schema["$defs"]["Source"]["properties"]
    assert source["excerpt"]["maxLength"] == 400
    assert schema["properties"]["tags"]["items"] == {"type": "string", "pattern": model.SLUG_RE.pattern, "maxLength": 40}
    summary = schema["properties"]["summary"]["anyOf"]
    assert {"type": "string", "maxLength": model.SUMMARY.limit} in summary


def test_built_in_claims_fit_the_limits():
    from factcheck.validate import check_tree

    result = check_tree([REPO / "claims"], use_cache=False)
    assert result.files > 0 and [p for p in result.problems if p.severity == "error"] == []


def test_validate_reports_a_long_excerpt_and_tag_at_the_value(capsys, tmp_path):
    source = OTHER_YAML.replace('excerpt: "68 percent support the plan"', f'excerpt: "{"x" * 401}"')
    claim = CLAIM_YAML.replace("  - infrastructure\n", f"  - {'a' * 41}\n")
    root = make_tree(tmp_path, {"bridges-repaired": claim, "support-rose": source})
    code, out, _ = run(capsys, "validate", "--format", "parsable", root)
    assert code == 1
    assert out.splitlines() == [
        f"{claim_file(root, 'bridges-repaired')}:10:1: error [too-long] tags entry 'aaaaaaaaaaaaaaaaaaaa'… is 41 characters long; at most 40",
        f"{claim_file(root, 'support-rose')}:17:14: error [too-long] excerpt is 401 characters long; at most 400 (aim for about 300)",
    ]


def test_edit_commands_refuse_too_long_text_before_writing(capsys, tree):
    path = claim_file(tree, "support-rose")
    before = path.read_bytes()
    code, out, err = run(capsys, "note", "--root", tree, "support-rose", "n" * 2001)
    assert (code, out, err) == (1, "", "factcheck: refused: note is 2001 characters long; at most 2000\n")
    code, out, err = run(capsys, "set-status", "--root", tree, "support-rose", "in-review", "--summary", "s" * 2001, "--note", "ok")
    assert (code, out, err) == (1, "", "factcheck: refused: summary is 2001 characters long; at most 2000\n")
    code, out, err = run(capsys, "add-source", "--root", tree, "support-rose", *ADD, "--excerpt", "e" * 401)
    assert code == 1 and out == "" and "excerpt is 401 characters long; at most 400 (aim for about 300)" in err
    code, out, err = run(capsys, "correct", "--root", tree, "support-rose", "--change", "c" * 601, "--reason", "why")
    assert code == 1 and out == "" and "change is 601 characters long; at most 600" in err
    assert path.read_bytes() == before


def test_new_refuses_a_too_long_claim_text_without_a_traceback(capsys, tree):
    code, out, err = run(capsys, "new", "--root", tree, "test-article", "--quote", "Critics disagree.", "--text", "t" * 501)
    assert (code, out, err) == (1, "", "factcheck: refused: text is 501 characters long; at most 500\n")
    assert not claim_file(tree, "critics-disagree").exists()


def test_source_form_uses_the_model_limit():
    from factcheck.forms import source_from_text
    from factcheck.tui.screens import FORM_FIELDS

    values = {"url": "https://example.org/a", "title": "T", "publisher": "P", "accessed": "2024-04-02", "stance": "supports"}
    _, errors = source_from_text({**values, "excerpt": "e" * 401}, [], dt.date(2024, 4, 5))
    assert errors == {"excerpt": "excerpt is 401 characters long; at most 400 (aim for about 300)"}
    source, errors = source_from_text({**values, "excerpt": "e" * 400}, [], dt.date(2024, 4, 5))
    assert errors == {} and source is not None
    assert "about 300 characters" in {f.name: f.hint for f in FORM_FIELDS}["excerpt"]


SOURCE = {"url": "https://example.org/b", "title": "Bridges", "publisher": "City", "excerpt": "24 bridges", "stance": "supports"}
BAD_SOURCES = {
    "future": {"published": "2099-01-01"},
    "order": {"published": "2024-03-01", "accessed": "2024-02-01"},
    "cited": {"url": "https://EXAMPLE.org/survey/"},
    "credentials": {"archive_url": "https://ann:secret@example.org/copy"},
    "control": {"title": "Bridges \x1b[2J", "publisher": "City \u202e"},
    "long": {"excerpt": "e" * 401},
}


@pytest.mark.parametrize("case", BAD_SOURCES)
async def test_the_command_line_and_the_form_refuse_a_source_in_the_same_words(capsys, tree, case):
    from textual.widgets import Input, Label, Select

    from factcheck.tui.app import FactcheckApp
    from factcheck.tui.screens import SourceForm

    values = {**SOURCE, **BAD_SOURCES[case]}
    path = claim_file(tree, "support-rose")
    before = path.read_bytes()
    argv = [part for name, value in values.items() for part in (f"--{name.replace('_', '-')}", value)]
    code, out, err = run(capsys, "add-source", "--root", tree, "support-rose", *argv)
    assert code == 1 and out == "" and err.startswith("factcheck: refused: ") and err.count("\n") == 1, err
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=(150, 45)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("down", "a")  # support-rose, which cites https://example.org/survey
        form = app.screen
        assert isinstance(form, SourceForm)
        for name, value in values.items():
            if name == "stance":
                form.query_one("#f-stance", Select).value = value
            else:
                form.query_one(f"#f-{name}", Input).value = value
        await pilot.pause()
        form.action_save()
        await pilot.pause()
        assert isinstance(app.screen, SourceForm)  # not saved
        shown = [str(label.content) for label in form.query(".field-error").results(Label) if str(label.content)]
    assert err == f"factcheck: refused: {'; '.join(shown)}\n"
    assert path.read_bytes() == before


# -- 2. '-' and '@FILE' ---------------------------------------------------------------------


def test_excerpt_and_note_from_a_file_and_stdin(capsys, tree, tmp_path, monkeypatch):
    excerpt = tmp_path / "excerpt.txt"
    excerpt.write_text("24 bridges\nwere repaired\n", encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.StringIO("Found in the city's report.\n"))
    code, out, _ = run(capsys, "add-source", "--root", tree, "bridges-repaired", *ADD, "--excerpt", f"@{excerpt}", "--note", "-")
    assert code == 0, out
    text = claim_file(tree, "bridges-repaired").read_text()
    assert '    excerpt: "24 bridges\\nwere repaired"\n' in text
    assert "note: Found in the city's report.\n" in text


def test_note_text_and_summary_from_files_and_a_literal_at(capsys, tree, tmp_path):
    note = tmp_path / "note.md"
    note.write_text("Called the city.\n", encoding="utf-8")
    assert run(capsys, "note", "--root", tree, "support-rose", f"@{note}")[0] == 0
    assert run(capsys, "note", "--root", tree, "support-rose", "@@mayor asked")[0] == 0
    summary = tmp_path / "summary.txt"
    summary.write_text("The survey says so.\n", encoding="utf-8")
    assert run(capsys, "set-status", "--root", tree, "support-rose", "in-review", "--summary", f"@{summary}", "--note", "ok")[0] == 0
    text = claim_file(tree, "support-rose").read_text()
    assert "note: Called the city.\n" in text and "note: '@mayor asked'\n" in text and "summary: The survey says so.\n" in text


def test_missing_file_and_stdin_twice_are_usage_errors(capsys, tree, tmp_path, monkeypatch):
    path = claim_file(tree, "support-rose")
    before = path.read_bytes()
    code, out, err = run(capsys, "note", "--root", tree, "support-rose", f"@{tmp_path / 'nope.txt'}")
    assert (code, out) == (2, "") and err.splitlines()[0] == f"factcheck note: TEXT @{tmp_path / 'nope.txt'}: no such file '{tmp_path / 'nope.txt'}'"
    code, _, err = run(capsys, "note", "--root", tree, "support-rose", f"@{tmp_path}")
    assert code == 2 and "is a folder, not a file" in err
    monkeypatch.setattr(sys, "stdin", io.StringIO("x"))
    code, _, err = run(capsys, "set-status", "--root", tree, "support-rose", "in-review", "--summary", "-", "--note", "-")
    assert code == 2 and "--note -: standard input is already read by another argument" in err
    assert path.read_bytes() == before


# -- 3. arguments -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["new", "test-article", "--quote", "Critics disagree.", "--id", "../../evil"], "factcheck new: argument --id: '../../evil' is not a claim id"),
        (["new", "test-article", "--quote", "Critics disagree.", "--id", "Evil_ID"], "factcheck new: argument --id: 'Evil_ID' is not a claim id"),
        (["show", "../support-rose"], "factcheck show: argument id: '../support-rose' is not a claim id"),
        (["log", "a/b"], "factcheck log: argument id: 'a/b' is not a claim id"),
        (["note", "a/b", "text"], "factcheck note: argument id: 'a/b' is not a claim id"),
        (["set-status", "a/b", "new", "--note", "x"], "factcheck set-status: argument id: 'a/b' is not a claim id"),
        (
            ["add-source", "support-rose", *ADD, "--excerpt", "e", "--published", "2024-13-40"],
            "factcheck add-source: argument --published: '2024-13-40' is not a date",
        ),
        (
            ["add-source", "support-rose", *ADD, "--excerpt", "e", "--accessed", "yesterday"],
            "factcheck add-source: argument --accessed: 'yesterday' is not a date",
        ),
        (
            ["add-source", "support-rose", *ADD, "--excerpt", "e", "--archive-url", "ftp://x"],
            "factcheck add-source: argument --archive-url: 'ftp://x' is not an http or https URL",
        ),
        (
            ["remove-source", "support-rose", "example.org/survey", "--note", "x"],
            "factcheck remove-source: argument url: 'example.org/survey' is not an http or https URL",
        ),
        (["set-status", "support-rose", "in-review", "--note", ""], "factcheck set-status: --note is empty"),
        (["remove-source", "support-rose", "https://example.org/survey", "--note", "  "], "factcheck remove-source: --note is empty"),
        (["note", "support-rose", " "], "factcheck note: TEXT is empty"),
        (["add-source", "support-rose", *ADD, "--excerpt", "e", "--note", ""], "factcheck add-source: --note is empty"),
        (["note", "support-rose", "x", "--editor", "ann\x1b[31m"], "factcheck note: argument --editor: 'ann\\x1b[31m' holds a line break or control character"),
        (["validate", "--jobs", "0"], "factcheck validate: argument --jobs: '0' is not a whole number of 1 or more"),
        (["fmt", "--schema-line", "x\nid: evil"], "factcheck fmt: argument --schema-line: 'x\\nid: evil' holds a line break or control character"),
    ],
)
def test_bad_arguments_are_one_line_usage_errors(capsys, tree, argv, expected, monkeypatch):
    monkeypatch.chdir(tree.parent)  # never near the project's own claims/
    path = claim_file(tree, "support-rose")
    before = path.read_bytes()
    if argv[0] in ("validate", "fmt"):
        code, out, err = run(capsys, *argv, tree)
    else:
        code, out, err = run(capsys, argv[0], "--root", tree, *argv[1:])
    assert (code, out) == (2, "")
    assert err.splitlines()[0].startswith(expected), err
    assert len(err.splitlines()) == 2 and err.splitlines()[1] == f"try 'factcheck {argv[0]} --help'"
    assert path.read_bytes() == before and not (tree.parent.parent / "evil.yaml").exists()


def test_bad_id_from_the_console_script_has_no_traceback(tree):
    proc = subprocess.run(
        [sys.executable, "-m", "factcheck", "new", "--root", str(tree), "test-article", "--quote", "Critics disagree.", "--id", "../../evil"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_paths_that_are_files_say_what_was_given(capsys, tree):
    text_file = tree / "test-article" / "article.txt"
    code, out, err = run(capsys, "validate", text_file)
    assert (code, out) == (2, "")
    assert (
        err.splitlines()[0]
        == f"factcheck validate: {text_file} is a file but not a .yaml claim file; expected a claims folder, an article folder or .yaml claim files"
    )
    code, out, err = run(capsys, "list", "--root", text_file)
    assert (code, out) == (2, "")
    assert err.splitlines()[0] == f"factcheck list: --root {text_file} is a file; expected the claims folder (it holds one folder per article)"
    code, _, err = run(capsys, "show", "--root", tree / "nope", "support-rose")
    assert code == 2 and f"--root {tree / 'nope'}: no such folder" in err
    code, _, err = run(capsys, "review", text_file)
    assert code == 2 and f"PATH {text_file} is a file" in err


PUBLISHED = published_yaml()


def test_set_status_keeps_both_note_and_correction(capsys, tmp_path):
    root = make_tree(tmp_path, {"support-rose": PUBLISHED})
    code, out, _ = run(
        capsys,
        "set-status",
        "--root",
        root,
        "support-rose",
        "published",
        "--verdict",
        "mixed",
        "--note",
        "Second survey found.",
        "--correction",
        "The 2021 figure was revised.",
    )
    assert code == 0, out
    text = claim_file(root, "support-rose").read_text()
    assert (
        "    action: correction\n    field: verdict\n    before: accurate\n    after: mixed\n"
        "    note: 'Second survey found. (correction: The 2021 figure was revised.)'\n"
        in text
    )
    assert "    reason: The 2021 figure was revised.\n" in text


def test_session_refuses_a_blank_removal_note(tree):
    from factcheck.session import EditSession
    from factcheck.store import ClaimStore, EditRefused

    session = EditSession(ClaimStore.open(tree), "ann")
    with pytest.raises(EditRefused, match="say why the source is removed"):
        session.remove_source("support-rose", "https://example.org/survey", "  ")


# -- 4. text that attacks the reader --------------------------------------------------------------

HOSTILE = CLAIM_YAML.replace('note: "Extracted from the article."', 'note: "Extracted \\e[31mred\\a"').replace(
    'claimant: "The mayor"', 'claimant: "The \u202emayor"'
)


def hostile_tree(tmp_path: Path) -> Path:
    other = OTHER_YAML.replace('title: "Annual survey 2021"', 'title: "Annual\\nsurvey \\u2066x\\u2069"').replace(
        "researching\nverdict: null\nsummary: null", 'researching\nverdict: null\nsummary: "Clear \\e[2J screen"'
    )
    root = make_tree(tmp_path, {"bridges-repaired": HOSTILE, "support-rose": other})
    article = root / "test-article" / "article.yaml"
    article.write_text(article.read_text().replace('publisher: "Test Publisher"', 'publisher: "Test \\u200fPublisher"'))
    return root


def test_validate_reports_control_and_bidi_characters_at_the_value(capsys, tmp_path):
    root = hostile_tree(tmp_path)
    code, out, _ = run(capsys, "validate", "--format", "parsable", root)
    bridges, other, article = (claim_file(root, n) for n in ("bridges-repaired", "support-rose", "article"))
    assert code == 1
    assert out.splitlines() == [
        f"{article}:2:12: error [control-char] publisher holds the bidi control \\u200f (RIGHT-TO-LEFT MARK) at character 6; "
        f"it changes how the text around it reads: remove it",
        f"{bridges}:5:11: error [control-char] claimant holds the bidi control \\u202e (RIGHT-TO-LEFT OVERRIDE) at character 5; "
        f"it changes how the text around it reads: remove it",
        f"{bridges}:21:11: error [control-char] note holds the control character \\x1b (ESC) at character 11; terminals act on it: remove it",
        f"{other}:8:10: error [control-char] summary holds the control character \\x1b (ESC) at character 7; terminals act on it: remove it",
        f"{other}:13:12: error [control-char] title holds a line break (\\n) at character 7; this value is one line",
    ]
    assert "\x1b" not in out and "\u202e" not in out


def test_fast_and_full_checks_agree_on_control_characters(tmp_path):
    from factcheck.validate import check_tree

    root = hostile_tree(tmp_path)
    fast = check_tree([root], use_cache=False)
    full = check_tree([root], use_cache=False, keep_claims=True)
    assert fast.problems == full.problems and {p.code for p in fast.problems} == {"control-char"}


def test_edits_refuse_control_characters(capsys, tree):
    path = claim_file(tree, "support-rose")
    before = path.read_bytes()
    code, out, err = run(capsys, "note", "--root", tree, "support-rose", "bad \x1b[31m red")
    assert code == 1 and out == "" and "control character \\x1b (ESC)" in err and "\x1b" not in err
    assert path.read_bytes() == before


def test_show_log_list_and_export_escape(capsys, tmp_path):
    root = hostile_tree(tmp_path)
    for argv in (["show", "bridges-repaired"], ["show", "support-rose"], ["log", "bridges-repaired"], ["list"], ["export"]):
        _, out, _ = run(capsys, argv[0], "--root", root, *argv[1:])
        for raw in ("\x1b", "\x07", "\u202e", "\u2066", "\u200f"):
            assert raw not in out, (argv, raw)
    _, out, _ = run(capsys, "show", "--root", root, "bridges-repaired")
    assert "claimant The \\u202emayor" in out and "Extracted \\x1b[31mred\\x07" in out
    _, out, _ = run(capsys, "log", "--root", root, "bridges-repaired")
    assert "Extracted \\x1b[31mred\\x07" in out
    _, out, _ = run(capsys, "export", "--root", root)
    assert json.loads(out)[0]["claimant"] == "The \u202emayor" and "\\u202e" in out


def test_file_names_cannot_forge_report_lines():
    from factcheck.report import render

    problem = Problem("x\n::error file=y,line=1::forged\x1b[2J\u202e.yaml", 1, 2, "syntax", "bad \x1b value\nnext")
    for fmt in ("text", "parsable", "github"):
        out = render([problem], fmt, 1)
        lines = out.splitlines()
        assert not any(line.startswith("::error file=y") for line in lines), fmt
        assert "\x1b" not in out and "\u202e" not in out, fmt
        assert len(lines) == (2 if fmt == "text" else 1), fmt
    assert render([problem], "parsable", 1) == "x\\n::error file=y,line=1::forged\\x1b[2J\\u202e.yaml:1:2: error [syntax] bad \\x1b value\\nnext\n"
    # Among many plain problems, one with a control character in its message only.
    plain = [Problem(f"c{i}.yaml", i + 1, 1, "enum", "plain words") for i in range(50)]
    late = Problem("z.yaml", 1, 1, "enum", "ends \u202e here")
    out = render([*plain, late], "parsable", 51)
    assert out.splitlines()[0] == "c0.yaml:1:1: error [enum] plain words" and out.endswith("z.yaml:1:1: error [enum] ends \\u202e here\n")
    out = render([problem], "json", 1)
    assert "\x1b" not in out and "\u202e" not in out and json.loads(out)[0]["path"] == problem.path


def test_diff_markdown_escapes_control_characters():
    from ruamel.yaml import YAML

    from factcheck.convert import structure
    from factcheck.provenance.diff import RecordDiff
    from factcheck.provenance.render import diff_markdown

    data = YAML(typ="safe").load(OTHER_YAML)
    data["text"] = "Support \x1b[2J rose \u202e"
    with attrs.validators.disabled():
        claim, errors = structure(data, model.Claim)
    diff = RecordDiff("main", "abc", [("a/support-rose.yaml", claim)], [], [], ["a/bad\n::error::x\x1b.yaml"])
    out = diff_markdown(diff, "abc")
    assert "\x1b" not in out and "\u202e" not in out
    assert "Support \\x1b\\[2J rose \\u202e" in out and "- `a/bad\\n::error::x\\x1b.yaml`" in out


def test_review_screen_shows_control_characters_escaped(tmp_path):
    from rich.console import Console

    from factcheck.store import ClaimStore
    from factcheck.tui.detail import render_detail
    from factcheck.tui.table import cell_values

    store = ClaimStore.open(hostile_tree(tmp_path))
    for record in store.all():
        console = Console(width=120, record=True, file=io.StringIO())
        console.print(render_detail(record))
        shown = console.export_text()
        cells = " ".join(text for text, _ in cell_values(record).values())
        for raw in ("\x1b", "\u202e", "\u2066"):
            assert raw not in shown and raw not in cells
    bridges = store.find("bridges-repaired")
    assert cell_values(bridges)["claimant"][0] == "The \\u202emayor"


def test_escape_keeps_offsets_for_styles():
    from factcheck.textsafe import escape, escape_line, escape_mapped

    assert escape("a\x1bb\u202ec\nd\te") == "a\\x1bb\\u202ec\nd\te"
    assert escape_line("a\nb\tc\x9b") == "a\\nb\\tc\\x9b"
    shown, positions = escape_mapped("a\x1bbc")
    assert shown == "a\\x1bbc" and positions == [0, 1, 5, 6, 7] and shown[positions[2] : positions[4]] == "bc"


# -- 5. messages for hand edits ----------------------------------------------------------------


def _syntax_message(tmp_path: Path, text: str) -> str:
    from factcheck.validate import check_tree

    root = make_tree(tmp_path, {"support-rose": text})
    problems = check_tree([root], use_cache=False).problems
    assert [p.code for p in problems] == ["syntax"], problems
    return f"{problems[0].line}:{problems[0].col} {problems[0].message}"


def test_keys_indented_too_deep_say_so(tmp_path):
    text = OTHER_YAML.replace('    title: "Annual survey 2021"', '      title: "Annual survey 2021"')
    assert _syntax_message(tmp_path, text).startswith(
        "13:12 'title' is indented more than 'url' on the line above, so it reads as part of that value: indent it by 4 spaces, like 'url'"
    )


def test_a_colon_in_a_plain_value_still_says_quote_it(tmp_path):
    text = OTHER_YAML.replace('title: "Annual survey 2021"', "title: Annual: survey")
    assert _syntax_message(tmp_path, text).startswith("13:18 a ':' where a value cannot have one: put the value in quotes")


def test_text_after_a_closing_quote_says_so(tmp_path):
    text = OTHER_YAML.replace('excerpt: "68 percent support the plan"', 'excerpt: "All four" were Tajik')
    assert _syntax_message(tmp_path, text).startswith(
        "17:25 text after the closing quote: 'were Tajik' follows the quoted value; put the whole value inside the quotes (write \\\" for a quote inside)"
    )


def test_a_source_without_published_says_to_write_null(capsys, tmp_path):
    root = make_tree(tmp_path, {"support-rose": OTHER_YAML.replace("    published: 2021-12-01\n", "")})
    code, out, _ = run(capsys, "validate", "--format", "parsable", root)
    assert code == 1
    assert out.endswith(":12:5: error [missing-key] missing required key 'published'; write 'published: null' when the page shows no date\n")


def test_fmt_diff_prints_what_fmt_would_change(capsys, tmp_path):
    messy = CLAIM_YAML.replace("kind: quantity\n", "").replace("status: new\n", "status: new\nkind: quantity\n")
    root = make_tree(tmp_path, {"bridges-repaired": messy, "support-rose": OTHER_YAML})
    path = claim_file(root, "bridges-repaired")
    code, out, _ = run(capsys, "fmt", "--check", root)
    assert (code, out) == (
        1,
        f"{path}:6:1: error [not-canonical] not in the canonical layout (the first difference is on this line); "
        "'factcheck fmt --diff' shows what would change, 'factcheck fmt' changes it\n",
    )
    code, out, err = run(capsys, "fmt", "--diff", root)
    assert (code, err) == (1, "")
    assert out == (
        f"--- a/{path}\n+++ b/{path}\n@@ -3,8 +3,8 @@\n"
        ' text: "The mayor said 24 bridges were repaired in 2023."\n'
        ' quote: "The mayor said that 24 bridges were repaired in 2023."\n'
        ' claimant: "The mayor"\n+kind: quantity\n status: new\n-kind: quantity\n verdict: null\n summary: null\n tags:\n'
    )
    assert path.read_text() == messy
    run(capsys, "fmt", root)
    assert run(capsys, "fmt", "--diff", root)[:2] == (0, "")


def test_a_correction_that_would_be_dropped_is_refused(capsys, tree):
    path = claim_file(tree, "support-rose")
    before = path.read_bytes()
    code, out, err = run(capsys, "set-status", "--root", tree, "support-rose", "in-review", "--note", "ok", "--correction", "why")
    assert code == 1 and out == "" and "this change needs no correction" in err
    code, out, err = run(capsys, "remove-source", "--root", tree, "support-rose", "https://example.org/survey", "--note", "ok", "--correction", "why")
    assert code == 1 and out == "" and "this change needs no correction" in err
    assert path.read_bytes() == before


def test_json_control_scan_misses_no_control_character():
    """The quick scan of a claim's JSON says "may hold" for every string with a control or
    bidi character (and says "no" for escaped backslashes and plain prose)."""
    import msgspec

    from factcheck.textsafe import BIDI, CONTROL_OR_BREAK, json_may_hold_controls

    for code in [*range(0x0, 0x3000), *map(ord, BIDI), 0x2028, 0x2029, 0xFEFF]:
        ch = chr(code)
        for text in (ch, f"a “quote” — {ch}", f'say "{ch}"', f"\\{ch}", f"{ch}\\"):
            encoded = msgspec.json.encode({"note": text, "tags": [text]})
            if CONTROL_OR_BREAK.search(text):
                assert json_may_hold_controls(encoded), repr(text)
    assert not json_may_hold_controls(msgspec.json.encode({"note": 'a\\nb “c” — \\t "d"'}))


def test_json_control_scan_misses_no_control_character_in_rapidyamls_json():
    """The scan also runs on the JSON rapidyaml writes for a claim file (the fast path's):
    every control or bidi character a YAML value can carry (an escape in double quotes,
    the raw character plain or in a block scalar) shows in it."""
    import msgspec

    from factcheck.textsafe import BIDI, CONTROL_OR_BREAK, json_may_hold_controls
    from factcheck.yaml import fast

    looked = 0
    for code in [*range(0x0, 0x3000), *map(ord, BIDI), 0x2028, 0x2029, 0xFEFF]:
        if 0xD800 <= code < 0xE000:
            continue
        ch = chr(code)
        for raw in (f'a: "x\\u{code:04x}y"\n'.encode(), f"a: x{ch}y\n".encode(), f"a: |\n  x{ch}y\n".encode()):
            with fast.quiet_stderr():
                parsed = fast.parse_fast(raw)
            if parsed is None:
                continue
            try:
                value = msgspec.json.decode(parsed.json)["a"]
            except msgspec.DecodeError:
                continue  # not valid JSON: the fast path goes no further
            if CONTROL_OR_BREAK.search(value.rstrip("\n")):
                looked += 1
                assert json_may_hold_controls(parsed.json), repr(raw)
    assert looked > 150  # each control and bidi character, in its forms that parse


def test_a_report_line_is_escaped_exactly_as_escape_line_would_for_every_character():
    """A report makes its lines plain and escapes only those that are not printable
    ASCII: for every character up to U+3000, alone, after ASCII and after a non-ASCII
    letter, in a message and in a path, each line is what escaping every path and
    message gives."""
    from factcheck.report import render
    from factcheck.textsafe import escape_line

    for fmt in ("parsable", "text"):
        for start in range(0, 0x3000, 0x400):
            chars = list(map(chr, range(start, start + 0x400)))
            problems = [Problem(f"x{i}.yaml", 1, 1, "schema", text) for i, char in enumerate(chars) for text in (char, "ab" + char, "é" + char)]
            problems += [Problem(f"é{char}.yaml", 2, 3, "schema", "m") for char in chars]
            lines = render(problems, fmt, 1).split("\n")
            expected = [f"{escape_line(p.path)}:{p.line}:{p.col}: {p.severity} [{p.code}] {escape_line(p.message)}" for p in problems]
            assert lines[: len(problems)] == expected


# -- 6. article add: every argument and every field of a page bounded ---------------------------


def _page(tmp_path: Path, head: str = "", name: str = "page.html") -> Path:
    from test_ingest import ARTICLE_BODY

    page = tmp_path / name
    page.write_text(f"<!doctype html><html><head><meta charset='utf-8'>{head}</head><body>{ARTICLE_BODY}</body></html>", encoding="utf-8")
    return page


def _everything(**given: str) -> list[str]:
    from test_ingest import EVERYTHING

    values = {**EVERYTHING, **{f"--{k}": v for k, v in given.items()}}
    return [part for pair in values.items() for part in pair]


@pytest.mark.parametrize("command", ["article", "links"])
@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "0", "-1", "1e999", "soon"])
def test_timeout_is_a_finite_number_of_seconds_more_than_0(capsys, tree, tmp_path, command, value):
    argv = ["article", "add", _page(tmp_path), "--root", tree, "--no-input", *_everything()] if command == "article" else ["links", "--root", tree]
    code, out, err = run(capsys, *argv, f"--timeout={value}")
    prog = "factcheck article add" if command == "article" else "factcheck links"
    assert (code, out) == (2, "")
    assert err.splitlines() == [f"{prog}: argument --timeout: '{value}' is not a number of seconds more than 0, e.g. 10", f"try '{prog} --help'"]
    assert sorted(p.name for p in tree.iterdir()) == ["test-article"]


def test_root_must_be_a_folder_for_article_add_and_suggest(capsys, tree, tmp_path):
    a_file = tree / "test-article" / "article.txt"
    code, out, err = run(capsys, "article", "add", _page(tmp_path), "--root", a_file, "--no-input", *_everything())
    assert (code, out) == (2, "")
    assert err.splitlines()[0] == f"factcheck article add: --root {a_file} is a file; expected the claims folder (it holds one folder per article)"
    for command in (["suggest", "test-article"], ["dismiss", "test-article", "1"]):
        code, out, err = run(capsys, command[0], "--root", a_file, *command[1:])
        assert (code, out) == (2, "")
        assert err.splitlines()[0] == f"factcheck {command[0]}: --root {a_file} is a file; expected the claims folder (it holds one folder per article)"
    fresh = tmp_path / "new-claims"  # article add may start a claims folder that does not exist yet
    code, out, _ = run(capsys, "article", "add", _page(tmp_path), "--root", fresh, "--no-input", *_everything())
    assert code == 0 and (fresh / "bridges" / "article.yaml").is_file()


def test_the_page_must_be_a_regular_file(capsys, tree, tmp_path):
    folder = tmp_path / "x.html"
    folder.mkdir()
    code, out, err = run(capsys, "article", "add", folder, "--root", tree, "--no-input", *_everything())
    assert (code, out, err) == (1, "", f"factcheck: {folder} is not a regular file\n")


@pytest.mark.parametrize("option, limit", [("title", 300), ("publisher", 200)])
def test_a_typed_field_over_its_limit_is_refused_with_the_limit(capsys, tree, tmp_path, option, limit):
    code, out, err = run(capsys, "article", "add", _page(tmp_path), "--root", tree, "--no-input", *_everything(**{option: "x" * (limit + 1)}))
    assert (code, out) == (2, "")
    assert err.splitlines()[0] == f"factcheck: article add: {option} is {limit + 1} characters long; at most {limit}"
    assert sorted(p.name for p in tree.iterdir()) == ["test-article"]


def test_page_fields_over_their_limits_are_cut_with_a_notice(capsys, tree, tmp_path):
    import yaml

    title, publisher = "T" * 301, "P" * 250
    head = f"<title>{title}</title><meta property='og:site_name' content='{publisher}'>"
    code, out, err = run(capsys, "article", "add", _page(tmp_path, head), "--root", tree, "--no-input", "--slug", "long",
                         "--url", "https://example.org/b", "--published", "2024-03-01", "--language", "en")
    assert (code, err) == (0, "")
    assert "factcheck: the title found in the page (<title>) is 301 characters long; cut to the limit of 300\n" in out
    assert "factcheck: the publisher found in the page (OpenGraph) is 250 characters long; cut to the limit of 200\n" in out
    data = yaml.safe_load((tree / "long" / "article.yaml").read_text(encoding="utf-8"))
    assert data["title"] == "T" * 299 + "…" and data["publisher"] == "P" * 199 + "…"
    code, out, _ = run(capsys, "validate", tree)
    assert code == 0, out


def test_json_ld_nested_a_thousand_deep_is_not_read(capsys, tree, tmp_path):
    deep = "[" * 1000 + "]" * 1000
    head = f'<script type="application/ld+json">{deep}</script><script type="application/ld+json">{{"@type":"NewsArticle","headline":"Kept"}}</script>'
    code, out, err = run(capsys, "article", "add", _page(tmp_path, head), "--root", tree, "--no-input", "--slug", "deep",
                         "--publisher", "P", "--url", "https://example.org/b", "--published", "2024-03-01", "--language", "en")
    assert (code, err) == (0, "")
    assert "  title: Kept  (JSON-LD)\n" in out


def test_json_depth_check_skips_brackets_inside_strings():
    from factcheck.ingest import json_depth_within

    assert json_depth_within('{"a": "[[[[[[", "b": [1, {"c": "\\"]]]"}]}', limit=3)
    assert not json_depth_within("[[[[]]]]", limit=3)
