"""How often the triage guesses (kind, claimant) agree with an editor's, sentence by sentence.

    python bench/guesses.py                      # the built-in claims (kinds, claimants set by hand)
    python bench/guesses.py --labels FILE.json   # an article labelled by hand, outside the tree

The built-in claims: each claim's quote is found among its article's sentences as
``factcheck suggest`` splits them, and the guesses for that sentence (in the article's
context, as triage makes them) are compared with the claim's hand-set ``kind`` and
``claimant``. A claimant of "<outlet> author" (or the authors) counts as "the author
asserts it". These claims were read while the guesses were written, so the figures are
in-sample; a labelled article from outside the tree is the held-out measure.

A labels file is JSON: ``{"text": "article.txt", "author": "CBS News author",
"sentences": [{"contains": "words of the sentence", "claimant": "Scott Kirby", "kind":
"attribution", "restated": "Kirby: the private jet was the wrong decision"}]}`` (``text``
relative to the file; ``claimant`` equal to ``author`` when the author asserts it;
``restated``, optional, the claim as an editor would restate it: the id proposed for it
is listed, to judge by eye). It runs on any version of factcheck with ``suggest.candidates``,
so the same file measures the code before and after a change (``PYTHONPATH=old-checkout``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.append(str(HERE.parent))

import factcheck  # noqa: E402
from factcheck import suggest  # noqa: E402
from factcheck.rules import normalize  # noqa: E402

AUTHOR = "<author>"


def guessed_claimant(candidate) -> str:
    basis = getattr(candidate, "basis", "author")  # older versions: no basis, None meant the author
    if candidate.claimant:
        return candidate.claimant
    return AUTHOR if basis == "author" else f"<{basis}>"


def same_claimant(guess: str, hand: str) -> bool:
    return normalize(guess).removeprefix("the ") == normalize(hand).removeprefix("the ")


def rows_of_tree(root: Path) -> list[tuple[str, str, str, object]]:
    """(sentence, hand kind, hand claimant, candidate) for every claim of the tree."""
    from factcheck.store import ClaimStore
    from factcheck.triage import default_claimant

    store = ClaimStore.open(str(root))
    out = []
    for article in store.articles.values():
        found = suggest.candidates(article.text or "")
        author = default_claimant(article.article) if article.article else ""
        for record in store.all():
            claim = record.claim
            if claim is None or record.article is None or record.article.folder != article.folder:
                continue
            quote = normalize(claim.quote)
            match = next((c for c in found if quote in normalize(c.text)), None)
            if match is None:
                continue
            hand = AUTHOR if claim.claimant == author else claim.claimant
            out.append((match.text, claim.kind.value, hand, match))
    return out


def rows_of_labels(path: Path) -> list[tuple[str, str, str, object]]:
    spec = json.loads(path.read_text(encoding="utf-8"))
    text = (path.parent / spec["text"]).read_text(encoding="utf-8")
    found = suggest.candidates(text)
    out = []
    for item in spec["sentences"]:
        match = next((c for c in found if normalize(item["contains"]) in normalize(c.text)), None)
        if match is None:
            print(f"not found among the sentences: {item['contains']!r}", file=sys.stderr)
            continue
        hand = AUTHOR if item["claimant"] == spec["author"] else item["claimant"]
        out.append((match.text, item["kind"], hand, match))
        if "restated" in item:
            IDS.append((item["restated"], _id_of(item["restated"], match.text)))
    return out


IDS: list[tuple[str, str]] = []  # (restated claim, the id proposed for it)


def _id_of(restated: str, sentence: str) -> str:
    from factcheck import triage

    if hasattr(triage, "id_from"):
        return triage.id_from(restated)
    return triage.slug_from(sentence)  # before: the sentence's first words


def report(rows, verbose: bool) -> None:
    kinds: Counter = Counter()
    kinds_right: Counter = Counter()
    guessed: Counter = Counter()
    claimants_right = 0
    for sentence, kind, hand, candidate in rows:
        kinds[kind] += 1
        guessed[candidate.kind.value] += 1
        kinds_right[kind] += candidate.kind.value == kind
        who = guessed_claimant(candidate)
        right = same_claimant(who, hand)
        claimants_right += right
        if verbose and (candidate.kind.value != kind or not right):
            print(f"- kind {candidate.kind.value} (hand {kind}); claimant {who} (hand {hand}){'' if right else ' ✗'}\n  {sentence[:150]}")
    total = len(rows)
    print(f"{total} sentences (factcheck from {Path(factcheck.__file__).parent})")
    print(f"kind right: {sum(kinds_right.values())}/{total} ({sum(kinds_right.values()) / max(total, 1):.0%})")
    for kind in sorted(kinds, key=lambda k: -kinds[k]):
        print(f"  {kind:<17} {kinds_right[kind]:>3}/{kinds[kind]:<3} right   guessed {guessed[kind]} times")
    for kind in sorted(set(guessed) - set(kinds)):
        print(f"  {kind:<17}   -/0     guessed {guessed[kind]} times")
    attributed = [r for r in rows if r[2] != AUTHOR]
    print(f"claimant right: {claimants_right}/{total} ({claimants_right / max(total, 1):.0%}); "
          f"of sentences attributed to someone: {sum(same_claimant(guessed_claimant(r[3]), r[2]) for r in attributed)}/{len(attributed)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=str(HERE.parent / "claims"))
    parser.add_argument("--labels", type=Path, help="a hand-labelled article (see the module's doc)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the sentences guessed wrong")
    args = parser.parse_args(argv)
    rows = rows_of_labels(args.labels) if args.labels else rows_of_tree(Path(args.root))
    report(rows, args.verbose)
    if IDS:
        print("ids proposed (restated claim -> id):")
        for restated, claim_id in IDS:
            print(f"  {claim_id:<48} {restated}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
