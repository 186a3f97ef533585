"""Each edit of the review screen, through the one edit flow: what it asks, the bytes it writes."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from builders import published_yaml
from conftest import CLAIM_YAML, OTHER_IN_REVIEW, make_tree
from tui_pilot import SIZE, STAMP, choose, notifications, path_of, shown_text, started, verdict_and_summary

from factcheck.tui.app import FactcheckApp
from factcheck.tui.screens import LineScreen, TextScreen


async def test_status_change_appends_history_and_keeps_comment(tree):
    path = path_of(tree, "bridges-repaired")
    before = path.read_text()
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("s")
        await choose(pilot, "to-check")
    after = path.read_text()
    assert after.startswith("# A claim used by the tests.\n")
    assert after.replace("status: to-check\n", "status: new\n", 1).startswith(before)
    added = after.replace("status: to-check\n", "status: new\n", 1)[len(before):]
    assert re.fullmatch(rf"  - at: {STAMP}\n    by: tester\n    action: status\n    field: status\n    before: new\n    after: to-check\n", added)


async def test_advance_moves_to_next_status(tree):
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("right_square_bracket")
    assert "status: to-check\n" in path_of(tree, "bridges-repaired").read_text()


async def test_invalid_verdict_is_refused_and_file_untouched(tree):
    path = path_of(tree, "bridges-repaired")
    before = path.read_bytes()
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("v")
        await choose(pilot, "accurate")
        assert any("needs at least one source that supports it" in m for m in notifications(app))
    assert path.read_bytes() == before


async def test_publish_without_verdict_is_refused(tree):
    path = path_of(tree, "support-rose")
    before = path.read_bytes()
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("down", "s")
        await choose(pilot, "published")
        assert not isinstance(app.screen, TextScreen)  # refused before a review note is typed
        assert any(
            "a published claim needs a verdict" in m and "press v to set a verdict" in m and "press e to write a summary" in m for m in notifications(app)
        )
    assert path.read_bytes() == before


async def testverdict_and_summary(tree):
    path = path_of(tree, "support-rose")
    before = path.read_text()
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("down", "v")
        await choose(pilot, "accurate")
        await pilot.press("e")
        assert isinstance(app.screen, TextScreen)
        await pilot.press(*"The survey says 68%.", "ctrl+s")
        await pilot.pause()
        assert "The survey says 68%." in app.query_one("#detail").plain
    after = path.read_text()
    head = before.split("verdict: null\nsummary: null\n")
    assert after.startswith(head[0] + "verdict: accurate\nsummary: The survey says 68%.\n" + head[1])
    added = after[len(head[0] + "verdict: accurate\nsummary: The survey says 68%.\n" + head[1]) :]
    assert re.fullmatch(
        rf"  - at: {STAMP}\n    by: tester\n    action: verdict\n    field: verdict\n    after: accurate\n"
        rf"  - at: {STAMP}\n    by: tester\n    action: summary\n    field: summary\n    after: The survey says 68%.\n",
        added,
    )


async def test_note_tags_and_related(tree):
    path = path_of(tree, "bridges-repaired")
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("N", *"Called the mayor", "ctrl+s")
        await pilot.pause()
        await pilot.press("t")
        assert isinstance(app.screen, LineScreen)
        await pilot.press("ctrl+u", *"roads, Crocus City attack, ISIS-K")
        await pilot.pause()
        assert "saved as slugs: Crocus City attack → crocus-city-attack, ISIS-K → isis-k" in shown_text(app.screen, "#line-error")
        await pilot.press("ctrl+u", *"roads, budget, infra", "right", "enter")  # right arrow completes a known tag
        await pilot.pause()
        await pilot.press("r", "ctrl+u", *"nope", "enter")
        await pilot.pause()
        assert "related claim 'nope' does not exist" in shown_text(app.screen, "#line-error")  # in the rules' words
        await pilot.press("escape")
    text = path.read_text()
    assert "tags:\n  - roads\n  - budget\n  - infrastructure\nrelated:\n  - support-rose\n" in text
    assert "    action: note\n    note: Called the mayor\n" in text
    assert "    action: tags\n    field: tags\n    before: infrastructure\n    after: roads, budget, infrastructure\n" in text


async def test_undo_takes_back_the_last_change_and_records_it(tree):
    path = path_of(tree, "bridges-repaired")
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("s")
        await choose(pilot, "dismissed")
        await pilot.press(*"Not checkable", "ctrl+s")
        await pilot.pause()
        assert "status: dismissed\n" in path.read_text()
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert any("Undid status → dismissed" in m for m in notifications(app))
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert any("nothing to undo" in m for m in notifications(app))
    text = path.read_text()
    assert "status: new\n" in text
    assert re.search(r"    action: undo\n    field: status\n    before: dismissed\n    after: new\n    note: 'Undid: status → dismissed'\n$", text)


async def test_unpublishing_asks_for_a_correction(tmp_path):
    published = published_yaml(summary="It holds.")
    tree = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": published})
    path = path_of(tree, "support-rose")
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        assert app.state.shown[1].problems == []
        await pilot.press("down", "s")
        await choose(pilot, "in-review")
        assert isinstance(app.screen, TextScreen)
        await pilot.press(*"Figure disputed", "ctrl+s")
        await pilot.pause()
    text = path.read_text()
    assert "status: in-review\n" in text
    assert re.search(r"corrections:\n  - date: \d{4}-\d\d-\d\d\n    change: status published → in-review\n    reason: Figure disputed\n", text)


async def test_tags_dialog_appends_rather_than_replaces(tree):
    path = path_of(tree, "bridges-repaired")
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("t", *", roads", "enter")
        await pilot.pause()
    assert "tags:\n  - infrastructure\n  - roads\n" in path.read_text()


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *args], cwd=cwd, check=True, capture_output=True)


async def _publish_then_undo(tree: Path, commit_between: bool) -> str:
    path = path_of(tree, "support-rose")
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await verdict_and_summary(pilot)
        await pilot.press("s")
        await choose(pilot, "published")
        await pilot.press(*"Checked", "ctrl+s")
        await pilot.pause()
        assert "status: published\n" in path.read_text()
        if commit_between:
            _git(tree.parent, "commit", "-qam", "Publish support-rose")
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert any("Undid status → published" in m for m in notifications(app))
    return path.read_text()


async def test_undo_of_an_uncommitted_publication_is_history_not_a_correction(tmp_path):
    tree = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": OTHER_IN_REVIEW})
    _git(tree.parent, "init", "-q")
    _git(tree.parent, "add", "-A")
    _git(tree.parent, "commit", "-qm", "Claims")
    text = await _publish_then_undo(tree, commit_between=False)
    assert "status: in-review\n" in text and "corrections: []\n" in text
    assert "    action: undo\n    field: status\n    before: published\n    after: in-review\n" in text


async def test_undo_of_a_committed_publication_is_a_correction(tmp_path):
    tree = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": OTHER_IN_REVIEW})
    _git(tree.parent, "init", "-q")
    _git(tree.parent, "add", "-A")
    _git(tree.parent, "commit", "-qm", "Claims")
    text = await _publish_then_undo(tree, commit_between=True)
    assert "status: in-review\n" in text
    assert re.search(r"corrections:\n  - date: \d{4}-\d\d-\d\d\n    change: 'undone: status → published'\n", text)


async def test_assign_from_the_screen_shows_in_the_queue_and_mine_filters(tree):
    path = path_of(tree, "support-rose")
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("down", "at")
        assert isinstance(app.screen, LineScreen)
        await pilot.press("enter")  # the editor's own handle is offered
        await pilot.pause()
        assert app.current.row.assignee == "tester" and "assigned to tester" in app.query_one("#detail").plain
        await pilot.press("f")
        await choose(pilot, "mine")
        assert [r.id for r in app.state.shown] == ["support-rose"]
        assert "showing 1 (mine)" in shown_text(app, "#summary-bar")
    assert path.read_text().endswith("    by: tester\n    action: assigned\n    field: assignee\n    after: tester\n")


def test_assign_command_records_who_assigned_whom(capsys, tree):
    from factcheck.cli import main

    path = path_of(tree, "bridges-repaired")
    assert main(["assign", "--root", str(tree), "bridges-repaired", "bob", "--editor", "ann"]) == 0
    capsys.readouterr()
    assert main(["assign", "--root", str(tree), "bridges-repaired", "bob", "--editor", "ann"]) == 1
    refusal = capsys.readouterr()
    assert refusal.out == "" and "already assigned to bob" in refusal.err
    assert main(["assign", "--root", str(tree), "bridges-repaired", "--clear", "--editor", "ann"]) == 0
    text = path.read_text()
    assert "    by: ann\n    action: assigned\n    field: assignee\n    after: bob\n" in text
    assert text.endswith("    by: ann\n    action: assigned\n    field: assignee\n    before: bob\n")
    assert main(["list", "--root", str(tree)]) == 0


async def test_dismissing_asks_why(tree):
    path = path_of(tree, "bridges-repaired")
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("s")
        await choose(pilot, "dismissed")
        assert isinstance(app.screen, TextScreen) and "why it is not check-worthy" in app.screen.title_text
        await pilot.press(*"An opinion, not checkable", "ctrl+s")
        await pilot.pause()
    assert "    before: new\n    after: dismissed\n    note: An opinion, not checkable\n" in path.read_text()


async def test_bulk_status_assign_and_tags_each_claim_its_own_entry_refusals_per_claim(tree):
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("space", "down", "space")
        assert "2 marked" in shown_text(app, "#summary-bar")
        await pilot.press("s")
        await choose(pilot, "published")
        assert not isinstance(app.screen, TextScreen)  # every claim is refused: no note is asked for
        message = notifications(app)[-1]
        assert "0 of 2 claims changed" in message and "support-rose:" in message
        assert (
            "bridges-repaired: bridges-repaired must pass through in-review first; a second editor then publishes it; a published claim needs a verdict"
            in message
        )
        assert "(press s to move it to in-review; press v to set a verdict" in message
        await pilot.press("s")
        await choose(pilot, "to-check")
        assert "2 of 2 claims changed" in notifications(app)[-1]
        await pilot.press("at", "ctrl+u", *"bob", "enter")
        await pilot.pause()
        await pilot.press("t", *"Crocus City attack", "enter")
        await pilot.pause()
        assert "2 of 2 claims changed" in notifications(app)[-1]
        await pilot.press("escape")
        assert "marked" not in shown_text(app, "#summary-bar")
    for name in ("bridges-repaired", "support-rose"):
        text = path_of(tree, name).read_text()
        assert "status: to-check\n" in text and "  - crocus-city-attack\n" in text
        assert text.count("    action: assigned\n    field: assignee\n    after: bob\n") == 1
