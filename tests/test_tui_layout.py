"""The review screen's house rules: Textual only under factcheck/tui, small modules and
functions, and the model's words (not copies of them) in what the screen draws."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import factcheck
from factcheck.model import Stance, Status, Verdict
from factcheck.tui.style import HIGHLIGHT, STANCE_STYLE, STATUS_STYLE, VERDICT_HIGHLIGHT, VERDICT_STYLE

PACKAGE = Path(factcheck.__file__).parent
TUI = PACKAGE / "tui"


def imported(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_textual_is_imported_only_under_factcheck_tui():
    outside = [p for p in PACKAGE.rglob("*.py") if TUI not in p.parents]
    assert outside
    bad = {str(p.relative_to(PACKAGE)): m for p in outside for m in imported(p) if m.split(".")[0] == "textual"}
    assert bad == {}


def test_the_queue_state_imports_nothing_of_textual_or_the_screen():
    names = imported(TUI / "state.py")
    assert not [m for m in names if m.split(".")[0] in ("textual", "rich") or m.startswith("factcheck.tui.")]


#: Every module of the package: the size limits of the house hold everywhere, not only in the screen.
SCREEN_MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", SCREEN_MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_under_600_lines_and_functions_under_80(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) < 600
    long = [
        (node.name, node.end_lineno - node.lineno + 1)
        for node in ast.walk(ast.parse(text))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno + 1 > 80
    ]
    assert long == []


def test_every_word_of_the_model_has_its_colour():
    assert set(STATUS_STYLE) == set(HIGHLIGHT) == set(Status.words())
    assert set(VERDICT_STYLE) == set(VERDICT_HIGHLIGHT) == set(Verdict.words())
    assert set(STANCE_STYLE) == set(Stance.words())


def test_the_help_names_the_workflow_as_the_model_has_it():
    from factcheck.model import STATUS_FLOW
    from factcheck.tui.screens.help import HELP_TEXT

    assert " → ".join(STATUS_FLOW) in HELP_TEXT
