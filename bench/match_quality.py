"""How well ``factcheck match`` finds the earlier fact-check: MAP@5 on CheckThat! 2022 Task 2.

    nice python bench/match_quality.py [--tune] [--task 2a|2b]

Data: ``../shared/data/claim-matching/`` (its README gives the source, the terms and the
measure). Each collection is written as a JSON Lines ClaimReview feed (``matchdata.py``)
and read back through ``factcheck.match``'s own feed reader and index, so the figures
are those of the code the command runs.

Held out means held out: every setting is chosen on the Train queries only (``--tune``
prints the BM25 grid of field weights, k1 and b on Train, then the grid of the context
re-ranker, ``factcheck.match.rerank``); the Dev queries are only scored, never used to
choose. Queries are given in the order of the organisers' files (grouped by debate or
speech), as ``match --sentences`` would get a transcript; the Dev queries are also scored
shuffled, where neighbours share nothing. Plain BM25 (claim text + title, k1 1.2, b 0.75, the same
stop words and stemmer) is scored on the same queries in the same run.
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import matchdata  # noqa: E402

from factcheck.match import match_texts  # noqa: E402
from factcheck.match.feed import read_feed  # noqa: E402
from factcheck.match.index import WEIGHTS, Segment, Weights, build, search  # noqa: E402
from factcheck.match.rerank import CONTEXT, Context, rerank  # noqa: E402

SEED = 2022
PLAIN = Weights(claim=1.0, headline=1.0, description=0.0, claimant=0.0, k1=1.2, b=0.75)


class Task:
    def __init__(self, name: str) -> None:
        self.name = name
        self.texts = matchdata.queries(name)
        self.gold = {split: matchdata.qrels(name, split) for split in ("Train", "Dev")}
        with tempfile.TemporaryDirectory() as tmp:
            feed = Path(tmp) / f"{name}.jsonl"
            self.urls = matchdata.write_feed(name, feed)
            self.items = list(read_feed(str(feed)))
        self.segments: dict[tuple, Segment] = {}

    def segment(self, w: Weights) -> Segment:
        key = (w.claim, w.headline, w.description, w.claimant)
        if key not in self.segments:
            self.segments[key] = build(self.items, w)
        return self.segments[key]

    def score(self, split: str, w: Weights, k: int = 5, context: Context = CONTEXT, order: list[str] | None = None) -> float:
        gold = self.gold[split] if order is None else {q: self.gold[split][q] for q in order}
        found = match_texts([self.texts[q] for q in gold], [self.segment(w)], k, w, context)
        aps = [
            matchdata.average_precision_at([self.urls.get(m.review.url or "", "") for m in matches], relevant, k)
            for matches, relevant in zip(found, gold.values(), strict=True)
        ]
        return statistics.fmean(aps)


def tune(task: Task) -> None:
    results = []
    for headline, description, claimant in itertools.product((0.5, 1.0), (0.0, 0.3), (0.0, 0.3)):
        for k1, b in itertools.product((0.9, 1.2, 1.6), (0.5, 0.75, 0.9)):
            w = Weights(1.0, headline, description, claimant, k1, b)
            results.append((task.score("Train", w), w))
    results.sort(key=lambda r: -r[0])
    for value, w in results[:8]:
        print(f"  Train MAP@5 {value:.4f}  {w}")


def tune_context(task: Task) -> None:
    """The context grid on Train: BM25's candidates found once, re-ranked for each setting."""
    gold = task.gold["Train"]
    segment = task.segment(WEIGHTS)
    hits = [search([segment], task.texts[q], CONTEXT.depth, WEIGHTS) for q in gold]
    reviews = [[segment.review(h.doc) for h in found] for found in hits]
    candidates = [[(h.score, r.claimant, r.date) for h, r in zip(found, rs, strict=True)] for found, rs in zip(hits, reviews, strict=True)]
    results = []
    for window, claimant, date in itertools.product((1, 3, 5, 10), (0.0, 0.05, 0.1, 0.2, 0.4), (0.0, 0.05, 0.1, 0.2, 0.4)):
        context = Context(window, CONTEXT.depth, claimant, date)
        aps = [
            matchdata.average_precision_at([task.urls.get(rs[i].url or "", "") for i, _ in order[:5]], relevant, 5)
            for order, rs, relevant in zip(rerank(candidates, context), reviews, gold.values(), strict=True)
        ]
        results.append((statistics.fmean(aps), context))
    results.sort(key=lambda r: -r[0])
    for value, context in results[:6]:
        print(f"  Train MAP@5 {value:.4f}  {context}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--task", choices=("2a", "2b"), action="append")
    parser.add_argument("--tune", action="store_true", help="search the BM25 settings on the Train queries")
    args = parser.parse_args()
    tasks = [Task(name) for name in args.task or ["2a", "2b"]]
    for task in tasks:
        print(f"task {task.name}: {len(task.urls)} fact-checks, {len(task.gold['Train'])} Train queries, {len(task.gold['Dev'])} Dev queries")
        if args.tune:
            tune(task)
            tune_context(task)
        rows = (("plain BM25", PLAIN, Context()), ("factcheck match, no context", WEIGHTS, Context()), ("factcheck match", WEIGHTS, CONTEXT))
        for name, w, context in rows:
            print(f"  {name:<28} Train MAP@5 {task.score('Train', w, context=context):.4f}  Dev MAP@5 {task.score('Dev', w, context=context):.4f}")
        shuffled = list(task.gold["Dev"])
        random.Random(SEED).shuffle(shuffled)
        print(f"  {'factcheck match, Dev queries shuffled (neighbours unrelated)':<28} Dev MAP@5 {task.score('Dev', WEIGHTS, order=shuffled):.4f}")


if __name__ == "__main__":
    main()
