"""Claims for tests made in Python and written by the real converter and writer.

``claim(**overrides)`` is the fixture claim ``bridges-repaired`` (``other(...)`` the claim
``support-rose``) with the given fields changed; ``claim_yaml`` and ``other_yaml`` give the
file the writer would make of it, in the canonical layout. A test says which fields it
changes instead of string-replacing lines of a copied YAML text. History entries that
tests often append: :func:`sent_to_review`, :func:`reviewed`; ``published(...)``: ``support-rose``
published after a review by a second editor.

Files that are meant to be broken (bad types, missing keys, comments, odd layout) stay
written as YAML text in the tests that need them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import attrs

from factcheck.convert import unstructure
from factcheck.model import Action, Claim, HistoryEntry, Kind, Source, Stance, Status, Verdict
from factcheck.yaml.render import render_new

UTC = dt.timezone.utc


def at(day: int, hour: int) -> dt.datetime:
    """A moment in April 2024 (UTC), as the fixture histories use."""
    return dt.datetime(2024, 4, day, hour, 0, tzinfo=UTC)


#: When ann sends a claim to review in the fixture histories.
SENT_AT = at(3, 9)


def status_move(before: str, after: str, by: str = "ann", when: dt.datetime = SENT_AT, note: str | None = None) -> HistoryEntry:
    return HistoryEntry(at=when, by=by, action=Action.STATUS, field="status", before=before, after=after, note=note)


def sent_to_review() -> list[HistoryEntry]:
    """ann sends a researching claim to review (conftest's ``SENT_TO_REVIEW``)."""
    return [status_move("researching", "in-review", note="Ready for review.")]


def reviewed() -> list[HistoryEntry]:
    """ann sends it to review, bo publishes it (conftest's ``REVIEWED``)."""
    return [*sent_to_review(), status_move("in-review", "published", by="bo", when=at(3, 10), note="Reviewed.")]


def survey_source(**overrides: Any) -> Source:
    """The source of ``support-rose``."""
    base = Source(
        url="https://example.org/survey", title="Annual survey 2021", publisher="City of Example",
        published=dt.date(2021, 12, 1), accessed=dt.date(2024, 4, 2), excerpt="68 percent support the plan", stance=Stance.SUPPORTS,
    )
    return attrs.evolve(base, **overrides)


def _bridges() -> Claim:
    return Claim(
        id="bridges-repaired",
        text="The mayor said 24 bridges were repaired in 2023.",
        quote="The mayor said that 24 bridges were repaired in 2023.",
        claimant="The mayor",
        kind=Kind.QUANTITY,
        status=Status.NEW,
        tags=["infrastructure"],
        related=["support-rose"],
        history=[HistoryEntry(at=at(1, 9), by="ann", action=Action.CREATED, after="new", note="Extracted from the article.")],
    )


def _support() -> Claim:
    return Claim(
        id="support-rose",
        text="Support for the plan rose from 57% in 2017 to 68% in 2021.",
        quote="Support for the plan rose from 57 percent in 2017 to 68 percent in 2021, according to the city's \"annual survey.\"",
        claimant="City survey",
        kind=Kind.QUANTITY,
        status=Status.RESEARCHING,
        sources=[survey_source()],
        history=[
            HistoryEntry(at=at(1, 9), by="ann", action=Action.CREATED, after="new"),
            status_move("new", "researching", when=at(2, 10), note="Looking for the survey."),
        ],
    )


def _built(base: Claim, then: Sequence[HistoryEntry], overrides: dict[str, Any]) -> Claim:
    built = attrs.evolve(base, **overrides)
    return attrs.evolve(built, history=[*built.history, *then]) if then else built


def claim(then: Sequence[HistoryEntry] = (), **overrides: Any) -> Claim:
    """``bridges-repaired`` with ``overrides``; ``then``: history entries appended to its history."""
    return _built(_bridges(), then, overrides)


def other(then: Sequence[HistoryEntry] = (), **overrides: Any) -> Claim:
    """``support-rose`` with ``overrides``; ``then``: history entries appended to its history."""
    return _built(_support(), then, overrides)


def published(**overrides: Any) -> Claim:
    """``support-rose`` published: verdict accurate, a summary, sent to review by ann and published by bo."""
    fields: dict[str, Any] = {"status": Status.PUBLISHED, "verdict": Verdict.ACCURATE, "summary": "The survey shows it.", **overrides}
    return other(then=reviewed(), **fields)


def as_yaml(built: Claim) -> str:
    """The file the writer makes of ``built`` (the canonical layout)."""
    return render_new(unstructure(built)).decode("utf-8")


def claim_yaml(then: Sequence[HistoryEntry] = (), **overrides: Any) -> str:
    return as_yaml(claim(then, **overrides))


def other_yaml(then: Sequence[HistoryEntry] = (), **overrides: Any) -> str:
    return as_yaml(other(then, **overrides))


def published_yaml(**overrides: Any) -> str:
    return as_yaml(published(**overrides))
