"""The review screen, driven with Textual's pilot: what it shows and the bytes it writes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CLAIM_YAML, OTHER_IN_REVIEW, OTHER_WITH_QUANTITIES, OTHER_YAML, REVIEWED, make_tree

from factcheck.tui.app import FactcheckApp
from factcheck.tui.screens import ArticleScreen, ChooseScreen, HelpScreen, LineScreen, SourceForm, TextScreen, TriageScreen

STAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"
SIZE = (150, 45)


async def started(app: FactcheckApp, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


def path_of(tree: Path, claim_id: str) -> Path:
    return tree / "test-article" / f"{claim_id}.yaml"


def appended(before: str, after: str, anchor: str = "history:\n") -> str:
    """What an edit added at the end of the history (and checks nothing before changed)."""
    assert after.startswith(before.rstrip("\n")[: before.index(anchor)])
    assert after.startswith(before), "an edit only appends to the history here"
    return after[len(before):]


async def choose(pilot, value: str) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, ChooseScreen)
    index = [v for v, _ in screen.choices].index(value)
    option_list = screen.query_one("OptionList")
    option_list.highlighted = index
    await pilot.press("enter")
    await pilot.pause()


def shown_text(node, selector: str) -> str:
    """The text a Static or Label shows, as a person would read it (no styles)."""
    from rich.console import Console

    content = node.query_one(selector).content
    console = Console(width=200, record=True, file=open("/dev/null", "w"))
    console.print(content)
    return console.export_text()


def notifications(app) -> list[str]:
    return [n.message for n in app._notifications]


# -- what an editor sees ------------------------------------------------------------------


async def test_queue_shows_claims_counts_and_detail(tree):
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        assert [r.id for r in app.shown] == ["bridges-repaired", "support-rose"]
        bar = shown_text(app, "#summary-bar")
        assert "0 of 2 published" in bar and "1 researching" in bar and "1 new" in bar
        await pilot.press("down")
        detail = app.query_one("#detail").plain
        assert "support-rose" in detail and "Annual survey 2021" in detail and "[supports]" in detail
        assert "Looking for the survey." in detail


async def test_detail_shows_the_quantities_of_a_claim(tmp_path):
    tree = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": OTHER_WITH_QUANTITIES})
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        assert "Quantities" not in app.query_one("#detail").plain
        await pilot.press("down")
        detail = " ".join(app.query_one("#detail").plain.split())  # the pane wraps long lines
        assert "Quantities (2) 57 percent (as of 2017), support for the plan — “57 percent” 68 percent (as of 2021-12-01) — “68 percent” Summary" in detail
        assert detail.index("In the article") < detail.index("Quantities (2)") < detail.index("Summary")


async def test_filter_narrows_as_you_type_and_escape_clears(tree):
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("slash", *"city of")
        assert [r.id for r in app.shown] == ["support-rose"]  # matched a source publisher
        await pilot.press("escape")
        assert len(app.shown) == 2


async def test_quick_filter_by_status_and_no_sources(tree):
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("f")
        await choose(pilot, "no-sources")
        assert [r.id for r in app.shown] == ["bridges-repaired"]
        await pilot.press("f")
        await choose(pilot, "status:researching")
        assert [r.id for r in app.shown] == ["support-rose"]


async def test_sort_by_clicking_status_order(tree):
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        app.sort_column = "status"
        app.reverse = True
        app.apply_view()
        assert [r.id for r in app.shown] == ["support-rose", "bridges-repaired"]


# -- what an editor does: each action's bytes on disk ------------------------------------------


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


async def test_verdict_and_summary(tree):
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


async def test_add_source_form_validates_each_field_and_saves(tree):
    path = path_of(tree, "bridges-repaired")
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, SourceForm)
        await pilot.press(*"ftp://x")
        await pilot.pause()
        assert "http or https" in shown_text(form, "#e-url")
        form.action_save()
        await pilot.pause()
        assert isinstance(app.screen, SourceForm)  # not saved
        assert "required" in shown_text(form, "#e-title")
        values = {
            "url": "https://example.org/bridges",
            "title": "Bridges report",
            "publisher": "City of Example",
            "published": "2024-01-05",
            "excerpt": "24 bridges were repaired",
        }
        for name, value in values.items():
            form.query_one(f"#f-{name}").value = value
        form.query_one("#f-stance").value = "supports"
        await pilot.pause()
        form.action_save()
        await pilot.pause()
        assert not isinstance(app.screen, SourceForm)
    text = path.read_text()
    assert (
        "sources:\n  - url: https://example.org/bridges\n    title: Bridges report\n    publisher: City of Example\n    published: 2024-01-05\n    accessed: "
    ) in text
    assert re.search(
        rf"  - at: {STAMP}\n    by: tester\n    action: source-added\n    field: sources\n"
        rf"    after: https://example.org/bridges\n    note: 'supports: Bridges report \(City of Example\)'\n$",
        text,
    )


async def test_remove_source_asks_why_and_records_it(tree):
    path = path_of(tree, "support-rose")
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("down", "x")
        await choose(pilot, "https://example.org/survey")
        await pilot.press(*"Dead link", "ctrl+s")
        await pilot.pause()
    text = path.read_text()
    assert "sources: []\n" in text
    assert re.search(r"    action: source-removed\n    field: sources\n    before: https://example.org/survey\n    note: Dead link\n$", text)


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
        assert "no such claim: nope" in shown_text(app.screen, "#line-error")
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
    published = (
        OTHER_YAML.replace("status: researching\nverdict: null\nsummary: null\n", "status: published\nverdict: accurate\nsummary: It holds.\n") + REVIEWED
    )
    tree = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": published})
    path = path_of(tree, "support-rose")
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        assert app.shown[1].problems == []
        await pilot.press("down", "s")
        await choose(pilot, "in-review")
        assert isinstance(app.screen, TextScreen)
        await pilot.press(*"Figure disputed", "ctrl+s")
        await pilot.pause()
    text = path.read_text()
    assert "status: in-review\n" in text
    assert re.search(r"corrections:\n  - date: \d{4}-\d\d-\d\d\n    change: status published → in-review\n    reason: Figure disputed\n", text)


async def test_escape_in_a_dialog_keeps_the_filter_and_form_asks_before_discarding(tree):
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("slash", *"survey", "enter")
        assert [r.id for r in app.shown] == ["support-rose"]
        await pilot.press("s", "escape")
        await pilot.pause()
        assert [r.id for r in app.shown] == ["support-rose"] and app.query_text == "survey"
        await pilot.press("a", *"https://example.org/x")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SourceForm) and any("esc again" in m for m in notifications(app))
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SourceForm)


async def test_tags_dialog_appends_rather_than_replaces(tree):
    path = path_of(tree, "bridges-repaired")
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("t", *", roads", "enter")
        await pilot.pause()
    assert "tags:\n  - infrastructure\n  - roads\n" in path.read_text()


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
        assert app.shown[0].row.status == "to-check"


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


async def test_help_and_palette_jump(tree):
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        app.select_claim("support-rose")
        await pilot.pause()
        assert app.current.id == "support-rose"


async def test_unreadable_claim_is_listed_with_its_problem(tmp_path):
    tree = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML.replace("kind: quantity", "kind: quantty"), "support-rose": OTHER_YAML})
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        assert app.shown[0].problems and "1 with problems" in shown_text(app, "#summary-bar")
        detail = app.query_one("#detail").plain
        assert "line 6, column 7" in detail and "quantty" in detail
        await pilot.press("s")
        assert any("press E to fix" in m for m in notifications(app))


# -- the triage view ----------------------------------------------------------------------------


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
                         r"    note: Accepted in the triage view \(check-worthiness score 0\.\d\d\)\.\n$", text)
        assert screen.sentences[1].claimed_by == ("critics-disagree",) and "✓" in rows(screen)[2]
        assert "critics-disagree" in [r.id for r in app.shown]  # in the queue at once
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


def test_domain_imports_without_textual():
    code = "import sys; import factcheck.cli.check, factcheck.cli.edit, factcheck.validate, factcheck.session, factcheck.store;print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- snapshots ----------------------------------------------------------------------------------


@pytest.fixture
def fixed_today(monkeypatch):
    import datetime as dt

    import factcheck.tui.screens as screens

    monkeypatch.setattr(screens, "today", lambda: dt.date(2024, 4, 5))


async def _wait(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_snapshot_queue_and_detail(tree, snap_compare):
    assert snap_compare(FactcheckApp(str(tree), "tester"), press=["down"], terminal_size=(150, 40), run_before=_wait)


def test_snapshot_article_view(tree, snap_compare):
    assert snap_compare(FactcheckApp(str(tree), "tester"), press=["A"], terminal_size=(120, 30), run_before=_wait)


def test_snapshot_add_source_form(tree, snap_compare, fixed_today):
    assert snap_compare(FactcheckApp(str(tree), "tester"), press=["a", *"ftp://x"], terminal_size=(120, 45), run_before=_wait)


def test_snapshot_80x24_filtered_queue(tree, snap_compare):
    async def run_before(pilot):
        await _wait(pilot)
        pilot.app.quick = "status:researching"
        pilot.app.apply_view()
        await pilot.pause()

    assert snap_compare(FactcheckApp(str(tree), "tester"), terminal_size=(80, 24), run_before=run_before)


def test_snapshot_80x24_add_source_form_save_reachable(tree, snap_compare, fixed_today):
    assert snap_compare(FactcheckApp(str(tree), "tester"), press=["a"], terminal_size=(80, 24), run_before=_wait)


def test_snapshot_120x40_queue(tree, snap_compare):
    assert snap_compare(FactcheckApp(str(tree), "tester"), press=["down"], terminal_size=(120, 40), run_before=_wait)


def test_snapshot_120x40_fix_fields_form(tmp_path, snap_compare):
    tree = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML.replace("kind: quantity", "kind: quantty"), "support-rose": OTHER_YAML})
    assert snap_compare(FactcheckApp(str(tree), "tester"), press=["E"], terminal_size=(120, 40), run_before=_wait)


async def test_rows_appear_and_filter_while_a_large_tree_loads(tmp_path, monkeypatch):
    import asyncio
    import time

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import generate

    from factcheck import validate

    generate.generate_real(1200, tmp_path / "tree", broken=0.0, per_article=400)
    real = validate._check_batch

    def slow(paths, want):  # a slow disk: each batch takes a while
        time.sleep(0.4)
        return real(paths, want)

    monkeypatch.setattr(validate, "_check_batch", slow)
    monkeypatch.setattr(validate, "PARALLEL_THRESHOLD", 10**9)
    app = FactcheckApp(str(tmp_path / "tree"), "tester")
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            await asyncio.sleep(0.02)
            if app.all_records:
                break
        assert app.store is None and 0 < len(app.all_records) < 1200  # rows before the rest
        await pilot.press("slash", *"tajik", "enter")
        await pilot.pause()
        assert app.shown and all("tajik" in app._search[id(r)] for r in app.shown)
        if app.store is None:
            assert app.current is None  # read-only until loaded
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.store is not None and len(app.all_records) == 1200
        assert app.shown and all("tajik" in app._search[id(r)] for r in app.shown)
        assert app.first_rows_seconds < app.load_seconds


async def test_the_first_rows_are_picked_up_when_they_arrive_not_at_the_next_look(tmp_path, monkeypatch):
    """The loading thread tells the screen when the first rows are there; the screen shows a
    screenful first (FIRST_ROWS) even when every cached row is waiting."""
    import asyncio
    import time

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import generate

    from factcheck import validate
    from factcheck.tui import app as app_module

    generate.generate_real(600, tmp_path / "tree", broken=0.0, per_article=300)
    real = validate._check_batch

    def slow(paths, want):
        time.sleep(0.3)
        return real(paths, want)

    monkeypatch.setattr(validate, "_check_batch", slow)
    monkeypatch.setattr(validate, "PARALLEL_THRESHOLD", 10**9)
    monkeypatch.setattr(app_module, "FIRST_ROWS", 10)
    app = FactcheckApp(str(tmp_path / "tree"), "tester")
    monkeypatch.setattr(app, "set_interval", lambda *args, **kwargs: type("Never", (), {"stop": lambda self: None})())  # no periodic look
    async with app.run_test(size=SIZE):
        for _ in range(200):
            await asyncio.sleep(0.02)
            if app.all_records:
                break
        assert app.store is None and len(app.all_records) == 10  # a screenful, before the rest is read
        await app.workers.wait_for_complete()
        assert app.store is not None and len(app.all_records) == 600

# -- the desk: bugs found running a team's day in the screen ------------------------------------


def _big_tree(tmp_path: Path, count: int) -> Path:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import generate

    generate.generate_real(count, tmp_path / "big", broken=0.0, per_article=400)
    return tmp_path / "big"


def _palette_settled(app, typed: str) -> bool:
    from textual.command import CommandInput, CommandPalette

    screen = app.screen
    if not isinstance(screen, CommandPalette) or screen.query_one(CommandInput).value != typed:
        return False
    return not [w for w in app.workers if w.group == CommandPalette._GATHER_COMMANDS_GROUP and not w.is_finished]


async def test_palette_answers_a_fast_typed_query_on_a_large_tree(tmp_path):
    import asyncio
    import time

    from textual import events
    from textual.command import CommandList

    app = FactcheckApp(str(_big_tree(tmp_path, 3000)), "tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        await pilot.press("ctrl+p")
        query = "tajik migrants"
        start = time.perf_counter()
        for char in query:  # typed quickly: each key cancels the search of the one before
            app.post_message(events.Key("space" if char == " " else char, char))
            await asyncio.sleep(0.005)
        while not _palette_settled(app, query):
            assert time.perf_counter() - start < 3.0, "the palette is still searching stale queries"
            await asyncio.sleep(0.005)
        await pilot.pause()
        options = app.screen.query_one(CommandList)
        shown = [str(options.get_option_at_index(i).prompt).lower() for i in range(options.option_count)]
        assert shown and all("tajik" in s and "migrants" in s for s in shown)
        await pilot.press("ctrl+u", "a")
        while not _palette_settled(app, "a"):
            await asyncio.sleep(0.005)
        await pilot.pause()
        jumps = [i for i in range(options.option_count) if "jump to this claim" in str(options.get_option_at_index(i).prompt)]
        assert 10 <= len(jumps) <= 40  # "a" is in nearly every claim: the hits are capped


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
        await until(lambda: [r.id for r in app.shown] == ["bridges-closed", "bridges-repaired", "support-rose"])
        assert "0 of 3 published" in shown_text(app, "#summary-bar") and "2 new" in shown_text(app, "#summary-bar")
        # A notification reaches the screen as a message: let it be handled first.
        await until(lambda: any("added: bridges-closed" in m for m in notifications(app)))
        path_of(tree, "support-rose").write_text("")  # emptied: a problem, counted
        await until(lambda: app._problem_count == 1)
        assert "1 with problems" in shown_text(app, "#summary-bar")
        new.unlink()
        await until(lambda: [r.id for r in app.shown] == ["bridges-repaired", "support-rose"])
        assert "0 of 2 published" in shown_text(app, "#summary-bar")


async def test_polling_notices_a_new_claim_where_events_are_missing(tree):
    import asyncio

    app = FactcheckApp(str(tree), "tester", force_polling=True)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        path_of(tree, "bridges-closed").write_text(CLAIM_YAML.replace("id: bridges-repaired", "id: bridges-closed"))
        for _ in range(150):
            await asyncio.sleep(0.02)
            if len(app.shown) == 3:
                break
        assert app._watcher.mode == "polling" and [r.id for r in app.shown][0] == "bridges-closed"


async def _verdict_and_summary(pilot) -> None:
    """support-rose (the second row) gets a verdict and a summary: ready to publish."""
    await pilot.press("down", "v")
    await choose(pilot, "accurate")
    await pilot.press("e", *"The survey says 68%.", "ctrl+s")
    await pilot.pause()


async def test_a_refused_review_note_is_kept_in_the_dialog(tmp_path):
    tree = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": OTHER_IN_REVIEW})
    path = path_of(tree, "support-rose")
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await _verdict_and_summary(pilot)
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


async def test_a_note_closed_unsaved_comes_back(tree):
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("N", *"Called the mayor", "escape")
        await pilot.pause()
        await pilot.press("N")
        assert app.screen.typed == "Called the mayor"


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


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *args], cwd=cwd, check=True, capture_output=True)


async def _publish_then_undo(tree: Path, commit_between: bool) -> str:
    path = path_of(tree, "support-rose")
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await _verdict_and_summary(pilot)
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


async def test_a_claim_with_one_bad_value_is_fixed_from_the_screen(tmp_path):
    from factcheck.tui.screens import ClaimForm

    tree = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML.replace("kind: quantity", "kind: quantty"), "support-rose": OTHER_YAML})
    path = path_of(tree, "bridges-repaired")
    before = path.read_text()
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        assert app.current.claim is None and "press E" in app.query_one("#detail").plain
        await pilot.press("E")
        form = app.screen
        assert isinstance(form, ClaimForm)
        assert "now: quantty" in str(form.query_one("#f-kind").prompt)
        assert "found in the article" in shown_text(form, "#e-quote")
        form.query_one("#f-quote").value = "The mayor said that 42 bridges"
        await pilot.pause()
        assert "not in the article; closest:" in shown_text(form, "#e-quote")  # checked as you type
        form.query_one("#f-quote").value = "The mayor said that 24 bridges were repaired in 2023."
        form.query_one("#f-kind").value = "quantity"
        form.query_one("#f-claimant").value = "The mayor of Example"
        await pilot.pause()
        form.action_save()
        await pilot.pause()
        assert not isinstance(app.screen, ClaimForm)
        assert app.current.claim is not None and app.current.problems == []
        assert "0 with problems" in shown_text(app, "#summary-bar")
    after = path.read_text()
    assert after.startswith(before.replace("kind: quantty", "kind: quantity").replace('claimant: "The mayor"', 'claimant: "The mayor of Example"'))
    assert re.search(
        rf"  - at: {STAMP}\n    by: tester\n    action: edited\n    field: claimant\n    before: The mayor\n    after: The mayor of Example\n"
        rf"  - at: {STAMP}\n    by: tester\n    action: edited\n    field: kind\n    before: quantty\n    after: quantity\n$",
        after,
    )


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
        assert [r.id for r in app.shown] == ["support-rose"]
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


async def test_detail_shows_every_source_field_of_the_model(tmp_path):
    archived = OTHER_YAML.replace(
        "    stance: supports\n",
        "    stance: supports\n    archive_url: https://web.archive.org/web/2024/https://example.org/survey\n    archived: 2024-04-02\n",
    )
    tree = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": archived})
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("down")
        detail = app.query_one("#detail").plain
        assert "Archive URL:" in detail and "https://web.archive.org/web/2024/" in detail  # wrapped in the pane
        assert "Archived: 2024-04-02" in detail


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


async def test_filter_searches_urls_domains_excerpts_and_history_notes(tree):
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        for words in ("example.org/survey", "68 percent support", "looking for the survey"):
            await pilot.press("slash", "ctrl+u", *words)
            assert [r.id for r in app.shown] == ["support-rose"], words
            await pilot.press("escape")
        await pilot.press("slash", *"extracted from the article")  # a history note of the other claim
        assert [r.id for r in app.shown] == ["bridges-repaired"]


async def test_search_texts_are_made_after_the_rows_are_up_and_a_filter_does_not_wait_for_them(tree, monkeypatch):
    """The rows show without their search texts; those are made in the background once
    everything is loaded. A filter typed before that finds the same claims."""
    held = []
    monkeypatch.setattr(FactcheckApp, "index", lambda self, records: held.append(records))
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        assert app.store is not None and app._search == {} and [len(h) for h in held] == [2]
        await pilot.press("slash", *"looking for the survey")
        assert [r.id for r in app.shown] == ["support-rose"]
    monkeypatch.undo()
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.search_ready_seconds is not None and app.search_ready_seconds >= app.load_seconds
        assert sorted(app._search) == sorted(id(r) for r in app.all_records)
        await pilot.press("slash", *"looking for the survey")
        assert [r.id for r in app.shown] == ["support-rose"]

def _triage(size):
    async def run_before(pilot):
        await _wait(pilot)
        await pilot.press("T")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.app.screen.workers.wait_for_complete()
        await pilot.pause()
    return run_before


def test_snapshot_80x24_triage_view(tree, snap_compare):
    assert snap_compare(FactcheckApp(str(tree), "tester"), terminal_size=(80, 24), run_before=_triage((80, 24)))


def test_snapshot_120x40_triage_view(tree, snap_compare):
    assert snap_compare(FactcheckApp(str(tree), "tester"), terminal_size=(120, 40), run_before=_triage((120, 40)))
