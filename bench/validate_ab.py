"""``factcheck validate`` of this checkout against a baseline checkout, interleaved.

    python bench/validate_ab.py BASELINE_SRC TREE [--rounds 5] [--this SRC]

BASELINE_SRC is a folder holding another version's ``factcheck`` package (for example
``git archive main | tar -x -C /tmp/base``), run with this interpreter and its
dependencies. Each round runs, as fresh processes and one after the other, a cold
validate (empty cache) and a warm one (nothing changed) of the baseline and of this
checkout, so that both see the same load on a shared machine; the report gives each
one's median wall time (``--this``: a copy of this checkout's package
folder's parent, so that editing meanwhile changes nothing measured), their ratio, and the load average before and after. The
output of validate goes to /dev/null (a tree with problems prints many lines).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def run(src: Path, tree: str, cache: Path) -> float:
    env = dict(os.environ, PYTHONPATH=str(src), FACTCHECK_CACHE_DIR=str(cache))
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "factcheck", "validate", tree], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("baseline", type=Path)
    parser.add_argument("tree")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--this", type=Path, default=HERE)
    args = parser.parse_args()
    sides = {"baseline": args.baseline.resolve(), "this": args.this.resolve()}
    times: dict[tuple[str, str], list[float]] = {(s, k): [] for s in sides for k in ("cold", "warm")}
    caches = {s: Path(tempfile.mkdtemp(prefix=f"factcheck-ab-{s}-")) for s in sides}
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    for _ in range(args.rounds):
        for side, src in sides.items():
            shutil.rmtree(caches[side], ignore_errors=True)
            times[side, "cold"].append(run(src, args.tree, caches[side]))
            times[side, "warm"].append(run(src, args.tree, caches[side]))
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    for kind in ("cold", "warm"):
        base, this = statistics.median(times["baseline", kind]), statistics.median(times["this", kind])
        print(f"validate {kind}: baseline {base:.2f} s, this {this:.2f} s, ratio {this / base:.2f} (medians of {args.rounds})")
    for cache in caches.values():
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
