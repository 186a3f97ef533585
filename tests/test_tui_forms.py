"""The forms of the review screen (add a source, fix a claim's fields) and the remove-source dialog."""

from __future__ import annotations

import re

from conftest import CLAIM_YAML, OTHER_YAML, make_tree
from tui_pilot import SIZE, STAMP, choose, notifications, path_of, shown_text, started, typed_at_once

from factcheck.tui.app import FactcheckApp
from factcheck.tui.screens import ClaimForm, SourceForm


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


async def test_add_source_form_tab_moves_on_before_the_next_keys_arrive(tree):
    """Typing straight after Tab (no pause between keys) puts the title in the title
    field: the focus moves when Tab is read, not after the keys queued behind it."""
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, SourceForm)
        typed_at_once(app, [*"https://example.org/x", "tab", *"Title", "tab", *"City"])
        await pilot.pause()
        assert form.query_one("#f-url").value == "https://example.org/x"
        assert form.query_one("#f-title").value == "Title"
        assert form.query_one("#f-publisher").value == "City"


async def test_fix_fields_form_tab_moves_on_before_the_next_keys_arrive(tree):
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("E")
        form = app.screen
        assert isinstance(form, ClaimForm)
        typed_at_once(app, [*"X", "tab", *"Y"])
        await pilot.pause()
        assert "Y" not in form.query_one("#f-text").value and form.query_one("#f-text").value.endswith("X")
        assert form.query_one("#f-quote").value.endswith("Y")


async def test_add_source_form_says_the_excerpt_length_once(tree):
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("a")
        placeholder = app.screen.query_one("#f-excerpt").placeholder
    assert placeholder == "a short verbatim passage of the page (about 300 characters)"


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


async def test_escape_in_a_dialog_keeps_the_filter_and_form_asks_before_discarding(tree):
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("slash", *"survey", "enter")
        assert [r.id for r in app.state.shown] == ["support-rose"]
        await pilot.press("s", "escape")
        await pilot.pause()
        assert [r.id for r in app.state.shown] == ["support-rose"] and app.query_text == "survey"
        await pilot.press("a", *"https://example.org/x")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SourceForm) and any("esc again" in m for m in notifications(app))
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SourceForm)


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
