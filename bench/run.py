"""Benchmark every command on real text, against baselines measured in the same run.

    python bench/run.py [--sizes 1000 20000] [--repeat 5] [--synthetic] [--no-ui]

For each size a tree is made under ``bench/trees/`` (if missing) by ``bench/generate.py``:
the built-in claim files copied with new ids (real text, 1% with a problem), or, with
``--synthetic``, the older generated text (labelled so in the output). Each row is the
median of ``--repeat`` runs, in seconds, each command a fresh process:

* ``validate cold`` / ``warm`` -- empty cache / nothing changed
* ``list warm``    -- ``factcheck list`` after a warm ``validate``
* ``export cold`` / ``warm`` -- ``factcheck export`` with an empty cache / again
* ``show cold`` / ``warm`` -- ``factcheck show ID`` with an empty cache / warm
* ``edit``         -- ``factcheck note ID TEXT`` (cache warm)
* ``bare parse``   -- baseline: rapidyaml parse + emit JSON + json.loads of every file, one process
* ``read bytes``   -- baseline: reading every file
* ``naive``        -- baseline: ruamel.yaml round-trip load (on ``--baseline-sample`` files, scaled)
* ``ui first rows`` / ``ui complete`` / ``ui search ready`` -- review screen from start to its first
  rows, to the whole tree loaded, and to every row's search text made (in the background,
  after the rows are up), cold and warm (Textual's pilot, in this process)

It also prints how many files took the fast path and the strict reader.
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


def tree_for(size: int, synthetic: bool) -> Path:
    import generate

    path = HERE / "trees" / f"{'synthetic' if synthetic else 'real'}-{size}"
    marker = path / ".complete"
    if not marker.exists():
        if synthetic:
            generate.generate_synthetic(size, path)
        else:
            generate.generate_real(size, path)
        marker.write_text("ok")
    return path


def claim_files(tree: Path) -> list[str]:
    return sorted(p for p in glob.glob(str(tree / "*" / "*.yaml")) if not p.endswith("article.yaml"))


def median(fn, repeat: int, before=None) -> float:
    times = []
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def command_env(cache: Path) -> dict[str, str]:
    """The environment of each timed command: a cache folder of its own, and Python's
    bytecode cache on, as on a user's machine (an environment that turns it off would
    time the compiling of every module at every start)."""
    env = dict(os.environ, FACTCHECK_CACHE_DIR=str(cache), FACTCHECK_EDITOR="bench")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def factcheck(cache: Path, *argv: str) -> None:
    env = command_env(cache)
    subprocess.run([sys.executable, "-m", "factcheck", *argv], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


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


def strict_reader_ms(repeat: int) -> tuple[int, float, float]:
    """(size, strict check ms, round-trip load ms) for the largest built-in claim file."""
    from factcheck import reading
    from factcheck.rules import QuoteIndex
    from factcheck.yaml.roundtrip import load_roundtrip

    path = max((p for p in (HERE.parent / "claims").rglob("*.yaml") if p.name != "article.yaml"), key=lambda p: p.stat().st_size)
    raw = path.read_bytes()
    article = QuoteIndex((path.parent / "article.txt").read_text(encoding="utf-8"))
    reading.fast_parser_here(False)  # as a screen's process does: the strict reader only
    try:
        strict = median(lambda: reading.check_claim_bytes(str(path), raw, article, reading.today()), repeat * 10)
    finally:
        reading.fast_parser_here(True)
    round_trip = median(lambda: load_roundtrip(str(path), raw), repeat)
    return len(raw), strict * 1000, round_trip * 1000


def paths_taken(tree: Path) -> tuple[int, int]:
    from factcheck.validate import check_tree

    result = check_tree([tree], use_cache=False)
    return result.fast, result.strict


async def ui_times(tree: Path, cache: Path, repeat: int) -> dict[str, float]:
    """Seconds from start to the first rows, and to the whole tree loaded, cold and warm."""
    from factcheck.tui.app import FactcheckApp

    os.environ["FACTCHECK_CACHE_DIR"] = str(cache)
    out: dict[str, list[float]] = {f"ui {what} {state}": [] for state in ("cold", "warm") for what in ("first rows", "complete", "search ready")}
    for _ in range(repeat):
        for state in ("cold", "warm"):
            if state == "cold":
                shutil.rmtree(cache, ignore_errors=True)
            app = FactcheckApp(str(tree), "bench")
            async with app.run_test(size=(160, 50)) as pilot:
                await app.workers.wait_for_complete()
                await pilot.pause()
                out[f"ui first rows {state}"].append(app.first_rows_seconds)
                out[f"ui complete {state}"].append(app.load_seconds)
                out[f"ui search ready {state}"].append(app.search_ready_seconds)
    return {k: statistics.median(v) for k, v in out.items()}


def measure(tree: Path, args) -> dict[str, float]:
    files = claim_files(tree)
    cache = Path(tempfile.mkdtemp(prefix="factcheck-bench-"))
    claim_id = Path(files[len(files) // 2]).stem
    root = str(tree)
    clear = lambda: shutil.rmtree(cache, ignore_errors=True)  # noqa: E731
    warm = lambda: factcheck(cache, "validate", root)  # noqa: E731
    row: dict[str, float] = {}
    row["validate cold"] = median(lambda: factcheck(cache, "validate", root), args.repeat, clear)
    warm()
    row["validate warm"] = median(warm, args.repeat)
    row["list warm"] = median(lambda: factcheck(cache, "list", "--root", root), args.repeat, warm)
    row["export cold"] = median(lambda: factcheck(cache, "export", "--root", root), args.repeat, clear)
    row["export warm"] = median(lambda: factcheck(cache, "export", "--root", root), args.repeat)
    row["show cold"] = median(lambda: factcheck(cache, "show", "--root", root, claim_id), args.repeat, clear)
    warm()
    row["show warm"] = median(lambda: factcheck(cache, "show", "--root", root, claim_id), args.repeat)
    backup = Path(files[len(files) // 2]).read_bytes()
    row["edit"] = median(lambda: factcheck(cache, "note", "--root", root, claim_id, "bench note"), args.repeat)
    Path(files[len(files) // 2]).write_bytes(backup)
    row["bare parse"] = median(lambda: bare_parse(files), args.repeat)
    row["read bytes"] = median(lambda: read_bytes(files), args.repeat)
    sample = files[: args.baseline_sample]
    row["naive (est.)"] = median(lambda: naive_round_trip(sample), max(1, args.repeat // 2)) * len(files) / len(sample)
    if not args.no_ui:
        row.update(asyncio.run(ui_times(tree, cache, max(1, args.repeat // 2))))
    shutil.rmtree(cache, ignore_errors=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline-sample", type=int, default=500)
    parser.add_argument("--synthetic", action="store_true", help="generated plain-word text instead of copies of the real claims")
    parser.add_argument("--no-ui", action="store_true")
    args = parser.parse_args()

    label = "synthetic text" if args.synthetic else "real text (copies of the built-in claims)"
    print(f"median of {args.repeat} runs; {os.cpu_count()} cores; Python {sys.version.split()[0]}; {label}; "
          f"load average before: {os.getloadavg()[0]:.2f}")
    size, strict, round_trip = strict_reader_ms(args.repeat)
    print(f"strict reader, largest built-in claim file ({size:,} bytes): check {strict:.1f} ms; ruamel round-trip load alone {round_trip:.0f} ms")
    for size in args.sizes:
        tree = tree_for(size, args.synthetic)
        fast, strict = paths_taken(tree)
        size_kb = sum(os.path.getsize(p) for p in claim_files(tree)) / len(claim_files(tree)) / 1024
        row = measure(tree, args)
        print(f"\n{size:,} claims ({size_kb:.1f} KB each): fast path {fast:,} files, strict reader {strict:,}")
        for name, seconds in row.items():
            print(f"  {name:<22} {seconds:8.2f} s")
        print(f"  validate cold / bare parse: {row['validate cold'] / row['bare parse']:.2f}x; "
              f"export cold / validate cold: {row['export cold'] / row['validate cold']:.2f}x; "
              f"naive / validate cold: {row['naive (est.)'] / row['validate cold']:.0f}x")


if __name__ == "__main__":
    main()
