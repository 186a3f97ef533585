"""The review screen's edits of a claim: each asks its dialog, then goes through the one
edit flow (:class:`factcheck.tui.flow.EditFlow`): what the core says is needed is asked
for, the session makes the change, the screen reports it."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text

from factcheck.model import SLUG_RE, Status, Verdict, slugged
from factcheck.rules import cross_rules_for
from factcheck.session import FIXABLE, FieldChanged, Need, correction_needed, needs
from factcheck.store import ClaimRecord, EditRefused
from factcheck.textsafe import escape, escape_line
from factcheck.tui.flow import RECORDED, Change, EditFlow, Prompt, refusal, split, unless_cancelled
from factcheck.tui.screens import ChooseScreen, ClaimForm, LineScreen, SourceForm
from factcheck.workflow import is_public, next_status

if TYPE_CHECKING:
    from factcheck.model import Claim
    from factcheck.session import EditSession
    from factcheck.tui.app import FactcheckApp


class ClaimActions:
    """What the keys of the queue do to the selected (or the marked) claims."""

    def __init__(self, app: FactcheckApp, flow: EditFlow):
        self.app = app
        self.flow = flow

    @property
    def session(self) -> EditSession:
        return self.app.session

    def _claim(self, claim_id: str) -> Claim | None:
        """The claim as it is now (a dialog may have been open a while), if it validates."""
        record = self.app.loaded_store.find(claim_id)
        return None if record is None else record.claim

    # -- status and verdict ----------------------------------------------------------------

    def status(self) -> None:
        choices = [(s, s) for s in Status.words()]
        marked = self.app.marked_records()
        if marked:
            self.app.push_screen(ChooseScreen(f"Status of {len(marked)} marked claims", choices), unless_cancelled(partial(self.bulk_status, marked)))
            return
        target = self.flow.target()
        if target is not None:
            record, claim = target
            self.app.push_screen(ChooseScreen(f"Status of {record.id}", choices, claim.status.value), unless_cancelled(partial(self.set_status, record.id)))

    def set_status(self, claim_id: str, value: str) -> None:
        claim = self._claim(claim_id)
        if claim is None:
            return
        status = Status(value)

        def prompt(need: Need) -> Prompt:
            if need.what == "correction":
                return Prompt((claim_id, "correction"), f"Correction: why does published {claim_id} go to {value}?", RECORDED["correction"])
            return Prompt((claim_id, "note", value), f"{claim_id} → {value}: {need.reason}", RECORDED["note"])

        self.flow.change(Change(
            needs(claim, status=status, by=self.app.editor),
            lambda note, correction: self.session.set_status(claim_id, status, note=note, correction=correction),
            f"{claim_id}: status {value}",
            prompt,
            blocked=f"Cannot move {claim_id} to {value} yet: ",
        ))

    def bulk_status(self, records: list[ClaimRecord], value: str) -> None:
        status = Status(value)

        def change_of(record: ClaimRecord) -> Change | str:
            if record.claim is None:
                return "does not validate (press E on it)"
            claim_id = record.id
            act = lambda note, correction: self.session.set_status(claim_id, status, note=note, correction=correction)  # noqa: E731
            return Change(needs(record.claim, status=status, by=self.app.editor), act, "")

        def prompt(asked: list[Need]) -> Prompt:
            reasons = sorted({n.reason for n in asked})
            title = f"{len(records)} claims → {value}: {'; '.join(reasons)}"
            return Prompt(("bulk", value), title, "One text for every claim; each gets its own history entry.")

        self.flow.change_many(f"status {value}", records, change_of, prompt)

    def advance(self) -> None:
        target = self.flow.target()
        if target is None:
            return
        record, claim = target
        status = claim.status
        following = next_status(status)
        if following is None:
            self.app.notify(f"{record.id} is {status.value}: choose a status with s", severity="warning")
            return
        self.set_status(record.id, following.value)

    def publish(self) -> None:
        """Publish the selected claim: the review of a claim someone else sent to review.

        The one status change (:meth:`set_status`), so the workflow core decides: it asks
        for the review note, or says what must come first and how.
        """
        target = self.flow.target()
        if target is not None:
            self.set_status(target[0].id, Status.PUBLISHED.value)

    def verdict(self) -> None:
        target = self.flow.target()
        if target is None:
            return
        record, claim = target
        choices = [(v, v) for v in Verdict.words()] + [("none", "none (no verdict yet)")]
        current = claim.verdict.value if claim.verdict else "none"
        self.app.push_screen(ChooseScreen(f"Verdict on {record.id}", choices, current), unless_cancelled(partial(self.set_verdict, record.id)))

    def set_verdict(self, claim_id: str, value: str) -> None:
        claim = self._claim(claim_id)
        if claim is None:
            return
        verdict = None if value == "none" else Verdict(value)
        was = claim.verdict.value if claim.verdict else "none"
        title = f"Correction: why does the verdict of published {claim_id} change from {was} to {value}?"
        self.flow.change(Change(
            needs(claim, verdict=verdict),
            lambda note, correction: self.session.set_verdict(claim_id, verdict, note=note, correction=correction),
            f"{claim_id}: verdict {value}",
            lambda need: Prompt((claim_id, "correction"), title, RECORDED["correction"]),
        ))

    # -- texts -------------------------------------------------------------------------------

    def summary(self) -> None:
        target = self.flow.target()
        if target is None:
            return
        record, claim = target
        claim_id = record.id
        started = {"from": claim.summary}

        def submit(text: str) -> str | Text | None:
            try:
                self.session.set_summary(claim_id, text, started_from=started["from"])
            except FieldChanged as exc:
                started["from"] = exc.theirs  # they have seen it now: a second ctrl+s saves theirs over
                self.app.refresh_current(self.app.loaded_store.find(claim_id))
                return Text.assemble(
                    ("Not saved: the summary changed since you started (someone else saved it). Theirs now:\n", "bold"),
                    (f"  {escape(exc.theirs or '(none)')}\n", "italic"),
                    "Yours is kept below: ctrl+s saves it over theirs, esc closes (yours is kept for next time).",
                )
            except EditRefused as exc:
                self.app.refresh_current(self.app.loaded_store.find(claim_id))
                return refusal(exc)
            self.app.refresh_current(self.app.loaded_store.find(claim_id))
            self.app.notify(f"{claim_id}: summary saved", timeout=3)
            return None

        prompt = Prompt((claim_id, "summary"), f"Summary of {claim_id}", "Two to five sentences: what the sources say, where they disagree.")
        self.flow.edit_text(prompt, claim.summary or "", submit)

    def note(self, internal: bool = False) -> None:
        """A note in the history; ``internal``: for the desk, never shown on the public site."""
        target = self.flow.target()
        if target is None:
            return
        claim_id = target[0].id
        if internal:
            prompt = Prompt((claim_id, "internal-note"), f"Internal note on {claim_id}", "Kept in the history with your name; never shown on the public site.")
        else:
            shown = "Recorded in the claim's history with your name and the time; shown on the public site (I: an internal note)."
            prompt = Prompt((claim_id, "note"), f"Note on {claim_id}", shown)
        done = f"{claim_id}: {'internal ' if internal else ''}note added"
        add = self.session.add_note
        self.flow.ask(prompt, lambda text: self.flow.attempt(lambda: add(claim_id, text, internal), done), required=False)

    def fix_fields(self) -> None:
        """Fix text, quote, claimant and kind: also on a claim that does not validate."""
        record = self.app.current
        if record is None or not self.app.loaded:
            self.app.notify("No claim selected", severity="warning")
            return
        plain = self.app.loaded_store.plain_data(record.id)
        if not plain:
            self.app.notify("This file cannot be read as YAML: fix it in an editor (see its problems)", severity="error")
            return
        claim_id = record.id
        started = {name: plain.get(name) for name in FIXABLE}

        def submit(values: dict[str, str], correction: str | None) -> str | None:
            if not values:
                return "Nothing changed"
            try:
                self.session.set_fields(claim_id, values, started_from=started, correction=correction)
            except FieldChanged as exc:
                return f"Not saved: the {exc.field} changed since you opened this form; now: {escape_line(exc.theirs or '')[:200]} (esc, then E again)"
            except EditRefused as exc:
                return refusal(exc)
            fixed = self.app.loaded_store.find(claim_id)
            self.app.refresh_current(fixed)
            self.app.apply_view(keep=fixed)
            self.app.notify(f"{claim_id}: {', '.join(values)} saved", timeout=3)
            return None

        from factcheck.claimants import load_registry

        article = record.article.text if record.article else None
        registry = load_registry(self.app.loaded_store.root).rule_names()
        self.app.push_screen(ClaimForm(claim_id, FIXABLE, started, article, submit, published=_fields_need_correction(record, plain), claimants=registry))

    # -- sources ----------------------------------------------------------------------------

    def add_source(self) -> None:
        target = self.flow.target()
        if target is None:
            return
        record, claim = target

        def add(source) -> None:
            self.flow.change(Change([], lambda note, _: self.session.add_source(record.id, source, note), f"{record.id}: source added"))

        self.app.push_screen(SourceForm(record.id, [s.url for s in claim.sources]), unless_cancelled(add))

    def remove_source(self) -> None:
        target = self.flow.target()
        if target is None:
            return
        record, claim = target
        if not claim.sources:
            self.app.notify(f"{record.id} has no sources", severity="warning")
            return
        choices = [(s.url, f"[{s.stance.value}] {s.title} — {s.publisher}") for s in claim.sources]
        self.app.push_screen(ChooseScreen(f"Remove which source of {record.id}?", choices), unless_cancelled(partial(self.removed_source, record.id)))

    def removed_source(self, claim_id: str, url: str) -> None:
        claim = self._claim(claim_id)
        if claim is None:
            return
        found = needs(claim, removes_source=True)
        correction = correction_needed(found)
        title = f"Why remove this source from {claim_id}?" + (f" ({correction.reason}: recorded as one)" if correction else "")
        help_text = "Recorded in the claim's history" + (" and corrections." if correction else ".")
        self.flow.change(Change(
            found,
            lambda note, correction: self.session.remove_source(claim_id, url, note or "", correction=correction),
            f"{claim_id}: source removed",
            lambda need: Prompt((claim_id, "remove", url), title, help_text),
        ))

    # -- assignee, tags, related --------------------------------------------------------------

    def assign(self) -> None:
        marked = self.app.marked_records()
        if marked:

            def chosen(value: str) -> None:
                handle = value.strip() or None
                self.flow.bulk(f"assigned to {handle or 'nobody'}", marked, lambda r: self.flow.attempt(lambda: self.session.assign(r.id, handle)))

            line = LineScreen(f"Assign {len(marked)} marked claims to", self.app.editor, "an editor's handle; empty: nobody")
            self.app.push_screen(line, unless_cancelled(chosen))
            return
        target = self.flow.target()
        if target is None:
            return
        record, _ = target
        now = record.row.assignee if record.row else None
        known = self.app.state.known_assignees()

        def assign(value: str) -> None:
            handle = value.strip() or None
            self.flow.change(Change([], lambda note, _: self.session.assign(record.id, handle), f"{record.id}: assigned to {handle or 'nobody'}"))

        hint = f"an editor's handle; empty: nobody. Known: {', '.join(known)[:200]}"
        self.app.push_screen(LineScreen(f"Assign {record.id} to", now or self.app.editor, hint), unless_cancelled(assign))

    def tags(self) -> None:
        known = self.app.state.known_tags()
        marked = self.app.marked_records()
        if marked:

            def add(value: str) -> None:
                new = [t for t in (slugged(part) for part in split(value)) if t]

                def act(record: ClaimRecord) -> str | None:
                    if record.claim is None:
                        return "does not validate (press E on it)"
                    tags = list(dict.fromkeys([*record.claim.tags, *new]))
                    return self.flow.attempt(lambda: self.session.set_tags(record.id, tags))

                self.flow.bulk(f"tags + {', '.join(new)}", marked, act)

            line = LineScreen(f"Add tags to {len(marked)} marked claims", "", "comma-separated; added to each claim's tags", words=known)
            self.app.push_screen(line, unless_cancelled(add))
            return
        target = self.flow.target()
        if target is None:
            return
        record, claim = target

        def save(value: str) -> None:
            tags = list(dict.fromkeys(t for t in (slugged(part) for part in split(value)) if t))
            self.flow.change(Change([], lambda note, _: self.session.set_tags(record.id, tags), f"{record.id}: tags saved"))

        hint = "comma-separated; right arrow completes a known tag; 'Crocus City attack' is saved as crocus-city-attack"
        self.app.push_screen(LineScreen(f"Tags of {record.id}", ", ".join(claim.tags), hint, slug_notes, words=known, notes=True), unless_cancelled(save))

    def related(self) -> None:
        target = self.flow.target()
        if target is None:
            return
        record, claim = target
        known = self.app.loaded_store.ids()
        others: dict[str, list[str]] = {claim_id: [] for claim_id in known if claim_id != record.id}

        def save(value: str) -> None:
            related = split(value)
            self.flow.change(Change([], lambda note, _: self.session.set_related(record.id, related), f"{record.id}: related claims saved"))

        line = LineScreen(
            f"Claims related to {record.id}",
            ", ".join(claim.related),
            "comma-separated claim ids; right arrow completes an id",
            partial(related_problem, record, others),
            words=sorted(known - {record.id}),
        )
        self.app.push_screen(line, unless_cancelled(save))


    def add_related(self, claim_id: str, other: str) -> None:
        """Add ``other`` to the related claims of ``claim_id`` (from "checked before")."""
        claim = self._claim(claim_id)
        if claim is None:
            return
        if other in claim.related:
            self.app.notify(f"{other} is already related to {claim_id}", timeout=3)
            return
        related = [*claim.related, other]
        self.flow.change(Change([], lambda note, _: self.session.set_related(claim_id, related), f"{claim_id}: {other} added to related"))


def slug_notes(value: str) -> str | None:
    """What the tags dialog says of typed tags that are saved as slugs."""
    changed = [f"{t} → {slugged(t)}" for t in split(value) if not SLUG_RE.match(t) and slugged(t)]
    return f"saved as slugs: {', '.join(changed)}" if changed else None


def related_problem(record: ClaimRecord, known: dict[str, list[str]], value: str) -> str | None:
    """Why the related ids typed would not validate, in the rules' words (``known``: every id)."""
    ids = split(value)
    if record.id in ids:  # the rule related-self of rules.claim_rules, which needs the whole claim
        return "a claim cannot be related to itself"
    found = cross_rules_for(record.path, record.id, ids, known)
    return "; ".join(error.message for error in found if error.code == "related-missing") or None


def _fields_need_correction(record: ClaimRecord, plain: dict) -> bool:
    """Whether a change of the fixable fields needs a correction (the form then asks for one)."""
    if record.claim is not None:
        return correction_needed(needs(record.claim, fields=FIXABLE)) is not None
    # A file that does not validate has no Claim to ask the core about: its status as written.
    return is_public(plain.get("status"))
