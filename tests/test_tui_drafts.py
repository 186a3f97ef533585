"""Texts kept when a dialog is closed unsaved or a save is refused, and how they come back."""

from __future__ import annotations

from conftest import CLAIM_YAML, OTHER_YAML, make_tree
from tui_pilot import SIZE, notifications, path_of, started

from factcheck.cli import main
from factcheck.tui.app import FactcheckApp
from factcheck.tui.screens import TextScreen


async def test_a_note_closed_unsaved_comes_back(tree):
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("N", *"Called the mayor", "escape")
        await pilot.pause()
        await pilot.press("N")
        assert app.screen.typed == "Called the mayor"
        await pilot.press("ctrl+s")  # offered back: saved as it is
        await pilot.pause()
    assert path_of(tree, "bridges-repaired").read_text().endswith("    action: note\n    note: Called the mayor\n")


async def test_a_note_refused_while_the_command_line_writes_is_offered_back_on_its_own(tmp_path, capsys):
    tree = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": OTHER_YAML})
    path = path_of(tree, "bridges-repaired")
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        app._watcher.stop()  # the writer's own guard refuses, before the watcher reloads
        await pilot.pause(0.2)
        await pilot.press("N", *"Called the mayor")
        assert main(["note", "--root", str(tree), "bridges-repaired", "From the command line", "--editor", "cli"]) == 0
        theirs = path.read_text()
        await pilot.press("ctrl+s")  # refused: the file changed on disk
        await pilot.pause()
        assert isinstance(app.screen, TextScreen) and "changed on disk" in str(app.screen.query_one("#text-error").content)
        await pilot.press("escape")
        await pilot.pause()
        assert any("kept" in m for m in notifications(app))
        await pilot.press("N")  # the kept text is offered, on its own
        screen = app.screen
        assert isinstance(screen, TextScreen) and screen.typed == "Called the mayor"
        await pilot.press(*"Asked the council", "ctrl+s")  # a new note replaces it, never joins it
        await pilot.pause()
        assert not isinstance(app.screen, TextScreen)
    after = path.read_text()
    assert after.startswith(theirs)
    added = after[len(theirs):]
    assert added.endswith("    by: tester\n    action: note\n    note: Asked the council\n"), added
    assert "Called the mayor" not in added
