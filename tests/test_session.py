"""The edit session's core: what an edit needs first (``needs``), the edit made (``concluded``,
``with_*``), and the review round of :mod:`factcheck.rules` it asks."""

from __future__ import annotations

import datetime as dt

import pytest
from builders import other, reviewed, survey_source

from factcheck.model import Action, Claim, HistoryEntry, Stance, Status, Verdict
from factcheck.rules import review_round
from factcheck.session import concluded, missing_fields, needs, with_list, with_note, with_source, without_source
from factcheck.store import EditRefused

T0 = dt.datetime(2024, 4, 3, 9, 0, tzinfo=dt.timezone.utc)


def moves(*steps: tuple) -> Claim:
    """A claim whose history is ``created`` then the status changes ``(by, after[, action])``."""
    history = [HistoryEntry(at=T0, by="ann", action=Action.CREATED, after="new")]
    status = "new"
    for n, step in enumerate(steps, 1):
        by, after = step[0], step[1]
        action = step[2] if len(step) > 2 else Action.STATUS
        history.append(HistoryEntry(at=T0 + dt.timedelta(minutes=n), by=by, action=action, field="status", before=status, after=after))
        status = after
    return other(status=Status(status), verdict=Verdict.ACCURATE, summary="The survey shows it.", history=history)


def why_not(claim: Claim, by: str) -> list[str]:
    """What the core says a move to published by ``by`` needs first."""
    return [n.what for n in needs(claim, status=Status.PUBLISHED, by=by) if n.what in ("in-review", "second-editor")]


# -- the review round ---------------------------------------------------------------------


def test_the_editor_who_sent_it_to_review_cannot_publish_it_another_can():
    claim = moves(("ann", "researching"), ("ann", "in-review"))
    assert why_not(claim, "ann") == ["second-editor"]
    assert why_not(claim, " ANN ") == ["second-editor"]  # the same handle, whatever its case and spacing
    assert why_not(claim, "bo") == []
    refused = missing_fields(needs(claim, status=Status.PUBLISHED, by="ann"))
    assert refused is not None and refused.message == "support-rose was moved to in-review by ann; a second editor must publish it"
    with pytest.raises(EditRefused, match="moved to in-review by ann"):
        concluded(claim, "ann", status=Status.PUBLISHED, note="Reviewed.")
    published = concluded(claim, "bo", status=Status.PUBLISHED, note="Reviewed.")
    state = review_round(published.history)
    assert (state.status, state.sender, state.published_at, state.fault) == ("published", "ann", 3, None)


def test_a_claim_never_in_review_cannot_be_published():
    claim = moves(("ann", "researching"))
    assert why_not(claim, "bo") == ["in-review"]
    with pytest.raises(EditRefused) as info:
        concluded(claim, "bo", status=Status.PUBLISHED, note="Reviewed.")
    assert info.value.message == "support-rose must pass through in-review first; a second editor then publishes it"
    assert info.value.needs == ("in-review",)


def test_a_claim_sent_back_to_research_needs_a_new_round():
    reopened = moves(("ann", "researching"), ("ann", "in-review"), ("bo", "researching"))
    assert why_not(reopened, "bo") == ["in-review"] and why_not(reopened, "carl") == ["in-review"]
    again = moves(("ann", "researching"), ("ann", "in-review"), ("bo", "researching"), ("bo", "in-review"))
    assert why_not(again, "ann") == [] and why_not(again, "bo") == ["second-editor"]  # the new round is bo's


def test_unpublished_then_republished_is_a_new_round_sent_by_who_took_it_back():
    back = moves(("ann", "researching"), ("ann", "in-review"), ("bo", "published"), ("carl", "in-review"))
    assert why_not(back, "carl") == ["second-editor"]
    assert why_not(back, "ann") == [] and why_not(back, "bo") == []
    researched = moves(("ann", "researching"), ("ann", "in-review"), ("bo", "published"), ("carl", "researching"))
    assert why_not(researched, "ann") == ["in-review"]


def test_undo_restores_the_round_as_it_was():
    # bo publishes, then undoes it: the round is ann's again, so bo may publish, ann may not
    undone = moves(("ann", "researching"), ("ann", "in-review"), ("bo", "published"), ("bo", "in-review", Action.UNDO))
    assert why_not(undone, "bo") == [] and why_not(undone, "ann") == ["second-editor"]
    # carl takes it out of published and undoes that: the same publication, by bo, is back
    restored = moves(("ann", "researching"), ("ann", "in-review"), ("bo", "published"), ("carl", "researching"), ("carl", "published", Action.UNDO))
    state = review_round(restored.history)
    assert (state.status, state.published_at, state.fault) == ("published", 3, None)
    # an undo that lands in 'published' from anywhere else is a publication like any other
    other = moves(
        ("ann", "researching"), ("ann", "in-review"), ("bo", "published"), ("carl", "in-review"), ("dee", "researching"), ("carl", "published", Action.UNDO)
    )
    assert review_round(other.history).fault == "not-reviewed"


def test_a_published_claim_asks_nothing_of_the_review():
    claim = moves(("ann", "researching"), ("ann", "in-review"), ("bo", "published"))
    assert why_not(claim, "ann") == []  # no move to published: a verdict change goes by its correction
    assert [n.what for n in needs(claim, verdict=Verdict.MIXED, by="ann")] == ["correction"]


# -- the edits as values --------------------------------------------------------------------


def test_with_note_appends_one_entry_and_refuses_an_empty_note():
    claim = other()
    noted = with_note(claim, "bo", "  Asked the city for the 2017 poll.  ")
    assert noted.history[:-1] == claim.history
    last = noted.history[-1]
    assert (last.by, last.action, last.note) == ("bo", Action.NOTE, "Asked the city for the 2017 poll.")
    with pytest.raises(EditRefused, match="the note is empty"):
        with_note(claim, "bo", " \n")


def test_with_list_records_before_and_after_and_refuses_no_change():
    claim = other(tags=["polls"])
    tagged = with_list(claim, "bo", "tags", ["polls", "city"])
    last = tagged.history[-1]
    assert tagged.tags == ["polls", "city"]
    assert (last.action, last.field, last.before, last.after) == (Action.TAGS, "tags", "polls", "polls, city")
    related = with_list(claim, "bo", "related", ["bridges-repaired"])
    assert (related.history[-1].action, related.history[-1].before) == (Action.RELATED, None)
    with pytest.raises(EditRefused, match="the tags are unchanged"):
        with_list(claim, "bo", "tags", ["polls"])


def test_with_source_names_the_page_in_its_note():
    claim = other()
    second = survey_source(url="https://example.org/other")
    added = with_source(claim, second, "bo")
    assert [s.url for s in added.sources] == ["https://example.org/survey", "https://example.org/other"]
    last = added.history[-1]
    assert (last.action, last.after, last.note) == (Action.SOURCE_ADDED, "https://example.org/other", "supports: Annual survey 2021 (City of Example)")


def test_without_source_on_a_published_claim_needs_a_correction():
    researching = other()
    removed = without_source(researching, "HTTPS://EXAMPLE.ORG/survey/", "bo", "Wrong page.")  # found by its canonical URL
    assert removed.sources == [] and removed.corrections == []
    with pytest.raises(EditRefused, match="has no source"):
        without_source(researching, "https://example.org/nothing", "bo", "Wrong page.")
    published = other(status=Status.PUBLISHED, verdict=Verdict.ACCURATE, summary="The survey shows it.", then=reviewed())
    with pytest.raises(EditRefused) as refused:
        without_source(published, "https://example.org/survey", "bo", "Wrong page.")
    assert refused.value.needs == ("correction",)
    corrected = without_source(published, "https://example.org/survey", "bo", "Wrong page.", correction="The page was another survey.")
    assert [(c.change, c.reason) for c in corrected.corrections] == [("source removed: https://example.org/survey", "The page was another survey.")]


def test_with_source_changed_refuses_a_correction_it_would_not_record():
    """A published claim's source publisher needs no correction: one given is refused (it
    was dropped without a word), and the change goes through with the note alone."""
    from factcheck.session import with_source_changed

    published = other(status=Status.PUBLISHED, verdict=Verdict.ACCURATE, summary="The survey shows it.", then=reviewed())
    url = published.sources[0].url
    with pytest.raises(EditRefused, match="needs no correction"):
        with_source_changed(published, url, "bo", {"publisher": "City Hall (copy at example.org)"}, "The original publisher.", "Why.")
    changed = with_source_changed(published, url, "bo", {"publisher": "City Hall (copy at example.org)"}, "The original publisher.")
    assert changed.sources[0].publisher == "City Hall (copy at example.org)" and changed.corrections == published.corrections
    stance = with_source_changed(published, url, "bo", {"stance": Stance.CONTEXT}, "Context only.", "It does not say so.")
    assert len(stance.corrections) == len(published.corrections) + 1
