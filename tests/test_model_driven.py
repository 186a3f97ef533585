"""The model drives every surface: a new optional Source field, added to model.py alone, reaches them all.

The test does what a person adding the field does: it copies the package, adds one line
to ``Source`` in the copy's ``model.py`` (and nothing else), and runs the copy in a
fresh process. The field then reaches ``Claim.sources`` the ordinary way, and every
surface is asked: reading and validating, the JSON Schema, ``add-source`` and
``set-source``, ``show``, ``export``, the site's claim page, the review screen's form
and detail pane, search, and the correction table.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import OTHER_YAML, REVIEWED, make_tree

import factcheck
from factcheck.fields import markdown_table
from factcheck.model import Source

PACKAGE = Path(factcheck.__file__).resolve().parent
ANCHOR = (
    '    snapshots: list[Snapshot] = attrs.field(factory=list, metadata={**OMIT_IF_DEFAULT, **APPEND_ONLY,'
    ' "help": "kept copies of the page (archive)"})\n'
)
NEW_FIELD = (
    '    language: str | None = attrs.field(default=None, validator=_all(_non_empty, MaxLength(20)),'
    ' metadata={**OMIT_IF_DEFAULT, **CORRECTED, "help": "the language the page is written in"})\n'
)
SURVEY = "https://example.org/survey"
PUBLISHED = OTHER_YAML.replace(
    "status: researching\nverdict: null\nsummary: null\n", 'status: published\nverdict: accurate\nsummary: "The city\'s survey shows it."\n'
) + REVIEWED


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    """A copy of the package whose model.py declares one more optional field of Source."""
    root = tmp_path_factory.mktemp("pkg")
    shutil.copytree(PACKAGE, root / "factcheck", ignore=shutil.ignore_patterns("__pycache__"))
    model = root / "factcheck" / "model.py"
    text = model.read_text(encoding="utf-8")
    assert text.count(ANCHOR) == 1, "Source's last field moved: update ANCHOR"
    model.write_text(text.replace(ANCHOR, ANCHOR + NEW_FIELD), encoding="utf-8")
    files = [p for p in (root / "factcheck").rglob("*") if p.is_file()]
    changed = [p.relative_to(root) for p in files if p.read_bytes() != (PACKAGE / p.relative_to(root / "factcheck")).read_bytes()]
    assert changed == [Path("factcheck/model.py")]
    return root


def run(package: Path, cwd: Path, *argv: str) -> tuple[int, str, str]:
    env = {**os.environ, "PYTHONPATH": str(package), "FACTCHECK_EDITOR": "cy", "COLUMNS": "200"}
    proc = subprocess.run([sys.executable, *argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


def cli(package: Path, cwd: Path, *argv: str) -> tuple[int, str, str]:
    return run(package, cwd, "-m", "factcheck", *argv)


def with_language(yaml: str, language: str) -> str:
    return yaml.replace("    stance: supports\n", f"    stance: supports\n    language: {language}\n", 1)


def test_the_copy_runs_the_copy(package, tmp_path):
    code, out, _ = run(package, tmp_path, "-c", "import factcheck.model as m; print(m.__file__, [f.name for f in m.attrs.fields(m.Source)][-1])")
    assert code == 0 and out.split() == [str(package / "factcheck" / "model.py"), "language"]


def test_reading_validating_and_the_schema(package, tmp_path):
    root = make_tree(tmp_path, {"support-rose": with_language(OTHER_YAML, "ru")})
    assert cli(package, tmp_path, "validate", "--no-cache", str(root))[:2] == (0, "1 claim file checked, no problems\n")
    bad = make_tree(tmp_path / "bad", {"support-rose": with_language(OTHER_YAML, "'" + "x" * 30 + "'")})
    code, out, _ = cli(package, tmp_path, "validate", "--no-cache", "--format", "parsable", str(bad))
    assert code == 1 and "[too-long] language is 30 characters long; at most 20" in out
    wrong = make_tree(tmp_path / "wrong", {"support-rose": with_language(OTHER_YAML, "7")})
    code, out, _ = cli(package, tmp_path, "validate", "--no-cache", "--format", "parsable", str(wrong))
    assert code == 1 and ":19:15: error [type] expected a string, got a number" in out
    code, out, _ = cli(package, tmp_path, "schema")
    source = json.loads(out)["$defs"]["Source"]
    assert "language" in source["properties"] and "language" not in source["required"]


def test_add_source_set_source_show_export_and_the_site(package, tmp_path):
    root = make_tree(tmp_path)
    code, out, _ = cli(package, tmp_path, "add-source", "--help")
    assert "--language LANGUAGE" in out and "the language the page is written in" in out
    code, out, _ = cli(package, tmp_path, "add-source", "--root", str(root), "support-rose", "--url", "https://example.org/ru",
                       "--title", "T", "--publisher", "P", "--excerpt", "68 percent", "--stance", "context", "--language", "ru")
    assert code == 0, out
    path = root / "test-article" / "support-rose.yaml"
    assert "    stance: context\n    language: ru\n" in path.read_text()
    code, out, _ = cli(package, tmp_path, "set-source", "--root", str(root), "support-rose", "https://example.org/ru", "--language", "de", "--note", "n")
    assert code == 0, out
    assert "    language: de\n" in path.read_text() and "    field: sources[1].language\n    before: ru\n    after: de\n" in path.read_text()
    code, out, _ = cli(package, tmp_path, "show", "--root", str(root), "support-rose")
    assert "     Language: de\n" in out
    code, out, _ = cli(package, tmp_path, "export", "--root", str(root))
    assert [s.get("language") for s in json.loads(out)[1]["sources"]] == [None, "de"]
    code, out, err = cli(package, tmp_path, "build", str(root), "--out", str(tmp_path / "site"), "--drafts")
    assert code == 0, err
    page = (tmp_path / "site" / "claims" / "support-rose.html").read_text()
    assert '<p class="meta">Language: de</p>' in page


def test_the_form_detail_pane_search_and_correction_table(package, tmp_path):
    root = make_tree(tmp_path, {"support-rose": with_language(OTHER_YAML, "ru")})
    script = f"""
import datetime as dt
from rich.console import Console
from factcheck.forms import form_fields, source_from_text
from factcheck.model import Source
from factcheck.rows import ClaimRow
from factcheck.store import ClaimStore
from factcheck.tui.detail import render_detail
from factcheck.workflow import corrected_fields

record = ClaimStore.open({str(root)!r}).find("support-rose")
field = [f for f in form_fields(Source) if f.name == "language"][0]
print("form", field.label, field.required, field.hint)
made, errors = source_from_text(dict(url="https://example.org/x", title="T", publisher="P", excerpt="E", stance="context",
                                     language="x" * 21), [], dt.date(2024, 4, 5))
print("form-error", errors)
console = Console(width=200, record=True, file=open("/dev/null", "w"))
console.print(render_detail(record))
print("detail", [line.strip() for line in console.export_text().splitlines() if "Language" in line])
print("search", "ru" in ClaimRow.of(record.claim).more.split())
print("table", corrected_fields(Source))
"""
    code, out, err = run(package, tmp_path, "-c", script)
    assert code == 0, err
    assert out.splitlines() == [
        "form Language False optional: the language the page is written in",
        "form-error {'language': 'language is 21 characters long; at most 20'}",
        "detail ['Language: ru']",
        "search True",
        "table ('url', 'excerpt', 'stance', 'language')",
    ]


def test_the_correction_table_reaches_the_commands(package, tmp_path):
    """Declared with CORRECTED, the field changes on a published claim only with a correction."""
    root = make_tree(tmp_path, {"support-rose": with_language(PUBLISHED, "ru")})
    path = root / "test-article" / "support-rose.yaml"
    before = path.read_bytes()
    code, out, err = cli(package, tmp_path, "set-source", "--root", str(root), "support-rose", SURVEY, "--language", "de", "--note", "n")
    assert code == 1 and out == "" and "language of a source of a published claim changes only with a correction" in err and path.read_bytes() == before
    code, out, _ = cli(package, tmp_path, "set-source", "--root", str(root), "support-rose", SURVEY, "--language", "de", "--note", "n",
                       "--correction", "The page is in German.")
    assert code == 0, out


def test_the_readme_table_of_a_source(package, tmp_path):
    """The README's source table is made from the model: the new field gets its row, with
    its help and its type, when the table is made again (docs/readme_tables.py)."""
    code = "from factcheck.fields import markdown_table; from factcheck.model import Source; print(markdown_table(Source), end='')"
    status, out, err = run(package, tmp_path, "-c", code)
    assert status == 0, err
    rows = out.splitlines()
    assert rows[-1] == "| `language` | text (optional) | the language the page is written in; at most 20 characters |"
    assert rows[:-1] == markdown_table(Source).splitlines()  # every other row as this package makes it
