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
from factcheck.rules import normalize
from factcheck.store import ClaimRecord, ClaimStore, EditRefused, history_entry
from factcheck.suggest import Candidate, candidates
from factcheck.tree import NOT_CLAIMS

#: Words an id leaves out: articles, pronouns, auxiliaries, prepositions, and "said".
_STOP = frozenset("""
a an the of in on at to and or for by with is are was were be been being has have had do does did that this these those it its
which who whom whose as from than then there their they them he she his her we our you your i me my not no but if so also
into over under about after before since during while will would can could should may might must such very more most
said says say told according just only even still yet already per via s t how what when where why
""".split())
#: How long an id may be: a few words make a readable public address.
ID_WORDS, ID_LENGTH = 5, 48


def slug_from(text: str, limit: int = 6) -> str:
    """A claim id from words of a quote: the first few significant words, slugged."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = [w for w in re.findall(r"[a-z0-9]+", plain) if w not in _STOP]
    return "-".join(words[:limit]) or "claim"


#: A news dateline before the first sentence: "(Reuters) —", "SAN FRANCISCO (AP) --".
_DATELINE = re.compile(r"^\s*(?:[A-Z][A-Z .,'-]*\s)?\([A-Za-z .]+\)\s*(?:[—–]|--?)\s*")


def id_from(text: str) -> str:
    """A short, readable id from a restated claim: its first :data:`ID_WORDS` content words
    (stop words dropped; a number is one word: "4,500" is ``4500``, "6.7" is ``6-7``; a
    dateline left out), at most :data:`ID_LENGTH` characters, cut at a word."""
    text = _DATELINE.sub("", text)
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    plain = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", plain)
    words = [w.replace(".", "-") for w in re.findall(r"\d+(?:\.\d+)?|[a-z0-9]+", plain) if w not in _STOP]
    slug = "-".join(words[:ID_WORDS])
    while len(slug) > ID_LENGTH and "-" in slug:
        slug = slug.rsplit("-", 1)[0]
    return slug[:ID_LENGTH].strip("-") or "claim"


def default_claimant(article) -> str:
    """Who makes a claim when the article attributes it to nobody: its authors, else the
    outlet (or publisher) that published it under its own name."""
    return ", ".join(article.authors) if article.authors else (article.outlet or article.publisher)


def known_claimants(store: ClaimStore) -> list[str]:
    """The claimants the tree's claims already name, to complete a guess from (the one
    place to ask; a claimant registry can answer here instead)."""
    from factcheck.claimants import load_registry

    used = {r.row.claimant for r in store.all() if r.row is not None and r.row.claimant}
    return sorted(used | set(load_registry(store.root).all_names()))


def free_id(store: ClaimStore, base: str) -> str:
    """``base``, or ``base-2``, ``base-3`` … : the first id no claim of the tree has."""
    taken = store.ids()
    claim_id, n = base, 2
    while claim_id in taken or f"{claim_id}.yaml" in NOT_CLAIMS:
        claim_id, n = f"{base}-{n}", n + 1
    return claim_id


@attrs.frozen
class Guess:
    """What the accept dialog proposes for a sentence; every field is the editor's to change."""

    claimant: str
    kind: Kind
    claim_id: str
    why: str  # how the claimant was found, for the dialog and the creation note


def guess(store: ClaimStore, article: ArticleRecord, candidate: Candidate, text: str | None = None) -> Guess:
    """The claimant (completed from :func:`known_claimants`), kind and a free id (from ``text``,
    the restated claim, else the sentence) for accepting ``candidate``."""
    from factcheck.attribution import AUTHOR, QUESTION, complete

    said = candidate.attribution
    meta = article.article
    if candidate.claimant:
        claimant = complete(candidate.claimant, known_claimants(store))
    elif said.basis in (AUTHOR, QUESTION) or meta is None:
        claimant = default_claimant(meta) if meta is not None else "the article's author"
    else:  # cited, not named: the outlet reports it
        who = said.said_by if said.said_by.lower() not in ("he", "she", "they", "it", "we") else "a source it does not name"
        claimant = f"{who[:1].lower() + who[1:]} cited by {meta.outlet or meta.publisher}"
    return Guess(claimant, candidate.kind, free_id(store, id_from(text or candidate.text)), said.explain())


def guess_for_quote(store: ClaimStore, article: ArticleRecord, quote: str, text: str | None = None) -> Guess:
    """:func:`guess` for a quote given by hand (``factcheck new``): the attribution of the
    article's sentence that holds it (in the article's context), the kind of the quote itself."""
    from factcheck.suggest import guess_kind

    norm = normalize(quote)
    found = candidates(article.text or "", scorer=lambda sentences: [0.0] * len(list(sentences)))
    holder = next((c for c in found if norm and norm in normalize(c.text)), None)
    if holder is None:
        holder = Candidate(0, quote, 0.0, guess_kind(quote), None)
    candidate = attrs.evolve(holder, text=quote, kind=guess_kind(quote, holder.attribution))
    return guess(store, article, candidate, text or quote)


def create_claim(
    store: ClaimStore, article: ArticleRecord, *, quote: str, text: str, claimant: str, kind: Kind, by: str, note: str, claim_id: str | None = None,
    quantities: list | None = None, internal: bool = False,
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
        quantities=list(quantities or []), history=[history_entry(Action.CREATED, by, after=Status.NEW, note=note, internal=internal)],
    )
    errors = field_errors(claim)
    if errors:
        raise EditRefused("; ".join(e.message for e in errors))
    return store.create(article, claim)


def accept(
    store: ClaimStore, article: ArticleRecord, candidate: Candidate, by: str, text: str | None = None, how: str = "Suggested by factcheck suggest",
    *, claimant: str | None = None, kind: Kind | None = None, claim_id: str | None = None, checked: str | None = None,
) -> ClaimRecord:
    """A claim of a proposed sentence: the sentence is its quote, ``text`` (default: the
    sentence) its restated text; ``claimant``, ``kind`` and ``claim_id`` default to
    :func:`guess`'s. The history entry records the score, how the claimant was found (and
    ``checked``, what was found checked before, when given), as an internal note (never on
    the public site)."""
    from factcheck.quantities import extract

    if article.article is None:
        raise EditRefused(f"{article.slug}: article.yaml cannot be read")
    restated = candidate.text if text is None else text.strip()
    guessed = guess(store, article, candidate, restated)
    quantities = extract(candidate.text)
    read = f"; {len(quantities)} {'quantity' if len(quantities) == 1 else 'quantities'} read from the quote" if quantities else ""
    who = f"; {guessed.why}" if claimant is None or claimant.strip() == guessed.claimant else ""
    return create_claim(
        store, article, quote=candidate.text, text=restated, claimant=(claimant or guessed.claimant).strip(), kind=kind or guessed.kind, by=by,
        note=f"{how} (check-worthiness score {candidate.score:.2f}{read}{who})." + (f" {checked}" if checked else ""), quantities=quantities,
        claim_id=claim_id or guessed.claim_id,
        internal=True,  # how the desk found it: not for readers
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
