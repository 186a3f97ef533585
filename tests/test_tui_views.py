"""The article and triage views."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tui_pilot import SIZE, STAMP, choose, notifications, path_of, shown_text, started

from factcheck.tui.app import FactcheckApp
from factcheck.tui.screens import AcceptScreen, ArticleScreen, TriageScreen


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
        assert "The mayor said" in shown[1] and "Ann Author" not in shown[1]  # a role is no claimant's name
        assert "ranked by score · 3 sentences · ✓ 2 claimed" in shown_text(screen, "#triage-status")
        await pilot.press("down")
        panel = shown_text(screen, "#triage-sentence")
        assert "already a claim: bridges-repaired" in panel
        assert "claimant: the mayor cited by Test Outlet (the sentence cites “The mayor” without a name)" in panel
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
        assert isinstance(dialog, AcceptScreen) and dialog.typed == "Critics disagree."  # prefilled with the sentence
        assert "ctrl+u clears" in shown_text(dialog, ".accept-label") and "17/75 characters" in shown_text(dialog, "#accept-count")
        await pilot.press("ctrl+u", *"Critics dispute the mayor's bridge figure.", "enter")
        await pilot.pause()
        assert app.screen is screen
        created = path_of(tree, "critics-dispute-mayor-bridge-figure")  # the id follows the restatement
        text = created.read_text(encoding="utf-8")
        assert "\ntext: Critics dispute the mayor's bridge figure.\nquote: Critics disagree.\nclaimant: Ann Author\nkind: event\nstatus: new\n" in text
        assert re.search(r"history:\n  - at: " + STAMP + r"\n    by: tester\n    action: created\n    after: new\n"
                         r"    note: Accepted in the triage view \(check-worthiness score 0\.\d\d; the sentence attributes it to no one, "
                         r"so the claimant is the article's author\)\.\n    internal: true\n$", text)
        assert screen.sentences[1].claimed_by == ("critics-dispute-mayor-bridge-figure",) and "✓" in rows(screen)[2]
        assert "critics-dispute-mayor-bridge-figure" in [r.id for r in app.state.shown]  # in the queue at once
        assert "3 new" not in shown_text(app, "#summary-bar") and "2 new" in shown_text(app, "#summary-bar")
        await pilot.press("enter")  # a claimed sentence is not accepted twice
        assert app.screen is screen and any("Already a claim: critics-dispute-mayor-bridge-figure" in m for m in notifications(app))
        await pilot.press("escape")
        await pilot.pause()
        assert app.current is not None and app.current.id == "critics-dispute-mayor-bridge-figure"  # the queue selects the new claim
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
        assert isinstance(dialog, AcceptScreen) and "Write the claim first" in shown_text(dialog, "#accept-error")
        dialog.query_one("#accept-text").value = "x" * 501
        await pilot.press("enter", "enter")  # the first warns of the length, the second saves: refused
        await pilot.pause()
        assert app.screen is dialog and dialog.typed == "x" * 501
        assert "at most 500" in shown_text(dialog, "#accept-error")
        assert not path_of(tree, "critics-disagree").exists()
        dialog.query_one("#accept-text").value = "Critics: restated, but kept for later."
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


async def test_accept_dialog_edits_claimant_kind_and_id_with_completion(tree):
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_triage(app, pilot)
        await pilot.press("end", "enter")
        dialog = app.screen
        assert isinstance(dialog, AcceptScreen)
        assert dialog.query_one("#accept-claimant").value == "Ann Author"  # the sentence names no one
        assert "the article's author" in shown_text(dialog, "#accept-why")
        assert dialog.query_one("#accept-kind").value == "event" and dialog.query_one("#accept-id").value == "critics-disagree"
        assert "public page's address: claims/critics-disagree.html" in shown_text(dialog, "#accept-address")
        await pilot.press("ctrl+u", *"Critics doubt the bridge count.")
        assert dialog.query_one("#accept-id").value == "critics-doubt-bridge-count"  # follows the text
        await pilot.press("tab", "ctrl+u", *"the ma", "right")  # completes from the tree's claimants
        assert dialog.query_one("#accept-claimant").value == "The mayor"
        await pilot.press("tab", "ctrl+u", *"characterisation", "enter")
        assert app.screen is dialog and "Kind: one of quantity, event" in shown_text(dialog, "#accept-error")
        await pilot.press("ctrl+u", *"op", "right")
        assert dialog.query_one("#accept-kind").value == "opinion"
        await pilot.press("tab", "ctrl+u", *"bridge-count-doubted")
        assert "claims/bridge-count-doubted.html" in shown_text(dialog, "#accept-address")
        await pilot.press("shift+tab", "shift+tab", "shift+tab", "end", *" Really.")
        assert dialog.query_one("#accept-id").value == "bridge-count-doubted"  # edited: no longer follows
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
    text = path_of(tree, "bridge-count-doubted").read_text(encoding="utf-8")
    assert "\ntext: Critics doubt the bridge count. Really.\nquote: Critics disagree.\nclaimant: The mayor\nkind: opinion\n" in text
    assert "attributes it to no one" not in text  # the note explains a guess only when the guess was kept


async def test_accept_dialog_counts_against_claimreview_and_warns_before_saving(tree):
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await open_triage(app, pilot)
        await pilot.press("end", "enter")
        dialog = app.screen
        long = "Critics disagree with the mayor's account of how many bridges the city repaired."
        assert len(long) == 80
        await pilot.press("ctrl+u", *long)
        assert "80/75 characters · 5 over ClaimReview's limit" in shown_text(dialog, "#accept-count")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog and "80 characters; ClaimReview wants at most 75" in shown_text(dialog, "#accept-error")
        assert not any(p.name.startswith("critics-disagree-mayor") for p in tree.rglob("*.yaml"))
        await pilot.press("enter")  # the second enter saves it as it is
        await pilot.pause()
        assert app.screen is not dialog
    assert path_of(tree, "critics-disagree-mayor-account-many").exists(), sorted(p.name for p in tree.rglob("*.yaml"))
