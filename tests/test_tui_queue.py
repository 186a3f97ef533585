"""The review screen's queue: what it lists, filters, sorts and shows of a claim."""

from __future__ import annotations

import subprocess
import sys

from conftest import CLAIM_YAML, OTHER_WITH_QUANTITIES, OTHER_YAML, make_tree
from tui_pilot import SIZE, choose, notifications, shown_text, started

from factcheck.tui.app import FactcheckApp
from factcheck.tui.screens import HelpScreen


async def test_queue_shows_claims_counts_and_detail(tree):
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        assert [r.id for r in app.state.shown] == ["bridges-repaired", "support-rose"]
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
        assert [r.id for r in app.state.shown] == ["support-rose"]  # matched a source publisher
        await pilot.press("escape")
        assert len(app.state.shown) == 2


async def test_quick_filter_by_status_and_no_sources(tree):
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("f")
        await choose(pilot, "no-sources")
        assert [r.id for r in app.state.shown] == ["bridges-repaired"]
        await pilot.press("f")
        await choose(pilot, "status:researching")
        assert [r.id for r in app.state.shown] == ["support-rose"]


async def test_sort_by_clicking_status_order(tree):
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        app.state.sort_column = "status"
        app.state.reverse = True
        app.apply_view()
        assert [r.id for r in app.state.shown] == ["support-rose", "bridges-repaired"]


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


async def test_footer_shows_the_most_used_keys_whole_at_120_columns_and_the_rest_in_help_and_palette(tree):
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await started(app, pilot)
        keys = list(app.screen.query("FooterKey"))
        palette = [k for k in keys if k.has_class("-command-palette")]
        shown = [k for k in keys if not k.has_class("-command-palette")]
        assert len(palette) == 1 and palette[0].region.right <= 120
        assert all(k.region.right <= palette[0].region.x for k in shown)  # none cut off or hidden under the palette key
        assert [(k.key_display, k.description) for k in shown][:4] == [("/", "Filter"), ("f", "Quick filter"), ("s", "Status"), ("]", "Next status")]
        assert {k.description for k in shown} >= {"Verdict", "Summary", "Add source", "Undo", "Help"}
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        in_help = dict(app.screen.keys)
    assert in_help["]"] == "Next status" and commands["Next status"] == "key: ]"
    for binding in app.bindings_list():
        assert binding.description in in_help.values()
        assert binding.description in commands or binding.action in ("quit", "help")


async def test_unreadable_claim_is_listed_with_its_problem(tmp_path):
    tree = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML.replace("kind: quantity", "kind: quantty"), "support-rose": OTHER_YAML})
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        assert app.state.shown[0].problems and "1 with problems" in shown_text(app, "#summary-bar")
        detail = app.query_one("#detail").plain
        assert "line 6, column 7" in detail and "quantty" in detail
        await pilot.press("s")
        assert any("press E to fix" in m for m in notifications(app))


async def test_filter_searches_urls_domains_excerpts_and_history_notes(tree):
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        for words in ("example.org/survey", "68 percent support", "looking for the survey"):
            await pilot.press("slash", "ctrl+u", *words)
            assert [r.id for r in app.state.shown] == ["support-rose"], words
            await pilot.press("escape")
        await pilot.press("slash", *"extracted from the article")  # a history note of the other claim
        assert [r.id for r in app.state.shown] == ["bridges-repaired"]


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


def test_domain_imports_without_textual():
    code = "import sys; import factcheck.cli.check, factcheck.cli.edit, factcheck.validate, factcheck.session, factcheck.store;print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
