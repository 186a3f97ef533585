"""Words of a text as the matcher counts them: lower case, stop words out, Snowball-stemmed.

One tokenizer for candidates and queries alike (and for the near-duplicate rule of validate, :mod:`factcheck.similar`), so both sides meet on the same terms.
PyStemmer (Snowball's C stemmer) does the stemming; each distinct word is stemmed once
per process and remembered.
"""

from __future__ import annotations

import re

import Stemmer

#: English stop words (the Snowball list, and a few words of tweets and fact-check
#: headlines that carry no claim: "rt", "via", "says", "claim").
STOP_WORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before being below between both but by
    can could did do does doing down during each few for from further had has have having he her here hers herself him
    himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other
    our ours ourselves out over own same she should so some such than that the their theirs them themselves then there
    these they this those through to too under until up very was we were what when where which while who whom why will
    with would you your yours yourself yourselves s t don didn doesn isn wasn aren weren won wouldn shouldn couldn ll re ve
    d m o y ain also rt via amp
    """.split()
)

_WORD = re.compile(r"[^\W_]+")
_URL = re.compile(r"https?://\S+|\bpic\.twitter\.com/\S+|\bwww\.\S+", re.IGNORECASE)
#: Longer "words" are ids, hashes or glued URLs: never a shared term worth counting.
MAX_WORD = 30

_stemmer = Stemmer.Stemmer("english")
#: Each word seen: its stem, or None for a stop word or an over-long word.
_stems: dict[str, str | None] = {}


def clean(text: str) -> str:
    """``text`` without its links (a tweet's ``pic.twitter.com/...`` and URLs match nothing)."""
    return _URL.sub(" ", text)


def terms(text: str) -> list[str]:
    """The stemmed words of ``text`` that are not stop words, in order (repeats kept)."""
    words = _WORD.findall(text.lower())
    stems = _stems
    if len(stems) > 2_000_000:  # a feed of random words: do not grow without end
        stems.clear()
    missing = [w for w in words if w not in stems]
    if missing:
        missing = list(dict.fromkeys(missing))
        kept = [w for w in missing if w not in STOP_WORDS and len(w) <= MAX_WORD]
        stems.update(dict.fromkeys(missing))
        stems.update(zip(kept, _stemmer.stemWords(kept), strict=True))
    return [s for w in words if (s := stems[w]) is not None]
