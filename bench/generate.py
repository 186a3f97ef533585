"""Make claims trees for benchmarks.

    python bench/generate.py 20000 bench/trees/real-20000 [--from claims] [--broken 0.01] [--per-article 400]
    python bench/generate.py 20000 bench/trees/synthetic-20000 --synthetic

By default the tree is made of **real text**: every claim file of a real tree (the
built-in ``claims/``, or the one given with ``--from``) copied byte for byte with a
new id until there are ``count`` claims; its punctuation (``&``, ``!``, ``*``, ``~``,
quotes), its lengths and its long histories come along, and so does the source's review
policy (``[review]`` of its config, written to the copy's ``factcheck.toml``). Each copy keeps its article's
text beside it, and its ``related`` ids point at the copies made with it. A fraction
of files (``--broken``) get one problem (an unknown ``kind`` word), so locating
problems is part of what is measured.

``--synthetic`` makes the older generated text instead (about 3.3 KB a claim, plain
words only); figures measured on it are labelled as synthetic.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def real_sources(tree: Path) -> list[tuple[Path, list[Path]]]:
    """(article folder, its claim files) of a real tree."""
    out = []
    for article in sorted(tree.glob("*/article.yaml")):
        claims = sorted(p for p in article.parent.glob("*.yaml") if p.name not in ("article.yaml", "dismissed.yaml"))
        if claims:
            out.append((article.parent, claims))
    if not out:
        raise SystemExit(f"no article folder with claims under {tree}")
    return out


_ID_LINE = re.compile(r"^id: .*$", re.M)


def _renamed(text: str, suffix: str, made: set[str]) -> str:
    """A claim file's text with its id and related ids given ``suffix``; nothing else changes.

    A related id of a claim that this copy does not include (the last copy may be
    partial) is left out, so the tree has only the problems put in on purpose.
    """
    out: list[str] = []
    related_at = None
    for line in text.split("\n"):
        if line.startswith("id: "):
            line = f"{line}{suffix}"
        elif line.startswith("related:"):
            related_at = len(out)
        elif related_at is not None and line.startswith("  - "):
            if line[4:].strip() not in made:
                continue
            line = f"{line}{suffix}"
        elif related_at is not None and line and not line.startswith(" "):
            if len(out) == related_at + 1 and out[related_at] == "related:":
                out[related_at] = "related: []"
            related_at = None
        out.append(line)
    return "\n".join(out)


def generate_real(count: int, out: Path, source: Path = REPO / "claims", broken: float = 0.01, per_article: int = 400, seed: int = 7) -> None:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    articles = real_sources(source)
    _copy_review_policy(source, out)
    made = copy = 0
    while made < count:
        for folder, claims in articles:
            made_here = {p.stem for p in claims[: max(0, count - made)]}
            for claim in claims:
                if made >= count:
                    return
                target = out / f"{folder.name}-{made // per_article:05d}"
                if not target.exists():
                    target.mkdir(parents=True)
                    shutil.copy(folder / "article.yaml", target / "article.yaml")
                    for extra in folder.iterdir():
                        if extra.suffix not in (".yaml",) and extra.is_file():
                            shutil.copy(extra, target / extra.name)
                suffix = f"-c{copy:05d}"
                text = _renamed(claim.read_text(encoding="utf-8"), suffix, made_here)
                if rng.random() < broken:
                    text = re.sub(r"^kind: .*$", "kind: quantty", text, count=1, flags=re.M)
                (target / f"{claim.stem}{suffix}.yaml").write_text(text, encoding="utf-8")
                made += 1
            copy += 1


def _copy_review_policy(source: Path, out: Path) -> None:
    """The source tree's review policy, written to the copy: its histories were made under it."""
    from factcheck.siteconfig import review_policy

    policy, _ = review_policy(str(source), fresh=True)
    if policy.since is not None:
        out.mkdir(parents=True, exist_ok=True)
        since = policy.since.strftime("%Y-%m-%dT%H:%M:%SZ")
        (out / "factcheck.toml").write_text(
            f"# The review policy of {source.name}/, whose claims these are copies of.\n[review]\nsecond_person_since = {since}\n", encoding="utf-8"
        )


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


def generate_synthetic(count: int, out: Path, broken: float = 0.01, per_article: int = 40, seed: int = 7) -> None:
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
    parser.add_argument("--from", dest="source", type=Path, default=REPO / "claims", help="real tree to copy (default: the built-in claims/)")
    parser.add_argument("--synthetic", action="store_true", help="generated plain-word text instead of real text")
    parser.add_argument("--broken", type=float, default=0.01, help="fraction of files with one problem")
    parser.add_argument("--per-article", type=int, default=None, help="claims per article folder (default: 400 real, 40 synthetic)")
    args = parser.parse_args()
    if args.synthetic:
        generate_synthetic(args.count, args.out, args.broken, args.per_article or 40)
    else:
        generate_real(args.count, args.out, args.source, args.broken, args.per_article or 400)
    print(f"{args.count} claims in {args.out}")


if __name__ == "__main__":
    main()
