"""Benchmark: ``factcheck build`` on a large tree, from scratch and after a one-claim change.

    python bench/site.py [--size 20000] [--repeat 5] [--tree DIR]

The tree is ``bench/trees/real-<size>`` (made with ``python bench/generate.py <size> DIR``, real-text copies of
the built-in claims) unless ``--tree`` names one. Each run is ``factcheck build`` as a
fresh process:

* ``from scratch``  -- empty output folder and empty cache folder (validation cache too)
* ``unchanged``     -- the same build again, nothing changed
* ``one claim``     -- one published claim's summary edited on disk, then the build

Prints the median of ``--repeat`` runs of each, and the pages written by the last
one-claim rebuild. Targets: from scratch <= 30 s, one claim <= 2 s.
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


def run_build(tree: Path, out: Path, cache: Path) -> tuple[float, str]:
    env = dict(os.environ, FACTCHECK_CACHE_DIR=str(cache))
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "factcheck", "build", str(tree), "--out", str(out), "--base-url", "https://example.org/checks/"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"factcheck build failed ({done.returncode}): {done.stdout}")
    return elapsed, done.stdout.strip()


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
    scratch, unchanged, one = [], [], []
    last = ""
    with tempfile.TemporaryDirectory(prefix="factcheck-site-bench-") as tmp:
        work = Path(tmp)
        try:
            for n in range(args.repeat):
                out, cache = work / "out", work / "cache"
                shutil.rmtree(out, ignore_errors=True)
                shutil.rmtree(cache, ignore_errors=True)
                scratch.append(run_build(tree, out, cache)[0])
                unchanged.append(run_build(tree, out, cache)[0])
                text = original.decode("utf-8")
                edited = re.sub(r"^summary: (.*)$", lambda m, n=n: f"summary: {m.group(1)} (edit {n})", text, count=1, flags=re.M)
                claim.write_bytes(edited.encode("utf-8"))
                elapsed, last = run_build(tree, out, cache)
                one.append(elapsed)
                claim.write_bytes(original)
        finally:
            claim.write_bytes(original)
    print(f"tree: {tree} ({args.size} claims), {args.repeat} runs each, medians:")
    print(f"  from scratch   {statistics.median(scratch):6.2f} s   (runs: {', '.join(f'{t:.2f}' for t in scratch)})")
    print(f"  unchanged      {statistics.median(unchanged):6.2f} s   (runs: {', '.join(f'{t:.2f}' for t in unchanged)})")
    print(f"  one claim      {statistics.median(one):6.2f} s   (runs: {', '.join(f'{t:.2f}' for t in one)})")
    print(f"  last one-claim build: {last}")


if __name__ == "__main__":
    main()
