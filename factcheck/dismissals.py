"""An article folder's dismissed sentences (``dismissed.yaml``): read, checked, matched.

A dismissal says that a sentence of the article was looked at and judged not worth a
claim, by whom and when, so that ``factcheck suggest`` and the review screen's triage
view do not propose it again. The file lives next to the claims, in git::

    dismissed:
      - sentence: "It is worth noting that the attack came as a surprise."
        by: ann
        at: 2024-04-02T10:00:00Z
        reason: "Opinion."

It is read through the one reading path (:func:`factcheck.reading.read_record`) and
written only by :meth:`factcheck.store.ClaimStore.dismiss`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable

import attrs

from factcheck.convert import FieldError
from factcheck.fsio import read_file
from factcheck.model import Dismissal, Dismissals
from factcheck.problems import Problem
from factcheck.reading import internal_error, read_record, today
from factcheck.rules import QuoteIndex, closest_passage, control_chars, normalize
from factcheck.tree import DISMISSED_FILE


@attrs.define
class DismissalsRecord:
    """One dismissals file as read: its entries (None when it cannot be read) and its problems."""

    path: str
    dismissals: Dismissals | None
    problems: list[Problem]

    @property
    def entries(self) -> list[Dismissal]:
        return list(self.dismissals.dismissed) if self.dismissals is not None else []


def path_in(folder: str) -> str:
    return os.path.join(folder, DISMISSED_FILE)


def rules(dismissals: Dismissals, article: QuoteIndex | None, day: dt.date) -> list[FieldError]:
    """The checks of a dismissals file beyond its schema."""
    out = control_chars(dismissals, Dismissals)
    seen: set[str] = set()
    for index, entry in enumerate(dismissals.dismissed):
        where = ("dismissed", index)
        if entry.at.date() > day:
            out.append(FieldError("future-date", f"at {entry.at.isoformat().replace('+00:00', 'Z')} is in the future", (*where, "at")))
        key = normalize(entry.sentence)
        if key in seen:
            out.append(FieldError("duplicate-dismissal", "this sentence is already dismissed above; one entry is enough", (*where, "sentence")))
        seen.add(key)
        if article is not None and not article.contains(entry.sentence):
            passage = closest_passage(entry.sentence, article.text)
            hint = f'; closest passage: "{passage}"' if passage else ""
            out.append(
                FieldError("dismissal-not-found", f"the dismissed sentence does not occur in the article text, so it hides nothing{hint}", (*where, "sentence"))
            )
    return out


def check_bytes(path: str, raw: bytes, article: QuoteIndex | None, day: dt.date | None = None) -> DismissalsRecord:
    """Read and check the bytes of a dismissals file; never raises."""
    when = day or today()
    try:
        found, _, problems = read_record(path, raw, Dismissals, lambda d: rules(d, article, when))
    except Exception as exc:  # noqa: BLE001 - any failure is reported, never raised
        return DismissalsRecord(path, None, [internal_error(path, exc)])
    return DismissalsRecord(path, found, problems)


def load(path: str, article_text: str | None, day: dt.date | None = None) -> DismissalsRecord:
    """The dismissals file at ``path``, checked against the article's text (if readable)."""
    got = read_file(path)
    if isinstance(got, Problem):
        return DismissalsRecord(path, None, [got])
    return check_bytes(path, got[0], QuoteIndex(article_text) if article_text is not None else None, day)


def load_in(folder: str, article_text: str | None) -> DismissalsRecord:
    """The dismissals of an article folder (none, and no problem, when it has no such file)."""
    path = path_in(folder)
    if not os.path.lexists(path):
        return DismissalsRecord(path, Dismissals([]), [])
    return load(path, article_text)


def keys(entries: Iterable[Dismissal]) -> set[str]:
    """The dismissed sentences as compared (whitespace and curly quotes forgiven)."""
    return {normalize(e.sentence) for e in entries}


def is_dismissed(sentence: str, dismissed: set[str]) -> bool:
    return normalize(sentence) in dismissed
