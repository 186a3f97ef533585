"""The review screen and kept copies: each source's evidence state, and ``w``, which keeps
the selected claim's sources in a worker (the pages come from a server on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import re
import time

import pytest
from conftest import CLAIM_YAML, OTHER_YAML, make_tree
from pageserver import html, page_server
from tui_pilot import SIZE, STAMP, notifications, path_of, started

from factcheck.netpolicy import Policy
from factcheck.tui.app import FactcheckApp
from factcheck.tui.detail import DetailView

PAGE = (
    "<html><head><title>Annual survey 2021</title></head><body><article><h1>Annual survey 2021</h1>"
    "<p>The city asked two thousand residents what they think of the plan for the river banks this year.</p>"
    "<p>In the survey of 2021, 68 percent support the plan, up from 57 percent four years before.</p>"
    "<p>The survey was run by the statistics office of the city in November, by telephone and online.</p>"
    "</article></body></html>"
).encode()


@pytest.fixture
def pages():
    with page_server() as server:
        server.routes["/survey"] = server.routes["/slow"] = html(PAGE)
        server.routes["/gone"] = html("gone", 404)
        server.held.add("/slow")
        yield server


def _tree(tmp_path, url: str):
    return make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": OTHER_YAML.replace("https://example.org/survey", url)})


def _app(tree) -> FactcheckApp:
    app = FactcheckApp(str(tree), "tester")
    app.archiver.policy = Policy(allow_private=True)  # the test's server is on 127.0.0.1
    return app


def _detail(app) -> str:
    """The detail pane's text, its lines joined (a long line wraps in the pane)."""
    return " ".join(app.query_one(DetailView).plain.split())


async def test_w_keeps_the_selected_claims_sources_and_records_each_snapshot(tmp_path, pages):
    tree = _tree(tmp_path, f"{pages.base}/survey")
    path = path_of(tree, "support-rose")
    before = path.read_text()
    app = _app(tree)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("down")
        assert "Evidence: none" in _detail(app)
        await pilot.press("w")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "support-rose: 1 of 1 page kept" in notifications(app)
        assert re.search(r"Evidence: kept \(\d{4}-\d\d-\d\d\)", _detail(app))
        assert not app.query_one("#archive-bar").display
    (kept,) = (tmp_path / "evidence").iterdir()
    sha = kept.name.removesuffix(".warc.gz")
    after = path.read_text()
    assert re.search(
        rf"    stance: supports\n    snapshots:\n      - path: evidence/{sha}\.warc\.gz\n        sha256: {sha}\n        captured: {STAMP}\n"
        rf"        status: 200\n        final_url: {re.escape(pages.base)}/survey\n",
        after,
    )
    assert after.split("history:\n")[1].startswith(before.split("history:\n")[1])  # the history only grows
    assert "    by: tester\n" in after.split("history:\n")[1][len(before.split("history:\n")[1]):]
    assert pages.seen == [("GET", "/survey")]


async def test_the_screen_answers_while_pages_are_fetched(tmp_path, pages):
    tree = _tree(tmp_path, f"{pages.base}/slow")
    app = _app(tree)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("down", "w")
        await pilot.pause()
        deadline = time.monotonic() + 5
        while pages.seen != [("GET", "/slow")] and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        assert app.query_one("#archive-bar").display
        assert "Keeping the sources of support-rose" in str(app.query_one("#archive-label").render())
        await pilot.press("up")  # the server has not answered: the screen still moves
        await pilot.pause()
        assert app.table.selected.id == "bridges-repaired"
        await pilot.press("w")  # one claim at a time
        await pilot.pause()
        assert "Still keeping the sources of support-rose" in notifications(app)
        pages.release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "support-rose: 1 of 1 page kept" in notifications(app)
    assert "snapshots:" in path_of(tree, "support-rose").read_text()


async def test_a_page_that_cannot_be_kept_is_reported_and_nothing_is_written(tmp_path, pages):
    tree = _tree(tmp_path, f"{pages.base}/gone")
    path = path_of(tree, "support-rose")
    before = path.read_bytes()
    app = _app(tree)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("down", "w")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any(m.startswith("support-rose: 0 of 1 page kept; ") and "HTTP 404" in m for m in notifications(app))
    assert path.read_bytes() == before
    assert not (tmp_path / "evidence").exists() or list((tmp_path / "evidence").iterdir()) == []


async def test_a_claim_whose_sources_are_all_kept_asks_nothing(tmp_path, pages):
    tree = _tree(tmp_path, f"{pages.base}/survey")
    app = _app(tree)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("down", "w")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        assert "support-rose has a snapshot of every source" in notifications(app)
        await pilot.press("up", "w")
        await pilot.pause()
        assert "bridges-repaired has no sources (a to add one)" in notifications(app)
    assert pages.seen == [("GET", "/survey")]


async def test_a_page_found_dead_by_links_check_shows_in_the_detail(tmp_path, pages, capsys):
    from factcheck.cli import main

    tree = _tree(tmp_path, f"{pages.base}/gone")
    assert main(["links", "--root", str(tree), "--check", "--allow-private", "--timeout", "5"]) == 1
    capsys.readouterr()
    app = _app(tree)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("down")
        assert re.search(r"Evidence: none, page dead \(HTTP 404 Not Found; checked \d{4}-\d\d-\d\d\)", _detail(app))


async def test_ctrl_r_reads_a_links_check_run_since(tmp_path, pages, capsys):
    from factcheck.cli import main

    tree = _tree(tmp_path, f"{pages.base}/gone")
    app = _app(tree)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("down")
        assert "page dead" not in _detail(app)
        assert main(["links", "--root", str(tree), "--check", "--allow-private", "--timeout", "5"]) == 1
        capsys.readouterr()
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Evidence: none, page dead (HTTP 404 Not Found; checked" in _detail(app)


async def test_a_snapshot_without_the_excerpt_shows_excerpt_missing(tmp_path, pages):
    tree = _tree(tmp_path, f"{pages.base}/survey")
    path = path_of(tree, "support-rose")
    path.write_text(path.read_text().replace('excerpt: "68 percent support the plan"', 'excerpt: "72 percent support the plan"'))
    app = _app(tree)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("down", "w")
        await app.workers.wait_for_complete()
        await pilot.pause()
    app = _app(tree)  # a fresh look, as validate finds it
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("down")
        assert re.search(r"Evidence: kept \(\d{4}-\d\d-\d\d\), excerpt missing", _detail(app))


async def test_the_archive_key_is_in_the_help(tree):
    """The footer keeps the most used keys within 120 columns; w is listed in the help."""
    from factcheck.tui.screens import HelpScreen

    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=(200, 45)) as pilot:
        await started(app, pilot)
        assert any(b.key == "w" and b.description == "Archive" for b in app.bindings_list())
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert ("w", "Archive") in app.screen.keys


async def test_a_snapshot_the_writer_refuses_is_not_recorded_and_its_file_goes(tmp_path, pages):
    tree = _tree(tmp_path, f"{pages.base}/survey")
    path = path_of(tree, "support-rose")
    app = _app(tree)
    record = app.archiver._record

    def changed_meanwhile(*args) -> None:  # someone edits the claim while its pages are fetched
        path.write_text(path.read_text().replace("summary: null", 'summary: "Edited elsewhere."'))
        record(*args)

    app.archiver._record = changed_meanwhile
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("down", "w")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any(m.startswith("support-rose: 0 of 1 page kept; not recorded: ") for m in notifications(app)), notifications(app)
    assert "snapshots:" not in path.read_text()
    assert list((tmp_path / "evidence").iterdir()) == []
