"""The README's tables made from the model are up to date (docs/readme_tables.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import attrs

from factcheck.fields import markdown_table
from factcheck.model import Source

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_tables_are_made_from_the_model():
    proc = subprocess.run([sys.executable, str(ROOT / "docs" / "readme_tables.py"), "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_the_source_table_has_a_row_per_field_with_its_limit():
    rows = markdown_table(Source).splitlines()[2:]
    assert [row.split("`")[1] for row in rows] == [f.name for f in attrs.fields(Source)]
    assert "| `title` | text | the page's own headline; at most 300 characters |" in rows
    assert any(row.startswith("| `published` | date or null |") for row in rows)  # the key is there, null when none
    assert any(row.startswith("| `archived` | date (optional) |") for row in rows)  # the key may be left out
