"""Imports: every module imports on its own, and the parts of provenance depend one way."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "factcheck"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = sorted(module_name(p) for p in PACKAGE.rglob("*.py") if p.name != "__main__.py")


@pytest.mark.parametrize("name", MODULES)
def test_each_module_imports_first_in_a_fresh_interpreter(name):
    """A module that only imports after another one has (an import cycle) fails here."""
    proc = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def _type_checking_only(tree: ast.AST) -> set[int]:
    """The nodes under ``if TYPE_CHECKING:``: imports for the type checker, never run."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            skipped.update(id(inner) for sub in node.body for inner in ast.walk(sub))
    return skipped


def imported(path: Path) -> set[str]:
    """The ``factcheck`` modules a file imports, at the top or inside a function (not the
    ones imported only for the type checker, under ``if TYPE_CHECKING:``)."""
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else module_name(path)
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_only(tree)
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            found.add(base)
            # ``from factcheck import fsio`` imports the module factcheck.fsio
            found.update(f"{base}.{alias.name}" for alias in node.names
                         if (PACKAGE.parent / base.replace(".", "/") / alias.name).with_suffix(".py").exists()
                         or (PACKAGE.parent / base.replace(".", "/") / alias.name / "__init__.py").exists())
    return {name for name in found if name == "factcheck" or name.startswith("factcheck.")}


#: Which other parts of factcheck.provenance each part may import. Renderers read the
#: diff; the diff never formats; git knows nothing of claims; links stand apart, and the
#: link rot check (rot) reads them and keeps its results (linkstate).
PROVENANCE = {
    "git": set(),
    "revisions": {"git"},
    "diff": {"git", "revisions"},
    "render": {"diff"},
    "base": {"git", "revisions", "diff"},
    "log": {"git"},
    "links": set(),
    "linkstate": set(),
    "rot": {"links", "linkstate"},
}


def test_provenance_parts_depend_one_way():
    folder = PACKAGE / "provenance"
    parts = {p.stem for p in folder.glob("*.py") if p.name != "__init__.py"}
    assert parts == set(PROVENANCE), "a new part of factcheck.provenance needs its place in PROVENANCE"
    for part, allowed in PROVENANCE.items():
        names = imported(folder / f"{part}.py")
        siblings = {n.removeprefix("factcheck.provenance.") for n in names if n.startswith("factcheck.provenance.")}
        assert siblings <= allowed, f"factcheck.provenance.{part} imports {sorted(siblings - allowed)}"
        assert "factcheck.provenance" not in names, part
    outside = imported(folder / "git.py") - {"factcheck.problems"}
    assert outside == set(), f"factcheck.provenance.git imports {sorted(outside)}"
    assert imported(folder / "__init__.py") == set()


def test_the_import_reader_sees_every_form(tmp_path, monkeypatch):
    source = (
        "import factcheck.model\n"
        "from factcheck import fsio\n"
        "from .diff import RecordDiff\n"
        "def later():\n"
        "    from factcheck.provenance.links import probe\n"
        "if TYPE_CHECKING:\n"
        "    from factcheck.store import ClaimStore\n"
    )
    path = PACKAGE / "provenance" / "render.py"
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: source)
    assert imported(path) == {
        "factcheck.model", "factcheck", "factcheck.fsio", "factcheck.provenance.diff", "factcheck.provenance.links",
    }


def test_the_layer_contract_holds_with_the_real_linter(tmp_path):
    """import-linter reads the contract in pyproject.toml ([tool.importlinter]): each layer
    imports only from the layers below it, imports inside functions included."""
    import shutil

    linter = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert linter is not None, "import-linter is a test dependency"
    proc = subprocess.run([linter, "--no-cache"], cwd=PACKAGE.parent, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 kept, 0 broken" in proc.stdout


def test_the_layer_contract_lists_every_layer_that_exists():
    import tomllib

    config = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    (contract,) = config["contracts"]
    named = {name.strip() for layer in contract["layers"] for name in layer.split("|")}
    missing = [name for name in named if not (PACKAGE.parent / name.replace(".", "/")).with_suffix(".py").exists()
               and not (PACKAGE.parent / name.replace(".", "/") / "__init__.py").exists()]
    assert missing == []
