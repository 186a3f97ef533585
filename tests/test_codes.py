"""The registry of problem codes, and the warnings about published evidence."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import attrs
from builders import as_yaml, published, published_yaml, survey_source
from conftest import OTHER_YAML, make_tree

from factcheck.cli import main
from factcheck.problems import CODES, codes_table

REPO = Path(__file__).resolve().parent.parent


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_readme_table_is_made_from_the_registry():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- codes: python -m factcheck.problems -->\n", 1)[1].split("<!-- /codes -->", 1)[0]
    assert block == codes_table()


def test_every_code_the_code_base_uses_is_registered():
    used: set[str] = set()
    patterns = (
        re.compile(r'FieldError\(\s*"([a-z][a-z-]*)"'),
        re.compile(r'Problem\([^()]*?,\s*"([a-z][a-z-]*)",'),
        re.compile(r'code\s*=\s*"([a-z][a-z-]*)"'),
        re.compile(r'_mark_problem\([^()]*?"([a-z][a-z-]*)"'),
    )
    for path in (REPO / "factcheck").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for pattern in patterns:
            used.update(pattern.findall(text))
    assert len(used) > 30
    assert used - set(CODES) == set()


#: support-rose published after a review by a second editor.
PUBLISHED = published_yaml()
#: Its source published after the article (2024-03-28).
LATER = published(sources=[survey_source(published=dt.date(2024, 4, 1))])


def test_published_claim_with_undated_evidence_is_a_warning(capsys, tmp_path):
    text = published_yaml(sources=[survey_source(published=None)])
    root = make_tree(tmp_path, {"support-rose": text})
    code, out, _ = run(capsys, "validate", str(root))
    assert code == 0 and "warning [undated-evidence]" in out and "1 warning in 1 file" in out
    assert run(capsys, "validate", "--strict", str(root))[0] == 1
    code, out, _ = run(capsys, "validate", "--format", "github", str(root))
    assert out.startswith("::warning file=")


def test_published_claim_resting_on_later_evidence_must_say_so(capsys, tmp_path):
    root = make_tree(tmp_path, {"support-rose": as_yaml(LATER)})
    code, out, _ = run(capsys, "validate", str(root))
    assert code == 0 and "warning [later-evidence]" in out
    said = as_yaml(attrs.evolve(LATER, summary="A survey published later, after the article, shows it."))
    root = make_tree(tmp_path / "b", {"support-rose": said})
    code, out, _ = run(capsys, "validate", str(root))
    assert code == 0 and "later-evidence" not in out
    assert run(capsys, "validate", str(make_tree(tmp_path / "c", {"support-rose": PUBLISHED})))[1].endswith("no problems\n")


def test_the_review_screen_marks_a_source_dated_after_the_article(tmp_path):
    from rich.console import Console

    from factcheck.store import ClaimStore
    from factcheck.tui.detail import render_detail

    store = ClaimStore.open(make_tree(tmp_path, {"support-rose": as_yaml(LATER)}))
    console = Console(width=120, record=True)
    console.print(render_detail(store.find("support-rose")))
    assert "2024-04-01 (after the article)" in console.export_text()


def test_collecting_errors_never_switches_validators_off_for_the_process(monkeypatch, tmp_path, capsys):
    import attrs

    from factcheck.convert import structure
    from factcheck.model import Claim

    def refuse(*_args, **_kw):
        raise AssertionError("attrs.validators was switched process-wide")

    monkeypatch.setattr(attrs.validators, "set_disabled", refuse)
    bad = {"id": "Bad Id", "text": "", "quote": "q", "claimant": "c", "kind": "quantty", "status": "new", "history": []}
    claim, errors = structure(bad, Claim)
    assert claim is None and {e.code for e in errors} >= {"enum", "value"}
    root = make_tree(tmp_path, {"support-rose": OTHER_YAML})
    assert run(capsys, "add-source", "--root", str(root), "support-rose", "--url", "https://example.org/x", "--title", "T",
               "--publisher", "P", "--stance", "context", "--excerpt", "x" * 500)[0] in (1, 2)


CORE = ["model", "convert", "fastcheck", "fsio", "yaml.roundtrip", "yaml.fast", "yaml.strict", "yaml.positions", "yaml.render", "rows",
        "reading", "cache", "rules", "textsafe", "problems", "store",
        "validate", "report", "session", "netpolicy", "schema", "present", "dismissals", "triage", "attribution", "suggest",
        *(f"provenance.{part}" for part in ("git", "revisions", "diff", "render", "base", "log", "links"))]


def test_layers_run_one_way():
    """The domain never imports the command line, the review screen or Textual."""
    import subprocess
    import sys

    code = (
        "import importlib, sys\n"
        f"for name in {CORE!r}:\n"
        "    importlib.import_module('factcheck.' + name)\n"
        "bad = [m for m in sys.modules if m.startswith(('factcheck.commands', 'factcheck.cli', 'factcheck.tui', 'textual'))]\n"
        "print(' '.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


async def test_the_review_screen_counts_warnings_apart_from_problems(tmp_path):
    from factcheck.tui.app import FactcheckApp

    undated = published_yaml(sources=[survey_source(published=None)])
    app = FactcheckApp(str(make_tree(tmp_path, {"support-rose": undated})), "tester")
    async with app.run_test(size=(150, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        bar = str(app.query_one("#summary-bar").render())
        assert "0 with problems" in bar and "1 with warnings" in bar


def test_a_problem_as_a_tuple_holds_every_field_in_order():
    from factcheck.problems import Problem, severity_of

    problem = Problem("claims/a/b.yaml", 3, 7, "too-long", "a message")
    fields = ("claims/a/b.yaml", 3, 7, "too-long", "a message", severity_of("too-long"))
    assert problem.as_tuple() == fields == problem.sort_key() and type(problem.sort_key()) is tuple
    assert problem.as_dict() == dict(zip(("path", "line", "col", "code", "message", "severity"), fields, strict=True))
    assert Problem(*problem.as_tuple()) == problem and Problem("x", 1, 1, "too-long", "m", "warning").severity == "warning"
    # Problems order as their fields do, and an equal one is the same problem.
    later = Problem("claims/a/b.yaml", 3, 8, "enum", "a message")
    assert sorted([later, problem]) == [problem, later] and len({problem, Problem(*fields)}) == 1
