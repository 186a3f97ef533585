"""The review screen on a large tree: command palette keystrokes and the file watcher.

    python bench/generate.py 20000 /tmp/real-20000
    python bench/ui.py /tmp/real-20000 [--query "tajik migrants"] [--repeat 3]

Runs the app headless (Textual's pilot, 120×40) in this process and prints, as medians:

- *palette keystroke*: from a key pressed in the command palette (``ctrl+p``) until the
  palette's list shows the hits for the text typed so far (the search finished and
  the list was refreshed), one key at a time at a person's pace;
- *palette burst*: the whole query typed at once (one key every 10 ms), until the
  list shows the hits for the whole query: stale searches must not pile up;
- *filter keystroke*: from a key typed into the ``/`` filter until the queue is filtered;
- *watcher*: from a claim file added, changed, emptied or removed on disk until the
  queue and the counts show it.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from factcheck.tui.app import FactcheckApp  # noqa: E402


async def _until(predicate, timeout: float = 30.0) -> float:
    start = time.perf_counter()
    while not predicate():
        if time.perf_counter() - start > timeout:
            raise TimeoutError("the screen did not get there in time")
        await asyncio.sleep(0.002)
    return time.perf_counter() - start


def _palette_settled(app, typed: str) -> bool:
    from textual.command import CommandInput, CommandPalette

    screen = app.screen
    if not isinstance(screen, CommandPalette):
        return False
    if screen.query_one(CommandInput).value != typed:
        return False
    running = [w for w in app.workers if w.group == CommandPalette._GATHER_COMMANDS_GROUP and w.node is screen and not w.is_finished]
    return not running


def send(app, char: str) -> None:
    """A key as the terminal driver delivers it (``pilot.press`` adds its own waits)."""
    from textual import events

    app.post_message(events.Key("space" if char == " " else char, char))


async def palette(app, pilot, query: str) -> tuple[list[float], float]:
    await pilot.press("ctrl+p")
    await _until(lambda: _palette_settled(app, ""))
    per_key = []
    typed = ""
    for char in query:
        typed += char
        start = time.perf_counter()
        send(app, char)
        await _until(lambda typed=typed: _palette_settled(app, typed))
        per_key.append(time.perf_counter() - start)
        await asyncio.sleep(0.15)  # a person's pace
    print(f"  palette: keystroke median {statistics.median(per_key) * 1000:.0f} ms, max {max(per_key) * 1000:.0f} ms", flush=True)
    await pilot.press("escape")
    await pilot.press("ctrl+p")
    await _until(lambda: _palette_settled(app, ""))
    start = time.perf_counter()
    for char in query:
        send(app, char)
        await asyncio.sleep(0.01)
    await _until(lambda: _palette_settled(app, query))
    burst = time.perf_counter() - start
    await pilot.press("escape")
    return per_key, burst


async def filter_keys(app, pilot, query: str) -> list[float]:
    """Seconds from a key typed into the ``/`` filter until the queue is filtered by it."""
    await pilot.press("slash")
    times = []
    typed = ""
    for char in query:
        typed += char
        start = time.perf_counter()
        send(app, char)
        await _until(lambda typed=typed: app.query_text == typed)
        times.append(time.perf_counter() - start)
        await asyncio.sleep(0.1)
    await pilot.press("escape")
    return times


async def watcher(app, tree: Path) -> dict[str, float]:
    """Seconds until each kind of change on disk shows in the queue and the counts."""
    records = {r.path: r for r in app.all_records}
    victim = next(p for p, r in sorted(records.items()) if r.row is not None and not r.problems)
    folder = Path(victim).parent
    new = folder / "bench-watch-new.yaml"
    original = Path(victim).read_text()
    out = {}

    start = time.perf_counter()
    new.write_text(original.replace(f"id: {Path(victim).stem}\n", "id: bench-watch-new\n", 1))
    await _until(lambda: any(r.id == "bench-watch-new" for r in app.all_records))
    out["added"] = time.perf_counter() - start

    before = app._problem_count
    start = time.perf_counter()
    Path(victim).write_text("")
    await _until(lambda: app._problem_count == before + 1)
    out["emptied"] = time.perf_counter() - start

    start = time.perf_counter()
    Path(victim).write_text(original)
    await _until(lambda: app._problem_count == before)
    out["changed"] = time.perf_counter() - start

    total = len(app.all_records)
    start = time.perf_counter()
    new.unlink()
    await _until(lambda: len(app.all_records) == total - 1)
    out["removed"] = time.perf_counter() - start
    return out


async def run(tree: Path, query: str, repeat: int, polling: bool = False) -> None:
    keys, bursts, watch, filters = [], [], {}, []
    for _ in range(repeat):
        app = FactcheckApp(str(tree), "bench", force_polling=polling)
        async with app.run_test(size=(120, 40)) as pilot:
            start = time.perf_counter()
            await _until(lambda app=app: app.store is not None, timeout=300)
            await pilot.pause()
            print(f"loaded {len(app.all_records):,} claims in {time.perf_counter() - start:.2f} s", flush=True)
            await asyncio.sleep(1.0)
            per_key, burst = await palette(app, pilot, query)
            keys += per_key
            bursts.append(burst)
            print(f"  palette: burst {burst * 1000:.0f} ms", flush=True)
            filtered = await filter_keys(app, pilot, query)
            filters += filtered
            print(f"  filter: keystroke median {statistics.median(filtered) * 1000:.0f} ms", flush=True)
            got = await watcher(app, tree)
            for kind, seconds in got.items():
                watch.setdefault(kind, []).append(seconds)
            print("  watcher: " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in got.items()), flush=True)
    print(
        f"palette keystroke: median {statistics.median(keys) * 1000:.0f} ms, p90 {statistics.quantiles(keys, n=10)[-1] * 1000:.0f} ms, "
        f"max {max(keys) * 1000:.0f} ms ({len(keys)} keys)"
    )
    print(f"palette burst ({len(query)} keys, 10 ms apart): median {statistics.median(bursts) * 1000:.0f} ms")
    print(f"filter keystroke: median {statistics.median(filters) * 1000:.0f} ms, max {max(filters) * 1000:.0f} ms ({len(filters)} keys)")
    for kind, values in watch.items():
        print(f"watcher {kind}: median {statistics.median(values) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tree", type=Path)
    parser.add_argument("--query", default="tajik migrants")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--polling", action="store_true", help="the watcher's fallback: list the tree every second")
    args = parser.parse_args()
    if not args.tree.is_dir():
        raise SystemExit(f"no tree at {args.tree}: make one with bench/generate.py")
    for leftover in args.tree.glob("*/bench-watch-new.yaml"):
        leftover.unlink()
    asyncio.run(run(args.tree, args.query, args.repeat, args.polling))


if __name__ == "__main__":
    main()
