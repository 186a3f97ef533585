"""Triage of an article: its sentences as proposals, a claim made of one, or a dismissal.

What ``factcheck new``, ``factcheck suggest`` (listing and ``--write``) and the review
screen's triage view share, so that each makes a claim and a dismissal the same way:
:func:`proposals` are the article's scored sentences, marked when a claim already quotes
them and without the dismissed ones; :func:`create_claim` writes a new claim through the
one writer; :func:`dismiss` records a dismissal in the article folder's ``dismissed.yaml``.
No Textual here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

import attrs

from factcheck import dismissals
from factcheck.model import Action, Claim, Dismissal, Kind, Status
from factcheck.problems import Problem
from factcheck.reading import ArticleRecord
from factcheck.store import ClaimRecord, ClaimStore, EditRefused, history_entry
from factcheck.suggest import Candidate, candidates
from factcheck.tree import NOT_CLAIMS

_STOP = {
    "a",
    "an",
    "the",
    "of",
    "in",
    "on",
    "at",
    "to",
    "and",
    "or",
    "for",
    "by",
    "with",
    "is",
    "are",
    "was",
    "were",
    "has",
    "have",
    "had",
    "that",
    "this",
    "it",
    "its",
    "be",
    "been",
    "as",
    "from",
    "which",
    "who",
}


def slug_from(text: str, limit: int = 6) -> str:
    """A claim id from words of a quote: the first few significant words, slugged."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = [w for w in re.findall(r"[a-z0-9]+", plain) if w not in _STOP]
    return "-".join(words[:limit]) or "claim"


def default_claimant(article) -> str:
    """Who makes a claim when the article attributes it to nobody: its authors."""
    return ", ".join(article.authors) if article.authors else f"{article.outlet or article.publisher} author"


def free_id(store: ClaimStore, base: str) -> str:
    """``base``, or ``base-2``, ``base-3`` … : the first id no claim of the tree has."""
    taken = store.ids()
    claim_id, n = base, 2
    while claim_id in taken or f"{claim_id}.yaml" in NOT_CLAIMS:
        claim_id, n = f"{base}-{n}", n + 1
    return claim_id


def create_claim(
    store: ClaimStore, article: ArticleRecord, *, quote: str, text: str, claimant: str, kind: Kind, by: str, note: str, claim_id: str | None = None,
    quantities: list | None = None,
) -> ClaimRecord:
    """Write a new claim (status ``new``, a ``created`` history entry) through the one writer.

    The id is ``claim_id``, else one made from the quote's words that no claim has yet.
    Refused (:class:`EditRefused`, nothing written) when a field breaks a rule or the
    id is taken.
    """
    from factcheck.convert import field_errors, unvalidated

    claim = unvalidated(
        Claim,
        id=claim_id or free_id(store, slug_from(quote)), text=text, quote=quote, claimant=claimant, kind=kind, status=Status.NEW,
        quantities=list(quantities or []), history=[history_entry(Action.CREATED, by, after=Status.NEW, note=note)],
    )
    errors = field_errors(claim)
    if errors:
        raise EditRefused("; ".join(e.message for e in errors))
    return store.create(article, claim)


def accept(
    store: ClaimStore, article: ArticleRecord, candidate: Candidate, by: str, text: str | None = None, how: str = "Suggested by factcheck suggest",
    checked: str | None = None,
) -> ClaimRecord:
    """A claim of a proposed sentence: the sentence is its quote, ``text`` (default: the
    sentence) its restated text, the guesses its kind and claimant; the history entry
    records the score (and ``checked``, what was found checked before, when given)."""
    from factcheck.quantities import extract

    if article.article is None:
        raise EditRefused(f"{article.slug}: article.yaml cannot be read")
    quantities = extract(candidate.text)
    read = f"; {len(quantities)} {'quantity' if len(quantities) == 1 else 'quantities'} read from the quote" if quantities else ""
    return create_claim(
        store, article, quote=candidate.text, text=candidate.text if text is None else text.strip(),
        claimant=candidate.claimant or default_claimant(article.article), kind=candidate.kind, by=by,
        note=f"{how} (check-worthiness score {candidate.score:.2f}{read})." + (f" {checked}" if checked else ""), quantities=quantities,
    )


def dismiss(store: ClaimStore, article: ArticleRecord, candidate: Candidate, by: str, reason: str | None = None) -> Dismissal:
    """Record that a proposed sentence is not worth a claim (refused for a sentence a claim quotes)."""
    if candidate.claimed_by:
        raise EditRefused(f"a claim quotes this sentence ({', '.join(candidate.claimed_by)}); dismiss the claim itself (status dismissed)")
    return store.dismiss(article, candidate.text, by, (reason or "").strip() or None)


@attrs.frozen
class Proposals:
    """An article's sentences as triage sees them."""

    sentences: list[Candidate]  # reading order; the dismissed ones left out
    dismissed: int  # how many sentences were left out as dismissed
    problems: list[Problem]  # of the dismissals file
    readable: bool = True  # False: the dismissals file cannot be read, so nothing was left out


def quotes_of(store: ClaimStore, article: ArticleRecord) -> dict[str, str]:
    """Claim id -> quote, for the claims of ``article`` whose files can be read."""
    return {r.id: r.row.quote for r in store.all() if r.row is not None and r.article is not None and r.article.folder == article.folder}


def proposals(store: ClaimStore, article: ArticleRecord, scorer: Callable[[Iterable[str]], list[float]] | None = None) -> Proposals:
    """The article's sentences, scored, in reading order, marked when a claim quotes them;
    the dismissed ones left out."""
    found = candidates(article.text or "", quotes_of(store, article), scorer)
    record = dismissals.load_in(article.folder, article.text)
    keys = dismissals.keys(record.entries)
    kept = [c for c in found if not dismissals.is_dismissed(c.text, keys)]
    return Proposals(kept, len(found) - len(kept), record.problems, record.dismissals is not None)


def claimed(candidate: Candidate, claim_id: str) -> Candidate:
    """The candidate marked as quoted by one more claim."""
    return attrs.evolve(candidate, claimed_by=tuple(sorted({*candidate.claimed_by, claim_id})))
