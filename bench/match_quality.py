"""How well ``factcheck match`` finds the earlier fact-check: MAP@5 on CheckThat! 2022 Task 2.

    nice python bench/match_quality.py [--tune] [--task 2a|2b]

Data: ``../shared/data/claim-matching/`` (its README gives the source, the terms and the
measure). Each collection is written as a JSON Lines ClaimReview feed (``matchdata.py``)
and read back through ``factcheck.match``'s own feed reader and index, so the figures are
those of the code the command runs.

Held out means held out: settings are chosen on the Train queries only (``--tune``
prints the grid on Train and the best setting); the Dev queries are scored once per
setting below and never used to choose. Plain BM25 (claim text + title, k1 1.2, b 0.75,
the same stop words and stemmer) is scored on the same Dev queries in the same run.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import matchdata  # noqa: E402

from factcheck.match.feed import read_feed  # noqa: E402
from factcheck.match.index import WEIGHTS, Segment, Weights, build, search  # noqa: E402

PLAIN = Weights(claim=1.0, headline=1.0, description=0.0, claimant=0.0, k1=1.2, b=0.75)


def score(segment: Segment, urls: dict[str, str], texts: dict[str, str], gold: dict[str, set[str]], weights: Weights, k: int = 5) -> float:
    aps = []
    for qid, relevant in gold.items():
        hits = search([segment], texts[qid], k, weights)
        ranked = [urls.get(segment.review(h.doc).url or "", "") for h in hits]
        aps.append(matchdata.average_precision_at(ranked, relevant, k))
    return statistics.fmean(aps) if aps else 0.0


def _grid() -> list[Weights]:
    out = []
    for headline, description, claimant in itertools.product((0.5, 1.0), (0.0, 0.3), (0.0, 0.3)):
        for k1, b in itertools.product((0.9, 1.2, 1.6), (0.5, 0.75, 0.9)):
            out.append(Weights(1.0, headline, description, claimant, k1, b))
    return out


def run(task: str, tune: bool) -> None:
    texts = matchdata.queries(task)
    train, dev = matchdata.qrels(task, "Train"), matchdata.qrels(task, "Dev")
    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / f"{task}.jsonl"
        urls = matchdata.write_feed(task, feed)
        items = list(read_feed(str(feed)))
    print(f"task {task}: {len(urls)} fact-checks, {len(train)} Train queries, {len(dev)} Dev queries")
    segments: dict[tuple, Segment] = {}

    def segment_for(w: Weights) -> Segment:
        key = (w.claim, w.headline, w.description, w.claimant)
        if key not in segments:
            segments[key] = build(items, w)
        return segments[key]

    if tune:
        results = []
        for w in _grid():
            results.append((score(segment_for(w), urls, texts, train, w), w))
        results.sort(key=lambda r: -r[0])
        for value, w in results[:8]:
            print(f"  Train MAP@5 {value:.4f}  {w}")
        print(f"  best on Train: {results[0][1]}")
    for name, w in (("plain BM25", PLAIN), ("factcheck match", WEIGHTS)):
        started = time.perf_counter()
        train_map = score(segment_for(w), urls, texts, train, w)
        dev_map = score(segment_for(w), urls, texts, dev, w)
        print(f"  {name:<16} Train MAP@5 {train_map:.4f}  Dev MAP@5 {dev_map:.4f}  ({time.perf_counter() - started:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--task", choices=("2a", "2b"), action="append")
    parser.add_argument("--tune", action="store_true", help="search the settings on the Train queries")
    args = parser.parse_args()
    for task in args.task or ["2a", "2b"]:
        run(task, args.tune)


if __name__ == "__main__":
    main()
