"""Checked before in the review screen: the detail pane, the list (open, relate) and the triage view."""

from __future__ import annotations

import json
import re

from conftest import ARTICLE_TEXT, ARTICLE_YAML, CLAIM_YAML, make_tree
from test_match_feed import claim_review
from tui_pilot import SIZE, STAMP, notifications, path_of, started

from factcheck.tui.app import FactcheckApp
from factcheck.tui.detail import DetailView
from factcheck.tui.screens import MatchesScreen, TriageScreen

#: bridges-repaired said again in another article, not related to it.
AGAIN = CLAIM_YAML.replace("id: bridges-repaired", "id: bridges-again").replace("related:\n  - support-rose\n", "related: []\n")
EVIL = "Desk \x1b[31mred\x1b[0m \u202eevil"


def desk(tmp_path, threshold: float = 0.3):
    """The test tree, a second article holding bridges-again, and a feed with a review of support-rose's claim."""
    claims = make_tree(tmp_path)
    other = claims / "other-article"
    other.mkdir()
    (other / "article.yaml").write_text(ARTICLE_YAML, encoding="utf-8")
    (other / "article.txt").write_text(ARTICLE_TEXT, encoding="utf-8")
    (other / "bridges-again.yaml").write_text(AGAIN, encoding="utf-8")
    review = claim_review(7, claim="Support for the plan rose from 57% in 2017 to 68% in 2021", url="https://checks.example/rose")
    review["author"] = {"@type": "Organization", "name": EVIL}
    (tmp_path / "feed.jsonl").write_text(json.dumps(review) + "\n", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / "factcheck.toml").write_text(f'[match]\nfeeds = ["feed.jsonl"]\nthreshold = {threshold}\n', encoding="utf-8")
    return claims


async def checked(app, pilot) -> str:
    await started(app, pilot)
    await app.workers.wait_for_complete()
    await pilot.pause()
    return " ".join(app.query_one(DetailView).plain.split())  # lines wrapped as the pane's width says, joined


async def test_detail_shows_checked_before_and_r_relates_through_the_flow(tmp_path):
    claims = desk(tmp_path)
    app = FactcheckApp(str(claims), "tester")
    async with app.run_test(size=SIZE) as pilot:
        shown = await checked(app, pilot)
        assert app.current.id == "bridges-again"  # the first row (sorted)
        assert "Checked before (1; c to open one or relate it)" in shown
        assert re.search(r"1\.00 no rating · factcheck · - · bridges-repaired \(new\)", shown)
        await pilot.press("c")
        assert isinstance(app.screen, MatchesScreen)
        await pilot.press("r")
        await pilot.pause()
        assert any("bridges-again: bridges-repaired added to related" in m for m in notifications(app))
        await pilot.press("enter")  # opens the claim of the tree: selected in the queue
        await pilot.pause()
        assert not isinstance(app.screen, MatchesScreen)
        assert app.current.id == "bridges-repaired"
    text = (claims / "other-article" / "bridges-again.yaml").read_text()
    assert "related:\n  - bridges-repaired\n" in text
    assert re.search(rf"  - at: {STAMP}\n    by: tester\n    action: related\n", text)


async def test_feed_review_opens_its_details_escaped(tmp_path):
    claims = desk(tmp_path)
    before = path_of(claims, "support-rose").read_bytes()
    app = FactcheckApp(str(claims), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await checked(app, pilot)
        await pilot.press("down", "down")  # support-rose
        shown = await checked(app, pilot)
        assert app.current.id == "support-rose"
        assert "\x1b" not in shown and "\u202e" not in shown
        assert "\\x1b[31mred\\x1b[0m \\u202eevil" in shown and "https://checks.example/rose" in shown
        await pilot.press("c", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MatchesScreen)  # a review of a feed stays: its details are shown
        details = str(screen.query_one("#match-details").render())
        assert "url: https://checks.example/rose" in details and "\\x1b[31m" in details and "\x1b" not in details
        await pilot.press("r")
        await pilot.pause()
        assert any("Only a claim of this tree can be related" in m for m in notifications(app))
    assert path_of(claims, "support-rose").read_bytes() == before


async def test_below_the_threshold_nothing_is_shown(tmp_path):
    claims = desk(tmp_path, threshold=1.0)
    app = FactcheckApp(str(claims), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await checked(app, pilot)
        app.select_claim("support-rose")  # the feed's review is close to it, not the same words
        shown = await checked(app, pilot)
        assert "Support for the plan rose" in shown
        assert "Checked before" not in shown
        await pilot.press("c")
        await pilot.pause()
        assert not isinstance(app.screen, MatchesScreen)
        assert any("No earlier check of support-rose scores 1.00 or more ([match] threshold)" in m for m in notifications(app))


async def test_triage_marks_sentences_checked_before(tmp_path):
    claims = desk(tmp_path)
    app = FactcheckApp(str(claims), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await checked(app, pilot)
        await pilot.press("T")
        await pilot.pause()
        if not isinstance(app.screen, TriageScreen):  # two articles: choose this one
            from tui_pilot import choose

            await choose(pilot, str(claims / "test-article"))
        screen = app.screen
        assert isinstance(screen, TriageScreen)
        await app.workers.wait_for_complete()
        await screen.workers.wait_for_complete()
        await pilot.pause()
        marked = {text for text in screen.checked}
        assert any("24 bridges" in t for t in marked)  # bridges-again, in the other article
        assert any("Support for the plan rose" in t for t in marked)  # the feed's review
        status = str(screen.query_one("#triage-status").render())
        assert "≈ 2 checked before" in status
        rows = [str(screen.query_one("#triage-list").get_option_at_index(i).prompt) for i in range(len(screen.shown))]
        assert sum("≈ " in row for row in rows) == 2


async def test_notifications_show_brackets_as_written(tmp_path):
    """A handle such as ci[bot] or a path with brackets is not taken for markup."""
    app = FactcheckApp(str(make_tree(tmp_path)), "ci[bot]")
    async with app.run_test() as pilot:
        app.notify("Editing as ci[bot]; saved in /tmp/[x]/config.toml")
        app.screen.notify("[b]not bold[/b]")
        await pilot.pause()
        shown = notifications(app)
        assert "Editing as ci[bot]; saved in /tmp/[x]/config.toml" in shown
        assert "[b]not bold[/b]" in shown
