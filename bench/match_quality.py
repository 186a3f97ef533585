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

import attrs

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
        return statistics.fmean(self.aps(split, w, k, context, order))

    def aps(self, split: str, w: Weights, k: int = 5, context: Context = CONTEXT, order: list[str] | None = None) -> list[float]:
        """Each query's AP@k, in the order asked."""
        gold = self.gold[split] if order is None else {q: self.gold[split][q] for q in order}
        found = match_texts([self.texts[q] for q in gold], [self.segment(w)], k, w, context)
        return [
            matchdata.average_precision_at([self.urls.get(m.review.url or "", "") for m in matches], relevant, k)
            for matches, relevant in zip(found, gold.values(), strict=True)
        ]


def interval(aps: list[float], runs: int = 2000) -> tuple[float, float]:
    """A 95% percentile bootstrap interval of the mean over queries (resampled with replacement)."""
    rng = random.Random(SEED)
    means = sorted(statistics.fmean(rng.choices(aps, k=len(aps))) for _ in range(runs))
    return means[int(runs * 0.025)], means[int(runs * 0.975) - 1]


def best(tasks: list[Task], settings: list, score, label) -> object:
    """The setting with the best mean Train MAP@5 over ``tasks``; the best few printed."""
    results = []
    for setting in settings:
        values = [score(task, setting) for task in tasks]
        results.append((statistics.fmean(values), values, setting))
    results.sort(key=lambda r: -r[0])
    for mean, values, setting in results[:5]:
        each = "  ".join(f"{t.name} {v:.4f}" for t, v in zip(tasks, values, strict=True))
        print(f"  Train MAP@5 mean {mean:.4f} ({each})  {label(setting)}")
    return results[0][2]


def tune_bm25(tasks: list[Task]) -> Weights:
    """Field weights, k1 and b: BM25 alone, no context."""
    grid = [
        Weights(1.0, headline, description, claimant, k1, b)
        for headline, description, claimant, k1, b in itertools.product((0.5, 1.0), (0.0, 0.3), (0.0, 0.3), (0.9, 1.2, 1.6), (0.5, 0.75, 0.9))
    ]
    return best(tasks, grid, lambda t, w: t.score("Train", w, context=Context()), repr)


def tune_semantic(tasks: list[Task], lexical: Weights) -> Weights:
    """The meaning's weight and pool over the chosen BM25, no context."""
    grid = [attrs.evolve(lexical, semantic=s, pool=p) for s, p in itertools.product((0.2, 0.3, 0.5, 0.75, 1.0), (30, 50, 100))]
    return best(tasks, [lexical, *grid], lambda t, w: t.score("Train", w, context=Context()), lambda w: f"semantic={w.semantic} pool={w.pool}")


def tune_context(tasks: list[Task], weights: Weights) -> Context:
    """The context re-ranker over the chosen weights: each query's candidates found once, re-ranked per setting."""
    found = {}
    for task in tasks:
        gold = task.gold["Train"]
        segment = task.segment(weights)
        hits = [search([segment], task.texts[q], CONTEXT.depth, weights) for q in gold]
        reviews = [[segment.review(h.doc) for h in got] for got in hits]
        candidates = [[(h.score, r.claimant, r.date) for h, r in zip(got, rs, strict=True)] for got, rs in zip(hits, reviews, strict=True)]
        found[task.name] = (candidates, reviews, list(gold.values()))

    def score(task: Task, context: Context) -> float:
        candidates, reviews, relevant = found[task.name]
        orders = rerank(candidates, context)
        return statistics.fmean(
            matchdata.average_precision_at([task.urls.get(rs[i].url or "", "") for i, _ in order[:5]], gold, 5)
            for order, rs, gold in zip(orders, reviews, relevant, strict=True)
        )

    grid = [Context(w, CONTEXT.depth, c, d) for w, c, d in itertools.product((1, 3, 5, 10), (0.0, 0.05, 0.1, 0.2, 0.4), (0.0, 0.05, 0.1, 0.2, 0.4))]
    return best(tasks, grid, score, repr)


def tune(tasks: list[Task]) -> None:
    """Each stage on Train, over the choice of the stage before; the choices printed beside the shipped ones."""
    print("BM25 (fields, k1, b), Train, no meaning, no context:")
    lexical = tune_bm25(tasks)
    print("the meaning's weight and pool over it, Train, no context:")
    weights = tune_semantic(tasks, lexical)
    print("the context over those, Train:")
    context = tune_context(tasks, weights)
    print(f"chosen:  {weights}\n         {context}")
    print(f"shipped: {WEIGHTS}\n         {CONTEXT}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--task", choices=("2a", "2b"), action="append")
    parser.add_argument("--tune", action="store_true", help="search the BM25 settings on the Train queries")
    args = parser.parse_args()
    tasks = [Task(name) for name in args.task or ["2a", "2b"]]
    for task in tasks:
        print(f"task {task.name}: {len(task.urls)} fact-checks, {len(task.gold['Train'])} Train queries, {len(task.gold['Dev'])} Dev queries")
    if args.tune:
        tune(tasks)
    for task in tasks:
        print(f"task {task.name}:")
        lexical = attrs.evolve(WEIGHTS, semantic=0.0)
        rows = (
            ("plain BM25", PLAIN, Context()),
            ("BM25 fields", lexical, Context()),
            ("BM25 fields, context", lexical, CONTEXT),
            ("BM25 fields and meaning", WEIGHTS, Context()),
            ("factcheck match", WEIGHTS, CONTEXT),
        )
        devs = []
        for name, w, context in rows:
            dev = task.aps("Dev", w, context=context)
            devs.append(dev)
            low, high = interval(dev)
            train = task.score("Train", w, context=context)
            print(f"  {name:<28} Train MAP@5 {train:.4f}  Dev MAP@5 {statistics.fmean(dev):.4f} (95% bootstrap {low:.3f} to {high:.3f})")
        gain = [a - b for a, b in zip(devs[-1], devs[0], strict=True)]
        low, high = interval(gain)
        print(f"  factcheck match over plain BM25, Dev: {statistics.fmean(gain):+.4f} (95% paired bootstrap {low:+.3f} to {high:+.3f})")
        shuffled = list(task.gold["Dev"])
        random.Random(SEED).shuffle(shuffled)
        print(f"  {'factcheck match, Dev queries shuffled (neighbours unrelated)':<28} Dev MAP@5 {task.score('Dev', WEIGHTS, order=shuffled):.4f}")


if __name__ == "__main__":
    main()
