"""schema.org ClaimReview objects for published claims. No I/O.

One function makes the object (:func:`claim_review`); the site embeds it in each
published claim page and ``factcheck export --format claimreview`` writes them all as
one JSON-LD document (:func:`document`). Labels and rating values come from
:data:`factcheck.scales.VERDICT_SCALE`, the same table the methodology page shows.

A claim is read in its export shape (the JSON the store keeps for it, decoded), so
20,000 claims need no attrs objects.
"""

from __future__ import annotations

from typing import Any

import msgspec

from factcheck.model import Article, Claimant, ClaimantType, Verdict
from factcheck.problems import Problem
from factcheck.scales import BEST_RATING, VERDICT_SCALE, WORST_RATING
from factcheck.workflow import first_published_at, is_public

CONTEXT = "https://schema.org"
#: Google asks for a ``claimReviewed`` of under 75 characters.
CLAIM_REVIEWED_LIMIT = 75
#: The schema.org type of a claimant of each type of the claimant registry.
AUTHOR_TYPE = {ClaimantType.PERSON: "Person", ClaimantType.ORGANIZATION: "Organization"}
WIKIDATA_ITEM = "https://www.wikidata.org/wiki/"


def published_at(claim: dict) -> str | None:
    """When the claim was first published (the first history entry that set ``published``), as recorded."""
    return first_published_at(claim.get("history", ()))


def modified_at(claim: dict) -> str | None:
    history = claim.get("history") or ()
    return history[-1].get("at") if history else None


def claimant_author(name: str, claimant: Claimant | None) -> dict:
    """``itemReviewed.author``: the claimant, typed and named as the registry has it (``sameAs``
    its Wikidata item, ``url`` its page, when known); a claimant the tree has no registry
    entry for is a ``Person`` of the name the claim gives."""
    if claimant is None:
        return {"@type": "Person", "name": name}
    out: dict[str, Any] = {"@type": AUTHOR_TYPE[claimant.type], "name": claimant.name}
    if claimant.wikidata:
        out["sameAs"] = WIKIDATA_ITEM + claimant.wikidata
    if claimant.url:
        out["url"] = claimant.url
    return out


def claim_review(claim: dict, article: Article | None, url: str, organization: dict, claimant: Claimant | None = None) -> dict | None:
    """The ClaimReview of a published claim with a verdict (None for any other claim).

    ``claimant``: the registry's entry for the claim's claimant (None: the tree has none)."""
    if not is_public(claim.get("status")) or not claim.get("verdict"):
        return None
    grade = VERDICT_SCALE[Verdict(claim["verdict"])]
    rating: dict[str, Any] = {"@type": "Rating"}
    if grade.rating is not None:
        rating.update(ratingValue=grade.rating, bestRating=BEST_RATING, worstRating=WORST_RATING)
    rating["alternateName"] = grade.label
    item: dict[str, Any] = {"@type": "Claim", "author": claimant_author(claim["claimant"], claimant)}
    if article is not None:
        item["datePublished"] = article.published.isoformat()
        appearance: dict[str, Any] = {"@type": "CreativeWork", "url": article.url, "headline": article.title}
        appearance["datePublished"] = article.published.isoformat()
        appearance["publisher"] = {"@type": "Organization", "name": article.publisher}
        item["appearance"] = appearance
    review: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim["text"],
        "author": organization,
    }
    when = published_at(claim) or modified_at(claim)
    if when:
        review["datePublished"] = when[:10]
    review["reviewRating"] = rating
    review["itemReviewed"] = item
    return review


def organization(name: str, url: str | None) -> dict:
    out: dict[str, Any] = {"@type": "Organization", "name": name}
    if url:
        out["url"] = url
    return out


def organization_warning(root: str, org: dict) -> Problem | None:
    """A warning when the ClaimReview author (the organization) has no url: neither organization_url nor a base URL."""
    if org.get("url"):
        return None
    return Problem(
        root, 1, 1, "no-organization-url",
        "the organization that authors each ClaimReview has no url: set organization_url (or base_url) in the config, or pass --base-url",
        "warning",
    )


def long_claim(path: str, claim: dict) -> Problem | None:
    """A warning when ``claimReviewed`` is longer than Google asks for (the text is never cut)."""
    length = len(claim.get("text") or "")
    if length <= CLAIM_REVIEWED_LIMIT:
        return None
    return Problem(
        path, 1, 1, "claim-reviewed-long",
        f"claimReviewed (the claim's text) is {length} characters; Google asks for under {CLAIM_REVIEWED_LIMIT}. It is published whole",
        "warning",
    )


def document(reviews: list[dict]) -> dict:
    """Many ClaimReviews as one JSON-LD document (one context, a graph)."""
    return {"@context": CONTEXT, "@graph": [{k: v for k, v in r.items() if k != "@context"} for r in reviews]}


def script_json(data: dict) -> str:
    """JSON for a ``<script type="application/ld+json">`` element: no ``<``, ``>`` or ``&`` can end it."""
    text = msgspec.json.encode(data).decode("utf-8")
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
