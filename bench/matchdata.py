"""The CheckThat! 2022 Task 2 data as ``factcheck match`` sees it: feeds of ClaimReview objects.

Shared by ``bench/match.py`` (index size and speed) and ``bench/match_quality.py``
(MAP@5). Each verified claim of a collection becomes one schema.org ClaimReview:
``claimReviewed`` the claim, ``headline`` the article title, ``description`` the
subtitle (Snopes), ``itemReviewed.author`` the speaker or author, ``datePublished`` the
date, ``reviewRating.alternateName`` the truth label (PolitiFact). The URL is the
PolitiFact article's where the collection gives it; Snopes claims get
``https://www.snopes.com/fact-check/<slug>/`` made from their id.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Iterator
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "claim-matching"

TASKS = {
    "2a": ("ct2022-2a", "CT2022-Task2A-EN", "snopes-vclaims.jsonl.gz", "Snopes"),
    "2b": ("ct2022-2b", "CT2022-Task2B-EN", "politifact-vclaims.jsonl.gz", "PolitiFact"),
}


def vclaims(task: str, data: Path = DATA) -> Iterator[dict]:
    folder, _, name, _ = TASKS[task]
    with gzip.open(data / folder / name, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def claim_review(vclaim: dict, publisher: str) -> dict:
    vid = vclaim["vclaim_id"]
    if vclaim.get("url"):
        url = "https://www.politifact.com" + vclaim["url"] if vclaim["url"].startswith("/") else vclaim["url"]
    else:
        url = f"https://www.snopes.com/fact-check/{vid.removeprefix('vclaim-sno-')}/"
    review: dict = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": vclaim.get("vclaim") or vclaim.get("title") or vid,
        "headline": vclaim.get("title") or "",
        "author": {"@type": "Organization", "name": publisher},
        # the claimant is PolitiFact's `speaker`; a Snopes `author` wrote the fact-check, so it is not one
        "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": vclaim.get("speaker") or ""}},
    }
    if vclaim.get("subtitle"):
        review["description"] = vclaim["subtitle"]
    if vclaim.get("date"):
        review["datePublished"] = vclaim["date"]
    if vclaim.get("truth_label"):
        review["reviewRating"] = {"@type": "Rating", "alternateName": vclaim["truth_label"]}
    return review


def write_feed(task: str, path: Path, data: Path = DATA) -> dict[str, str]:
    """Write the task's collection as a JSON Lines feed; the vclaim id of each URL."""
    publisher = TASKS[task][3]
    ids: dict[str, str] = {}
    with open(path, "w", encoding="utf-8") as out:
        for vclaim in vclaims(task, data):
            review = claim_review(vclaim, publisher)
            ids[review["url"]] = vclaim["vclaim_id"]
            out.write(json.dumps(review, ensure_ascii=False) + "\n")
    return ids


def queries(task: str, data: Path = DATA) -> dict[str, str]:
    folder, prefix, _, _ = TASKS[task]
    with open(data / folder / f"{prefix}-Train-Dev_Queries.tsv", encoding="utf-8", newline="") as handle:
        return {row[0]: row[1] for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE) if len(row) >= 2}


def qrels(task: str, split: str, data: Path = DATA) -> dict[str, set[str]]:
    """The relevant vclaims of each query of the ``split`` ("Train" or "Dev"), pairs de-duplicated."""
    folder, prefix, _, _ = TASKS[task]
    gold: dict[str, set[str]] = {}
    with open(data / folder / f"{prefix}-{split}_QRELs.tsv", encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 3:
                gold.setdefault(parts[0], set()).add(parts[2])
    return gold


def average_precision_at(ranked: list[str], relevant: set[str], k: int = 5) -> float:
    """The lab's AP@k: precision at each relevant hit in the top k, summed, over the number of relevant claims."""
    hits, total = 0, 0.0
    for rank, vid in enumerate(ranked[:k], 1):
        if vid in relevant:
            hits += 1
            total += hits / rank
    return total / len(relevant) if relevant else 0.0
