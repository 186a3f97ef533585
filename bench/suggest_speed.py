"""How fast ``factcheck suggest`` scores, against main's code, interleaved in one run.

    python bench/suggest_speed.py [--base main] [--repeat 5] [--data ../shared/data/checkworthiness/ct19-train.csv]

The baseline is the code of ``--base`` (a git revision), taken with ``git archive`` into
a temporary folder and run by the same interpreter; each round runs the baseline and
this tree one after the other, so both see the same load. Rows (median seconds):

* ``score 10,000``: ``factcheck.suggest.score`` on the first 10,000 sentences of the
  CLEF 2019 training data, in one process, after a first call has loaded the model
* ``--sentences 10,000``: ``factcheck suggest --sentences FILE`` on them, a fresh process
* ``article``: ``factcheck suggest`` on the built-in article, a fresh process
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "checkworthiness" / "ct19-train.csv"
ARTICLE = "moscow-attack-russia-tajikistan"
IN_PROCESS = (
    "import sys, time, factcheck.suggest as s; lines = open(sys.argv[1], encoding='utf-8').read().splitlines(); "
    "s.score(lines[:1]); t = time.perf_counter(); s.score(lines); print(time.perf_counter() - t)"
)


def timed(code_dir: Path, argv: list[str]) -> float:
    env = dict(os.environ, PYTHONPATH=str(code_dir), PYTHONDONTWRITEBYTECODE="1")
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, *argv], env=env, cwd=code_dir, capture_output=True, text=True, check=True)
    elapsed = time.perf_counter() - t0
    return float(done.stdout) if argv[0] == "-c" else elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="main")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        base.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.base], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True)
        sentences = Path(tmp) / "sentences.txt"
        with open(args.data, newline="", encoding="utf-8") as handle:
            texts = [row["text"].replace("\n", " ") for row in csv.DictReader(handle)][:10000]
        sentences.write_text("\n".join(texts) + "\n", encoding="utf-8")
        jobs = {
            "score 10,000": ["-c", IN_PROCESS, str(sentences)],
            "--sentences 10,000": ["-m", "factcheck", "suggest", "--sentences", str(sentences), "--format", "json"],
            "article": ["-m", "factcheck", "suggest", "--root", str(ROOT / "claims"), ARTICLE],
        }
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(args.repeat):
            for name, argv in jobs.items():
                for label, code_dir in (("base", base), ("this", ROOT)):
                    times.setdefault((name, label), []).append(timed(code_dir, argv))
    print(f"median of {args.repeat} interleaved rounds, seconds (base: {args.base}; this: {ROOT.name})")
    print(f"{'':22}{'base':>8}{'this':>8}{'this/base':>11}")
    for name in jobs:
        b, t = statistics.median(times[(name, "base")]), statistics.median(times[(name, "this")])
        print(f"{name:22}{b:8.3f}{t:8.3f}{t / b:11.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
