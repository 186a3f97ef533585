"""The article and triage views."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tui_pilot import SIZE, STAMP, choose, notifications, path_of, shown_text, started

from factcheck.tui.app import FactcheckApp
from factcheck.tui.screens import ArticleScreen, LineScreen, TriageScreen


async def test_article_view_moves_through_claims_and_selects(tree):
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("A")
        screen = app.screen
        assert isinstance(screen, ArticleScreen)
        assert [h.record.id for h in screen.highlights] == ["bridges-repaired", "support-rose"]
        assert "bridges-repaired" in shown_text(screen, "#article-claim")
        await pilot.press("n")
        assert "support-rose" in shown_text(screen, "#article-claim")
        await pilot.press("enter")
        await pilot.pause()
        assert app.current.id == "support-rose"


async def open_triage(app: FactcheckApp, pilot) -> TriageScreen:
    await started(app, pilot)
    await pilot.press("T")
    await app.workers.wait_for_complete()
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, TriageScreen)
    await screen.workers.wait_for_complete()
    await pilot.pause()
    return screen


def rows(screen: TriageScreen) -> list[str]:
    return [str(screen.query_one("#triage-list").get_option_at_index(i).prompt) for i in range(len(screen.shown))]


async def test_triage_lists_sentences_ranked_then_in_reading_order(tree):
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_triage(app, pilot)
        assert [c.line for c in screen.shown] == [3, 1, 2]  # by score
        shown = rows(screen)
        assert "✓" in shown[0] and "quantity" in shown[0] and "City survey" not in shown[0]
        assert "✓" not in shown[2] and shown[2].endswith("Critics disagree.")
        assert "The mayor" in shown[1]  # the claimant it names, in its column
        assert "ranked by score · 3 sentences · ✓ 2 claimed" in shown_text(screen, "#triage-status")
        await pilot.press("down")
        panel = shown_text(screen, "#triage-sentence")
        assert "already a claim: bridges-repaired" in panel and "claimant: The mayor" in panel
        await pilot.press("s")
        assert [c.line for c in screen.shown] == [1, 2, 3] and screen.current.line == 1  # the same sentence stays highlighted
        assert "reading order" in shown_text(screen, "#triage-status")
        await pilot.press("c")
        assert [c.line for c in screen.shown] == [2]
        await pilot.press("escape")
        assert not isinstance(app.screen, TriageScreen)


async def test_triage_accept_creates_the_claim_and_it_joins_the_queue(tree):
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_triage(app, pilot)
        await pilot.press("end", "enter")
        dialog = app.screen
        assert isinstance(dialog, LineScreen) and dialog.typed == "Critics disagree."  # prefilled with the sentence
        await pilot.press("ctrl+u", *"Critics dispute the mayor's bridge figure.", "enter")
        await pilot.pause()
        assert app.screen is screen
        created = path_of(tree, "critics-disagree")
        text = created.read_text(encoding="utf-8")
        assert "\ntext: Critics dispute the mayor's bridge figure.\nquote: Critics disagree.\nclaimant: Ann Author\nkind: event\nstatus: new\n" in text
        assert re.search(r"history:\n  - at: " + STAMP + r"\n    by: tester\n    action: created\n    after: new\n"
                         r"    note: Accepted in the triage view \(check-worthiness score 0\.\d\d\)\.\n    internal: true\n$", text)
        assert screen.sentences[1].claimed_by == ("critics-disagree",) and "✓" in rows(screen)[2]
        assert "critics-disagree" in [r.id for r in app.state.shown]  # in the queue at once
        assert "3 new" not in shown_text(app, "#summary-bar") and "2 new" in shown_text(app, "#summary-bar")
        await pilot.press("enter")  # a claimed sentence is not accepted twice
        assert app.screen is screen and any("Already a claim: critics-disagree" in m for m in notifications(app))
        await pilot.press("escape")
        await pilot.pause()
        assert app.current is not None and app.current.id == "critics-disagree"  # the queue selects the new claim
    from factcheck.validate import check_tree

    assert check_tree([tree], use_cache=False).problems == []


async def test_undo_takes_back_a_claim_created_in_the_triage_view(tree):
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_triage(app, pilot)
        await pilot.press("end", "enter", "enter")
        await pilot.pause()
        created = path_of(tree, "critics-disagree")
        assert created.exists()
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert not created.exists() and "critics-disagree" not in [r.id for r in app.all_records]
        assert any("Undid the creation of critics-disagree: its file is removed" in m for m in notifications(app))
        assert "2 new" not in shown_text(app, "#summary-bar")
        await pilot.press("ctrl+z")  # nothing more to undo
        await pilot.pause()
        assert any("nothing to undo in this session" in m for m in notifications(app))


def test_a_created_claim_changed_elsewhere_or_committed_is_not_removed_by_undo(tree):
    from factcheck import triage
    from factcheck.session import EditSession
    from factcheck.store import ClaimStore, EditRefused

    store = ClaimStore.open(tree)
    article = next(iter(store.articles.values()))
    candidate = next(c for c in triage.proposals(store, article).sentences if c.text == "Critics disagree.")
    session = EditSession(store, "tester", committed=lambda path: None)
    record = triage.accept(store, article, candidate, "tester")
    session.created(record)
    path = Path(record.path)
    path.write_text(path.read_text() + "    # another editor was here\n")
    store.apply_disk_changes(store.changes_on_disk())  # the screen has even reloaded it
    with pytest.raises(EditRefused, match="changed on disk since it was written here"):
        session.undo()
    assert path.exists()

    path.unlink()
    store = ClaimStore.open(tree)
    record = triage.accept(store, article, candidate, "tester")
    session = EditSession(store, "tester", committed=lambda p: record.claim)  # git has it now
    session.created(record)
    with pytest.raises(EditRefused, match="committed since it was created"):
        session.undo()
    assert Path(record.path).exists()


async def test_triage_refusal_keeps_the_typed_text(tree):
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_triage(app, pilot)
        await pilot.press("end", "enter", "ctrl+u", "enter")
        dialog = app.screen
        assert isinstance(dialog, LineScreen) and "Write the claim first" in shown_text(dialog, "#line-error")
        dialog.query_one("Input").value = "x" * 501
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog and dialog.typed == "x" * 501
        assert "at most 500" in shown_text(dialog, "#line-error")
        assert not path_of(tree, "critics-disagree").exists()
        dialog.query_one("Input").value = "Critics: restated, but kept for later."
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("enter")  # the text closed unsaved comes back
        assert app.screen.typed == "Critics: restated, but kept for later."


async def test_triage_dismiss_records_it_and_suggest_no_longer_proposes_it(tree, capsys):
    from factcheck.cli import main

    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_triage(app, pilot)
        await pilot.press("home", "d")
        assert app.screen is screen and any("dismiss the claim itself" in m for m in notifications(app))
        await pilot.press("end", "d", *"An opinion, nothing to check.", "enter")
        await pilot.pause()
        assert app.screen is screen
        assert [c.line for c in screen.shown] == [3, 1] and screen.current.line == 1
        assert "1 dismissed" in shown_text(screen, "#triage-status")
    path = tree / "test-article" / "dismissed.yaml"
    assert re.fullmatch(
        r"dismissed:\n  - sentence: Critics disagree\.\n    by: tester\n    at: " + STAMP + r"\n    reason: An opinion, nothing to check\.\n",
        path.read_text(encoding="utf-8"),
    )
    assert main(["validate", str(tree)]) == 0
    assert main(["suggest", "--root", str(tree), "test-article"]) == 0
    assert "Critics disagree." not in capsys.readouterr().out
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_triage(app, pilot)
        assert [c.line for c in screen.shown] == [3, 1]  # not proposed again


async def test_triage_asks_which_article_when_there_are_several(tree):
    from conftest import ARTICLE_TEXT, ARTICLE_YAML

    other = tree / "second-article"
    other.mkdir()
    (other / "article.yaml").write_text(ARTICLE_YAML.replace("A Test Article", "A Second Article"), encoding="utf-8")
    (other / "article.txt").write_text(ARTICLE_TEXT, encoding="utf-8")
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("T")
        await choose(pilot, str(other))
        await app.workers.wait_for_complete()
        screen = app.screen
        assert isinstance(screen, TriageScreen) and "A Second Article" in screen.title_text
        await screen.workers.wait_for_complete()
        await pilot.pause()
        assert not any(c.claimed_by for c in screen.sentences)  # its own claims: none
