"""The claims of this tree as candidates, and the texts an article or a claim gives to match.

Reads the tree through :class:`factcheck.store.ClaimStore` (its rows are cached by
``validate``); no printing.
"""

from __future__ import annotations

import os

import attrs

from factcheck import siteconfig
from factcheck.match.feed import Review
from factcheck.match.index import WEIGHTS, Segment, Weights, build
from factcheck.model import VERDICT_SCALE, Status, Verdict
from factcheck.store import ClaimStore


def _label(verdict: str | None) -> str | None:
    try:
        return VERDICT_SCALE[Verdict(verdict)].label if verdict else None
    except ValueError:
        return verdict


def claim_reviews(store: ClaimStore, skip_folder: str | None = None, skip_id: str | None = None) -> list[Review]:
    """A :class:`Review` of each readable claim of ``store`` but those of ``skip_folder``
    (the article matched) and ``skip_id``. Published claims get the site's URL (when a base
    URL is configured) and their verdict's label; the others carry their status."""
    config, _ = siteconfig.load(store.root)
    base = config.base_url if config.base_url is None or config.base_url.endswith("/") else config.base_url + "/"
    skip = os.path.abspath(skip_folder) if skip_folder else None
    out: list[Review] = []
    for path in sorted(store.records):
        row = store.records[path].row
        if row is None or row.id == skip_id or (skip is not None and os.path.abspath(os.path.dirname(path)) == skip):
            continue
        published = row.status == Status.PUBLISHED.value
        out.append(
            Review(
                claim=row.text,
                url=f"{base}claims/{row.id}.html" if published and base else None,
                headline=None,
                claimant=row.claimant,
                rating=_label(row.verdict) if published else None,
                publisher=config.organization,
                id=row.id,
                status=None if published else row.status,
            )
        )
    return out


def tree_segment(store: ClaimStore, skip_folder: str | None = None, skip_id: str | None = None, weights: Weights = WEIGHTS) -> Segment:
    """The tree's claims as one segment, built now (a tree is small; feeds are what is cached)."""
    return build(claim_reviews(store, skip_folder, skip_id), weights)


@attrs.frozen
class Texts:
    """What to match: numbered texts, and what they came from (left out of the candidates)."""

    texts: list[str]
    folder: str | None = None  # an article folder
    claim_id: str | None = None


def article_texts(folder: str, text: str) -> Texts:
    from factcheck.suggest import split_sentences

    return Texts([" ".join(s.text.split()) for s in split_sentences(text)], folder=folder)
