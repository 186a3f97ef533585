"""Two articles in one tree: the queue's article column and quick filter, the triage
picker on the newest article, and the site's title."""

from __future__ import annotations

import os
from pathlib import Path

from articles import add_article, two_articles
from conftest import make_tree
from sitetrees import published_tree
from tui_pilot import SIZE, choose, shown_text, started

from factcheck import siteconfig
from factcheck.reading import load_article
from factcheck.site import build
from factcheck.store import ClaimRecord
from factcheck.tui.app import FactcheckApp
from factcheck.tui.screens import ChooseScreen, TriageScreen
from factcheck.tui.state import QUICK_FILTERS, QueueState, article_labels, newest_first
from factcheck.tui.table import layout


def header(app: FactcheckApp) -> str:
    return shown_text(app.screen, "#columns")


# -- the queue ------------------------------------------------------------------------------


async def test_one_article_no_article_column(tree):
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        assert "article" not in header(app)
        app.action_quick_filter()
        await pilot.pause()
        assert isinstance(app.screen, ChooseScreen) and app.screen.choices == list(QUICK_FILTERS)


async def test_two_articles_the_queue_shows_each_claims_article_at_120_columns(tmp_path):
    claims = two_articles(tmp_path)
    app = FactcheckApp(str(claims), "tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        assert header(app).split()[:4] == ["!", "id", "▲", "article"]
        table = app.table
        rows = ["".join(segment.text for segment in table.render_line(y)) for y in range(3)]
        assert [r.split()[:2] for r in rows] == [["bridges-repai…", "test"], ["planes-ordered", "emirates"], ["support-rose", "test"]]
        assert all(len(r) <= table.scrollable_content_region.width for r in rows)
        text_column = dict((key, w) for key, _, w in table.columns(table.scrollable_content_region.width))["text"]
        assert text_column >= 12  # the claim keeps some room beside the article


async def test_quick_filter_by_article_newest_first_and_named_in_the_summary(tmp_path):
    claims = two_articles(tmp_path)
    app = FactcheckApp(str(claims), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("f")
        screen = app.screen
        assert isinstance(screen, ChooseScreen)
        newer, older = str(claims / "emirates-jets-order"), str(claims / "test-article")
        assert [v for v, _ in screen.choices][:3] == ["all", f"article:{newer}", f"article:{older}"]
        assert screen.choices[1][1] == "article: emirates (1 claim) · Article emirates-jets-order"
        await choose(pilot, f"article:{newer}")
        assert [r.id for r in app.state.shown] == ["planes-ordered"]
        assert "showing 1 (article:emirates)" in shown_text(app.screen, "#summary-bar")
        await pilot.press("f")
        await choose(pilot, f"article:{older}")
        assert [r.id for r in app.state.shown] == ["bridges-repaired", "support-rose"]


async def test_sort_by_article(tmp_path):
    claims = two_articles(tmp_path)
    app = FactcheckApp(str(claims), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        app.state.sort_by("article")
        app.apply_view()
        assert [r.id for r in app.state.shown][0] == "planes-ordered"  # emirates-jets-order before test-article


# -- the triage picker ----------------------------------------------------------------------


async def test_triage_picker_starts_on_the_newest_article_not_the_first(tmp_path):
    claims = two_articles(tmp_path)
    app = FactcheckApp(str(claims), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        assert app.current.id == "bridges-repaired"  # the cursor is on a claim of the older article
        await pilot.press("T")
        screen = app.screen
        assert isinstance(screen, ChooseScreen)
        assert [v for v, _ in screen.choices] == [str(claims / "emirates-jets-order"), str(claims / "test-article")]
        assert screen.query_one("OptionList").highlighted == 0
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TriageScreen) and "Article emirates-jets-order" in app.screen.title_text


async def test_triage_picker_starts_on_the_article_the_quick_filter_shows(tmp_path):
    claims = two_articles(tmp_path)
    app = FactcheckApp(str(claims), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("f")
        await choose(pilot, f"article:{claims / 'test-article'}")
        await pilot.press("T")
        assert app.screen.query_one("OptionList").highlighted == 1


# -- plain Python: labels and order ---------------------------------------------------------


def test_article_labels_are_the_first_words_that_tell_articles_apart():
    assert article_labels(["c/moscow-attack-russia-tajikistan", "c/emirates-boeing-777x-order"]) == {
        "c/moscow-attack-russia-tajikistan": "moscow", "c/emirates-boeing-777x-order": "emirates",
    }
    assert article_labels(["c/2024-moscow-attack", "c/2024-emirates-jets", "c/2024-moscow-mall"]) == {
        "c/2024-moscow-attack": "2024-moscow-attack", "c/2024-emirates-jets": "2024-emirates", "c/2024-moscow-mall": "2024-moscow-mall",
    }
    assert article_labels(["c/x\nname"]) == {"c/x\nname": "x\\nname"}  # a folder name is escaped like any text from the tree


def test_newest_first_by_the_articles_date_then_the_last_added(tmp_path):
    claims = make_tree(tmp_path)
    old = load_article(str(claims / "test-article"), str(claims / "test-article" / "article.yaml"))
    same_day = add_article(claims, "same-day", "2024-03-28", text="Other text\n\nThe airline announced Wednesday that Emirates will take 123 of the planes.\n")
    os.utime(claims / "test-article" / "article.yaml", (1_000_000, 1_000_000))
    later = load_article(str(same_day), str(same_day / "article.yaml"))
    assert [a.slug for a in newest_first([old, later])] == ["same-day", "test-article"]  # same date: the one written last
    newer = add_article(claims, "newer", "2025-01-01", claim_id="other-claim")
    os.utime(newer / "article.yaml", (1, 1))  # older file, newer article: the article's date wins
    assert [a.slug for a in newest_first([old, later, load_article(str(newer), str(newer / "article.yaml"))])] == ["newer", "same-day", "test-article"]


def test_several_articles_and_the_column_only_then():
    state = QueueState("ann")
    state.replace([ClaimRecord("/t/a/x.yaml", None, None, []), ClaimRecord("/t/a/y.yaml", None, None, [])])
    assert state.articles == {"/t/a": "a"} and state.quick_filters() == list(QUICK_FILTERS)
    state.replace([*state.records, ClaimRecord("/t/b/z.yaml", None, None, [])])
    assert state.articles == {"/t/a": "a", "/t/b": "b"}
    assert [v for v, _ in state.quick_filters()][1:3] == ["article:/t/a", "article:/t/b"]
    assert [key for key, _, _ in layout(120, 1)][:3] == ["problems", "id", "article"]
    assert "article" not in [key for key, _, _ in layout(120, 0)]


# -- the site -------------------------------------------------------------------------------


def test_the_site_title_is_generic_unless_configured(tmp_path):
    claims = published_tree(tmp_path)
    add_article(claims, "emirates-jets-order", "2025-11-19")
    out = tmp_path / "site"
    build(str(claims), str(out))
    home = (out / "index.html").read_text()
    assert "<title>Fact-checks · factcheck</title>" in home  # the default organisation, no article's topic
    assert '<a class="brand" href="index.html">factcheck</a>' in home
    (tmp_path / "factcheck.toml").write_text('organization = "Example Checks"\n')
    build(str(claims), str(out))
    assert '<a class="brand" href="index.html">Example Checks</a>' in (out / "index.html").read_text()
    (tmp_path / "factcheck.toml").write_text('organization = "Example Checks"\nsite_title = "Example Checks: the city budget"\n')
    build(str(claims), str(out))
    home = (out / "index.html").read_text()
    assert "<title>Fact-checks · Example Checks: the city budget</title>" in home  # a title configured is kept as it is
    assert home.count("Example Checks: the city budget") == 3  # the title, the feed's link and the brand


def test_the_repositorys_config_keeps_the_title_it_sets():
    config, problems = siteconfig.load(str(Path(__file__).resolve().parent.parent / "claims"))
    assert problems == [] and config.site_title and config.title == config.site_title
