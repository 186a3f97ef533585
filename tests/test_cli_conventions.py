"""Command-line conventions of issue 28 item 5: fmt --check --format, offset times,
articles given by a path from outside the current folder, shell completion."""

from __future__ import annotations

import shutil
import subprocess
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


def _not_canonical(tree: Path) -> Path:
    path = tree / "test-article" / "bridges-repaired.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nstatus:", "\nstatus:   ", 1), encoding="utf-8")
    return path


def test_fmt_check_format_github(tree: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    path = _not_canonical(tree)
    assert main(["fmt", "--check", "--format", "github", str(tree)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"::error file={path},line=") and ",title=factcheck not-canonical::not in the canonical layout" in out
    assert out.count("\n") == 1
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["fmt", "--check", "--format", "auto", str(tree)]) == 1
    assert capsys.readouterr().out == out


def test_fmt_check_format_json_and_text(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    path = _not_canonical(tree)
    assert main(["fmt", "--check", "--format", "json", str(tree)]) == 1
    [problem] = json.loads(capsys.readouterr().out)
    assert problem["path"] == str(path) and problem["code"] == "not-canonical"
    assert main(["fmt", "--check", "--format", "text", str(tree)]) == 1
    assert capsys.readouterr().out.endswith("1 problem in 1 file (2 claim files checked)\n")


def test_fmt_check_default_unchanged(tree: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Without --format the report is what it always was, under GitHub Actions too."""
    _not_canonical(tree)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["fmt", "--check", str(tree)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"{tree}/test-article/bridges-repaired.yaml:") and ": error [not-canonical] not in the canonical layout" in out
    assert out.count("\n") == 1


def test_fmt_format_needs_check(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fmt", "--format", "json", str(tree)]) == 2
    assert capsys.readouterr().err.startswith("factcheck fmt: --format goes with --check")


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_script(shell: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Each shell's script is made from the whole parser: every command is in it."""
    from factcheck.cli.main import COMMANDS

    assert main(["completion", shell]) == 0
    out = capsys.readouterr().out
    assert "factcheck" in out and out.endswith("\n")
    for name, _, _ in COMMANDS:
        assert name in out, name


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_bash_completion_completes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Sourced in a real bash: factcheck is registered, and completes commands and choices."""
    assert main(["completion", "bash"]) == 0
    script = tmp_path / "factcheck.bash"
    script.write_text(capsys.readouterr().out, encoding="utf-8")
    probe = f"""
source {script}
complete -p factcheck
function_name=$(complete -p factcheck | sed -n 's/.* -F \\([^ ]*\\) .*/\\1/p')
COMP_WORDS=(factcheck fm); COMP_CWORD=1; "$function_name"; echo "commands: ${{COMPREPLY[*]}}"
COMP_WORDS=(factcheck fmt --format ''); COMP_CWORD=3; "$function_name"; echo "formats: ${{COMPREPLY[*]}}"
"""
    done = subprocess.run(["bash", "--norc", "--noprofile", "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("complete ") and lines[0].endswith(" factcheck")
    assert "commands: fmt" in lines
    assert "formats: text parsable github json auto" in lines


def test_completion_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", "powershell"]) == 2
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.parametrize("no_cache", [True, False])
def test_offset_time_reported(tree: Path, capsys: pytest.CaptureFixture[str], no_cache: bool) -> None:
    """A history time with an offset is a warning at its line and column; fmt rewrites it in UTC."""
    path = tree / "test-article" / "bridges-repaired.yaml"
    text = path.read_text(encoding="utf-8")
    assert "at: 2024-04-01T09:00:00Z\n" in text
    path.write_text(text.replace("at: 2024-04-01T09:00:00Z\n", "at: 2024-04-01T10:00:00+01:00\n", 1), encoding="utf-8")
    line = text[: text.index("at: 2024-04-01T09:00:00Z")].count("\n") + 1
    col = len(text[: text.index("at: 2024-04-01T09:00:00Z")].rsplit("\n", 1)[-1]) + 5
    argv = ["validate", "--format", "parsable", str(tree)] + (["--no-cache"] if no_cache else [])
    assert main(argv) == 0
    assert main([*argv, "--strict"]) == 1
    out = capsys.readouterr().out
    assert out == 2 * (
        f"{path}:{line}:{col}: warning [datetime-offset] a time with an offset (+01:00); times are UTC ending in Z: "
        "2024-04-01T09:00:00Z ('factcheck fmt' writes it so)\n"
    )
    assert main(["fmt", str(path)]) == 0
    assert path.read_text(encoding="utf-8") == text
    capsys.readouterr()
    assert main(argv) == 0
    assert capsys.readouterr().out == ""


def test_quoted_offset_time_reported(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tree / "test-article" / "bridges-repaired.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("at: 2024-04-01T09:00:00Z\n", "at: '2024-04-01T07:00:00-02:00'\n", 1), encoding="utf-8")
    assert main(["validate", "--format", "parsable", "--no-cache", str(tree)]) == 0
    assert "warning [datetime-offset] a time with an offset (-02:00)" in capsys.readouterr().out
