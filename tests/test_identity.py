"""Who is editing: one resolver, the user's config, the first-run question, and what the site shows of editors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sitetrees import published_tree
from tui_pilot import SIZE, path_of, shown_text, started

from factcheck import identity
from factcheck.site import build
from factcheck.tui.app import FactcheckApp
from factcheck.tui.screens import LineScreen


def _factcheck(*argv: str, env: dict[str, str], cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "factcheck", *argv], capture_output=True, text=True, env=env, cwd=cwd)


@pytest.fixture
def env(tmp_path: Path, isolated_git: None) -> dict[str, str]:
    """A process environment with no editor configured: no FACTCHECK_EDITOR, an empty user config folder, git's user.name set."""
    subprocess.run(["git", "config", "--global", "user.name", "Git Name"], check=True)
    out = dict(os.environ)
    out.pop("FACTCHECK_EDITOR", None)
    return out


def _last_by(tree: Path, claim_id: str = "bridges-repaired") -> str:
    lines = [line for line in path_of(tree, claim_id).read_text().splitlines() if line.startswith("    by: ")]
    return lines[-1].removeprefix("    by: ")


def test_the_handle_comes_from_option_then_environment_then_user_config_then_git(tree, env):
    config = Path(env["XDG_CONFIG_HOME"]) / "factcheck" / "config.toml"
    assert _factcheck("note", "--root", str(tree), "bridges-repaired", "one", env=env).returncode == 0
    assert _last_by(tree) == "Git Name"
    config.parent.mkdir(parents=True)
    config.write_text('# mine\neditor = "cfg"\n')
    assert _factcheck("note", "--root", str(tree), "bridges-repaired", "two", env=env).returncode == 0
    assert _last_by(tree) == "cfg"
    assert _factcheck("note", "--root", str(tree), "bridges-repaired", "three", env={**env, "FACTCHECK_EDITOR": "envy"}).returncode == 0
    assert _last_by(tree) == "envy"
    run = _factcheck("note", "--root", str(tree), "--editor", "opt", "bridges-repaired", "four", env={**env, "FACTCHECK_EDITOR": "envy"})
    assert run.returncode == 0 and _last_by(tree) == "opt"


def test_a_broken_user_config_is_one_line_with_its_place(tree, env):
    config = Path(env["XDG_CONFIG_HOME"]) / "factcheck" / "config.toml"
    config.parent.mkdir(parents=True)
    before = path_of(tree, "bridges-repaired").read_bytes()
    config.write_text('theme = "dark"\neditor = "a\\u001bb"\n')
    run = _factcheck("note", "--root", str(tree), "bridges-repaired", "x", env=env)
    assert run.returncode == 2 and run.stdout == ""
    why = "holds a line break or control character (fix it, or remove the line and give a handle again)"
    assert run.stderr == f"factcheck: {config}:2:1: editor 'a\\x1bb' {why}\n"
    config.write_text("editor = \n")
    run = _factcheck("note", "--root", str(tree), "bridges-repaired", "x", env=env)
    assert run.returncode == 2 and run.stderr.startswith(f"factcheck: {config}:1:10: the user config is not valid TOML") and "Traceback" not in run.stderr
    assert path_of(tree, "bridges-repaired").read_bytes() == before


def test_save_handle_keeps_the_other_lines_and_refuses_a_bad_handle(tmp_path):
    path = tmp_path / "c" / "config.toml"
    assert identity.save_handle("ann", str(path)) == str(path)
    assert path.read_text() == 'editor = "ann"\n'
    path.write_text('# my settings\neditor = "old"\n[other]\nx = 1\n')
    identity.save_handle('Ann "the desk"', str(path))
    assert path.read_text() == '# my settings\neditor = "Ann \\"the desk\\""\n[other]\nx = 1\n'
    assert identity.configured_handle(str(path)) == 'Ann "the desk"'
    with pytest.raises(ValueError):
        identity.save_handle("two\nlines", str(path))
    with pytest.raises(ValueError):
        identity.save_handle("  ", str(path))
    assert identity.configured_handle(str(path)) == 'Ann "the desk"'


def test_the_user_config_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "x"))
    assert identity.user_config_path() == str(tmp_path / "x" / "factcheck" / "config.toml")
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert identity.user_config_path() == str(tmp_path / "home" / ".config" / "factcheck" / "config.toml")


async def test_first_run_asks_for_a_handle_and_saves_it_outside_the_repository(tree, monkeypatch, tmp_path):
    monkeypatch.delenv("FACTCHECK_EDITOR")
    editor = identity.resolve()
    assert not editor.configured  # git user.name or the OS user: the screen asks
    app = FactcheckApp(str(tree), editor.handle, ask_editor=True)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, LineScreen) and "Who are you?" in dialog.title_text
        await pilot.press("ctrl+u", *"desk-ann", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, LineScreen)
        assert shown_text(app, "#summary-bar").startswith("editing as desk-ann")
        await pilot.press("N", *"Checked the figure.", "ctrl+s")
        await pilot.pause()
    assert _last_by(tree) == "desk-ann"
    saved = tmp_path / ".config" / "factcheck" / "config.toml"
    assert saved.read_text() == 'editor = "desk-ann"\n'
    assert identity.resolve() == identity.Editor("desk-ann", identity.USER_CONFIG)
    assert not any("desk-ann" in p.read_text(errors="replace") for p in tree.rglob("*.toml"))


async def test_a_configured_handle_is_not_asked_for_and_is_always_shown(tree):
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=(80, 24)) as pilot:
        await started(app, pilot)
        assert not isinstance(app.screen, LineScreen)
        assert shown_text(app, "#summary-bar").startswith("editing as tester")  # first, so 80 columns never cut it
        await pilot.press("W")
        assert isinstance(app.screen, LineScreen)


def test_cli_note_internal_is_kept_and_marked(tree, capsys):
    from factcheck.cli import main

    assert main(["note", "--root", str(tree), "--internal", "bridges-repaired", "Call the mayor's office back."]) == 0
    text = path_of(tree, "bridges-repaired").read_text()
    assert text.endswith("    action: note\n    note: Call the mayor's office back.\n    internal: true\n")


TEAM = """\
organization = "Example Desk"

[team]
ann = "Ann Example"
Bo = "Bo Reviewer"
"""


def test_nothing_internal_and_no_listed_handle_reaches_the_site(tmp_path, capsys):
    from factcheck import triage
    from factcheck.cli import main
    from factcheck.store import ClaimStore

    claims = published_tree(tmp_path)
    (tmp_path / "factcheck.toml").write_text(TEAM)
    os.mkdir(tmp_path / ".git")
    (claims / "test-article" / "critics-disagree.yaml").unlink()  # its sentence is triaged again below
    assert main(["note", "--root", str(claims), "--editor", "ann", "--internal", "support-rose", "Desk only: the survey office owes us a call."]) == 0
    assert main(["note", "--root", str(claims), "--editor", "ann", "support-rose", "Readers may see this."]) == 0
    store = ClaimStore.open(str(claims))
    article = next(iter(store.articles.values()))
    proposal = next(c for c in triage.proposals(store, article).sentences if not c.claimed_by)
    created = triage.accept(store, article, proposal, "ann", "Critics disagree with the mayor.", how="Accepted in the triage view")
    assert "internal: true" in Path(created.path).read_text()
    out = tmp_path / "out"
    build(str(claims), str(out), drafts=True)
    pages = "\n".join(p.read_text() for p in out.rglob("*.html")) + (out / "feed.xml").read_text()
    assert "Readers may see this." in pages
    assert "Desk only" not in pages and "check-worthiness" not in pages and "Accepted in the triage view" not in pages
    assert '<span class="who">Ann Example</span>' in pages and '<span class="who">Bo Reviewer</span>' in pages  # bo written "Bo" in the team list
    assert '<span class="who">ann</span>' not in pages and '<span class="who">bo</span>' not in pages
    assert '<span class="who">bob</span>' in pages  # not in the team list: the handle is all there is
    page = (out / "claims" / f"{created.id}.html").read_text()
    assert "Claim recorded" in page  # the entry keeps its place, without its note


def test_a_bad_team_entry_is_a_config_problem(tmp_path):
    from factcheck import siteconfig

    (tmp_path / "factcheck.toml").write_text('[team]\nann = ""\nbo = "Bo"\n')
    config, problems = siteconfig.load(str(tmp_path))
    assert config.team == (("bo", "Bo"),)
    assert [(p.line, p.code) for p in problems] == [(2, "config")] and "team.ann must be a public name" in problems[0].message
