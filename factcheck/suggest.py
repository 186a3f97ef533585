"""Check-worthy sentences of an article: split, score, guess kind and claimant.

No Textual and no network here. The scorer averages the log-odds of two logistic
regressions: one over named, readable features (numbers, dates, names, attribution,
comparison, cause, prediction, hedges, first person) and single words, only those used
in many debates; one over the sentence's meaning, its vector and its neighbours'
(:func:`in_context`, vectors from :mod:`factcheck.match.semantic`, loaded the first time
a sentence is scored). Their weights ship in ``factcheck/data/checkworthiness.json``;
``bench/checkworthiness.py`` fits them with scikit-learn on the English training data of
the CLEF 2019 CheckThat! Lab, Task 1 (Atanasova et al., "Overview of the CLEF-2019
CheckThat! Lab: Automatic Identification and Verification of Claims. Task 1:
Check-Worthiness", CEUR-WS Vol-2380), choosing its settings by leave-one-file-out.
``score(sentences)`` takes the sentences of one text in reading order.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Iterable, Sequence
from importlib import resources
from typing import TYPE_CHECKING

import attrs

from factcheck.attribution import AUTHOR, Attribution, attribute
from factcheck.model import Kind
from factcheck.rules import normalize

if TYPE_CHECKING:
    import numpy as np

MODEL_FILE = "checkworthiness.json"

# -- sentences ----------------------------------------------------------------------

#: Words after which a full stop does not end a sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "gen", "gov", "sen", "rep", "col", "lt", "sgt", "capt",
    "vs", "etc", "e.g", "i.e", "u.s", "u.k", "u.n", "no", "nos", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "inc", "ltd", "co", "corp", "approx", "fig", "al", "ca", "cf",
}
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+)|\n\s*\n|\n(?=\s*[-*•#])")


@attrs.frozen
class Span:
    """A sentence of a text: where it starts and ends, and its words, verbatim."""

    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Span]:
    """The sentences of ``text`` as verbatim spans (paragraph breaks always end one)."""
    spans: list[Span] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        if match.group().startswith((".",)) and not match.group().startswith(".."):
            word = re.search(r"([\w.]+)\.$", text[start:match.start() + 1])
            last = word.group(1).lower() if word else ""
            following = text[end:end + 3].lstrip()[:1]
            if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()) or (following and following.islower()):
                continue
        _add(spans, text, start, end)
        start = end
    _add(spans, text, start, len(text))
    return spans


def _add(spans: list[Span], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    trail = len(piece.rstrip())
    if trail > lead:
        spans.append(Span(start + lead, start + trail, piece[lead:trail]))


# -- features -----------------------------------------------------------------------

_TOKEN = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|\d[\d,.]*")
_NUMBER = re.compile(r"\d")
_NUMBER_WORDS = re.compile(
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|"
    r"million|billion|trillion|dozens?|half|third|quarter|percent|per cent)\b", re.I,
)
_PERCENT = re.compile(r"%|\bper ?cent\b|\bpercentage\b", re.I)
_MONEY = re.compile(r"[$€£¥]|\b(dollars?|euros?|pounds|rubles?|roubles?|budget|tax(es)?|deficit|debt|gdp|wages?|income)\b", re.I)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)s?\b")
_DATE = re.compile(
    r"\b(january|february|march|april|may|june|july|august|september|october|november|december|"
    r"yesterday|last (week|month|year)|this year|decade|century)\b", re.I,
)
_ATTRIBUTION = re.compile(
    r"\b(said|says|say|told|stated|claimed|claims|announced|reported|according to|estimates?|estimated|"
    r"found|shows?|showed|survey|poll|study|data|statistics|figures?|report)\b", re.I,
)
_COMPARATIVE = re.compile(
    r"\b(more|less|fewer|most|least|largest|biggest|highest|lowest|smallest|worst|best|only|first|last|"
    r"increase[sd]?|decrease[sd]?|rose|risen|fell|fallen|doubled|tripled|grew|grown|record|than|since|ever|never)\b|"
    r"\b\w+er than\b", re.I,
)
_CAUSAL = re.compile(r"\b(because|caused?|causes|led to|leads to|due to|result(ed|s)? in|as a result|therefore|thanks to|driven by|drives?)\b", re.I)
_PREDICTION = re.compile(r"\b(will|won't|going to|would|likely|unlikely|expect(ed|s)?|forecast|predict(ed|s)?)\b", re.I)
_HEDGE = re.compile(r"\b(maybe|perhaps|i think|i believe|i feel|might|could|possibly|probably|seems?|hope|should)\b", re.I)
_FIRST = re.compile(r"\b(i|i'm|i've|i'll|me|my|we|we're|we've|we'll|us|our)\b", re.I)
_SECOND = re.compile(r"\b(you|your|you're|you've)\b", re.I)
_NEGATION = re.compile(r"\b(not|no|never|none|nobody|n't)\b|n't\b", re.I)
_LAW = re.compile(r"\b(law|bill|act|voted?|votes|passed|signed|legislation|treaty|agreement|deal|policy|plan|program)\b", re.I)
_CAPITAL = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+")
_ACRONYM = re.compile(r"\b[A-Z]{2,}(?:-[A-Z]+)?\b")


def _bucket(n: int, edges: Sequence[int]) -> int:
    for i, edge in enumerate(edges):
        if n <= edge:
            return i
    return len(edges)


def hand_features(sentence: str) -> dict[str, float]:
    """The named features of a sentence (1.0 = present); readable on their own."""
    words = _TOKEN.findall(sentence)
    n = len(words)
    out: dict[str, float] = {f"len:{_bucket(n, (3, 6, 10, 16, 25, 40))}": 1.0}
    checks = (
        ("number", _NUMBER.search(sentence)),
        ("number-word", _NUMBER_WORDS.search(sentence)),
        ("percent", _PERCENT.search(sentence)),
        ("money", _MONEY.search(sentence)),
        ("year", _YEAR.search(sentence)),
        ("date", _DATE.search(sentence)),
        ("attribution", _ATTRIBUTION.search(sentence)),
        ("comparative", _COMPARATIVE.search(sentence)),
        ("causal", _CAUSAL.search(sentence)),
        ("prediction", _PREDICTION.search(sentence)),
        ("hedge", _HEDGE.search(sentence)),
        ("first-person", _FIRST.search(sentence)),
        ("second-person", _SECOND.search(sentence)),
        ("negation", _NEGATION.search(sentence)),
        ("policy", _LAW.search(sentence)),
        ("question", sentence.rstrip().endswith("?")),
        ("acronym", _ACRONYM.search(sentence)),
    )
    for name, hit in checks:
        if hit:
            out[name] = 1.0
    names = len(_CAPITAL.findall(sentence))
    if names:
        out[f"names:{_bucket(names, (1, 2, 4))}"] = 1.0
    return out


def _word(token: str) -> str:
    return "<num>" if token[0].isdigit() else token.lower()


def features(sentence: str) -> dict[str, float]:
    """Every feature the model reads: the named ones, and ``w:`` words (lower case, numbers as ``<num>``)."""
    out = hand_features(sentence)
    for t in _TOKEN.findall(sentence):
        out["w:" + _word(t)] = 1.0
    return out


# -- the model ----------------------------------------------------------------------


def in_context(vectors: np.ndarray) -> np.ndarray:
    """Each row of ``vectors`` (sentences in reading order) next to the mean of its
    neighbours' rows, the one before and the one after (a row of zeros stands for a
    neighbour the first or the last sentence lacks): what the semantic part reads."""
    import numpy as np

    around = np.zeros_like(vectors)
    around[1:] += vectors[:-1]
    around[:-1] += vectors[1:]
    return np.hstack([vectors, around / 2])


def blend(words: Sequence[float], semantic: Sequence[float], share: float) -> list[float]:
    """The log-odds a score is made from: the weighted mean of the words' and the semantic part's (weight ``share``)."""
    return [(a + share * b) / (1 + share) for a, b in zip(words, semantic, strict=True)]


@attrs.frozen
class Semantic:
    """The part of the model that reads meaning: a logistic regression over a sentence's
    vector and its neighbours' (:func:`in_context`), the vectors from
    :func:`factcheck.match.semantic.embed`. ``share``: the weight of its log-odds against
    the words' (weight 1) in the average the score is made from."""

    intercept: float
    weights: tuple[float, ...]
    share: float

    def logits(self, sentences: Sequence[str]) -> list[float]:
        import numpy as np

        from factcheck.match.semantic import embed

        if not sentences:
            return []
        x = in_context(embed(sentences).astype(np.float64))
        return (x @ np.asarray(self.weights) + self.intercept).tolist()

    @classmethod
    def from_json(cls, data: dict) -> "Semantic":
        return cls(float(data["intercept"]), tuple(float(w) for w in data["weights"]), float(data["share"]))


@attrs.frozen
class Model:
    """Named features and words (``intercept``, ``weights``), and optionally the semantic part."""

    intercept: float
    weights: dict[str, float]
    semantic: Semantic | None = None

    def logit(self, sentence: str) -> float:
        """The log-odds the words and named features give, from the sentence alone."""
        return self.intercept + sum(self.weights.get(name, 0.0) * value for name, value in features(sentence).items())

    def score_all(self, sentences: Sequence[str]) -> list[float]:
        """The score of each sentence of a text in reading order (the semantic part reads its neighbours)."""
        z = [self.logit(s) for s in sentences]
        if self.semantic is not None:
            z = blend(z, self.semantic.logits(sentences), self.semantic.share)
        return [1.0 / (1.0 + math.exp(-v)) for v in z]

    def score(self, sentence: str) -> float:
        """The score of a sentence on its own (no neighbours)."""
        return self.score_all([sentence])[0]

    @classmethod
    def from_json(cls, data: dict) -> "Model":
        semantic = Semantic.from_json(data["semantic"]) if data.get("semantic") else None
        return cls(float(data["intercept"]), {str(k): float(v) for k, v in data["weights"].items()}, semantic)


@functools.lru_cache(maxsize=1)
def model() -> Model:
    """The model shipped in the package."""
    raw = resources.files("factcheck").joinpath("data", MODEL_FILE).read_text(encoding="utf-8")
    return Model.from_json(json.loads(raw))


def score(sentences: Iterable[str]) -> list[float]:
    """Check-worthiness of each sentence, between 0 and 1 (higher: more worth checking).

    Give the sentences of one text in reading order: a sentence's score depends on it and
    on the sentences just before and after it, and on nothing else."""
    return model().score_all(list(sentences))


# -- kind and claimant -------------------------------------------------------------

_WILL = re.compile(
    r"\b(will|won[’']t|shall|going to|(?:is|are|was|were|seems?)\s+(?:\w+\s+)?(?:likely|unlikely|set|expected|poised|due) to|"
    r"forecasts?|predicts?|projected to|on track to|plans? to|intends? to|next (?:year|month|week))\b", re.I,
)
_CAUSE = re.compile(
    r"\b(because|caused?|causes|causing|led to|leads? to|leading to|due to|resulted in|results? in|as a result|therefore|thanks to|"
    r"driven by|drives?|which means|worsened|fuell?ed|sparked|triggered|blamed (?:on|for)|so that)\b", re.I,
)
_OPINION = re.compile(
    r"\b(should|must|ought|i think|i believe|we believe|in my view|hard to (?:imagine|see|say)|far (?:easier|harder|better|worse)|"
    r"do(?:es)? little|only one path|it is (?:clear|obvious)|needs? to)\b|\?\W*$", re.I,
)
_COPULA = re.compile(
    r"\b(?:is|are|was|were|remains?|remained|becomes?|became|has become|have become|has been|have been|had been)\s+"
    r"(?:(?:also|particularly|already|still|not|largely|so|very|now|increasingly|generally|often|no longer|among)\s+)*"
    r"(?P<next>\w+)(?:\s+(?P<after>\w+))?", re.I,
)
_EVALUATIVE = re.compile(
    r"\b(only|one of the|\w+est|most|worst|best|biggest|largest|common|acute|norm|notorious|famous|corrupt|authoritarian|"
    r"independent|poor|rich|powerful|weak|strong|main|key|major|growing)\b", re.I,
)


def _characterizes(sentence: str) -> bool:
    """A copula and what it says the subject is ("is a corrupt regime", "is one of the worst",
    "are common"), not a passive ("were repaired") or a continuous tense ("is opening")."""
    for match in _COPULA.finditer(sentence):
        word, after = match.group("next").lower(), (match.group("after") or "").lower()
        if word.endswith(("ed", "en", "ing")) and word not in ("ongoing", "keen"):
            continue
        if word in ("a", "an", "the") and not after.endswith(("ed", "ing")):
            return True
        if word not in ("in", "on", "at", "by", "to", "from", "with", "behind", "there", "able", "likely", "unlikely") and word.isalpha() and word.islower():
            return True
    return bool(_EVALUATIVE.search(sentence)) and not re.search(r"\b\w+ed\b", sentence)


def guess_kind(sentence: str, attribution=None) -> Kind:
    """A first guess at the kind of claim, from the sentence's shape; an editor corrects it.

    ``attribution``: the sentence's :class:`~factcheck.attribution.Attribution` (read from
    the sentence alone when not given). A named speaker who says it makes it an
    ``attribution``; ``quantity`` only when :func:`factcheck.quantities.extract` finds a
    number with a unit (a model number, a year or an ordinal is not one)."""
    from factcheck.attribution import attribute
    from factcheck.quantities import extract

    said = attribute([sentence])[0] if attribution is None else attribution
    if said.says and said.claimant:
        return Kind.ATTRIBUTION
    if _OPINION.search(sentence):
        return Kind.OPINION
    if _WILL.search(sentence):
        return Kind.PREDICTION
    if _CAUSE.search(sentence):
        return Kind.CAUSAL
    if extract(sentence):
        return Kind.QUANTITY
    if _characterizes(sentence):
        return Kind.CHARACTERIZATION
    return Kind.EVENT


def guess_claimant(sentence: str) -> str | None:
    """Who the sentence itself attributes its claim to ("X said", "according to X"), if it names one."""
    from factcheck.attribution import NAMED, attribute

    said = attribute([sentence])[0]
    return said.claimant if said.basis == NAMED else None


# -- candidates ---------------------------------------------------------------------


@attrs.frozen
class Candidate:
    """A sentence of an article, scored, with its guesses and the claims that cover it."""

    line: int  # 1-based position in reading order
    text: str  # verbatim
    score: float
    kind: Kind
    claimant: str | None  # the one the article names (``attribution`` says how it was found)
    claimed_by: tuple[str, ...] = ()
    attribution: Attribution = Attribution(None, AUTHOR)


def _covered(sentence: str, quotes: dict[str, str]) -> tuple[str, ...]:
    norm = normalize(sentence)
    return tuple(sorted(cid for cid, q in quotes.items() if q and (q in norm or norm in q)))


MIN_WORDS = 2
_ENDS = re.compile(r"[.!?…:;][\"'”’)\]]*$")  # a line without one is a heading


def candidates(text: str, claimed: dict[str, str] | None = None, scorer=None) -> list[Candidate]:
    """The sentences of an article in reading order, scored (``claimed``: claim id -> quote;
    ``scorer``: another function like :func:`score`).

    Headings (no closing punctuation) and fragments shorter than :data:`MIN_WORDS` words are left out.
    """
    quotes = {cid: normalize(q) for cid, q in (claimed or {}).items()}
    spans = [s for s in split_sentences(text) if len(_TOKEN.findall(s.text)) >= MIN_WORDS and _ENDS.search(s.text)]
    scores = (scorer or score)([s.text for s in spans])
    said = attribute([s.text for s in spans], text)
    return [
        Candidate(i, s.text, round(sc, 4), guess_kind(s.text, who), who.claimant, _covered(s.text, quotes), who)
        for i, (s, sc, who) in enumerate(zip(spans, scores, said, strict=False), 1)
    ]


def ranked(found: list[Candidate]) -> list[Candidate]:
    return sorted(found, key=lambda c: (-c.score, c.line))


def average_precision(labels_in_rank_order: Sequence[int]) -> float:
    """Average precision of one ranked list (0 if it has no positive), as CLEF CheckThat! 2019 computes it."""
    hits, total = 0, 0.0
    for rank, label in enumerate(labels_in_rank_order, 1):
        if label:
            hits += 1
            total += hits / rank
    return total / hits if hits else 0.0
