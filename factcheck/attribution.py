"""Who makes the claim of a sentence: the person or organisation it attributes it to.

``attribute(sentences)`` reads an article's sentences in order and gives each an
:class:`Attribution`: the claimant the sentence names ("X said", "X told reporters",
"according to X", "X announced", "X's statement", "X claims", "X wrote", "in X's
words"), one named earlier when the sentence says "he said" or "the airline announced",
an unnamed one ("officials said"), or none: the article's author asserts it. A date, a
weekday, a month, a time word, a pronoun or a bare role word ("officials", "the
company") is never a claimant. Titles are dropped ("Russian President Vladimir Putin"
is "Vladimir Putin"). No I/O; the editor checks every guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import attrs

#: How an attribution was found (``Attribution.basis``).
NAMED, EARLIER, UNNAMED, AUTHOR, QUESTION = "named", "earlier", "unnamed", "author", "question"

_SAY = (
    r"(?:said|says|say|told|tells|stated|states|claimed|claims|announced|announces|argued|argues|warned|warns|insisted|insists|"
    r"noted|notes|reported|wrote|writes|added|adds|explained|explains|confirmed|confirms|denied|denies|estimated|estimates|"
    r"predicted|predicts|alleged|alleges|declared|declares|stressed|acknowledged|admitted|tweeted|posted|disclosed|revealed|"
    r"maintained|maintains|believes|contends|asserted|asserts|responded|replied|forecast|forecasts|expects|"
    r"reports(?=\s+that\b)|went\s+on\s+to(?=\s*[\"“]))"
)
_NOT_SAYING = r"(?!\s+(?:responsibility|credit|the lives?|victory|the title|a seat|\d))"
_WORD = r"[A-Z][\w’'.&-]*"
_LINK = r"(?:of|the|for|and|de|al|von|van|in|on)"
_NAME = r"(" + _WORD + r"(?:\s+(?:" + _LINK + r"\s+){0,2}" + _WORD + r"){0,6})"
_ADVERB = r"(?:also|previously|repeatedly|later|earlier|recently|again|publicly|then|has|had|have|once|first|reportedly|\w+ly)"
_APPOSITION = r"(?:,\s+(?:[a-z]+|\w+’s|\w+'s)\b[^,;“”\"]{0,90},)?"  # ", the airline's president,", ", however,"
_ROLE_SUBJECT = r"\b((?:[Tt]he|[Tt]his|[Tt]hat|[Ii]ts|[Tt]heir|[Aa]n?)\s+(?:[a-z][\w-]*\s+){0,3}?([a-z][\w-]*))"

_SPOKES = r"(?:spokes(?:man|woman|person|people)|officials?|representatives?|sources?|statement|executives?)"
_STATEMENT = r"(?:statement|announcement|claim|remarks|comments|report|estimate|words|assertion|address|post|letter|tweet)"
#: A named subject that says it.
_SAYS = (
    re.compile(r"\b(?:[Aa]n?|[Tt]he)\s+" + _NAME + r"\s+" + _SPOKES + r"\s+(?:" + _ADVERB + r"\s+){0,2}" + _SAY + r"\b"),
    re.compile(r"\b[Ii]n\s+" + _NAME + r"[’']s?\s+(?:own\s+)?words\b"),
    re.compile(r"\b" + _NAME + r"[’']s?\s+(?:\w+\s+)?" + _STATEMENT + r"\b"),
    re.compile(r"\b" + _NAME + _APPOSITION + r"\s+(?:" + _ADVERB + r"\s+){0,2}" + _SAY + r"\b" + _NOT_SAYING),
    re.compile(r"[,“”\"’]\s*" + _SAY + r"\s+" + _NAME),
)
#: A named source; it yields to a subject who says it ("X said …, according to Y": X).
_SOURCES = (
    re.compile(r"\b[Aa]ccording\s+to\s+(?:(?:the\s+)?[a-z][\w-]*\s+(?:by|from|of)\s+)?(?:[a-z][\w-]*\s+){0,4}" + _NAME),
    re.compile(r"\bper\s+" + _NAME + r"\W*$"),
)
_ACCORDING_UNNAMED = re.compile(r"\b[Aa]ccording\s+to\s+((?:the|a|an|its|their|some|one|two|several)\s+[^,.;:()“”\"]{1,60})")
_PRONOUN_SUBJECT = re.compile(r"\b(he|she|they|we|I|it)\s+(?:" + _ADVERB + r"\s+){0,2}" + _SAY + r"\b" + _NOT_SAYING, re.I)
_ROLE_SAY = re.compile(_ROLE_SUBJECT + r"\s+(?:" + _ADVERB + r"\s+){0,2}" + _SAY + r"\b" + _NOT_SAYING)
_BARE_SAY = re.compile(r"(?i)\b((?:[a-z][\w-]*\s+){0,2}?(officials|analysts|experts|sources|critics|observers|residents|people|economists|"
                       r"investigators|authorities|witnesses|lawmakers|executives|diplomats|scientists|researchers|media|reports))\s+"
                       r"(?:" + _ADVERB + r"\s+){0,2}" + _SAY + r"\b" + _NOT_SAYING)

_TIME_WORDS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april",
    "may", "june", "july", "august", "september", "october", "november", "december", "today", "yesterday", "tomorrow",
    "tonight", "morning", "afternoon", "evening", "night", "week", "month", "year", "earlier", "later", "last", "next",
    "recently", "now", "then", "meanwhile", "however", "also", "but", "and", "so", "still", "since", "after", "before",
}
_PRONOUNS = {
    "i", "he", "she", "it", "we", "they", "you", "this", "that", "these", "those", "there", "who", "which", "one", "someone",
    "some", "many", "most", "few", "several", "both", "all", "other", "others", "each", "such", "any", "no", "what",
}
#: Words that name a role, not who holds it.
ROLE_WORDS = {
    "official", "officials", "spokesman", "spokeswoman", "spokesperson", "spokespeople", "analyst", "analysts", "expert",
    "experts", "source", "sources", "critic", "critics", "company", "airline", "carrier", "firm", "manufacturer",
    "planemaker", "group", "government", "ministry", "agency", "embassy", "president", "minister", "mayor", "governor",
    "report", "survey", "study", "poll", "court", "council", "police", "authorities", "statement", "people", "observers",
    "residents", "ceo", "chief", "executive", "executives", "chairman", "director", "bank", "administration", "department",
    "organization", "organisation", "party", "campaign", "team", "office", "union", "regulator", "lender", "startup",
    "automaker", "retailer", "maker", "operator", "owner", "club", "country", "state", "city", "leader", "leaders",
}
_ORG_ROLES = {
    "company", "airline", "carrier", "firm", "manufacturer", "planemaker", "group", "bank", "lender", "automaker", "retailer", "maker",
    "startup", "regulator", "ministry", "agency", "government", "embassy",
}
_TITLES = (
    r"(?:President|Vice\s+President|Prime\s+Minister|Deputy\s+Prime\s+Minister|Foreign\s+Minister|Minister|Secretary(?:\s+of\s+State)?|"
    r"Chancellor|Senator|Sen\.|Rep\.|Representative|Governor|Gov\.|Mayor|General|Gen\.|Judge|Justice|Ambassador|Chief\s+Executive|"
    r"Chief\s+Executive\s+Officer|CEO|CFO|COO|Chairman|Chairwoman|Chair|Director|Spokesman|Spokeswoman|Spokesperson|Professor|Prof\.|"
    r"Dr\.|Mr\.|Mrs\.|Ms\.|Sir|King|Queen|Prince|Pope|Commissioner|Economist|Analyst|Founder|Leader|Speaker|Head)"
)
_TITLE_PREFIX = re.compile(r"^(?:[A-Z][\w’'.-]*\s+){0,3}?" + _TITLES + r"\s+(?=[A-Z])")
_ORG_WORDS = re.compile(
    r"\b(Center|Centre|Embassy|Ministry|Inc|Corp|Group|Airlines?|Airways|Bank|Company|Agency|Council|Committee|Office|"
    r"Department|Institute|University|Party|Government|Association|Union|Organization|Fund|News|Times|Post|Service|Court|"
    r"Commission|Board|Administration|Authority|Foundation|Network|Reuters|Kremlin|Pentagon)\b"
)


@attrs.frozen
class Attribution:
    """Who claims a sentence, and how that was found (``basis``: one of ``named``, ``earlier``,
    ``unnamed``, ``author``, ``question``); ``said_by`` is the words that say it
    ("the airline", "he") when the name was found elsewhere or not at all."""

    claimant: str | None
    basis: str
    said_by: str = ""
    says: bool = False  # a speaker says it ("X said", "he told"), not a source ("according to X")

    def explain(self) -> str:
        """One phrase for the dialog and the creation note."""
        return {
            NAMED: "the claimant is named in the sentence",
            EARLIER: f"the claimant is “{self.said_by}” of the sentence, named elsewhere in the article",
            UNNAMED: f"the sentence cites “{self.said_by}” without a name",
            AUTHOR: "the sentence attributes it to no one, so the claimant is the article's author",
            QUESTION: "the sentence asks a question, so nobody asserts it",
        }[self.basis]


def _clean(name: str) -> str | None:
    """The claimant in ``name`` (titles and leading articles dropped), or None when it is a
    time word, a pronoun or a bare role word."""
    name = name.strip(" ,.;:“”\"’'")
    name = re.sub(r"[’']s?$", "", name)
    words = name.split()
    while words and (words[0].lower() in ("the", "a", "an", "and", "but", "of", "for", "in", "on", "by", "from") or words[0].lower() in _TIME_WORDS):
        words = words[1:]  # "On Monday Boeing said": Boeing
    while words and words[-1].lower() in ("in", "on", "of", "the", "and", "for"):
        words = words[:-1]
    if not words:
        return None
    name = re.sub(_TITLE_PREFIX, "", " ".join(words))
    lowered = [w.lower().strip(".,") for w in name.split()]
    if any(w in _TIME_WORDS for w in lowered) and not _ORG_WORDS.search(name):
        return None
    if len(lowered) == 1 and (lowered[0] in _PRONOUNS or lowered[0] in ROLE_WORDS or re.search(r"-[a-z]+$", name)):
        return None  # "he", "officials", "Dubai-based"
    if all(w in ROLE_WORDS or w in ("the", "a", "of") for w in lowered):
        return None
    return name


def named_in(sentence: str, patterns: Sequence[re.Pattern] = _SAYS + _SOURCES) -> str | None:
    """The claimant a sentence names by an attribution, or None."""
    for pattern in patterns:
        for match in pattern.finditer(sentence):
            name = _clean(match.group(1))
            if name:
                return name
    return None


def _is_person(name: str) -> bool:
    return 2 <= len(name.split()) <= 4 and not _ORG_WORDS.search(name)


def _for_role(role: str, text_before: str, earlier: Sequence[str]) -> str | None:
    """The name an article gave ``role`` before ("Emirates President Tim Clark", "the airline
    Emirates", "Emirates, the Dubai-based airline"), else None."""
    word = f"(?i:{re.escape(role)}s?)"
    for pattern in (  # the surest first; within one, the nearest
        re.compile(_NAME + r",\s+(?:the|a|an)\s+(?:[\w-]+\s+){0,3}" + word + r"\b"),
        re.compile(r"\b" + word + r",?\s+" + _NAME),
        re.compile(_NAME + r"\s*(?:[’']s)?\s+(?:[a-z][\w-]*\s+)?" + word + r"\b"),
    ):
        found = [name for match in pattern.finditer(text_before) if (name := _clean(match.group(1))) and name.lower() != role]
        if found:
            return found[-1]
    if role in _ORG_ROLES:  # "the company said", after "Boeing said"
        return next((name for name in reversed(earlier) if not _is_person(name)), None)
    return None


def _complete_from(name: str, text_before: str) -> str:
    """A one-word name completed from the article before it: "Kirby" after "CEO Scott
    Kirby", "United" after "United Airlines"."""
    if " " in name:
        return name
    word = re.escape(name)
    found = [m for m in re.finditer(r"\b([A-Z][\w’'-]*(?:\.(?=\w))?\s+" + word + r"|" + word + r"\s+[A-Z][\w’'-]*)\b", text_before)]
    for match in reversed(found):
        full = _clean(match.group(1))
        if full and " " in full and not re.search(_TITLES + "$", full) and full.split()[0].lower() not in _TIME_WORDS:
            return full
    return name


def attribute(sentences: Iterable[str], text: str = "") -> list[Attribution]:
    """An attribution for each sentence, in order (see the module's doc); ``text`` (the
    article, headings too) is where earlier names are looked for."""
    sentences = list(sentences)
    text = text or " ".join(sentences)
    out: list[Attribution] = []
    earlier: list[str] = []
    at = 0
    for sentence in sentences:
        found = text.find(sentence, at)
        at = found if found >= 0 else at
        got = _one(sentence, text[:at], earlier)
        if got.claimant:
            name = _complete_from(got.claimant, text[:at])
            got = attrs.evolve(got, claimant=name)
            earlier.append(name)
        out.append(got)
    return _quoted_ahead(sentences, out)


def _opens_or_closes(sentence: str) -> bool:
    """Whether a sentence leaves a quotation open or closes one it did not open."""
    return sentence.count("“") != sentence.count("”") or sentence.count('"') % 2 == 1


def _quoted_ahead(sentences: list[str], found: list[Attribution]) -> list[Attribution]:
    """The sentences of a quotation are its speaker's: those before the one that closes it
    with "…,” said X", and one wholly in quotation marks right after "…,” X said."."""
    out = list(found)
    opened: int | None = None
    for i, sentence in enumerate(sentences):
        if opened is None and _opens_or_closes(sentence) and out[i].basis in (AUTHOR, QUESTION):
            opened = i
        elif opened is not None and _opens_or_closes(sentence):
            if out[i].says and out[i].claimant:
                for j in range(opened, i):
                    if out[j].basis in (AUTHOR, QUESTION):
                        out[j] = Attribution(out[i].claimant, EARLIER, "a quotation the article attributes", says=True)
            opened = None
        elif opened is None and i and out[i].basis == AUTHOR and sentence.lstrip().startswith(("“", '"')) and out[i - 1].says and out[i - 1].claimant:
            out[i] = Attribution(out[i - 1].claimant, EARLIER, "a quotation the article attributes", says=True)
    return out


def _one(sentence: str, text_before: str, earlier: Sequence[str]) -> Attribution:
    name = named_in(sentence, _SAYS)
    if name:
        return Attribution(name, NAMED, says=True)
    pronoun = _PRONOUN_SUBJECT.search(sentence)
    if pronoun and pronoun.group(1).lower() in ("he", "she"):
        person = next((n for n in reversed(earlier) if _is_person(n)), None)
        return Attribution(person, EARLIER if person else UNNAMED, pronoun.group(1), says=True)
    role = _ROLE_SAY.search(sentence)
    if role and role.group(2).lower() in ROLE_WORDS:
        org = [w for w in role.group(1).lower().split() if w in _ORG_ROLES]  # "an airline spokesperson": the airline
        resolved = _for_role(org[0] if org else role.group(2).lower(), text_before, earlier)
        return Attribution(resolved, EARLIER if resolved else UNNAMED, role.group(1), says=True)
    name = named_in(sentence, _SOURCES)
    if name:
        return Attribution(name, NAMED)
    cited = _ACCORDING_UNNAMED.search(sentence)
    if cited:
        return Attribution(None, UNNAMED, re.sub(r"[’']s$", "", cited.group(1).strip()))
    bare = _BARE_SAY.search(sentence)
    if bare or (pronoun and pronoun.group(1).lower() == "they"):
        return Attribution(None, UNNAMED, bare.group(1) if bare else "they")
    if sentence.rstrip(" ”\"’)").endswith("?"):
        return Attribution(None, QUESTION)
    return Attribution(None, AUTHOR)


def complete(name: str, known: Iterable[str]) -> str:
    """``name`` as the tree already spells it: "Putin" or "President Vladimir Putin" becomes
    "Vladimir Putin" when a claim already names him so; otherwise ``name`` unchanged."""
    plain = name.casefold()
    best = None
    for other in known:
        folded = other.casefold()
        if folded == plain:
            return other
        if plain.endswith(" " + folded) or folded.endswith(" " + plain) or folded.startswith(plain + " "):
            if best is None or len(other) > len(best):
                best = other
    return best or name
