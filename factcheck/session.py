"""An editing session: the actions an editor takes on claims, each one recorded, and undo.

Used by the terminal UI; free of Textual. Every action goes through
:meth:`ClaimStore.edit` (the one writer), appends a history entry, and raises
:class:`EditRefused` with the reason when it would break a rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs

from factcheck.model import VALUE, Action, Claim, Correction, Quantity, Snapshot, Source, Status, Verdict, assignee_of, canonical_url
from factcheck.store import ClaimRecord, ClaimStore, EditRefused, history_entry, today
from factcheck.workflow import corrected_fields, needs_correction, publish_needs, review_refusal, review_round, uncorrected, uncorrected_reason


class _Keep:
    def __repr__(self) -> str:
        return "KEEP"


#: "Leave this field as it is" (None is a real value for verdict and summary).
KEEP = _Keep()


# -- changes: pure functions from a claim to the changed claim, used by the CLI and the UI --


def refusing(change: Callable[[Claim], Claim], corrections: bool = True) -> Callable[[Claim], Claim]:
    """``change``, with a value the model rejects (too long, empty ...) raised as EditRefused.

    ``corrections``: also refuse a change of a published claim that the workflow's
    correction table does not allow as made (:func:`factcheck.workflow.uncorrected`):
    a field that needs a correction changed without one, history or corrections
    rewritten. Every edit is held to it, whatever path it comes by; only undo, which
    answers to what git's ``HEAD`` has, is not.
    """

    def guarded(claim: Claim) -> Claim:
        try:
            changed = change(claim)
        except ValueError as exc:  # an attrs field validator of the model
            raise EditRefused(str(exc.args[0]) if exc.args else str(exc)) from None
        found = uncorrected(claim, changed) if corrections else []
        if found:
            raise EditRefused(uncorrected_reason(found), needs=() if found[0].record else ("correction",))
        return changed

    return guarded


#: A correction given where none is recorded would be dropped silently: refused instead.
UNNEEDED_CORRECTION = (
    "this change needs no correction (one is recorded only for a change of a published claim's "
    "finding: see the correction table in the README): say why in the note instead"
)


def _why(note: str | None, correction: str | None) -> str | None:
    """The history note of an entry that has a note, a correction's reason, or both."""
    note, correction = (note or "").strip() or None, (correction or "").strip() or None
    if note and correction and note != correction:
        return f"{note} (correction: {correction})"
    return note or correction


@attrs.frozen
class Need:
    """One thing a change needs before it is made, and why.

    ``what``: ``"correction"`` (recorded in ``corrections``, IFCN), ``"note"`` (a history
    note saying why), a field to fill first: ``"verdict"``, ``"summary"``, ``"source"``,
    or a step of the review first: ``"in-review"`` (send it to review),
    ``"second-editor"`` (someone other than who sent it to review publishes it).
    """

    what: str
    reason: str


#: Needs that are fields to fill before the change, not texts to give with it.
FIELD_NEEDS = ("verdict", "summary", "source")
#: Needs of the second-person review: met by a step of the workflow, not by a text.
REVIEW_NEEDS = ("in-review", "second-editor")


def needs(
    claim: Claim,
    *,
    status: Status | _Keep = KEEP,
    verdict: Verdict | None | _Keep = KEEP,
    summary: str | None | _Keep = KEEP,
    removes_source: bool = False,
    source_fields: tuple[str, ...] = (),
    fields: tuple[str, ...] = (),
    by: str | None = None,
) -> list[Need]:
    """What a change by editor ``by`` needs: a correction, a review note, a verdict,
    summary or source first, or the review by a second person.

    The one place for the workflow's rules: the command line and the review screen ask
    it before they act (and show its reasons), and the changes below enforce it. A move
    to ``published`` needs the claim to come straight from ``in-review`` (see
    :func:`factcheck.workflow.review_round`) and ``by`` not to be the editor who moved it
    there (``by`` None: only the first is asked).
    """
    out: list[Need] = []
    published = claim.status is Status.PUBLISHED
    new_status = claim.status if isinstance(status, _Keep) else status
    new_verdict = claim.verdict if isinstance(verdict, _Keep) else verdict
    new_summary = claim.summary if isinstance(summary, _Keep) else ((summary or "").strip() or None)
    if published and needs_correction(Claim, "verdict") and new_verdict != claim.verdict:
        out.append(Need("correction", "the verdict of a published claim changes only with a correction saying why"))
    if published and needs_correction(Claim, "status") and new_status is not Status.PUBLISHED:
        out.append(Need("correction", "a published claim leaves 'published' only with a correction saying why"))
    if published and removes_source and needs_correction(Claim, "sources"):
        out.append(Need("correction", "a source of a published claim is removed only with a correction saying why"))
    corrected = [name for name in corrected_fields(Source) if name in source_fields]
    if published and corrected:
        out.append(Need("correction", f"the {', '.join(corrected)} of a source of a published claim changes only with a correction saying why"))
    corrected = [name for name in fields if name in corrected_fields(Claim)]
    if published and corrected:
        out.append(Need("correction", f"the {', '.join(corrected)} of a published claim changes only with a correction saying why"))
    if removes_source:
        out.append(Need("note", "say why the source is removed"))
    if new_status is Status.DISMISSED and claim.status is not Status.DISMISSED:
        out.append(Need("note", "why it is not check-worthy"))
    if new_status is Status.PUBLISHED and not published:
        out += [Need(what, why) for what, why in publish_needs(claim, by, new_verdict, new_summary)]
    return out


def note_needed(found: list[Need]) -> Need | None:
    return next((n for n in found if n.what == "note"), None)


#: Problems the writer refuses a change for, and what would let the change through.
PROBLEM_NEEDS = {"verdict-needs-source": "source"}


def missing_fields(found: list[Need]) -> EditRefused | None:
    """The refusal for what must come first (a review step, fields to fill), if anything must."""
    missing = [n for n in found if n.what in REVIEW_NEEDS + FIELD_NEEDS]
    if not missing:
        return None
    return EditRefused("; ".join(n.reason for n in missing), needs=tuple(dict.fromkeys(n.what for n in missing)))


def correction_needed(found: list[Need]) -> Need | None:
    return next((n for n in found if n.what == "correction"), None)


def concluded(
    claim: Claim,
    by: str,
    *,
    status: Status | _Keep = KEEP,
    verdict: Verdict | None | _Keep = KEEP,
    summary: str | None | _Keep = KEEP,
    note: str | None = None,
    correction: str | None = None,
    summary_was: str | None | _Keep = KEEP,
) -> Claim:
    """Status, verdict and summary changed together, each change a history entry.

    The verdict of a published claim changes only with a correction saying why,
    recorded in ``corrections`` (the IFCN code of principles asks for this).
    ``summary_was``: the summary the editor started from; refused (:class:`FieldChanged`)
    when the claim's summary is no longer that one, so nobody's text is overwritten.
    """
    if not isinstance(summary_was, _Keep) and not isinstance(summary, _Keep) and (summary_was or None) != claim.summary:
        raise FieldChanged("summary", claim.summary, summary)
    refused = missing_fields(needs(claim, status=status, verdict=verdict, summary=summary, by=by))
    if refused is not None:
        raise refused
    entries = []
    updates: dict = {}
    corrections = list(claim.corrections)
    if not isinstance(verdict, _Keep) and verdict != claim.verdict:
        need = correction_needed(needs(claim, verdict=verdict))
        if need is not None:
            if not correction:
                raise EditRefused(need.reason, needs=("correction",))
            change = f"verdict {claim.verdict.value if claim.verdict else 'none'} → {verdict.value if verdict else 'none'}"
            corrections.append(Correction(date=today(), change=change, reason=correction))
            entries.append(history_entry(Action.CORRECTION, by, field="verdict", before=claim.verdict, after=verdict, note=_why(note, correction)))
        else:
            entries.append(history_entry(Action.VERDICT, by, field="verdict", before=claim.verdict, after=verdict, note=note))
        updates["verdict"] = verdict
    if not isinstance(summary, _Keep):
        summary = (summary or "").strip() or None
        if summary != claim.summary:
            entries.append(history_entry(Action.SUMMARY, by, field="summary", before=claim.summary, after=summary, note=note))
            updates["summary"] = summary
    if not isinstance(status, _Keep) and status != claim.status:
        need = correction_needed(needs(claim, status=status))
        if need is not None:
            if not correction:
                raise EditRefused(need.reason, needs=("correction",))
            if "verdict" not in updates:  # one correction entry covers a verdict change made with it
                corrections.append(Correction(date=today(), change=f"status published → {status.value}", reason=correction))
        entries.append(history_entry(Action.STATUS, by, field="status", before=claim.status, after=status, note=note or correction))
        updates["status"] = status
    if not entries:
        raise EditRefused(f"nothing to change: {claim.id} is already like that")
    if (correction or "").strip() and len(corrections) == len(claim.corrections):
        raise EditRefused(UNNEEDED_CORRECTION)
    return attrs.evolve(claim, corrections=corrections, history=[*claim.history, *entries], **updates)


class FieldChanged(EditRefused):
    """An edit started from a value that someone else has changed since: refused, both texts kept."""

    def __init__(self, field: str, theirs: str | None, yours: str | None):
        super().__init__(f"the {field} changed since you started editing it (someone else saved theirs); yours was not saved")
        self.field, self.theirs, self.yours = field, theirs, yours


def with_source(claim: Claim, source: Source, by: str, note: str | None = None) -> Claim:
    note = note or f"{source.stance.value}: {source.title} ({source.publisher})"
    entry = history_entry(Action.SOURCE_ADDED, by, field="sources", after=source.url, note=note)
    return attrs.evolve(claim, sources=[*claim.sources, source], history=[*claim.history, entry])


def without_source(claim: Claim, url: str, by: str, note: str, correction: str | None = None) -> Claim:
    """The claim without the source at ``url``; on a published claim, with a correction."""
    if not (note or "").strip():
        raise EditRefused("say why the source is removed (the note is empty)")
    keep = [s for s in claim.sources if canonical_url(s.url) != canonical_url(url)]
    if len(keep) == len(claim.sources):
        raise EditRefused(f"claim {claim.id} has no source {url}")
    corrections = list(claim.corrections)
    need = correction_needed(needs(claim, removes_source=True))
    if need is not None:
        if not correction:
            raise EditRefused(need.reason, needs=("correction",))
        corrections.append(Correction(date=today(), change=f"source removed: {url}", reason=correction))
    elif (correction or "").strip():
        raise EditRefused(UNNEEDED_CORRECTION)
    entry = history_entry(Action.SOURCE_REMOVED, by, field="sources", before=url, note=note)
    return attrs.evolve(claim, sources=keep, corrections=corrections, history=[*claim.history, entry])


def with_source_changed(claim: Claim, url: str, by: str, changes: dict, note: str, correction: str | None = None) -> Claim:
    """The source at ``url`` with some fields changed, each change one history entry.

    ``changes`` maps field names of :class:`Source` to new values. On a published
    claim, changing the url, stance or excerpt needs a correction saying why,
    recorded in ``corrections``; filling in a date, title or publisher does not.
    """
    if not note or not note.strip():
        raise EditRefused("say why the source changes (--note)")
    index = next((i for i, s in enumerate(claim.sources) if canonical_url(s.url) == canonical_url(url)), None)
    if index is None:
        raise EditRefused(f"claim {claim.id} has no source {url}")
    source = claim.sources[index]
    changed = {name: value for name, value in changes.items() if getattr(source, name) != value}
    if not changed:
        raise EditRefused(f"nothing to change: source {url} of {claim.id} is already like that")
    if "url" in changed and any(canonical_url(s.url) == canonical_url(changed["url"]) for i, s in enumerate(claim.sources) if i != index):
        raise EditRefused(f"claim {claim.id} already cites {changed['url']}")
    corrected = [name for name in corrected_fields(Source) if name in changed]
    corrections = list(claim.corrections)
    need = correction_needed(needs(claim, source_fields=tuple(changed)))
    if need is not None:
        if not correction:
            raise EditRefused(need.reason, needs=("correction",))
        corrections.append(Correction(date=today(), change=f"source {url}: {', '.join(corrected)} changed", reason=correction))
    elif (correction or "").strip():
        raise EditRefused(UNNEEDED_CORRECTION)
    entries = [
        history_entry(Action.SOURCE_CHANGED, by, field=f"sources[{index}].{name}", before=getattr(source, name), after=value, note=note)
        for name, value in changed.items()
    ]
    from factcheck.convert import evolve_unvalidated, field_errors

    new_source = evolve_unvalidated(source, **changed)
    errors = field_errors(new_source)
    if errors:
        raise EditRefused("; ".join(e.message for e in errors))
    sources = list(claim.sources)
    sources[index] = new_source
    return attrs.evolve(claim, sources=sources, corrections=corrections, history=[*claim.history, *entries])


def with_snapshot(claim: Claim, url: str, by: str, snapshot: Snapshot | None, public: tuple[str, dt.date] | None = None) -> Claim:
    """The source at ``url`` with a snapshot appended and/or a public archive's copy
    (``public``: its address and date) recorded, one history entry each.

    Evidence added, no finding changed: a published claim needs no correction for it
    (the correction table: ``snapshots`` only grow, ``archive_url`` is not corrected).
    """
    index = next((i for i, s in enumerate(claim.sources) if canonical_url(s.url) == canonical_url(url)), None)
    if index is None:
        raise EditRefused(f"claim {claim.id} has no source {url}")
    source, entries, changes = claim.sources[index], [], dict[str, Any]()
    if snapshot is not None:
        changes["snapshots"] = [*source.snapshots, snapshot]
        note = f"kept a copy: HTTP {snapshot.status}" + (f" from {snapshot.final_url}" if snapshot.final_url != source.url else "")
        entries.append(history_entry(Action.SOURCE_CHANGED, by, field=f"sources[{index}].snapshots", after=snapshot.path, note=note))
    if public is not None and public != (source.archive_url, source.archived):
        changes.update(archive_url=public[0], archived=public[1])
        entries.append(history_entry(Action.SOURCE_CHANGED, by, field=f"sources[{index}].archive_url", before=source.archive_url,
                                     after=public[0], note="copy saved by a public archive"))
    if not entries:
        raise EditRefused(f"nothing to change: source {url} of {claim.id} already has this copy")
    sources = list(claim.sources)
    sources[index] = attrs.evolve(source, **changes)
    return attrs.evolve(claim, sources=sources, history=[*claim.history, *entries])


def with_note(claim: Claim, by: str, text: str) -> Claim:
    text = text.strip()
    if not text:
        raise EditRefused("the note is empty")
    return attrs.evolve(claim, history=[*claim.history, history_entry(Action.NOTE, by, note=text)])


def with_correction(claim: Claim, by: str, change: str, reason: str) -> Claim:
    """A correction recorded on its own (for a change already made, e.g. by hand)."""
    if not change.strip() or not reason.strip():
        raise EditRefused("a correction says what changed and why")
    correction = Correction(date=today(), change=change.strip(), reason=reason.strip())
    entry = history_entry(Action.CORRECTION, by, field="corrections", note=f"{correction.change}: {correction.reason}")
    return attrs.evolve(claim, corrections=[*claim.corrections, correction], history=[*claim.history, entry])


def with_assignee(claim: Claim, by: str, handle: str | None, note: str | None = None) -> Claim:
    """The claim assigned to ``handle`` (None: to nobody), recorded in the history."""
    handle = (handle or "").strip() or None
    if handle is not None and (len(handle) > 100 or any(c in handle for c in "\n\r\t")):
        raise EditRefused("an assignee is an editor handle: one line, at most 100 characters")
    was = assignee_of(claim.history)
    if handle == was:
        raise EditRefused(f"nothing to change: {claim.id} is " + (f"already assigned to {handle}" if handle else "assigned to nobody"))
    entry = history_entry(Action.ASSIGNED, by, field="assignee", before=was, after=handle, note=note)
    return attrs.evolve(claim, history=[*claim.history, entry])


def with_list(claim: Claim, by: str, field: str, values: list[str]) -> Claim:
    """``tags`` or ``related`` replaced, the change recorded."""
    old = getattr(claim, field)
    if old == values:
        raise EditRefused(f"the {field} are unchanged")
    action = Action.TAGS if field == "tags" else Action.RELATED
    entry = history_entry(action, by, field=field, before=", ".join(old) or None, after=", ".join(values) or None)
    changes: dict[str, Any] = {field: list(values)}
    return attrs.evolve(claim, history=[*claim.history, entry], **changes)



def with_quantities(claim: Claim, by: str, quantities: list[Quantity], note: str | None = None) -> Claim:
    """``quantities`` replaced, the change recorded (before and after as one line each).

    Quantities are what the quote states, not the verdict or its evidence: changing them
    on a published claim needs no correction.
    """
    from factcheck.present import quantities_summary

    if list(quantities) == claim.quantities:
        raise EditRefused(f"nothing to change: {claim.id} already has these quantities")
    entry = history_entry(
        Action.QUANTITIES, by, field="quantities",
        before=quantities_summary(claim.quantities, VALUE.limit), after=quantities_summary(quantities, VALUE.limit),
        note=(note or "").strip() or None,
    )
    return attrs.evolve(claim, quantities=list(quantities), history=[*claim.history, entry])


@attrs.frozen
class UndoStep:
    claim_id: str
    before: Claim | None  # None: the step created the claim, and undoing it removes the file
    description: str


#: Fields an undo puts back. History and corrections stay: they only ever grow.
_RESTORED = ("status", "verdict", "summary", "tags", "related", "quantities", "sources", "text", "quote", "claimant", "kind")

#: Fields the editor sets from text with :meth:`EditSession.set_fields`, also on a claim
#: whose file does not validate (a wrong word, an empty text).
FIXABLE = ("text", "quote", "claimant", "kind")


def _committed_claim(path: str) -> Claim | None:
    from factcheck.provenance.revisions import committed_claim

    return committed_claim(path)


class EditSession:
    def __init__(self, store: ClaimStore, editor: str, committed: Callable[[str], Claim | None] | None = None):
        self.store = store
        self.editor = editor
        self.undo_stack: list[UndoStep] = []
        #: The claim in a file as last committed (git HEAD), None if never: who has seen what.
        self.committed = committed or _committed_claim

    # -- the one way every action is applied ----------------------------------------

    def _apply(self, claim_id: str, change: Callable[[Claim], Claim], description: str) -> ClaimRecord:
        try:
            record = self.store.edit(claim_id, refusing(change))
        except EditRefused as exc:
            if not exc.needs:
                exc.needs = tuple(dict.fromkeys(PROBLEM_NEEDS[p.code] for p in exc.problems if p.code in PROBLEM_NEEDS))
            raise
        if record.edited_from is not None:  # the claim as the edit read it: no second read
            self.undo_stack.append(UndoStep(claim_id, record.edited_from, description))
        return record

    # -- actions ---------------------------------------------------------------------

    def set_status(self, claim_id: str, status: Status, note: str | None = None, correction: str | None = None) -> ClaimRecord:
        change = lambda c: concluded(c, self.editor, status=status, note=note, correction=correction)  # noqa: E731
        return self._apply(claim_id, change, f"status → {status.value}")

    def set_verdict(self, claim_id: str, verdict: Verdict | None, note: str | None = None, correction: str | None = None) -> ClaimRecord:
        change = lambda c: concluded(c, self.editor, verdict=verdict, note=note, correction=correction)  # noqa: E731
        return self._apply(claim_id, change, f"verdict → {verdict.value if verdict else 'none'}")

    def set_summary(self, claim_id: str, summary: str | None, note: str | None = None, started_from: str | None | _Keep = KEEP) -> ClaimRecord:
        """The summary replaced; with ``started_from``, only if the claim's summary is still that one."""
        return self._apply(claim_id, lambda c: concluded(c, self.editor, summary=summary, note=note, summary_was=started_from), "summary edited")

    def add_source(self, claim_id: str, source: Source, note: str | None = None) -> ClaimRecord:
        return self._apply(claim_id, lambda c: with_source(c, source, self.editor, note), f"source added: {source.title}")

    def remove_source(self, claim_id: str, url: str, note: str, correction: str | None = None) -> ClaimRecord:
        return self._apply(claim_id, lambda c: without_source(c, url, self.editor, note, correction), "source removed")

    def add_snapshot(self, claim_id: str, url: str, snapshot: Snapshot | None, public: tuple[str, dt.date] | None = None) -> ClaimRecord:
        return self.add_snapshots(claim_id, [(url, snapshot, public)])

    def add_snapshots(self, claim_id: str, kept: list[tuple[str, Snapshot | None, tuple[str, dt.date] | None]]) -> ClaimRecord:
        """Snapshots (and public copies) of several sources of one claim, in one write."""

        def change(claim: Claim) -> Claim:
            for url, snapshot, public in kept:
                claim = with_snapshot(claim, url, self.editor, snapshot, public)
            return claim

        return self._apply(claim_id, change, f"snapshots of {len(kept)} source{'s' if len(kept) != 1 else ''}")

    def add_note(self, claim_id: str, text: str) -> ClaimRecord:
        return self._apply(claim_id, lambda c: with_note(c, self.editor, text), "note added")

    def assign(self, claim_id: str, handle: str | None) -> ClaimRecord:
        return self._apply(claim_id, lambda c: with_assignee(c, self.editor, handle), f"assigned to {handle or 'nobody'}")

    def set_tags(self, claim_id: str, tags: list[str]) -> ClaimRecord:
        return self._apply(claim_id, lambda c: with_list(c, self.editor, "tags", tags), "tags changed")

    def set_related(self, claim_id: str, related: list[str]) -> ClaimRecord:
        return self._apply(claim_id, lambda c: with_list(c, self.editor, "related", related), "related claims changed")

    def set_quantities(self, claim_id: str, quantities: list[Quantity], note: str | None = None) -> ClaimRecord:
        return self._apply(claim_id, lambda c: with_quantities(c, self.editor, quantities, note), "quantities changed")

    def set_fields(
        self, claim_id: str, values: dict[str, str], started_from: dict | None = None, note: str | None = None, correction: str | None = None
    ) -> ClaimRecord:
        """Set fields of :data:`FIXABLE` from text, each change a history entry.

        Works on a claim that does not validate too: the values are set in the file's
        data before it is read as a claim, so ``kind: quantty`` can be repaired.
        ``started_from`` (field -> value as the editor first saw it): refused
        (:class:`FieldChanged`) when one of them changed since.
        """
        from factcheck.forms import check, form_fields

        for field in form_fields(Claim, values):
            if field.name not in FIXABLE:
                raise EditRefused(f"{field.name} is not set this way")
            _, error = check(Claim, field, values[field.name], today())
            if error:
                raise EditRefused(f"{field.label.lower()}: {error}")
        values = {name: (value.strip("\n") if name in ("text", "quote") else value.strip()) for name, value in values.items()}
        was: dict = {}

        def fix(plain: dict) -> dict:
            for name in values:
                now = plain.get(name)
                if started_from is not None and name in started_from and now != started_from[name]:
                    raise FieldChanged(name, None if now is None else str(now), values[name])
                was[name] = now
            return {**plain, **values}

        def change(claim: Claim) -> Claim:
            changed = tuple(name for name in values if was.get(name) != values[name])
            if not changed:
                raise EditRefused(f"nothing to change: {claim.id} is already like that")
            corrections = list(claim.corrections)
            need = correction_needed(needs(claim, fields=changed))
            if need is not None:
                if not (correction or "").strip():
                    raise EditRefused(need.reason, needs=("correction",))
                corrections.append(Correction(date=today(), change=f"{', '.join(changed)} changed", reason=(correction or "").strip()))
            elif (correction or "").strip():
                raise EditRefused(UNNEEDED_CORRECTION)
            entries = [
                history_entry(
                    Action.EDITED,
                    self.editor,
                    field=name,
                    before=None if was.get(name) is None else str(was[name]),
                    after=values[name],
                    note=_why(note, correction),
                )
                for name in changed
            ]
            return attrs.evolve(claim, corrections=corrections, history=[*claim.history, *entries])

        record = self.store.edit(claim_id, refusing(change), fix=fix)
        if record.edited_from is not None:
            self.undo_stack.append(UndoStep(claim_id, record.edited_from, f"{', '.join(values)} edited"))
        return record

    def created(self, record: ClaimRecord) -> None:
        """Note a claim this session created (through the store), so that undo can take it back."""
        self.undo_stack.append(UndoStep(record.id, None, "its creation"))

    # -- undo ------------------------------------------------------------------------------

    def undo(self) -> tuple[ClaimRecord, str]:
        """Take back the last change of this session; the undo itself is recorded.

        A correction is recorded only when the undone change is part of a published
        record others have seen: the claim as git's ``HEAD`` has it is published and
        holds the changed value. A change made and taken back before any commit is
        history only.
        """
        if not self.undo_stack:
            raise EditRefused("nothing to undo in this session")
        step = self.undo_stack[-1]
        record = self.store.find(step.claim_id)
        public = self.committed(record.path) if record is not None else None
        if step.before is None:  # taking back a creation: the file goes, unless others have it
            if record is not None and public is not None:
                raise EditRefused(f"{step.claim_id} has been committed since it was created; set its status to dismissed instead")
            removed = self.store.remove_new(step.claim_id)
            self.undo_stack.pop()
            return removed, step.description
        before_step = step.before

        def change(claim: Claim) -> Claim:
            restored = {name: getattr(before_step, name) for name in _RESTORED}
            changed = [name for name in _RESTORED if getattr(claim, name) != restored[name]]
            field = "status" if "status" in changed else (changed[0] if changed else None)
            before, after = (getattr(claim, field), restored[field]) if field in ("status", "verdict", "summary") else (None, None)
            entry = history_entry(Action.UNDO, self.editor, field=field, before=before, after=after, note=f"Undid: {step.description}")
            corrections = list(claim.corrections)
            seen = public is not None and public.status is Status.PUBLISHED and any(getattr(public, n) == getattr(claim, n) for n in changed)
            if seen:
                corrections.append(
                    Correction(date=today(), change=f"undone: {step.description}", reason="The change was taken back in the same editing session.")
                )
            undone = attrs.evolve(claim, history=[*claim.history, entry], corrections=corrections, **restored)
            if undone.status is Status.PUBLISHED and claim.status is not Status.PUBLISHED:
                # Back in 'published': a restored publication when it takes back the move out
                # of it (see workflow.review_round), else a new one, under the same rule as any.
                state = review_round(undone.history)
                if state.published_at == len(claim.history) and state.fault is not None:
                    why = review_refusal(review_round(claim.history), self.editor, claim.id)
                    raise EditRefused(f"cannot undo into 'published': {why[1] if why else state.fault}", needs=(why[0],) if why else ())
            return undone

        record = self.store.edit(step.claim_id, refusing(change, corrections=False))
        self.undo_stack.pop()
        return record, step.description
