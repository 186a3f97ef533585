"""The review screen on a large tree: rows while it loads, search texts made later, the palette."""

from __future__ import annotations

import sys
from pathlib import Path

from tui_pilot import SIZE, started

from factcheck.tui.app import FactcheckApp


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
        assert app.state.shown and all("tajik" in (app.state.made_text(r) or "") for r in app.state.shown)
        if app.store is None:
            assert app.current is None  # read-only until loaded
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.store is not None and len(app.all_records) == 1200
        assert app.state.shown and all("tajik" in (app.state.made_text(r) or "") for r in app.state.shown)
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


async def test_search_texts_are_made_after_the_rows_are_up_and_a_filter_does_not_wait_for_them(tree, monkeypatch):
    """The rows show without their search texts; those are made in the background once
    everything is loaded. A filter typed before that finds the same claims."""
    held = []
    monkeypatch.setattr(FactcheckApp, "index", lambda self, records: held.append(records))
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        assert app.store is not None and all(app.state.made_text(r) is None for r in app.all_records) and [len(h) for h in held] == [2]
        await pilot.press("slash", *"looking for the survey")
        assert [r.id for r in app.state.shown] == ["support-rose"]
    monkeypatch.undo()
    app = FactcheckApp(str(tree), "tester")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.search_ready_seconds is not None and app.search_ready_seconds >= app.load_seconds
        assert all(app.state.made_text(r) is not None for r in app.all_records)
        await pilot.press("slash", *"looking for the survey")
        assert [r.id for r in app.state.shown] == ["support-rose"]
