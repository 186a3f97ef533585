"""The triage view: an article's sentences ranked by check-worthiness, to accept or dismiss."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, OptionList, Static
from textual.widgets.option_list import Option

from factcheck.store import EditRefused
from factcheck.textsafe import escape_line
from factcheck.tui.screens.accept import Accepted, AcceptScreen
from factcheck.tui.screens.line import LineScreen


class TriageScreen(ModalScreen[str | None]):
    """An article's sentences, ranked by check-worthiness (or in reading order), to accept
    as claims or dismiss.

    The sentences are scored once, when the view opens (in a worker thread); then, in
    another, ``check`` finds which match an earlier check (marked ≈). ``guess(candidate,
    text)`` gives the claimant, kind and id a claim of it would have (a ``triage.Guess``);
    ``accept(candidate, accepted)`` (an :class:`Accepted`; returns the new claim's id) and
    ``dismiss_sentence(candidate, reason)`` write through the core, or raise
    :class:`EditRefused`: the dialog then stays open with the text as typed and the reason.
    ``claimants`` are the names the claimant box completes. Closing returns the id of the
    last claim made, so the queue can select it.
    """

    BINDINGS = [
        Binding("enter", "accept", "Accept", priority=True),
        Binding("d", "dismiss_sentence", "Dismiss"),
        Binding("s", "toggle_order", "Order"),
        Binding("c", "toggle_claimed", "Hide claimed"),
        Binding("j", "move(1)", "Down", show=False),
        Binding("k", "move(-1)", "Up", show=False),
        Binding("escape,q,T", "close", "Back"),
    ]

    def __init__(self, title: str, load, accept, dismiss_sentence, drafts: dict | None = None, *, guess, claimants: Sequence[str] = (), check=None):
        super().__init__()
        self.guess = guess
        self.claimants = claimants
        self.check = check  # (texts) -> each one's best earlier check or None; run in a worker after scoring
        self.checked: dict[str, object] = {}  # sentence text -> its best earlier check
        self.title_text = title
        self.load = load  # () -> triage.Proposals
        self.accept = accept
        self.dismiss_sentence = dismiss_sentence
        self.drafts = drafts if drafts is not None else {}
        self.sentences: list = []  # suggest.Candidate, reading order
        self.dismissed = 0
        self.reading_order = False
        self.hide_claimed = False
        self.shown: list = []
        self.last_created: str | None = None
        self.load_seconds: float | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="triage-view"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static("Scoring the article's sentences…", id="triage-status")
            yield OptionList(id="triage-list")
            yield Static(id="triage-sentence")
            yield Footer()

    def on_mount(self) -> None:
        self.query_one("#triage-list", OptionList).focus()
        self._score()

    @work(thread=True, exclusive=True, group="triage")
    def _score(self) -> None:
        import time

        started = time.perf_counter()
        found = self.load()
        self.app.call_from_thread(self._scored, found, time.perf_counter() - started)

    def _scored(self, found, seconds: float) -> None:
        self.load_seconds = seconds
        self.sentences, self.dismissed = list(found.sentences), found.dismissed
        if found.problems:
            what = "cannot be read: nothing is left out as dismissed" if not found.readable else "has problems"
            self.notify(f"dismissed.yaml {what}; run factcheck validate", severity="error" if not found.readable else "warning", timeout=8)
        self._fill()
        if self.check is not None and self.sentences:
            self._check([c.text for c in self.sentences])

    @work(thread=True, exclusive=True, group="triage-check")
    def _check(self, texts: list[str]) -> None:
        found = self.check(texts)
        self.app.call_from_thread(self._checked, {text: match for text, match in zip(texts, found, strict=True) if match is not None})

    def _checked(self, checked: dict) -> None:
        self.checked = checked
        if checked:
            self._fill()

    # -- drawing

    def _ordered(self) -> list:
        from factcheck.suggest import ranked

        shown = self.sentences if self.reading_order else ranked(self.sentences)
        return [c for c in shown if not (self.hide_claimed and c.claimed_by)]

    def _row(self, candidate, width: int, kind_width: int, claimant_width: int) -> Text:
        row = Text(no_wrap=True, overflow="ellipsis", end="")
        row.append(f"{candidate.line:>3} ", "dim")
        row.append(f"{candidate.score:.2f} ", "bold" if candidate.score >= 0.5 else "")
        row.append("✓ " if candidate.claimed_by else "  ", "#16a34a bold")
        if self.checked:  # a column only once some sentence matches an earlier check
            row.append("≈ " if candidate.text in self.checked else "  ", "#d97706 bold")
        row.append(f"{candidate.kind.value:<{kind_width}} ", "#3b82f6")
        if claimant_width:
            row.append(f"{escape_line(candidate.claimant or '')[:claimant_width - 1]:<{claimant_width}}", "#a855f7")
        text = escape_line(candidate.text)
        room = max(10, width - len(row))
        row.append(text if len(text) <= room else text[: room - 1] + "…", "dim" if candidate.claimed_by else "")
        return row

    def _fill(self, keep=None) -> None:
        option_list = self.query_one("#triage-list", OptionList)
        if keep is None and option_list.highlighted is not None and option_list.highlighted < len(self.shown):
            keep = self.shown[option_list.highlighted]
        self.shown = self._ordered()
        width = (option_list.scrollable_content_region.width or self.size.width or 80) - 3  # the scroll bar
        kind_width = max((len(c.kind.value) for c in self.shown), default=5)
        claimant_width = 22 if width >= 110 else 0
        option_list.set_options([Option(self._row(c, width, kind_width, claimant_width)) for c in self.shown])
        if self.shown:
            index = next((i for i, c in enumerate(self.shown) if keep is not None and c.text == keep.text and c.line == keep.line), 0)
            option_list.highlighted = index
        self._status()
        self._describe()

    def on_resize(self) -> None:
        if self.sentences:
            self._fill()

    def _status(self) -> None:
        claimed = sum(1 for c in self.sentences if c.claimed_by)
        line = Text()
        line.append("reading order" if self.reading_order else "ranked by score", "bold")
        line.append(f" · {len(self.sentences)} sentences · ✓ {claimed} claimed")
        if self.dismissed:
            line.append(f" · {self.dismissed} dismissed")
        if self.checked:
            line.append(f" · ≈ {sum(1 for c in self.sentences if c.text in self.checked)} checked before", "#d97706")
        if self.hide_claimed:
            line.append(" · claimed hidden", "italic")
        if not self.sentences:
            line = Text("No sentence to triage: every sentence is claimed or dismissed, or the text has none.", style="dim")
        self.query_one("#triage-status", Static).update(line)

    @property
    def current(self):
        option_list = self.query_one("#triage-list", OptionList)
        index = option_list.highlighted
        return self.shown[index] if index is not None and 0 <= index < len(self.shown) else None

    def _describe(self) -> None:
        candidate = self.current
        panel = self.query_one("#triage-sentence", Static)
        if candidate is None:
            panel.update("")
            return
        text = Text()
        text.append(f"Sentence {candidate.line} · score {candidate.score:.2f} · ", "dim")
        if candidate.claimed_by:
            text.append(f"already a claim: {', '.join(candidate.claimed_by)}", "#16a34a bold")
        else:
            text.append("not a claim yet", "bold")
        guessed = self.guess(candidate, None)
        text.append(f"\nguessed kind: {candidate.kind.value} · claimant: {escape_line(guessed.claimant)} ({escape_line(guessed.why)})\n", "dim")
        match = self.checked.get(candidate.text)
        if match is not None:
            from factcheck.tui.screens.matches import match_line

            text.append("≈ checked before: ", "#d97706 bold")
            text.append_text(match_line(match))
            text.append("\n")
        text.append(escape_line(candidate.text))
        panel.update(text)

    @on(OptionList.OptionHighlighted)
    def highlighted(self) -> None:
        self._describe()

    @on(OptionList.OptionSelected)
    def selected(self) -> None:  # a click
        self.action_accept()

    # -- actions

    def action_move(self, step: int) -> None:
        option_list = self.query_one("#triage-list", OptionList)
        (option_list.action_cursor_down if step > 0 else option_list.action_cursor_up)()

    def action_toggle_order(self) -> None:
        self.reading_order = not self.reading_order
        self._fill()

    def action_toggle_claimed(self) -> None:
        self.hide_claimed = not self.hide_claimed
        self._fill()

    def _replace(self, old, new) -> None:
        self.sentences = [new if c is old else c for c in self.sentences]

    def _refill_after(self, done) -> None:
        """Draw the list again after ``done`` was accepted or dismissed; the next sentence is highlighted."""
        following = self.shown[self.shown.index(done) + 1:] if done in self.shown else []
        self._fill(keep=following[0] if following else None)
        option_list = self.query_one("#triage-list", OptionList)
        if not following and self.shown:
            option_list.highlighted = len(self.shown) - 1

    def action_accept(self) -> None:
        candidate = self.current
        if candidate is None:
            return
        if candidate.claimed_by:
            self.notify(f"Already a claim: {', '.join(candidate.claimed_by)} (esc, then find it in the queue)", severity="warning")
            return
        key = ("triage", candidate.text)
        draft = self.drafts.get(key)

        def submit(accepted: Accepted) -> str | None:
            try:
                claim_id = self.accept(candidate, accepted)
            except EditRefused as exc:
                return f"Not saved: {exc.message}"
            self.drafts.pop(key, None)
            self.last_created = claim_id
            from factcheck.triage import claimed

            self._replace(candidate, claimed(candidate, claim_id))
            self._refill_after(candidate)
            self.notify(f"{claim_id}: created (new); it is in the queue", timeout=4)
            return None

        screen = AcceptScreen(
            candidate.text, draft if draft is not None else candidate.text, lambda text: self.guess(candidate, text), submit,
            self.claimants, " · your unsaved text from before" if draft is not None else "",
        )

        def closed(value: Accepted | None) -> None:
            typed = screen.typed
            if value is None and typed.strip() and typed != candidate.text:
                self.drafts[key] = typed
                self.notify("Not saved; your text is kept for the next time you accept this sentence", timeout=4)

        self.app.push_screen(screen, closed)

    def action_dismiss_sentence(self) -> None:
        candidate = self.current
        if candidate is None:
            return
        if candidate.claimed_by:
            self.notify(
                f"A claim quotes this sentence ({', '.join(candidate.claimed_by)}): dismiss the claim itself in the queue (s → dismissed)",
                severity="warning",
                timeout=6,
            )
            return

        def submit(value: str) -> str | None:
            try:
                self.dismiss_sentence(candidate, value)
            except EditRefused as exc:
                return f"Not saved: {exc.message}"
            self.sentences = [c for c in self.sentences if c is not candidate]
            self.dismissed += 1
            self._refill_after(candidate)
            self.notify("Dismissed; recorded in dismissed.yaml", timeout=3)
            return None

        self.app.push_screen(LineScreen(
            "Dismiss: not worth a claim",
            "",
            f"“{escape_line(candidate.text)[:200]}” · why (optional)? Recorded in the article folder's dismissed.yaml with your name and the time.",
            submit=submit,
        ))

    def action_close(self) -> None:
        self.dismiss(self.last_created)
