"""The numbers a sentence states, as :class:`~factcheck.model.Quantity` values. No I/O.

``extract("rose from 57 percent in 2017 to 68 percent in 2021")`` gives 57 percent as
of 2017 and 68 percent as of 2021. What it reads: numbers in digits ("100,000", "2.5")
and in words ("twenty-four", "ten"), with a scale ("10 million", "$5 billion"), a
currency (``$``, ``€``, ``£``, "dollars", "rubles" ...), a percent sign or word, or a
noun after them as the unit ("ten countries"; "24 Tajiks" and other capitalised plurals
count ``people``). A qualifier just before a number ("almost", "up to", "about") is kept
in the quoted ``text``, so the words a checker compares stay whole. A year is not a
quantity: "in 2021" after a number is that number's ``as_of``, and a year that opens
the sentence ("In 2019, ...", "At the beginning of 2024, ...") dates every number in it
that has no year of its own. Dates ("March 22"), decades ("1990s") and ranges of years
("1992–1997") are left out, and so are numbers that name a thing rather than count it
(a model or a flight: "the 777 program", "Boeing 737", "the 737 Max crashes", "Flight
17"). Each ``text`` is a verbatim slice of the sentence.

The extractor proposes; an editor checks. It never invents a unit: a number with no
unit it can name (no noun after it, no "population" or "toll" before it) is left out.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import attrs

from factcheck.model import Quantity, slugged

_ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 1_000_000_000_000}
_CURRENCY_SIGNS = {"us$": "USD", "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₽": "RUB"}
_CURRENCY_WORDS = {
    "dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "pound": "GBP", "pounds": "GBP",
    "ruble": "RUB", "rubles": "RUB", "rouble": "RUB", "roubles": "RUB", "yen": "JPY", "yuan": "CNY",
    "somoni": "TJS", "rupees": "INR",
}
_MONTHS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}
#: Words after a number that are not what it counts.
_NOT_UNITS = {
    "a", "an", "the", "and", "or", "but", "of", "in", "on", "at", "to", "for", "from", "by", "with", "as", "than",
    "into", "over", "under", "per", "is", "are", "was", "were", "be", "been", "has", "have", "had", "will", "would",
    "who", "which", "that", "this", "these", "those", "it", "they", "their", "its", "his", "her", "more", "less",
    "most", "times", "out", "up", "all", "each", "other", "others", "such", "also", "so", "not", "no", "ago",
    "killed", "said", "say", "says", "did", "do", "does", "when", "where", "while",
}
_IRREGULAR_PLURALS = {"people", "men", "women", "children", "police", "staff", "personnel", "troops"}
#: A noun shortly before a number that names what it counts when no noun follows it.
_BEFORE = {"population": "people", "toll": "deaths", "casualties": "casualties", "ranking": "rank", "ranks": "rank", "ranked": "rank"}
_QUALIFIERS = r"(?:almost|about|around|nearly|over|under|more than|less than|fewer than|up to|at least|at most|some|roughly|approximately|just|only|exactly)"

_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORDS = (
    r"(?:" + "|".join(_TENS) + r")(?:[- ](?:" + "|".join(k for k in _ONES if _ONES[k] and _ONES[k] < 10) + r"))?"
    r"|" + "|".join(sorted(_ONES, key=len, reverse=True))
)
_NUMBER = re.compile(
    r"(?P<qual>\b" + _QUALIFIERS + r"\s+)?"
    r"(?P<cur>US\$|[$€£¥₽])?"
    r"(?:(?<![\w.,-])(?P<digits>" + _DIGITS + r")(?![\w]|[.,]\d)|\b(?P<words>" + _WORDS + r")\b)"
    r"(?:[ -](?P<scale>" + "|".join(_SCALES) + r")\b)?",
    re.I,
)
_PERCENT = re.compile(r"\s?(?:%|percent\b|per cent\b|percentage points?\b)", re.I)
_WORD = re.compile(r"\s+((?:[A-Z]\.){2,}|[A-Za-z][\w’'-]*)")  # "U.S." is one word
_YEAR_MARK = re.compile(r"(?:\bin|\bas of|\bby|\bsince|\buntil|\bthrough|\bfor|\bof)\s+$", re.I)
_OPENING_YEAR = re.compile(r"^(?:in|by|since|as of|at the (?:beginning|start|end) of|(?:early|late|mid-?)\s*|during)\s*((?:1[89]|20)\d\d)\b\s*,?", re.I)


@attrs.frozen
class _Found:
    start: int
    end: int
    value: int | float
    unit: str


def _number(match: re.Match) -> Decimal | None:
    digits, words = match.group("digits"), match.group("words")
    try:
        if digits:
            value = Decimal(digits.replace(",", ""))
        else:
            parts = re.split(r"[- ]", words.lower())
            value = Decimal(sum(_TENS.get(p, _ONES.get(p, 0)) for p in parts))
    except InvalidOperation:
        return None
    scale = match.group("scale")
    if scale:
        value *= _SCALES[scale.lower()]
    return value


def _plain(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _is_year(match: re.Match, value: Decimal) -> bool:
    digits = match.group("digits")
    return bool(
        digits and len(digits) == 4 and digits.isdigit() and 1800 <= value <= 2100
        and not match.group("cur") and not match.group("scale")
    )


def _unit_after(text: str, end: int) -> tuple[str, int] | None:
    """(unit, end of its word) from the words just after a number, or None."""
    sign = _PERCENT.match(text, end)
    if sign:
        return ("percentage-points" if "point" in sign.group().lower() else "percent"), sign.end()
    words: list[re.Match] = []
    at = end
    while len(words) < 3:
        word = _WORD.match(text, at)
        if word is None:
            break
        words.append(word)
        at = word.end()
    if not words:
        return None
    first = words[0].group(1).strip("’'")
    if first.lower() in _CURRENCY_WORDS:
        return _CURRENCY_WORDS[first.lower()], words[0].end()
    if first.lower() in _NOT_UNITS or first.lower() in _MONTHS:
        return None
    for word in words:  # "two prison riots", "two Tajik suicide bombers": the first plural
        token = word.group(1).strip("’'")
        lower = token.lower()
        if lower in _NOT_UNITS:
            break
        if lower in _IRREGULAR_PLURALS:
            return lower, word.end()
        if len(lower) > 3 and lower.endswith("s") and not lower.endswith(("ss", "us", "is")):
            return ("people" if token[0].isupper() else slugged(lower)), word.end()
    if first[0].islower():  # "one path", "ten percent" handled above: a singular noun
        unit = slugged(first)
        return (unit, words[0].end()) if unit else None
    return None


def _unit_before(text: str, start: int) -> tuple[str, int] | None:
    """(unit, where its noun starts) when a noun just before the number names it
    ("population is just 10 million", "ranking 162")."""
    window = max(0, start - 40)
    for word in reversed(list(re.finditer(r"[A-Za-z]+", text[window:start]))[-4:]):
        if word.group().lower() in _BEFORE:
            return _BEFORE[word.group().lower()], window + word.start()
    return None


_DETERMINER = re.compile(r"(?:\b(?:the|its|their|this|that|his|her|our|whose|these|those)|\w[’']s)\s+$", re.I)
_NAME_BEFORE = re.compile(r"\b([A-Z][\w-]*)\s+$")


def _is_designation(text: str, match: re.Match) -> bool:
    """A number that names a thing, not an amount: a model ("the 777 program", "Boeing 737",
    "the 737 Max crashes"), a flight or a route ("Flight 17")."""
    if not match.group("digits") or match.group("cur") or match.group("scale") or match.group("qual") or _PERCENT.match(text, match.end()):
        return False
    before = text[:match.start("digits")]
    name = _NAME_BEFORE.search(before)
    if name and name.group(1).lower() not in _NOT_UNITS and not re.fullmatch(_QUALIFIERS, name.group(1), re.I):
        return True
    following = _WORD.match(text, match.end())
    word = following.group(1) if following else ""
    plural = word.lower() in _IRREGULAR_PLURALS or (len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")))
    return bool(_DETERMINER.search(before)) and bool(word) and not plural and word.lower() not in _NOT_UNITS


def _is_date_part(text: str, match: re.Match) -> bool:
    before = re.findall(r"[A-Za-z]+", text[max(0, match.start() - 12):match.start()])
    after = re.match(r"\s*(?:[A-Za-z]+)", text[match.end():])
    return bool(
        (before and before[-1].lower() in _MONTHS and match.group("digits"))
        or (after and after.group().strip().lower() in _MONTHS and match.group("digits"))
        or re.match(r"\s*[–—-]\s*\d", text[match.end():])  # a range such as 1992–1997
        or re.search(r"\d\s*[–—-]\s*$", text[:match.start()])
    )


def extract(text: str) -> list[Quantity]:
    """The quantities ``text`` states, in reading order (see the module's doc)."""
    found: list[_Found] = []
    years: list[tuple[int, int, int]] = []  # (start, end, year)
    for match in _NUMBER.finditer(text):
        value = _number(match)
        if value is None or _is_date_part(text, match) or _is_designation(text, match):
            continue
        number_start = match.start("cur") if match.group("cur") else match.start("digits") if match.group("digits") else match.start("words")
        if _is_year(match, value):
            years.append((number_start, match.end(), int(value)))
            continue
        if match.group("words") and match.group("words").lower() == "one" and not match.group("scale"):
            continue  # "only one path", "one of the": rarely a figure
        end = match.end()
        start = match.start("qual") if match.group("qual") else number_start
        if match.group("cur"):
            unit: str | None = _CURRENCY_SIGNS[match.group("cur").lower()]
        else:
            after = _unit_after(text, end)
            before = _unit_before(text, start) if after is None else None
            if after is not None:
                unit, end = after
            elif before is not None:
                unit, start = before
            else:
                continue
        if not unit:
            continue
        found.append(_Found(start, end, _plain(value), unit))
    return _dated(text, found, years)


def _dated(text: str, found: list[_Found], years: list[tuple[int, int, int]]) -> list[Quantity]:
    as_of: dict[int, int] = {}
    used: set[int] = set()
    for index, item in enumerate(found):
        following = found[index + 1].start if index + 1 < len(found) else len(text)
        for y_start, _y_end, year in years:
            gap = text[item.end:y_start]
            if item.end <= y_start < following and len(gap) <= 30 and _YEAR_MARK.search(gap):
                as_of[index] = year
                used.add(y_start)
                break
    opening = _OPENING_YEAR.match(text.strip())
    if opening and years and found:
        year_start = years[0][0]
        if year_start not in used and year_start < found[0].start:
            for index in range(len(found)):
                as_of.setdefault(index, int(opening.group(1)))
    out: list[Quantity] = []
    seen: set[str] = set()
    for index, item in enumerate(found):
        words = text[item.start:item.end]
        if words in seen:
            continue
        seen.add(words)
        out.append(Quantity(value=item.value, unit=item.unit, text=words, as_of=as_of.get(index)))
    return out
