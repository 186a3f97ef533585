"""Command-line conventions of issue 28 item 5: fmt --check --format, offset times,
articles given by a path from outside the current folder, shell completion."""

from __future__ import annotations

from pathlib import Path

import pytest

from factcheck.cli.main import main


@pytest.mark.parametrize("argv", [["suggest"], ["match"], ["dismiss", "2", "--reason", "why"]], ids=" ".join)
def test_article_path_from_outside(
    tree: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    """An article folder given by its absolute path is read in its own tree, wherever the command runs."""
    elsewhere = tmp_path_factory.mktemp("elsewhere")  # no claims/ at or above it
    monkeypatch.chdir(elsewhere)
    article = str(tree / "test-article")
    code = main([*argv[:1], article, *argv[1:]])
    out, err = capsys.readouterr()
    assert "no claims/ folder found" not in out + err
    assert "nothing to match against" not in err
    assert code == 0, out + err
    assert out
