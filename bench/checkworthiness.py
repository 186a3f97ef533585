"""Fit and measure the check-worthiness scorer of ``factcheck suggest``.

    pip install scikit-learn   # only this script needs it; factcheck does not
    python bench/checkworthiness.py [--data ../shared/data/checkworthiness/ct19-train.csv] [--write]

Data: the English training set of the CLEF 2019 CheckThat! Lab, Task 1
(check-worthiness), 16,421 sentences of 19 US debates and speeches, 440 labelled
check-worthy (Atanasova, Nakov, Karadzhov, Mohtarami, Da San Martino, "Overview of the
CLEF-2019 CheckThat! Lab ... Task 1: Check-Worthiness", CEUR-WS Vol-2380, paper 269).

Split by file, never by sentence: a fixed, seeded draw of HELD_OUT_COUNT files is held
out; the regularisation strength is chosen by leave-one-file-out cross-validation on the
other files only; the model fitted on those files is measured once on the held-out files
and is the one shipped (``--write``). The measure is the lab's: average precision of each
file's sentences ranked by score, averaged over files (MAP). Baselines are measured on the
same files in the same run. A second figure, leave-one-file-out over all 19 files (each
file scored by a model that never saw it), is printed for stability.
"""

from __future__ import annotations

import argparse
import csv
import functools
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from factcheck import suggest  # noqa: E402
from factcheck.suggest import average_precision, features, hand_features  # noqa: E402

DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "checkworthiness" / "ct19-train.csv"
MODEL_PATH = HERE.parent / "factcheck" / "data" / suggest.MODEL_FILE
SEED = 2019
HELD_OUT_COUNT = 6
C_GRID = (0.003, 0.01, 0.03, 0.1, 0.3)
MIN_COUNT = 3  # a word feature must occur in at least this many training sentences
RANDOM_RUNS = 200


def load(path: Path) -> dict[str, list[tuple[str, int]]]:
    files: dict[str, list[tuple[int, str, int]]] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            files.setdefault(row["file_name"], []).append((int(row["line_number"]), row["text"], int(row["label"])))
    return {name: [(t, y) for _, t, y in sorted(rows)] for name, rows in sorted(files.items())}


def mean_ap(files: dict[str, list[tuple[str, int]]], scorer, rng: random.Random | None = None) -> float:
    """MAP over files. Ties are broken at random (``rng``), else in reading order."""
    aps = []
    for rows in files.values():
        scores = scorer([t for t, _ in rows])
        keys = [(-s, rng.random() if rng else i) for i, s in enumerate(scores)]
        order = sorted(range(len(rows)), key=keys.__getitem__)
        aps.append(average_precision([rows[i][1] for i in order]))
    return statistics.fmean(aps)


def mean_ap_random_ties(files, scorer, runs: int = RANDOM_RUNS) -> float:
    """Expected MAP of a scorer whose ties are ordered at random (mean over ``runs`` draws)."""
    rng = random.Random(SEED)
    return statistics.fmean(mean_ap(files, scorer, rng) for _ in range(runs))


# -- baselines ------------------------------------------------------------------------


def random_scores(sentences):
    return [0.0] * len(sentences)


def has_number(sentences):
    return [1.0 if any(ch.isdigit() for ch in s) else 0.0 for s in sentences]


def numbers_and_names(sentences):
    """The usual simple heuristic: numbers, quantities and capitalised names, counted."""
    out = []
    for s in sentences:
        f = hand_features(s)
        names = max((int(k[6:]) + 1 for k in f if k.startswith("names:")), default=0)
        out.append(2 * ("number" in f) + ("number-word" in f) + ("percent" in f) + ("money" in f) + ("year" in f) + names)
    return out


# -- the fitted model -------------------------------------------------------------------


_features = functools.lru_cache(maxsize=None)(features)
_hand_features = functools.lru_cache(maxsize=None)(hand_features)


def fit(files: dict[str, list[tuple[str, int]]], c: float, words: bool = True):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = [t for rows in files.values() for t, _ in rows]
    labels = [y for rows in files.values() for _, y in rows]
    feats = [_features(t) if words else _hand_features(t) for t in texts]
    counts: dict[str, int] = {}
    for f in feats:
        for k in f:
            counts[k] = counts.get(k, 0) + 1
    keep = {k for k, n in counts.items() if n >= MIN_COUNT or not k.startswith(("w:", "b:"))}
    feats = [{k: v for k, v in f.items() if k in keep} for f in feats]
    vec = DictVectorizer()
    x = vec.fit_transform(feats)
    clf = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
    clf.fit(x, labels)
    weights = {name: round(float(w), 4) for name, w in zip(vec.get_feature_names_out(), clf.coef_[0], strict=False) if abs(w) >= 1e-4}
    return suggest.Model(round(float(clf.intercept_[0]), 4), weights)


def scorer_of(model: suggest.Model):
    return lambda sentences: [model.score(s) for s in sentences]


def leave_one_out(files, c: float, words: bool = True) -> float:
    aps = []
    for name in files:
        model = fit({k: v for k, v in files.items() if k != name}, c, words)
        aps.append(mean_ap({name: files[name]}, scorer_of(model)))
    return statistics.fmean(aps)


def split(files) -> tuple[dict, dict]:
    names = sorted(files)
    held = set(random.Random(SEED).sample(names, HELD_OUT_COUNT))
    return {k: v for k, v in files.items() if k not in held}, {k: v for k, v in files.items() if k in held}


def article_overlap(folder: Path, model: suggest.Model) -> str:
    """How many of an article's claims' quotes fall in the top-K suggestions (K = number of claims)."""
    from factcheck.store import ClaimStore

    store = ClaimStore.open(folder.parent)
    record = next(a for a in store.articles.values() if Path(a.folder).resolve() == folder.resolve())
    quotes = {r.id: r.row.quote for r in store.all() if r.row and r.article is record}
    found = suggest.candidates(record.text, quotes, scorer_of(model))
    k = len(quotes)
    top = suggest.ranked(found)[:k]
    covered_quotes = {cid for c in top for cid in c.claimed_by}
    claimed = sum(1 for c in found if c.claimed_by)
    ap = average_precision([int(bool(c.claimed_by)) for c in suggest.ranked(found)])
    rng = random.Random(SEED)
    chance = statistics.fmean(
        average_precision(rng.sample([int(bool(c.claimed_by)) for c in found], len(found))) for _ in range(RANDOM_RUNS)
    )
    top_n = suggest.ranked(found)[:claimed]
    return (
        f"{record.slug}: {len(found)} sentences, {claimed} of them hold a claim's quote, {k} claims.\n"
        f"  {len(covered_quotes)} of the {k} claims' quotes fall in the top {k} suggestions "
        f"(K exceeds the number of sentences, so this says little);\n"
        f"  {sum(1 for c in top_n if c.claimed_by)} of the top {claimed} sentences hold a claim; "
        f"average precision of the ranking with 'holds a claim' as the label {ap:.3f} (random order {chance:.3f})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--write", action="store_true", help=f"write the fitted model to {MODEL_PATH.relative_to(HERE.parent)}")
    parser.add_argument("--article", type=Path, default=HERE.parent / "claims" / "moscow-attack-russia-tajikistan")
    args = parser.parse_args()

    files = load(args.data)
    train, held = split(files)
    print(f"data: {args.data.name}: {sum(map(len, files.values()))} sentences, {len(files)} files, "
          f"{sum(y for rows in files.values() for _, y in rows)} check-worthy")
    print(f"held out ({len(held)} files, {sum(map(len, held.values()))} sentences, "
          f"{sum(y for rows in held.values() for _, y in rows)} check-worthy): {', '.join(sorted(held))}")

    print("\nchoosing C by leave-one-file-out on the training files only:")
    best = None
    for c in C_GRID:
        m = leave_one_out(train, c)
        print(f"  C={c:<5} MAP {m:.3f}")
        if best is None or m > best[1]:
            best = (c, m)
    c = best[0]
    model = fit(train, c)
    hand_only = fit(train, c, words=False)

    print(f"\nheld-out MAP ({len(held)} files never used for fitting or choosing):")
    rows = [
        ("random order (expected, mean of 200 draws)", mean_ap_random_ties(held, random_scores)),
        ("has a number (ties at random)", mean_ap_random_ties(held, has_number)),
        ("numbers and names count (ties at random)", mean_ap_random_ties(held, numbers_and_names)),
        ("logistic regression, named features only", mean_ap(held, scorer_of(hand_only))),
        (f"logistic regression, named features + words (C={c}; shipped)", mean_ap(held, scorer_of(model))),
    ]
    for name, value in rows:
        print(f"  {value:.3f}  {name}")

    print("\nleave-one-file-out MAP over all 19 files (each file scored by a model fitted without it):")
    print(f"  {statistics.fmean(mean_ap_random_ties({k: v}, random_scores, 50) for k, v in files.items()):.3f}  random order")
    print(f"  {statistics.fmean(mean_ap_random_ties({k: v}, has_number, 50) for k, v in files.items()):.3f}  has a number")
    print(f"  {leave_one_out(files, c):.3f}  logistic regression, named features + words (C={c})")

    sentences = [t for rows in files.values() for t, _ in rows][:10000]
    t0 = time.perf_counter()
    scorer_of(model)(sentences)
    print(f"\nspeed: {len(sentences)} sentences scored in {time.perf_counter() - t0:.2f} s")
    print(f"model: {len(model.weights)} weights")
    if args.article.is_dir():
        print("\nbuilt-in article: " + article_overlap(args.article, model))
    if args.write:
        MODEL_PATH.parent.mkdir(exist_ok=True)
        data = {
            "about": (
                "Check-worthiness weights for factcheck suggest: logistic regression fitted by bench/checkworthiness.py "
                "on the CLEF 2019 CheckThat! Lab Task 1 English training data (Atanasova et al., CEUR-WS Vol-2380), "
                f"files other than the {HELD_OUT_COUNT} held out (seed {SEED}); C={c}, class weights balanced."
            ),
            "intercept": model.intercept,
            "weights": dict(sorted(model.weights.items())),
        }
        MODEL_PATH.write_text(json.dumps(data, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_PATH} ({os.path.getsize(MODEL_PATH)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
