"""An editing session: the actions an editor takes on claims, each one recorded, and undo.

Used by the terminal UI; free of Textual. Every action goes through
:meth:`ClaimStore.edit` (the one writer), appends a history entry, and raises
:class:`EditRefused` with the reason when it would break a rule.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from factcheck.model import Action, Claim, Source, Status, Verdict
from factcheck.rules import canonical_url
from factcheck.store import ClaimRecord, ClaimStore, EditRefused, history_entry, today


@attrs.frozen
class UndoStep:
    claim_id: str
    before: Claim
    description: str


#: Fields an undo puts back (history stays: it only ever grows).
_RESTORED = ("status", "verdict", "summary", "tags", "related", "sources", "corrections")


class EditSession:
    def __init__(self, store: ClaimStore, editor: str):
        self.store = store
        self.editor = editor
        self.undo_stack: list[UndoStep] = []

    # -- the one way every action is applied ----------------------------------------

    def _apply(self, claim_id: str, change: Callable[[Claim], Claim], description: str) -> ClaimRecord:
        record = self.store.find(claim_id)
        if record is None:
            raise EditRefused(f"no claim with id {claim_id!r}")
        before = record.claim
        record = self.store.edit(claim_id, change)
        if before is not None:
            self.undo_stack.append(UndoStep(claim_id, before, description))
        return record

    def _entry(self, action: Action, **kw):
        return history_entry(action, self.editor, **kw)

    # -- actions ---------------------------------------------------------------------

    def set_status(self, claim_id: str, status: Status, note: str | None = None) -> ClaimRecord:
        def change(claim: Claim) -> Claim:
            if claim.status is status:
                raise EditRefused(f"{claim.id} is already {status.value}")
            entry = self._entry(Action.STATUS, field="status", before=claim.status, after=status, note=note)
            return attrs.evolve(claim, status=status, history=[*claim.history, entry])

        return self._apply(claim_id, change, f"status → {status.value}")

    def set_verdict(self, claim_id: str, verdict: Verdict | None, note: str | None = None, correction: str | None = None) -> ClaimRecord:
        def change(claim: Claim) -> Claim:
            if claim.verdict == verdict:
                raise EditRefused(f"{claim.id} already has verdict {verdict.value if verdict else 'none'}")
            entries = []
            corrections = list(claim.corrections)
            if claim.status is Status.PUBLISHED and claim.verdict is not None:
                if not correction:
                    raise EditRefused("the verdict of a published claim changes only with a correction saying why")
                from factcheck.model import Correction

                corrections.append(Correction(date=today(), change=f"verdict {claim.verdict.value} → {verdict.value if verdict else 'none'}", reason=correction))
                entries.append(self._entry(Action.CORRECTION, field="verdict", before=claim.verdict, after=verdict, note=correction))
            else:
                entries.append(self._entry(Action.VERDICT, field="verdict", before=claim.verdict, after=verdict, note=note))
            return attrs.evolve(claim, verdict=verdict, corrections=corrections, history=[*claim.history, *entries])

        return self._apply(claim_id, change, f"verdict → {verdict.value if verdict else 'none'}")

    def set_summary(self, claim_id: str, summary: str | None, note: str | None = None) -> ClaimRecord:
        summary = (summary or "").strip() or None

        def change(claim: Claim) -> Claim:
            if claim.summary == summary:
                raise EditRefused("the summary is unchanged")
            entry = self._entry(Action.SUMMARY, field="summary", note=note)
            return attrs.evolve(claim, summary=summary, history=[*claim.history, entry])

        return self._apply(claim_id, change, "summary edited")

    def add_source(self, claim_id: str, source: Source, note: str | None = None) -> ClaimRecord:
        def change(claim: Claim) -> Claim:
            entry = self._entry(Action.SOURCE_ADDED, field="sources", after=source.url, note=note or f"{source.stance.value}: {source.title} ({source.publisher})")
            return attrs.evolve(claim, sources=[*claim.sources, source], history=[*claim.history, entry])

        return self._apply(claim_id, change, f"source added: {source.title}")

    def remove_source(self, claim_id: str, url: str, note: str, correction: str | None = None) -> ClaimRecord:
        def change(claim: Claim) -> Claim:
            keep = [s for s in claim.sources if canonical_url(s.url) != canonical_url(url)]
            if len(keep) == len(claim.sources):
                raise EditRefused(f"{claim.id} has no source {url}")
            corrections = list(claim.corrections)
            if claim.status is Status.PUBLISHED:
                if not correction:
                    raise EditRefused("a source of a published claim is removed only with a correction saying why")
                from factcheck.model import Correction

                corrections.append(Correction(date=today(), change=f"source removed: {url}", reason=correction))
            entry = self._entry(Action.SOURCE_REMOVED, field="sources", before=url, note=note)
            return attrs.evolve(claim, sources=keep, corrections=corrections, history=[*claim.history, entry])

        return self._apply(claim_id, change, "source removed")

    def add_note(self, claim_id: str, text: str) -> ClaimRecord:
        text = text.strip()
        if not text:
            raise EditRefused("the note is empty")

        def change(claim: Claim) -> Claim:
            return attrs.evolve(claim, history=[*claim.history, self._entry(Action.NOTE, note=text)])

        return self._apply(claim_id, change, "note added")

    def set_tags(self, claim_id: str, tags: list[str]) -> ClaimRecord:
        def change(claim: Claim) -> Claim:
            if claim.tags == tags:
                raise EditRefused("the tags are unchanged")
            entry = self._entry(Action.TAGS, field="tags", before=", ".join(claim.tags) or None, after=", ".join(tags) or None)
            return attrs.evolve(claim, tags=list(tags), history=[*claim.history, entry])

        return self._apply(claim_id, change, "tags changed")

    def set_related(self, claim_id: str, related: list[str]) -> ClaimRecord:
        def change(claim: Claim) -> Claim:
            if claim.related == related:
                raise EditRefused("the related claims are unchanged")
            entry = self._entry(Action.RELATED, field="related", before=", ".join(claim.related) or None, after=", ".join(related) or None)
            return attrs.evolve(claim, related=list(related), history=[*claim.history, entry])

        return self._apply(claim_id, change, "related claims changed")

    # -- undo ------------------------------------------------------------------------------

    def undo(self) -> tuple[ClaimRecord, str]:
        """Take back the last change of this session; the undo itself is recorded."""
        if not self.undo_stack:
            raise EditRefused("nothing to undo in this session")
        step = self.undo_stack[-1]

        def change(claim: Claim) -> Claim:
            restored = {name: getattr(step.before, name) for name in _RESTORED}
            changed = [name for name in _RESTORED if getattr(claim, name) != restored[name]]
            if "status" in changed:
                entry = self._entry(Action.UNDO, field="status", before=claim.status, after=step.before.status, note=f"Undid: {step.description}")
            else:
                entry = self._entry(Action.UNDO, field=changed[0] if changed else None, note=f"Undid: {step.description}")
            return attrs.evolve(claim, history=[*claim.history, entry], **restored)

        record = self.store.edit(step.claim_id, change)
        self.undo_stack.pop()
        return record, step.description
