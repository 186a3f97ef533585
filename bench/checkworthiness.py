"""Fit and measure the check-worthiness scorer of ``factcheck suggest``, leave-one-file-out.

    pip install -e '.[bench]'   # scikit-learn: only this script needs it; factcheck does not
    python bench/checkworthiness.py [--data ../shared/data/checkworthiness/ct19-train.csv] [--write [MODEL]]
    python bench/checkworthiness.py --refit factcheck/data/checkworthiness.json --write OUT   # no grid

Data: the English training set of the CLEF 2019 CheckThat! Lab, Task 1
(check-worthiness), 16,421 sentences of 19 US debates and speeches, 440 labelled
check-worthy (Atanasova, Nakov, Karadzhov, Mohtarami, Da San Martino, "Overview of the
CLEF-2019 CheckThat! Lab ... Task 1: Check-Worthiness", CEUR-WS Vol-2380, paper 269).

The model has two parts, each a logistic regression (class weights balanced): the words
(named features and single words, :func:`factcheck.suggest.features`) and the semantic
part (the sentence's 256-dimension vector from :mod:`factcheck.match.semantic`, and the
mean of its neighbours' vectors, the sentence before and the one after,
:func:`factcheck.suggest.in_context`). The score is the sigmoid of the weighted mean of
their log-odds. The data's ``speaker`` column is not used: ``factcheck suggest`` reads
articles and ``--sentences`` files, plain text with no speaker turns.

Split by file, never by sentence. Every setting is chosen by leave-one-file-out: each
file in turn is held out, a model is fitted on the other files, and the held-out file's
sentences are ranked by it; the measure is the lab's, average precision per file,
averaged over files (MAP). First the words' settings (the regularisation ``C``, how many
training files a word must occur in, whether words are scaled: 18 settings), then, next
to the chosen words, the semantic part's (its ``C``, with or without the neighbours, its
share of the mean: 12 settings); the semantic part is kept only when its best setting
beats the words alone. The chosen settings, fitted on all files, are the ones shipped
(``--write``); the file records them, and ``--refit`` fits them again without the grid
(a test checks that the shipped file is what it writes). In the same run, on the same
folds: "has a number", the words alone (the recipe shipped until the semantic part came)
and the recipe shipped before that (named features, words and word pairs, C=0.01). The
mean of the chosen setting is optimistic (the best of 30 settings); the lab's own test
set is harder (the scorer shipped before reached 0.134 there).
"""

from __future__ import annotations

import argparse
import csv
import functools
import itertools
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import attrs

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from factcheck import suggest  # noqa: E402
from factcheck.suggest import _TOKEN, _word, average_precision, features  # noqa: E402

DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "checkworthiness" / "ct19-train.csv"
MODEL_PATH = HERE.parent / "factcheck" / "data" / suggest.MODEL_FILE
SEED = 2019
C_GRID = (0.003, 0.01, 0.03)
MIN_FILES_GRID = (1, 4, 8)  # a word is a feature if it occurs in at least this many training files ...
MIN_COUNT = 3  # ... and in at least this many training sentences
SCALE_GRID = (False, True)  # words scaled by their log-count ratio (NB-LR, Wang & Manning 2012) or not
SMOOTHING = 1.0  # added to each word's count among check-worthy and other sentences for that ratio
SEMANTIC_C_GRID = (0.01, 0.03)  # the semantic part: its regularisation ...
CONTEXT_GRID = (False, True)  # ... whether it reads the neighbours' vectors ...
SHARE_GRID = (0.5, 1.0, 2.0)  # ... and the weight of its log-odds against the words' (1) in the average
BEFORE_C = 0.01  # the recipe shipped before this script chose by leave-one-file-out
RANDOM_RUNS = 200

Files = dict[str, list[tuple[str, int]]]


def load(path: Path) -> Files:
    files: dict[str, list[tuple[int, str, int]]] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            files.setdefault(row["file_name"], []).append((int(row["line_number"]), row["text"], int(row["label"])))
    return {name: [(t, y) for _, t, y in sorted(rows)] for name, rows in sorted(files.items())}


def file_ap(labels: Sequence[int], scores: Sequence[float], rng: random.Random | None = None) -> float:
    """Average precision of one file ranked by score. Ties are broken at random (``rng``), else in reading order."""
    keys = [(-s, rng.random() if rng else i) for i, s in enumerate(scores)]
    order = sorted(range(len(labels)), key=keys.__getitem__)
    return average_precision([labels[i] for i in order])


def expected_ap(labels: Sequence[int], scores: Sequence[float], runs: int = RANDOM_RUNS) -> float:
    """Expected average precision when ties are ordered at random (mean over ``runs`` draws)."""
    rng = random.Random(SEED)
    return statistics.fmean(file_ap(labels, scores, rng) for _ in range(runs))


def has_number(sentences: Sequence[str]) -> list[float]:
    return [1.0 if any(ch.isdigit() for ch in s) else 0.0 for s in sentences]


# -- features and folds ----------------------------------------------------------------


def features_before(sentence: str) -> dict[str, float]:
    """The features of the scorer shipped before: the named ones, words and word pairs."""
    out = features(sentence)
    words = [_word(t) for t in _TOKEN.findall(sentence)]
    for a, b in zip(words, words[1:], strict=False):
        out[f"b:{a} {b}"] = 1.0
    return out


class Matrix:
    """Every sentence's features, vectorised once; folds pick rows and columns."""

    def __init__(self, files: Files, featurize: Callable[[str], dict[str, float]]) -> None:
        import numpy as np
        from sklearn.feature_extraction import DictVectorizer

        self.files = files
        self.names = list(files)
        self.vec = DictVectorizer(dtype=np.float64)
        self.x = self.vec.fit_transform([featurize(t) for rows in files.values() for t, _ in rows]).tocsr()
        self.y = np.array([y for rows in files.values() for _, y in rows])
        self.doc = np.array([d for d, rows in enumerate(files.values()) for _ in rows])
        names = self.vec.get_feature_names_out()
        self.lexical = np.array([n.startswith(("w:", "b:")) for n in names])
        present = (self.x != 0).astype(np.int32)
        # in how many sentences of each file each feature occurs: (files x features)
        self.per_file = np.vstack([np.asarray(present[self.doc == d].sum(axis=0)).ravel() for d in range(len(self.names))])

    @functools.cached_property
    def vectors(self):
        """What the semantic part reads: each sentence's vector and its neighbours' in its file."""
        import numpy as np

        from factcheck.match.semantic import embed

        return np.vstack([suggest.in_context(embed([t for t, _ in rows]).astype(np.float64)) for rows in self.files.values()])

    def columns(self, train_docs, min_files: int, min_count: int = MIN_COUNT):
        import numpy as np

        counts = self.per_file[train_docs]
        ok = (counts.sum(axis=0) >= min_count) & ((counts > 0).sum(axis=0) >= min_files)
        return np.where(ok | ~self.lexical)[0]

    def fit(self, train_docs, setting: Setting):
        """(columns, their scale, fitted classifier) on the sentences of ``train_docs``.

        Scaled, a word's column is multiplied by the log of how much more often it occurs
        in check-worthy sentences than in the others (training sentences only); the
        shipped weight is the fitted weight times that scale, so scoring is unchanged."""
        import numpy as np
        from scipy import sparse
        from sklearn.linear_model import LogisticRegression

        cols = self.columns(train_docs, setting.min_files)
        rows = np.isin(self.doc, train_docs)
        x, y = self.x[rows][:, cols], self.y[rows]
        scale = np.ones(len(cols))
        if setting.scaled:
            pos = np.asarray(x[y == 1].sum(axis=0)).ravel() + SMOOTHING
            neg = np.asarray(x[y == 0].sum(axis=0)).ravel() + SMOOTHING
            scale = np.where(self.lexical[cols], np.log((pos / pos.sum()) / (neg / neg.sum())), 1.0)
        clf = LogisticRegression(C=setting.c, class_weight="balanced", max_iter=3000)
        clf.fit(x @ sparse.diags(scale), y)
        return cols, scale * clf.coef_[0], float(clf.intercept_[0])

    def fit_semantic(self, train_docs, setting: SemanticSetting):
        """(weights, intercept) of the semantic part on the sentences of ``train_docs``
        (without context, the neighbours' half is left out of the fit and weighs 0)."""
        import numpy as np
        from sklearn.linear_model import LogisticRegression

        rows = np.isin(self.doc, train_docs)
        width = self.vectors.shape[1] if setting.context else self.vectors.shape[1] // 2
        clf = LogisticRegression(C=setting.c, class_weight="balanced", max_iter=3000)
        clf.fit(self.vectors[rows][:, :width], self.y[rows])
        weights = np.zeros(self.vectors.shape[1])
        weights[:width] = clf.coef_[0]
        return weights, float(clf.intercept_[0])

    def held_out(self, fit_fold: Callable[[list[int], object], object]) -> list[float]:
        """Each sentence's log-odds from the model fitted on the other files (``fit_fold``:
        training files, held-out rows -> their log-odds)."""
        import numpy as np

        out = np.zeros(len(self.y))
        for d in range(len(self.names)):
            held = self.doc == d
            out[held] = fit_fold([e for e in range(len(self.names)) if e != d], held)
        return out.tolist()

    def words_out(self, setting: Setting) -> list[float]:
        def fold(train, held):
            cols, weights, intercept = self.fit(train, setting)
            return self.x[held][:, cols] @ weights + intercept
        return self.held_out(fold)

    def semantic_out(self, setting: SemanticSetting) -> list[float]:
        def fold(train, held):
            weights, intercept = self.fit_semantic(train, setting)
            return self.vectors[held] @ weights + intercept
        return self.held_out(fold)

    def file_aps(self, logits: Sequence[float]) -> list[float]:
        """Average precision of each file ranked by ``logits``."""
        return [file_ap(self.y[self.doc == d].tolist(), [logits[i] for i in range(len(logits)) if self.doc[i] == d]) for d in range(len(self.names))]

    def leave_one_out(self, setting: Setting) -> list[float]:
        """Average precision of each file, ranked by a model fitted on the other files."""
        return self.file_aps(self.words_out(setting))

    def model(self, setting: Setting, semantic: SemanticSetting | None = None) -> suggest.Model:
        """The model fitted on every file, as the package reads it."""
        every = list(range(len(self.names)))
        cols, weights, intercept = self.fit(every, setting)
        names = self.vec.get_feature_names_out()[cols]
        kept = {str(n): round(float(w), 4) for n, w in zip(names, weights, strict=True) if abs(w) >= 1e-4}
        part = None
        if semantic is not None:
            dense, bias = self.fit_semantic(every, semantic)
            part = suggest.Semantic(round(bias, 4), tuple(round(float(w), 4) for w in dense), semantic.share)
        return suggest.Model(round(intercept, 4), kept, part)


@attrs.frozen
class Setting:
    c: float
    min_files: int
    scaled: bool

    def __str__(self) -> str:
        return f"C={self.c}, words in >= {self.min_files} files{', scaled by log-count ratio' if self.scaled else ''}"


@attrs.frozen
class SemanticSetting:
    c: float
    context: bool
    share: float

    def __str__(self) -> str:
        return f"semantic part C={self.c}, {'own and neighbours' if self.context else 'own'} vectors, share {self.share}"


def choose(matrix: Matrix, out=print) -> tuple[Setting, list[float]]:
    """The words setting of the grid with the best leave-one-file-out MAP, and its per-file figures."""
    best: tuple[Setting, list[float]] | None = None
    for setting in itertools.starmap(Setting, itertools.product(C_GRID, MIN_FILES_GRID, SCALE_GRID)):
        aps = matrix.leave_one_out(setting)
        out(f"  MAP {statistics.fmean(aps):.3f} (median {statistics.median(aps):.3f})  {setting}")
        if best is None or statistics.fmean(aps) > statistics.fmean(best[1]) + 1e-9:
            best = (setting, aps)
    assert best is not None
    return best


def choose_semantic(matrix: Matrix, words: Setting, words_aps: list[float], out=print) -> tuple[SemanticSetting | None, list[float]]:
    """The semantic setting with the best leave-one-file-out MAP next to ``words``, or None
    when none beats the words alone (whose per-file figures are ``words_aps``)."""
    alone = matrix.words_out(words)
    best: tuple[SemanticSetting | None, list[float]] = (None, words_aps)
    for c, context in itertools.product(SEMANTIC_C_GRID, CONTEXT_GRID):
        logits = matrix.semantic_out(SemanticSetting(c, context, 1.0))
        for share in SHARE_GRID:
            setting = SemanticSetting(c, context, share)
            aps = matrix.file_aps(suggest.blend(alone, logits, share))
            out(f"  MAP {statistics.fmean(aps):.3f} (median {statistics.median(aps):.3f})  {setting}")
            if statistics.fmean(aps) > statistics.fmean(best[1]) + 1e-9:
                best = (setting, aps)
    return best


def report(files: Files, columns: dict[str, list[float]], out=print) -> None:
    out("| file | sentences | check-worthy | " + " | ".join(columns) + " |")
    out("| --- | ---: | ---: |" + " ---: |" * len(columns))
    for i, (name, rows) in enumerate(files.items()):
        out(f"| {name} | {len(rows)} | {sum(y for _, y in rows)} | " + " | ".join(f"{aps[i]:.3f}" for aps in columns.values()) + " |")
    out("| **mean (MAP)** | | | " + " | ".join(f"**{statistics.fmean(aps):.3f}**" for aps in columns.values()) + " |")


def write_model(model: suggest.Model, setting: Setting, semantic: SemanticSetting | None, files: Files, path: Path = MODEL_PATH) -> None:
    how = f"{setting} (and in {MIN_COUNT} sentences)"
    if semantic is not None:
        how += (f"; and a second logistic regression over the sentence's vector and its neighbours' (factcheck.match.semantic, "
                f"WordLlama l2_supercat 256 dimensions), {semantic}; the score is the sigmoid of the weighted mean of the two log-odds")
    data = {
        "about": (
            "Check-worthiness weights for factcheck suggest: logistic regression (class weights balanced) fitted by "
            f"bench/checkworthiness.py on all {len(files)} files of the CLEF 2019 CheckThat! Lab Task 1 English training data "
            "(Atanasova, Nakov, Karadzhov, Mohtarami, Da San Martino, CEUR-WS Vol-2380; released by the lab organisers for "
            "research, copy kept in utaresearch/claimbuster-spotter data/clef19); "
            f"{how}, chosen by leave-one-file-out. "
            "Licence: the data are released for research use; cite the overview paper above."
        ),
        "setting": {"words": attrs.asdict(setting), "semantic": attrs.asdict(semantic) if semantic is not None else None},
        "intercept": model.intercept,
        "weights": dict(sorted(model.weights.items())),
    }
    if model.semantic is not None:
        data["semantic"] = {"intercept": model.semantic.intercept, "share": model.semantic.share, "weights": list(model.semantic.weights)}
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def recorded(path: Path) -> tuple[Setting, SemanticSetting | None]:
    """The settings a model file written by :func:`write_model` was fitted with."""
    chosen = json.loads(path.read_text(encoding="utf-8"))["setting"]
    return Setting(**chosen["words"]), SemanticSetting(**chosen["semantic"]) if chosen["semantic"] else None


def measure(files: Files, now: Matrix) -> tuple[Setting, SemanticSetting | None]:
    """Choose the settings by leave-one-file-out and print every figure of the run."""
    print("\nleave-one-file-out MAP of each setting: words")
    t0 = time.perf_counter()
    setting, words = choose(now)
    print(f"chosen: {setting} ({time.perf_counter() - t0:.0f} s)\n\nand a semantic part next to those words:")
    semantic, chosen = choose_semantic(now, setting, words)
    print(f"chosen: {semantic or 'none (the words alone)'} ({time.perf_counter() - t0:.0f} s in all)")
    before = Matrix(files, features_before).leave_one_out(Setting(BEFORE_C, 1, False))
    numbers = [expected_ap([y for _, y in rows], has_number([t for t, _ in rows])) for rows in files.values()]
    print("\nper held-out file (average precision; has a number: expected over random order of ties):\n")
    columns = {"has a number": numbers, f"before (words + pairs, C={BEFORE_C})": before, "words alone": words, "shipped": chosen}
    report(files, columns)
    print("\n" + "\n".join(f"{name}: mean {statistics.fmean(aps):.3f}, median {statistics.median(aps):.3f}, "
                            f"files from {min(aps):.3f} to {max(aps):.3f}" for name, aps in columns.items()))
    return setting, semantic


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--write", type=Path, nargs="?", const=MODEL_PATH, help=f"write the fitted model (default: {MODEL_PATH.relative_to(HERE.parent)})")
    parser.add_argument("--refit", type=Path, metavar="MODEL", help="skip leave-one-file-out: fit the settings recorded in MODEL on all files")
    args = parser.parse_args(argv)

    files = load(args.data)
    print(f"data: {args.data.name}: {sum(map(len, files.values()))} sentences, {len(files)} files, "
          f"{sum(y for rows in files.values() for _, y in rows)} check-worthy")
    now = Matrix(files, features)
    setting, semantic = recorded(args.refit) if args.refit else measure(files, now)
    model = now.model(setting, semantic)
    sentences = [t for rows in files.values() for t, _ in rows][:10000]
    t0 = time.perf_counter()
    model.score_all(sentences)
    print(f"\nmodel: {len(model.weights)} weights{' and a semantic part' if model.semantic else ''}; "
          f"{len(sentences)} sentences scored in {time.perf_counter() - t0:.2f} s")
    if args.write:
        write_model(model, setting, semantic, files, args.write)
        print(f"wrote {args.write} ({os.path.getsize(args.write)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
