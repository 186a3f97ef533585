"""Index size and speed of ``factcheck match``: a 300,000-review feed, built, cached, queried.

    nice python bench/match.py [--reviews 300000] [--queries 200]

The feed is **replicated** real data: the 33,481 fact-checks of the two CheckThat! 2022
Task 2 collections (``../shared/data/claim-matching/``, Snopes and PolitiFact, as
ClaimReview objects by ``matchdata.py``) written over and over until it holds
``--reviews`` reviews; each copy's URL ends in ``#replica-N``, so every review stays
distinct. Replicas repeat the real texts (terms, lengths, odd characters); a corpus of
300,000 distinct reviews would have a larger vocabulary than this one.

Each step runs in a child process of its own, so its peak memory (``ru_maxrss``) is its
own: (1) build: the index made from the feed and written to an empty cache; (2) query:
the cached index loaded (signature checked) and the Dev queries of both tasks asked one
by one, then three rounds of that in turn with the meaning off (BM25 alone), for the
cost of the meaning; (3) the command itself, ``factcheck match --sentences`` over the
same queries.
The machine is shared: the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import matchdata  # noqa: E402


def make_feed(path: Path, reviews: int) -> int:
    base = [matchdata.claim_review(v, matchdata.TASKS[t][3]) for t in ("2a", "2b") for v in matchdata.vclaims(t)]
    written = 0
    with open(path, "w", encoding="utf-8") as out:
        replica = 0
        while written < reviews:
            for review in base:
                if written >= reviews:
                    break
                copy = dict(review, url=f"{review['url']}#replica-{replica}")
                out.write(json.dumps(copy, ensure_ascii=False) + "\n")
                written += 1
            replica += 1
    return len(base)


def queries() -> list[str]:
    texts: list[str] = []
    for task in ("2a", "2b"):
        q = matchdata.queries(task)
        texts += [q[qid] for qid in matchdata.qrels(task, "Dev")]
    return [" ".join(t.split()) for t in texts]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_build(feed: str) -> dict:
    from factcheck.match.store import index_feed

    started, cpu = time.perf_counter(), time.process_time()
    segment = index_feed(feed)
    took = time.perf_counter() - started
    helpers = resource.getrusage(resource.RUSAGE_CHILDREN)  # the helper processes of a parallel build
    return {
        "build_s": took,
        "build_cpu_s": time.process_time() - cpu + helpers.ru_utime + helpers.ru_stime,
        "helpers_cpu_s": helpers.ru_utime + helpers.ru_stime,
        "reviews": segment.size,
        "terms": len(segment.hashes),
        "postings": len(segment.docs),
        "peak_mb": peak_mb(),
    }


def child_query(feed: str, texts: list[str], lexical: bool = False) -> dict:
    """The Dev queries asked one by one (``lexical``: by BM25 alone, the meaning off)."""
    import attrs

    from factcheck.match import match_texts, semantic
    from factcheck.match.index import WEIGHTS
    from factcheck.match.store import index_feed

    weights = attrs.evolve(WEIGHTS, semantic=0.0) if lexical else WEIGHTS

    started = time.perf_counter()
    segment = index_feed(feed)
    load = time.perf_counter() - started
    started = time.perf_counter()
    semantic.model()  # loaded once per process, on the first query otherwise
    model = time.perf_counter() - started
    times, cpu_times = [], []
    for text in texts:
        t0, c0 = time.perf_counter(), time.process_time()
        match_texts([text], [segment], 5, weights)
        times.append((time.perf_counter() - t0) * 1000)
        cpu_times.append((time.process_time() - c0) * 1000)
    times.sort()
    return {
        "load_s": load,
        "model_s": model,
        "queries": len(times),
        "median_ms": statistics.median(times),
        "p95_ms": times[int(len(times) * 0.95) - 1],
        "max_ms": times[-1],
        "cpu_median_ms": statistics.median(cpu_times),
        "cpu_mean_ms": statistics.fmean(cpu_times),
        "peak_mb": peak_mb(),
    }


def run_child(step: str, feed: str, env: dict, queries_: int) -> dict:
    command = [sys.executable, __file__, "--child", step, "--feed", feed, "--queries", str(queries_)]
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reviews", type=int, default=300_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--child", choices=("build", "query", "query-lexical"))
    parser.add_argument("--feed")
    args = parser.parse_args()
    if args.child:
        asked = queries()[: args.queries]
        result = child_build(args.feed) if args.child == "build" else child_query(args.feed, asked, args.child == "query-lexical")
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "replicated-claimreview-feed.jsonl"
        base = make_feed(feed, args.reviews)
        size = feed.stat().st_size / 1e6
        print(f"feed: {args.reviews} reviews (replicas of {base} real ones), {size:.0f} MB; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        env = dict(os.environ, FACTCHECK_CACHE_DIR=str(Path(tmp) / "cache"))
        built = run_child("build", str(feed), env, args.queries)
        print(f"build: {built['build_s']:.1f} s ({built['build_cpu_s']:.1f} s of CPU, {built['helpers_cpu_s']:.1f} s of it in helper processes), "
              f"{built['terms']} terms, {built['postings']} postings; load average {os.getloadavg()[0]:.1f}")
        print(f"build: peak memory {built['peak_mb']:.0f} MB")
        print(f"cache file: {sum(f.stat().st_size for f in (Path(tmp) / 'cache').glob('match-*.idx')) / 1e6:.0f} MB")
        asked = run_child("query", str(feed), env, args.queries)
        print(
            f"query: index loaded from the cache in {asked['load_s']:.2f} s, the meaning's model in {asked['model_s']:.2f} s; "
            f"{asked['queries']} queries: median {asked['median_ms']:.1f} ms, "
            f"95th percentile {asked['p95_ms']:.1f} ms, max {asked['max_ms']:.1f} ms (CPU per query: median {asked['cpu_median_ms']:.1f} ms, "
            f"mean {asked['cpu_mean_ms']:.1f} ms); peak {asked['peak_mb']:.0f} MB"
        )
        rounds: dict[str, list[float]] = {"query": [], "query-lexical": []}
        for _ in range(3):
            for step, got in rounds.items():
                got.append(run_child(step, str(feed), env, args.queries)["median_ms"])
        print(
            f"query, 3 rounds in turn, median of the medians: {statistics.median(rounds['query']):.1f} ms; "
            f"BM25 alone on the same index {statistics.median(rounds['query-lexical']):.1f} ms "
            f"(ratio {statistics.median(rounds['query']) / statistics.median(rounds['query-lexical']):.2f})"
        )
        sentences = Path(tmp) / "sentences.txt"
        sentences.write_text("\n".join(queries()[: args.queries]) + "\n", encoding="utf-8")
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "factcheck", "match", "--no-tree", "--sentences", str(sentences), "--against", str(feed), "--format", "json"],
            env=env, capture_output=True, text=True, check=True,
        )
        took = time.perf_counter() - started
        print(f"factcheck match --sentences ({args.queries} lines, cached index): {took:.2f} s, {len(json.loads(done.stdout))} results")
        print(f"load average now {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
