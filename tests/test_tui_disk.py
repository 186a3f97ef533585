"""The review screen and changes on disk: reloaded, reported, never overwritten."""

from __future__ import annotations

from conftest import CLAIM_YAML, OTHER_IN_REVIEW, make_tree
from tui_pilot import SIZE, choose, notifications, path_of, shown_text, started, verdict_and_summary

from factcheck.tui.app import FactcheckApp
from factcheck.tui.screens import TextScreen


async def test_change_on_disk_is_never_overwritten(tree):
    path = path_of(tree, "bridges-repaired")
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        app._watcher.stop()  # the writer's own guard: an edit that comes before the watcher
        await pilot.pause(0.2)
        theirs = path.read_text().replace("  - infrastructure\n", "  - bridges\n")
        path.write_text(theirs)
        await pilot.press("s")
        await choose(pilot, "to-check")
        assert any("changed on disk" in m for m in notifications(app))
        assert "Tags: bridges" in app.query_one("#detail").plain  # reloaded
    assert path.read_text() == theirs


async def test_watch_disk_reloads_and_tells(tree):
    path = path_of(tree, "bridges-repaired")
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        path.write_text(path.read_text().replace("status: new", "status: to-check").replace("    after: new\n", "    after: to-check\n"))
        app.watch_disk()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("reloaded: bridges-repaired" in m for m in notifications(app))
        assert app.state.shown[0].row.status == "to-check"


async def test_files_added_emptied_and_removed_on_disk_reach_the_queue(tree):
    import asyncio
    import time

    async def until(predicate) -> None:
        start = time.perf_counter()
        while not predicate():
            assert time.perf_counter() - start < 3.0, "not noticed within 3 s"
            await asyncio.sleep(0.02)

    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        new = path_of(tree, "bridges-closed")
        new.write_text(CLAIM_YAML.replace("id: bridges-repaired", "id: bridges-closed"))  # `factcheck new` in another shell
        await until(lambda: [r.id for r in app.state.shown] == ["bridges-closed", "bridges-repaired", "support-rose"])
        assert "0 of 3 published" in shown_text(app, "#summary-bar") and "2 new" in shown_text(app, "#summary-bar")
        # A notification reaches the screen as a message: let it be handled first.
        await until(lambda: any("added: bridges-closed" in m for m in notifications(app)))
        path_of(tree, "support-rose").write_text("")  # emptied: a problem, counted
        await until(lambda: app._problem_count == 1)
        assert "1 with problems" in shown_text(app, "#summary-bar")
        new.unlink()
        await until(lambda: [r.id for r in app.state.shown] == ["bridges-repaired", "support-rose"])
        assert "0 of 2 published" in shown_text(app, "#summary-bar")


async def test_polling_notices_a_new_claim_where_events_are_missing(tree):
    import asyncio

    app = FactcheckApp(str(tree), "tester", force_polling=True)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        path_of(tree, "bridges-closed").write_text(CLAIM_YAML.replace("id: bridges-repaired", "id: bridges-closed"))
        for _ in range(150):
            await asyncio.sleep(0.02)
            if len(app.state.shown) == 3:
                break
        assert app._watcher.mode == "polling" and [r.id for r in app.state.shown][0] == "bridges-closed"


async def test_a_refused_review_note_is_kept_in_the_dialog(tmp_path):
    tree = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": OTHER_IN_REVIEW})
    path = path_of(tree, "support-rose")
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await verdict_and_summary(pilot)
        app._watcher.stop()  # the writer's own guard, before the watcher reloads
        await pilot.pause(0.2)
        await pilot.press("s")
        await choose(pilot, "published")
        assert isinstance(app.screen, TextScreen)
        await pilot.press(*"Checked twice")
        theirs = path.read_text().replace('    note: "Looking for the survey."\n', "    note: Looking for the survey, again.\n")
        path.write_text(theirs)  # a colleague's edit lands meanwhile
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TextScreen) and screen.typed == "Checked twice"  # kept, with the reason
        assert "changed on disk" in shown_text(screen, "#text-error")
        assert path.read_text() == theirs
        await pilot.press("ctrl+s")  # the claim was reloaded: the same note now goes through
        await pilot.pause()
        assert not isinstance(app.screen, TextScreen)
    text = path.read_text()
    assert "status: published\n" in text and "Looking for the survey, again." in text
    assert "    by: tester\n    action: status\n    field: status\n    before: in-review\n    after: published\n    note: Checked twice\n" in text


async def test_summary_edit_refused_when_a_colleague_changed_it(tree):
    path = path_of(tree, "support-rose")
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("down", "e", *"Mine: the survey holds.")
        theirs = path.read_text().replace("summary: null\n", "summary: Theirs, saved first.\n")
        path.write_text(theirs)
        for _ in range(100):  # the watcher reloads it; the screen says so
            await pilot.pause(0.03)
            if any("reloaded: support-rose" in m for m in notifications(app)):
                break
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TextScreen) and screen.typed == "Mine: the survey holds."
        error = shown_text(screen, "#text-error")
        assert "changed since you started" in error and "Theirs, saved first." in error
        assert path.read_text() == theirs
        await pilot.press("ctrl+s")  # having seen theirs, saving again replaces it, recorded
        await pilot.pause()
        assert not isinstance(app.screen, TextScreen)
    text = path.read_text()
    assert "summary: 'Mine: the survey holds.'\n" in text
    assert "    before: Theirs, saved first.\n    after: 'Mine: the survey holds.'\n" in text
