"""The claims of this tree as candidates, and the texts an article or a claim gives to match.

Reads the tree through :class:`factcheck.store.ClaimStore` (its rows are cached by
``validate``); the claims' index is cached one article folder at a time
(:func:`tree_segments`). No printing.
"""

from __future__ import annotations

import hashlib
import os

import attrs
import msgspec

from factcheck import siteconfig
from factcheck.match.feed import Review
from factcheck.match.index import WEIGHTS, Segment, Weights, build
from factcheck.model import Status, Verdict
from factcheck.scales import VERDICT_SCALE
from factcheck.store import ClaimStore


def _label(verdict: str | None) -> str | None:
    try:
        return VERDICT_SCALE[Verdict(verdict)].label if verdict else None
    except ValueError:
        return verdict


def reviews_by_folder(store: ClaimStore) -> dict[str, list[Review]]:
    """A :class:`Review` of each readable claim of ``store``, by article folder (absolute
    path). Published claims get the site's URL (when a base URL is configured) and their
    verdict's label; the others carry their status."""
    config, _ = siteconfig.load(store.root)
    base = config.base_url if config.base_url is None or config.base_url.endswith("/") else config.base_url + "/"
    out: dict[str, list[Review]] = {}
    for path in sorted(store.records):
        row = store.records[path].row
        if row is None:
            continue
        published = row.status == Status.PUBLISHED.value
        out.setdefault(os.path.abspath(os.path.dirname(path)), []).append(
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


def claim_reviews(store: ClaimStore, skip_folder: str | None = None, skip_id: str | None = None) -> list[Review]:
    """A :class:`Review` of each readable claim of ``store`` but those of ``skip_folder``
    (the article matched) and ``skip_id``."""
    skip = os.path.abspath(skip_folder) if skip_folder else None
    return [r for folder, reviews in reviews_by_folder(store).items() if folder != skip for r in reviews if r.id != skip_id]


def reviews_key(reviews: list[Review]) -> str:
    """A digest of what these reviews say."""
    return hashlib.blake2b(msgspec.msgpack.encode(reviews), digest_size=16).hexdigest()


def folder_segment(folder: str, reviews: list[Review], weights: Weights = WEIGHTS) -> Segment:
    """The segment of one article folder's claims: from the cache while they say the same, else built and cached."""
    from factcheck.match.store import load_keyed, save_keyed

    key = reviews_key(reviews)
    segment = load_keyed(folder, key, weights)
    if segment is None:
        segment = build(reviews, weights)
        save_keyed(folder, key, segment, weights)
    return segment


def tree_segments(store: ClaimStore, skip_folder: str | None = None, skip_id: str | None = None, weights: Weights = WEIGHTS) -> list[Segment]:
    """The tree's claims as one segment per article folder but ``skip_folder`` (the article
    matched), each cached until a claim of its folder changes (``skip_id``: left out too)."""
    skip = os.path.abspath(skip_folder) if skip_folder else None
    out = []
    for folder, reviews in reviews_by_folder(store).items():
        if folder == skip:
            continue
        kept = [r for r in reviews if r.id != skip_id] if skip_id else reviews
        out.append(folder_segment(folder, kept, weights) if kept is reviews else build(kept, weights))
    return out


def tree_segment(store: ClaimStore, skip_folder: str | None = None, skip_id: str | None = None, weights: Weights = WEIGHTS) -> Segment:
    """The tree's claims (but ``skip_folder``'s and ``skip_id``) as one segment, built now."""
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
