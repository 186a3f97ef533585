"""Snapshots of the review screen's main views (tests/__snapshots__/test_tui)."""

from __future__ import annotations

import pytest
from conftest import CLAIM_YAML, OTHER_YAML, make_tree

from factcheck.tui.app import FactcheckApp


@pytest.fixture
def fixed_today(monkeypatch):
    import datetime as dt

    import factcheck.tui.screens.source_form as source_form

    monkeypatch.setattr(source_form, "today", lambda: dt.date(2024, 4, 5))


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
        pilot.app.state.quick = "status:researching"
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


def test_snapshot_120x40_accept_dialog(tree, snap_compare):
    async def run_before(pilot):
        await _triage((120, 40))(pilot)
        await pilot.press("end", "enter")
        await pilot.pause()
    assert snap_compare(FactcheckApp(str(tree), "tester"), terminal_size=(120, 40), run_before=run_before)


def test_snapshot_evidence_states(tmp_path, snap_compare):
    """A kept copy, and the page found dead by the last links --check."""
    from sitetrees import keep_snapshot

    from factcheck.provenance import linkstate

    _, block = keep_snapshot(tmp_path, "https://example.org/survey")
    other = OTHER_YAML.replace("    stance: supports\n", "    stance: supports\n" + block, 1)
    tree = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": other})
    linkstate.record(str(tree), {"https://example.org/survey": linkstate.LinkResult("2026-12-04T08:00:00Z", 404, "HTTP 404 Not Found")})
    assert snap_compare(FactcheckApp(str(tree), "tester"), press=["down"], terminal_size=(150, 40), run_before=_wait)


def test_snapshot_120x40_two_articles_queue(tmp_path, snap_compare):
    from articles import two_articles

    assert snap_compare(FactcheckApp(str(two_articles(tmp_path)), "tester"), press=["down"], terminal_size=(120, 40), run_before=_wait)
