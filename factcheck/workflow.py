"""The editorial workflow: statuses, publishing, the review round, corrections, what is public.

Free of Textual and of I/O. The writer (:mod:`factcheck.store` through
:mod:`factcheck.session`), the command line, the review screen, ``validate`` (the
rules) and ``validate --base`` all ask this module, so a rule of the workflow is held
in one place.

The correction table is read from the model: a field whose metadata says
``correction: True`` (:data:`factcheck.model.CORRECTED`) changes on a published claim
only with a new entry in ``corrections``; a list field's ``items`` metadata says how its
entries behave (``"corrected"``: removing one needs a correction and each entry's own
fields follow its class's table; ``"append-only"``: entries are added at the end, never
changed or removed; ``"free"``: nothing is asked). A field without it needs no
correction.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from factcheck.model import STATUS_FLOW, VERDICT_NEEDS_STANCE, Action, Claim, Stance, Status, Verdict, Vocabulary, canonical_url

# -- statuses and transitions -------------------------------------------------------------

#: The status whose claims are public: on the site, in its feed, in ClaimReview.
PUBLIC = Status.PUBLISHED
_PUBLIC_WORD = PUBLIC.value
#: Statuses where work on a claim is over (the review screen's "open" leaves them out).
CLOSED: tuple[Status, ...] = (Status.PUBLISHED, Status.DISMISSED)
_CLOSED_WORDS = frozenset(s.value for s in CLOSED)  # a Status is its word too (a str enum)


def is_public(status: Status | str | None) -> bool:
    """Whether a claim with ``status`` (the word or the enum) is public: site, feed, ClaimReview."""
    return status is PUBLIC or status == _PUBLIC_WORD


def is_open(status: Status | str | None) -> bool:
    """Whether a claim with ``status`` is still being worked on."""
    return status not in _CLOSED_WORDS


def next_status(status: Status) -> Status | None:
    """The usual next step after ``status`` (None: none, it is the end or off the flow)."""
    if status not in STATUS_FLOW:
        return None
    index = STATUS_FLOW.index(status)
    return STATUS_FLOW[index + 1] if index + 1 < len(STATUS_FLOW) else None


def sets_status(entry: Any) -> bool:
    """Whether a history entry sets the status (to its ``after``)."""
    return (entry.action is Action.CREATED or entry.field == "status" or entry.action is Action.STATUS) and entry.after is not None


# -- what makes a claim publishable -------------------------------------------------------


def publish_gaps(verdict: Verdict | None, summary: str | None, sources: Sequence[Any]) -> list[tuple[str, str]]:
    """(what to fill first, why) for each thing a published claim lacks: a verdict, a summary, a source."""
    out = []
    if verdict is None:
        out.append(("verdict", "a published claim needs a verdict"))
    if not (summary or "").strip():
        out.append(("summary", "a published claim needs a summary"))
    if not sources:
        out.append(("source", "a published claim needs at least one source"))
    return out


def stance_gap(verdict: Verdict | None, sources: Iterable[Any]) -> str | None:
    """Why ``verdict`` lacks the evidence it needs (a source of the right stance), or None."""
    stance: Stance | None = VERDICT_NEEDS_STANCE.get(verdict) if verdict is not None else None
    if stance is None or any(s.stance is stance for s in sources):
        return None
    return f"verdict {verdict.value} needs at least one source that {stance.value.rstrip('s')}s it"  # type: ignore[union-attr]


# -- review by a second person ------------------------------------------------------------

_IN_REVIEW = Status.IN_REVIEW.value


def same_editor(a: str | None, b: str | None) -> bool:
    """Whether two editor handles name the same editor (case and spacing aside)."""
    if a is None or b is None:
        return False
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


@attrs.frozen
class ReviewRound:
    """Where a claim stands in the review workflow after (part of) its history.

    ``sender``: who moved it into ``in-review`` for the round it is in (None when it is
    in no round: before review, or sent back to research). ``published_at``: the index
    of the history entry that published it, while it is published; ``fault``: why that
    publication broke the second-person rule (``"not-reviewed"``, ``"self-published"``),
    or None.
    """

    status: str | None = None
    sender: str | None = None
    published_at: int | None = None
    fault: str | None = None


def publish_fault(state: ReviewRound, by: str | None) -> str | None:
    """Why publishing now by ``by`` would break the second-person rule, or None.

    It must come straight from ``in-review`` (the current round), and ``by`` must not be
    the editor who moved it there. ``by`` None checks only the first.
    """
    if state.status != _IN_REVIEW or state.sender is None:
        return "not-reviewed"
    if same_editor(state.sender, by):
        return "self-published"
    return None


def review_round(history: Iterable[Any], changes: Iterable[tuple[int, Any]] | None = None) -> ReviewRound:
    """The review round a history leaves a claim in (works on the fast checker's structs too).

    The status changes are read in order:

    * a move into ``in-review`` starts a round; its editor is the round's sender (a
      published claim taken back to ``in-review`` starts a new round, sent by whoever
      took it back);
    * a move into ``published`` ends the round: valid when it came straight from
      ``in-review`` and its editor is not the sender;
    * a move to any other status (back to research, dismissed ...) ends the round
      without a publication: publishing later needs a new round;
    * an ``undo`` that sets the status back to what it was before the change it takes
      back restores the round as it was then: undoing a publication reopens the same
      round (same sender), undoing an unpublication restores the same publication.
    """
    # Each state as (status, sender, published_at, fault): made for every status change, so plain tuples.
    states: list[tuple[str | None, str | None, int | None, str | None]] = [(None, None, None, None)]
    for index, entry in changes if changes is not None else ((i, e) for i, e in enumerate(history) if sets_status(e)):
        last, after = states[-1], entry.after
        if entry.action is Action.UNDO and len(states) >= 2 and states[-2][0] == after:
            state = states[-2]
        elif after == _IN_REVIEW:
            state = (_IN_REVIEW, entry.by, None, None)
        elif after == _PUBLIC_WORD:
            state = last if last[0] == _PUBLIC_WORD else (_PUBLIC_WORD, last[1], index, publish_fault(ReviewRound(*last), entry.by))
        else:
            state = (after, None, None, None)
        states.append(state)
    return ReviewRound(*states[-1])


def review_refusal(state: ReviewRound, by: str | None, claim_id: str = "it") -> tuple[str, str] | None:
    """(what would let it through, why) when publishing now by ``by`` breaks the rule, else None.

    ``what``: ``"in-review"`` (send it to review first) or ``"second-editor"``.
    """
    fault = publish_fault(state, by)
    if fault == "not-reviewed":
        return "in-review", f"{claim_id} must pass through in-review first; a second editor then publishes it"
    if fault == "self-published":
        return "second-editor", f"{claim_id} was moved to in-review by {state.sender}; a second editor must publish it"
    return None


def publish_needs(claim: Claim, by: str | None, verdict: Verdict | None, summary: str | None) -> list[tuple[str, str]]:
    """(what, why) a move of ``claim`` to ``published`` by ``by`` needs, with this verdict and summary.

    ``what``: a review step (``"in-review"``, ``"second-editor"``), ``"note"`` (the review
    note), or a field to fill first (``"verdict"``, ``"summary"``, ``"source"``).
    """
    out: list[tuple[str, str]] = []
    review = review_refusal(review_round(claim.history), by, claim.id)
    if review is not None:
        out.append(review)
    out.append(("note", "a review note: why the evidence is sufficient"))
    out += publish_gaps(verdict, summary, claim.sources)
    gap = stance_gap(verdict, claim.sources)
    if gap is not None:
        out.append(("source", gap))
    return out


# -- what of the history is public ----------------------------------------------------------


def public_history(history: Iterable[Any]) -> list[dict]:
    """The history entries a reader of the site is shown, in their export shape (dicts).

    An entry marked ``internal`` keeps its place (what happened, when) without its note;
    an internal ``note`` entry, which is nothing but its note, is left out whole.
    """
    out = []
    for entry in history:
        if not entry.get("internal"):
            out.append(dict(entry))
        elif entry.get("action") != Action.NOTE.value:
            out.append({k: v for k, v in entry.items() if k not in ("note", "internal")})
    return out


# -- the first-published date -------------------------------------------------------------


_STATUS_WORD = Action.STATUS.value


def first_published_at(history: Iterable[Any]) -> Any:
    """When a claim was first published: the ``at`` of the first ``status`` entry to ``published``.

    Works on history entries and on their export shape (dicts, ``at`` as recorded).
    """
    for entry in history:
        if isinstance(entry, dict):
            if entry.get("action") == _STATUS_WORD and entry.get("after") == _PUBLIC_WORD:
                return entry.get("at")
        elif entry.action is Action.STATUS and entry.after == _PUBLIC_WORD:
            return entry.at
    return None


# -- the correction table -----------------------------------------------------------------

#: How the entries of a list field behave on a published claim (its ``items`` metadata).
CORRECTED_ITEMS, APPEND_ONLY, FREE_ITEMS = "corrected", "append-only", "free"


@attrs.frozen
class Rule:
    """What a change of one field of a published record needs."""

    name: str
    corrected: bool  # a changed value needs a correction
    items: str | None = None  # for a list of records: CORRECTED_ITEMS, APPEND_ONLY or FREE_ITEMS
    item_cls: type | None = None


@functools.cache
def table(cls: type) -> tuple[Rule, ...]:
    """The correction table of ``cls``, one :class:`Rule` per field, from the model's field metadata."""
    hints = typing.get_type_hints(cls)
    out = []
    for field in attrs.fields(cls):
        tp = hints[field.name]
        args = typing.get_args(tp)
        item_cls = args[0] if typing.get_origin(tp) is list and args and attrs.has(args[0]) else None
        items = field.metadata.get("items", FREE_ITEMS) if item_cls is not None else None
        if items not in (None, CORRECTED_ITEMS, APPEND_ONLY, FREE_ITEMS):
            raise TypeError(f"unknown items rule {items!r} of field {field.name!r}")
        out.append(Rule(field.name, bool(field.metadata.get("correction")), items, item_cls))
    return tuple(out)


def corrected_fields(cls: type) -> tuple[str, ...]:
    """The fields of ``cls`` whose change on a published claim needs a correction."""
    return tuple(rule.name for rule in table(cls) if rule.corrected)


def needs_correction(cls: type, name: str) -> bool:
    """Whether changing field ``name`` of ``cls`` (removing an entry, for a list of records) needs a correction."""
    rule = next(r for r in table(cls) if r.name == name)
    return rule.corrected or rule.items == CORRECTED_ITEMS


@attrs.frozen
class Finding:
    """A change to a published claim that the workflow does not allow as it was made.

    ``path``: where it is (``("sources", 1, "stance")``); ``record``: True when the
    change rewrites the record (history, corrections), which no correction allows.
    """

    path: tuple
    message: str
    record: bool = False


def word(value: Any) -> str:
    return "none" if value is None else str(getattr(value, "value", value))


def _entry_name(cls: type) -> str:
    return {"HistoryEntry": "history entry", "Correction": "correction"}.get(cls.__name__, cls.__name__.lower())


def _append_only(rule: Rule, before: Sequence[Any], after: Sequence[Any]) -> list[Finding]:
    """Entries of ``before`` that ``after`` deletes, rewrites or puts something in front of."""
    if list(after[: len(before)]) == list(before):
        return []
    import difflib

    name = _entry_name(rule.item_cls) if rule.item_cls else rule.name
    grows = f"{rule.name} only grows"
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, list(before), list(after), autojunk=False).get_opcodes():
        if op == "equal" or (op == "insert" and i1 == len(before)):
            continue
        if op == "replace" and i2 - i1 == j2 - j1:
            for index, old, new in zip(range(i1, i2), before[i1:i2], after[j1:j2], strict=True):
                for field in attrs.fields(type(old)):
                    if getattr(old, field.name) != getattr(new, field.name, None):
                        message = f"{field.name} of {name} {index + 1} of a published claim was rewritten; {grows}"
                        out.append(Finding((rule.name, j1 + index - i1, field.name), message, True))
        elif op == "insert":
            out.append(Finding((rule.name, j1), f"{name} {j1 + 1} of a published claim was put before older entries; {grows} at the end", True))
        else:
            many = name[:-1] + "ies" if name.endswith("y") else name + "s"
            what = f"{name} {i1 + 1}" if i2 - i1 == 1 else f"{many} {i1 + 1}–{i2}"
            was = "was" if i2 - i1 == 1 else "were"
            out.append(Finding((rule.name,), f"{what} of a published claim {was} {'deleted' if op == 'delete' else 'deleted or rewritten'}; {grows}", True))
    return out


def _changed_fields(cls: type, before: Any, after: Any, path: tuple, where: str) -> list[Finding]:
    out = []
    for rule in table(cls):
        was, now = getattr(before, rule.name), getattr(after, rule.name)
        if rule.items is not None:
            out += _changed_items(rule, was, now, (*path, rule.name))
        elif rule.corrected and was != now:
            out.append(Finding((*path, rule.name), _changed_message(rule.name, was, now, where)))
    return out


def _changed_message(name: str, was: Any, now: Any, where: str) -> str:
    if name == "status":
        return f"a published claim was moved back to {word(now)} without a new entry in corrections"
    if not isinstance(was, str) or isinstance(was, Vocabulary):
        return f"{name} of {where} changed ({word(was)} → {word(now)}) without a new entry in corrections"
    return f"{name} of {where} changed without a new entry in corrections"


def _changed_items(rule: Rule, before: Sequence[Any], after: Sequence[Any], path: tuple) -> list[Finding]:
    if rule.items == APPEND_ONLY:
        # _append_only's paths start at the list: put the list's own path (a source's, for its snapshots) in front
        return [Finding((*path[:-1], *f.path), f.message, True) for f in _append_only(rule, before, after)]
    if rule.items != CORRECTED_ITEMS or rule.item_cls is None:
        return []
    keyed = "url" in attrs.fields_dict(rule.item_cls)
    key = (lambda item: canonical_url(item.url)) if keyed else (lambda item: item)
    now = {key(item): (index, item) for index, item in enumerate(after)}
    out, lost = [], []
    for old in before:
        found = now.get(key(old))
        if found is None:
            lost.append(old)
        else:
            index, new = found
            out += _changed_fields(rule.item_cls, old, new, (*path, index), f"{_entry_name(rule.item_cls)} {index + 1} of a published claim")
    if lost:
        shown = ", ".join(item.url if keyed else repr(item) for item in lost)
        what = f"{_entry_name(rule.item_cls)}{'s' if len(lost) > 1 else ''} {shown}"
        out.insert(0, Finding(path, f"{what} removed from a published claim without a new entry in corrections"))
    return out


def new_corrections(before: Claim, after: Claim) -> list[Any]:
    """The corrections ``after`` adds to ``before`` (appended after the ones it keeps)."""
    kept = after.corrections[: len(before.corrections)]
    if kept != before.corrections:
        return [c for c in after.corrections if c not in before.corrections]
    return list(after.corrections[len(before.corrections):])


def uncorrected(before: Claim, after: Claim) -> list[Finding]:
    """What ``after`` changes in the published claim ``before`` that the workflow does not allow.

    A change of a field the table marks needs a new entry in ``corrections`` (any one:
    which correction covers which change is for people to read). History and
    corrections only grow: an entry deleted or rewritten is found even with a new
    correction. Nothing is found when ``before`` is not published.
    """
    if before.status is not PUBLIC:
        return []
    found = _changed_fields(Claim, before, after, (), "a published claim")
    if new_corrections(before, after):
        found = [f for f in found if f.record]
    return found


def uncorrected_reason(found: Sequence[Finding]) -> str:
    """One sentence for an editor about the first thing found, as the edit commands refuse it."""
    first = found[0]
    if first.record:
        return first.message
    return first.message.replace(" without a new entry in corrections", ": it changes only with a correction saying why")
