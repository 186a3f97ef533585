"""What the words of the workflow's scales mean to a reader: each status, verdict and
stance with its label and definition, and the verdict scale's ratings. The site, its
methodology page and ClaimReview all read these tables. No I/O here.
"""

from __future__ import annotations

import attrs

from factcheck.model import Stance, Status, Verdict


@attrs.frozen
class Grade:
    """What a word of a scale means to a reader: its label, its definition, and where it ranks."""

    label: str
    definition: str
    rating: int | None = None  # position on the ordinal scale (best highest); None: not on it


#: Every status, for the methodology page.
STATUS_MEANING: dict[Status, Grade] = {
    Status.NEW: Grade("New", "Extracted from the article; not yet looked at."),
    Status.TO_CHECK: Grade("To check", "Judged check-worthy: a factual assertion that matters and can be verified."),
    Status.RESEARCHING: Grade("Researching", "A fact-checker is gathering sources."),
    Status.IN_REVIEW: Grade("In review", "A verdict and summary are written; a second editor checks them against the sources."),
    Status.PUBLISHED: Grade("Published", "Reviewed and public. From here on every change of substance is recorded as a correction."),
    Status.DISMISSED: Grade("Dismissed", "Not check-worthy: an opinion, a forecast or a claim nobody can verify. Not published."),
}

#: The verdict scale: the one source of labels, definitions and rating values (the site,
#: its methodology page and ClaimReview all read it). Ratings run from 1 (worst) to 6
#: (best); ``unproven`` is not a point on that scale and has no rating value.
VERDICT_SCALE: dict[Verdict, Grade] = {
    Verdict.ACCURATE: Grade("Accurate", "The claim is correct and nothing significant is left out.", 6),
    Verdict.MOSTLY_ACCURATE: Grade("Mostly accurate", "The claim is correct in substance but needs a clarification or misses a detail.", 5),
    Verdict.MIXED: Grade("Mixed", "Parts of the claim are correct and parts are not.", 4),
    Verdict.MISLEADING: Grade("Misleading", "The facts may be right, but the claim leaves out or distorts context so that it gives a wrong impression.", 3),
    Verdict.MOSTLY_INACCURATE: Grade("Mostly inaccurate", "The claim contains an element of truth but its substance is wrong.", 2),
    Verdict.INACCURATE: Grade("Inaccurate", "The claim is wrong.", 1),
    Verdict.UNPROVEN: Grade("Unproven", "The available evidence neither confirms nor refutes the claim."),
}
BEST_RATING: int = max(g.rating for g in VERDICT_SCALE.values() if g.rating is not None)
WORST_RATING: int = min(g.rating for g in VERDICT_SCALE.values() if g.rating is not None)


#: What each stance of a source means, for the methodology page.
STANCE_MEANING: dict[Stance, Grade] = {
    Stance.SUPPORTS: Grade("Supports", "The source bears out the claim."),
    Stance.REFUTES: Grade("Refutes", "The source contradicts the claim."),
    Stance.CONTEXT: Grade("Context", "The source neither confirms nor contradicts the claim but helps to judge it."),
}
