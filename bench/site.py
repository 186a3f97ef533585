"""Benchmark: ``factcheck build`` on a large tree, from scratch and after a one-claim change.

    python bench/site.py [--size 20000] [--repeat 5] [--tree DIR] [--baseline SRC]

The tree is ``bench/trees/real-<size>`` (made with ``python bench/generate.py <size> DIR``, real-text copies of
the built-in claims) unless ``--tree`` names one. Each run is ``factcheck build`` as a
fresh process:

* ``from scratch``  -- empty output folder and empty cache folder (validation cache too)
* ``unchanged``     -- the same build again, nothing changed
* ``one claim``     -- one published claim's summary edited on disk, then the build

Prints the median of ``--repeat`` runs of each, and the pages written by the last
one-claim rebuild. Targets: from scratch <= 30 s, one claim <= 2 s. ``--baseline SRC``
(a folder holding another version's ``factcheck`` package, e.g. ``git archive REV |
tar -x -C /tmp/base``): each round runs the three builds with it too, one after the
other with this checkout's (a copy, so editing meanwhile changes nothing measured), and
the ratios of the medians are printed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def run_build(tree: Path, out: Path, cache: Path, src: Path | None = None) -> tuple[float, str]:
    env = dict(os.environ, FACTCHECK_CACHE_DIR=str(cache))
    if src is not None:
        env["PYTHONPATH"] = str(src)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "factcheck", "build", str(tree), "--out", str(out), "--base-url", "https://example.org/checks/"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"factcheck build failed ({done.returncode}): {done.stdout}")
    return elapsed, done.stdout.strip()


def round_of(tree: Path, claim: Path, original: bytes, work: Path, n: int, src: Path | None) -> tuple[float, float, float, str]:
    """From scratch, unchanged, and one claim edited (then restored)."""
    out, cache = work / "out", work / "cache"
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    scratch = run_build(tree, out, cache, src)[0]
    unchanged = run_build(tree, out, cache, src)[0]
    text = original.decode("utf-8")
    edited = re.sub(r"^summary: (.*)$", lambda m: f"summary: {m.group(1)} (edit {n})", text, count=1, flags=re.M)
    claim.write_bytes(edited.encode("utf-8"))
    try:
        one, last = run_build(tree, out, cache, src)
    finally:
        claim.write_bytes(original)
    return scratch, unchanged, one, last


def published_claim(tree: Path) -> Path:
    for path in sorted(tree.glob("*/*.yaml")):
        if path.name != "article.yaml" and "\nstatus: published\n" in path.read_text(encoding="utf-8"):
            return path
    raise SystemExit("no published claim in the tree")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--tree", type=Path)
    parser.add_argument("--baseline", type=Path, help="a folder holding another version's factcheck package, run in turn with this one")
    args = parser.parse_args()
    if args.tree:
        tree = args.tree
    else:
        tree = HERE / "trees" / f"real-{args.size}"
        if not (tree / ".complete").exists():
            subprocess.run([sys.executable, str(HERE / "generate.py"), str(args.size), str(tree)], check=True)
            (tree / ".complete").write_text("ok")
    claim = published_claim(tree)
    original = claim.read_bytes()
    variants: dict[str, Path | None] = {"this": None}
    runs: dict[str, list[tuple[float, float, float, str]]] = {"this": []}
    with tempfile.TemporaryDirectory(prefix="factcheck-site-bench-") as tmp:
        work = Path(tmp)
        if args.baseline:
            variants = {"this": work / "this", "baseline": args.baseline}
            shutil.copytree(HERE.parent / "factcheck", work / "this" / "factcheck")
            runs["baseline"] = []
        try:
            for n in range(args.repeat):
                for name, src in variants.items():
                    runs[name].append(round_of(tree, claim, original, work, n, src))
        finally:
            claim.write_bytes(original)
    print(f"tree: {tree} ({args.size} claims), {args.repeat} runs each, medians:")
    for step, label in enumerate(("from scratch", "unchanged", "one claim")):
        for name in runs:
            times = [r[step] for r in runs[name]]
            print(f"  {label:<14} {name:<8} {statistics.median(times):6.2f} s   (runs: {', '.join(f'{t:.2f}' for t in times)})")
        if "baseline" in runs:
            ratio = statistics.median(r[step] for r in runs["this"]) / statistics.median(r[step] for r in runs["baseline"])
            print(f"  {label:<14} this / baseline: {ratio:.2f}")
    print(f"  last one-claim build: {runs['this'][-1][3]}")


if __name__ == "__main__":
    main()
