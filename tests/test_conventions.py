"""Conventions a command-line user and their scripts rely on, checked on the real command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

#: A refused command of each kind: a read (show) and two edits (note, set-status), on an
#: unknown id and on a move the workflow forbids.
REFUSALS = [
    ("show", "no-such-claim"),
    ("note", "no-such-claim", "a note"),
    ("set-status", "no-such-claim", "researching", "--note", "why"),
    ("set-status", "bridges-repaired", "published", "--note", "why"),
]


@pytest.mark.parametrize("argv", REFUSALS, ids=" ".join)
def test_errors_go_to_stderr(tree: Path, argv: tuple[str, ...]) -> None:
    done = subprocess.run([sys.executable, "-m", "factcheck", *argv], cwd=tree.parent, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith("factcheck: ") and done.stderr.count("\n") == 1
