"""Generate a realistic synthetic claims tree for benchmarks.

    python bench/generate.py 20000 bench/trees/20k [--broken 0.01] [--per-article 40]

Each claim file is about 3.3 KB: a quote taken from its article's text, three sources,
six history entries. A fraction of files (``--broken``) carry one problem each (a bad
vocabulary word, a missing related id, or a quote not in the article), so the
slow path that locates problems is part of what is measured.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

WORDS = (
    "government ministry border security migrants labor survey percent report council "
    "official statement according region capital election budget minister agency police "
    "court investigation attack province village economy growth inflation population "
    "estimate press service parliament decree agreement cooperation military base drone "
    "assembly training exercise refugees workers remittances pipeline energy water"
).split()


def sentence(rng: random.Random, n: int = 14) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    words.insert(rng.randrange(n), str(rng.randrange(2, 99)))
    return " ".join(words).capitalize() + "."


def article_text(rng: random.Random, sentences: int) -> list[str]:
    return [sentence(rng) for _ in range(sentences)]


def claim_yaml(rng: random.Random, claim_id: str, quote: str, ids: list[str], broken: str | None) -> str:
    kind = "quantty" if broken == "enum" else rng.choice(["quantity", "event", "attribution", "characterization"])
    related = [rng.choice(ids)] if ids else []
    if broken == "related":
        related = ["no-such-claim-anywhere"]
    if broken == "quote":
        quote = quote.replace(" ", " not ", 1)
    lines = [
        f"id: {claim_id}",
        f'text: "{sentence(rng, 22)}"',
        f'quote: "{quote}"',
        'claimant: "Synthetic Ministry of Examples"',
        f"kind: {kind}",
        "status: in-review",
        "verdict: mostly-accurate",
        f'summary: "{sentence(rng, 30)} {sentence(rng, 12)}"',
        "tags:",
        "  - economy",
        "  - migration",
        "related:" if related else "related: []",
        *[f"  - {r}" for r in related],
        "sources:",
    ]
    for n in range(3):
        lines += [
            f"  - url: https://news.example.org/{claim_id}/{n}",
            f'    title: "{sentence(rng, 8)}"',
            '    publisher: "Example News Service"',
            f"    published: 2023-0{n + 1}-1{n}",
            "    accessed: 2024-04-02",
            f'    excerpt: "{sentence(rng, 18)}"',
            f"    stance: {'supports' if n == 0 else 'context'}",
        ]
    lines += ["corrections: []", "history:"]
    steps = [("created", None, "new"), ("status", "new", "to-check"), ("status", "to-check", "researching"),
             ("source-added", None, None), ("verdict", None, "mostly-accurate"), ("status", "researching", "in-review")]
    for i, (action, before, after) in enumerate(steps):
        lines += [f"  - at: 2024-04-0{i + 1}T09:{10 + i}:00Z", "    by: bench-editor", f"    action: {action}"]
        if action in ("status", "verdict"):
            lines.append(f"    field: {action}")
        if before:
            lines.append(f"    before: {before}")
        if after:
            lines.append(f"    after: {after}")
        lines.append(f'    note: "{sentence(rng, 12)}"')
    return "\n".join(lines) + "\n"


def generate(count: int, out: Path, broken: float = 0.01, per_article: int = 40, seed: int = 7) -> None:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    made = 0
    article = 0
    ids: list[str] = []
    while made < count:
        folder = out / f"article-{article:05d}"
        folder.mkdir(parents=True)
        text = article_text(rng, per_article + 10)
        (folder / "article.txt").write_text("\n\n".join(text) + "\n", encoding="utf-8")
        (folder / "article.yaml").write_text(
            f'title: "Synthetic article {article}"\npublisher: "Example Publisher"\n'
            f"url: https://example.org/articles/{article}\npublished: 2024-03-28\nlanguage: en\n"
            "text: article.txt\noutlet: null\nauthors: []\n",
            encoding="utf-8",
        )
        for n in range(min(per_article, count - made)):
            claim_id = f"claim-{article:05d}-{n:03d}"
            kind = None
            if rng.random() < broken:
                kind = rng.choice(["enum", "related", "quote"])
            (folder / f"{claim_id}.yaml").write_text(claim_yaml(rng, claim_id, text[n], ids[-50:], kind), encoding="utf-8")
            ids.append(claim_id)
            made += 1
        article += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--broken", type=float, default=0.01, help="fraction of files with one problem")
    parser.add_argument("--per-article", type=int, default=40)
    args = parser.parse_args()
    generate(args.count, args.out, args.broken, args.per_article)
    print(f"{args.count} claims in {args.out}")


if __name__ == "__main__":
    main()
