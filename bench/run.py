"""Benchmark: factcheck validate and the review screen, against baselines, in one run.

    python bench/run.py [--sizes 1000 20000] [--repeat 3] [--baseline-sample 1000]

For each tree size (generated under bench/trees/ if missing) it prints, side by side:

* ``validate cold``  -- ``factcheck validate`` as a fresh process with an empty cache
* ``validate warm``  -- the same again, nothing changed
* ``naive round trip`` -- ruamel.yaml round-trip load of every file, one process
  (for large trees measured on ``--baseline-sample`` files and scaled; marked "est.")
* ``bare parse``     -- rapidyaml parse + emit JSON + json.loads of every file, one process
* ``read bytes``     -- reading every file
* ``ui usable``      -- review screen: from start to the table shown, validation cache warm
* ``ui filter``      -- one filter keystroke (typing a word) to the table updated
* ``ui select``      -- moving the cursor to a row until its detail is rendered

Times are medians of ``--repeat`` runs, in seconds (ui filter / select in milliseconds).
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def tree_for(size: int) -> Path:
    from generate import generate

    path = HERE / "trees" / f"{size}"
    marker = path / ".complete"
    if not marker.exists():
        generate(size, path)
        marker.write_text("ok")
    return path


def claim_files(tree: Path) -> list[str]:
    return sorted(p for p in glob.glob(str(tree / "*" / "*.yaml")) if not p.endswith("article.yaml"))


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median(fn, repeat: int) -> float:
    return statistics.median(timed(fn) for _ in range(repeat))


def validate_cmd(tree: Path, cache: Path) -> None:
    env = dict(os.environ, FACTCHECK_CACHE_DIR=str(cache))
    subprocess.run([sys.executable, "-m", "factcheck", "validate", "--format", "parsable", str(tree)], env=env, stdout=subprocess.DEVNULL, check=False)


def naive_round_trip(files: list[str]) -> None:
    from ruamel.yaml import YAML

    yaml = YAML()
    for path in files:
        with open(path, encoding="utf-8") as handle:
            yaml.load(handle)


def bare_parse(files: list[str]) -> None:
    import ryml

    for path in files:
        with open(path, "rb") as handle:
            tree = ryml.parse_in_arena(handle.read())
        json.loads(ryml.emit_json_malloc(tree, tree.root_id()))


def read_bytes(files: list[str]) -> None:
    for path in files:
        with open(path, "rb") as handle:
            handle.read()


async def ui_times(tree: Path, repeat: int) -> tuple[float, float, float, float, float]:
    """Wall time until the screen has been redrawn, and the CPU time the app spent on it.

    ``pilot.pause()`` waits for the app to go idle, which includes Textual's wait for
    its next frame (about 20 ms with nothing to do), so wall times include that.
    """
    from factcheck.tui.app import FactcheckApp

    usable, filters, selects, filter_cpu, select_cpu = [], [], [], [], []
    for _ in range(repeat):
        app = FactcheckApp(str(tree), "bench")
        start = time.perf_counter()
        async with app.run_test(size=(160, 50)) as pilot:
            while app.store is None:
                await asyncio.sleep(0.005)
            await pilot.pause()
            usable.append(time.perf_counter() - start)
            for word in ("budget", "border", "survey"):
                t, c = time.perf_counter(), time.process_time()
                app.query_text = word
                app.apply_view()
                await pilot.pause()
                filters.append(time.perf_counter() - t)
                filter_cpu.append(time.process_time() - c)
            app.query_text = ""
            app.apply_view()
            table = app.query_one("#table")
            for step in range(5):
                t, c = time.perf_counter(), time.process_time()
                table.cursor = 100 + step * 997
                await pilot.pause()
                selects.append(time.perf_counter() - t)
                select_cpu.append(time.process_time() - c)
    return (statistics.median(usable), statistics.median(filters), statistics.median(selects),
            statistics.median(filter_cpu), statistics.median(select_cpu))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline-sample", type=int, default=1000)
    parser.add_argument("--no-ui", action="store_true")
    args = parser.parse_args()

    rows = []
    for size in args.sizes:
        tree = tree_for(size)
        files = claim_files(tree)
        cache = Path(tempfile.mkdtemp(prefix="factcheck-bench-"))

        def cold():
            shutil.rmtree(cache, ignore_errors=True)
            validate_cmd(tree, cache)

        cold_t = median(cold, args.repeat)
        validate_cmd(tree, cache)
        warm_t = median(lambda: validate_cmd(tree, cache), args.repeat)
        sample = files if len(files) <= args.baseline_sample else files[: args.baseline_sample]
        naive_t = median(lambda: naive_round_trip(sample), args.repeat) * len(files) / len(sample)
        naive_label = "" if sample is files else " est."
        bare_t = median(lambda: bare_parse(files), args.repeat)
        read_t = median(lambda: read_bytes(files), args.repeat)
        ui = (None, None, None, None, None)
        if not args.no_ui:
            os.environ["FACTCHECK_CACHE_DIR"] = str(cache)
            ui = asyncio.run(ui_times(tree, args.repeat))
        rows.append((size, cold_t, warm_t, naive_t, naive_label, bare_t, read_t, *ui))
        shutil.rmtree(cache, ignore_errors=True)

    print(f"median of {args.repeat} runs; {os.cpu_count()} cores; Python {sys.version.split()[0]}")
    head = f"{'claims':>8}  {'validate cold':>13}  {'validate warm':>13}  {'naive round trip':>17}  {'bare parse':>10}  {'read bytes':>10}  {'ui usable':>9}  {'ui filter (cpu)':>15}  {'ui select (cpu)':>15}"
    print(head)
    for size, cold_t, warm_t, naive_t, label, bare_t, read_t, usable, filt, sel, filt_cpu, sel_cpu in rows:
        ui = "" if usable is None else f"  {usable:8.2f}s  {filt * 1000:5.0f}ms ({filt_cpu * 1000:3.0f}ms)  {sel * 1000:5.0f}ms ({sel_cpu * 1000:3.0f}ms)"
        print(f"{size:>8}  {cold_t:12.2f}s  {warm_t:12.2f}s  {naive_t:12.1f}s{label:<4}  {bare_t:9.2f}s  {read_t:9.2f}s{ui}")
        print(f"{'':>8}  cold is {naive_t / cold_t:.0f}x faster than the naive round trip; warm is {naive_t / warm_t:.0f}x")


if __name__ == "__main__":
    main()
