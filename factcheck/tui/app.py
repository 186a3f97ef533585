"""The review screen: the claim queue, the selected claim, and every editing action."""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, ProgressBar, Static

from factcheck.model import SLUG_RE, Claim, Status, Verdict, slugged
from factcheck.reading import fast_parser_here, stem
from factcheck.rows import ClaimRow
from factcheck.session import FIXABLE, EditSession, FieldChanged, correction_needed, missing_fields, needs, note_needed
from factcheck.store import ClaimRecord, ClaimStore, EditRefused
from factcheck.textsafe import escape, escape_line
from factcheck.tui.detail import DetailView, render_detail
from factcheck.tui.screens import ArticleScreen, ChooseScreen, ClaimForm, HelpScreen, LineScreen, SourceForm, TextScreen, TriageScreen
from factcheck.tui.style import STATUS_STYLE
from factcheck.tui.table import ClaimHeader, ClaimTable, layout, sort_key
from factcheck.workflow import is_open, is_public, next_status

if TYPE_CHECKING:
    from factcheck.watch import TreeWatcher

T = TypeVar("T")

QUICK_FILTERS: tuple[tuple[str, str], ...] = (
    ("all", "all claims (clear quick filter)"),
    ("mine", "mine: assigned to me"),
    ("unassigned", "assigned to nobody"),
    *((f"status:{s}", f"status: {s}") for s in Status.words()),
    ("open", "open: not published or dismissed"),
    *((f"verdict:{v}", f"verdict: {v}") for v in Verdict.words()),
    ("verdict:none", "verdict: none yet"),
    ("problems", "has problems"),
    ("no-sources", "no sources"),
    *((f"kind:{k}", f"kind: {k}") for k in ("quantity", "event", "attribution", "causal", "characterization", "prediction", "opinion")),
)


def search_text(record: ClaimRecord) -> str:
    return _row_search_text(record.path, record.row)


def _row_search_text(path: str, row: ClaimRow | None) -> str:
    """What ``/`` searches in a claim: its words, sources, tags, assignee, URLs, excerpts and notes."""
    if row is None:
        return stem(path).lower()
    return "\n".join((row.id, row.text, row.quote, row.claimant, row.summary or "", row.sources, " ".join(row.tags), row.assignee or "", row.more)).lower()


def matches_quick(record: ClaimRecord, quick: str, editor: str = "") -> bool:
    row = record.row
    if quick == "all":
        return True
    if quick in ("mine", "unassigned"):
        return row is not None and row.assignee == (editor if quick == "mine" else None)
    if quick == "problems":
        return bool(record.problems)
    if row is None:
        return False
    if quick == "open":
        return is_open(row.status)
    if quick == "no-sources":
        return row.supports + row.refutes + row.context == 0
    field, _, value = quick.partition(":")
    if field == "verdict":
        return (row.verdict or "none") == value
    return getattr(row, field, None) == value


#: The palette shows at most this many claims; more words narrow them down.
PALETTE_HITS = 40
#: How many rows the screen shows first while the rest are handed over.
FIRST_ROWS = 1000
#: Labels looked at between two chances for a newer keystroke to cancel the search.
PALETTE_CHUNK = 2000


class PaletteIndex:
    """The palette's index: one lowercase ``id  text`` label per claim, in id order.

    Built once for a set of records (a few ms at 20,000 claims) and kept until the
    records change; a search is then a substring scan of short strings.
    """

    def __init__(self, records: list[ClaimRecord]):
        self.records = sorted(records, key=lambda r: r.id)
        self.labels = [f"{r.id}  {r.row.text if r.row else ''}" for r in self.records]
        self.lower = [label.lower() for label in self.labels]

    def ranked(self, words: list[str], indices: list[int]) -> list[int]:
        """Matches in order: id starts with the first word, id holds it, the text holds it."""
        first = words[0]

        def rank(i: int) -> int:
            claim_id = self.records[i].id
            return 0 if claim_id.startswith(first) else 1 if first in claim_id else 2

        return sorted(indices, key=rank)


def highlighted(label: str, words: list[str]) -> Text:
    text = Text(label)
    lower = label.lower()
    for word in words:
        start = lower.find(word)
        while start >= 0:
            text.stylize("bold underline", start, start + len(word))
            start = lower.find(word, start + len(word))
    return text


class ClaimCommands(Provider):
    """Command palette: jump to a claim by id or words.

    Every word must occur in the claim's id or text. The scan yields to the event loop
    every :data:`PALETTE_CHUNK` claims, so the search of a stale query is cancelled as
    soon as the next key arrives; at most :data:`PALETTE_HITS` hits are shown.
    """

    async def search(self, query: str) -> Hits:
        app = self.app
        if not isinstance(app, FactcheckApp) or app.store is None:
            return
        words = query.lower().split()
        if not words:
            return
        index = app.palette_index()
        lower = index.lower
        found: list[int] = []
        for start in range(0, len(lower), PALETTE_CHUNK):
            found += [i for i in range(start, min(start + PALETTE_CHUNK, len(lower))) if all(w in lower[i] for w in words)]
            await asyncio.sleep(0)  # a newer keystroke cancels this search here
        ranked = index.ranked(words, found)
        for place, i in enumerate(ranked[:PALETTE_HITS]):
            record = index.records[i]
            more = f" · {len(ranked) - PALETTE_HITS} more: type more words" if place == PALETTE_HITS - 1 and len(ranked) > PALETTE_HITS else ""
            label = index.labels[i]
            yield Hit(
                1.0 - place / (PALETTE_HITS + 1),
                highlighted(label[:200], words),
                partial(app.select_claim, record.id),
                text=label,
                help=f"{record.row.status if record.row else 'unreadable'} · jump to this claim{more}",
            )

    async def discover(self) -> Hits:
        app = self.app
        if not isinstance(app, FactcheckApp) or app.store is None:
            return
        for record in app.shown[:50]:
            yield DiscoveryHit(f"{record.id}", partial(app.select_claim, record.id), help="jump to this claim")


class FactcheckApp(App[int]):
    """factcheck review."""

    CSS_PATH = "app.tcss"
    TITLE = "factcheck"
    COMMANDS = App.COMMANDS | {ClaimCommands}

    BINDINGS = [
        Binding("slash", "filter", "Filter", id="filter"),
        Binding("f", "quick_filter", "Quick filter", id="quick-filter"),
        Binding("s", "status", "Status", id="status"),
        Binding("right_square_bracket", "advance", "Next status", show=False, id="advance"),
        Binding("v", "verdict", "Verdict", id="verdict"),
        Binding("e", "summary", "Summary", id="summary"),
        Binding("E", "fix_fields", "Fix fields", show=False, id="fix-fields"),
        Binding("a", "add_source", "Add source", id="add-source"),
        Binding("x", "remove_source", "Remove source", show=False, id="remove-source"),
        Binding("N", "note", "Note", id="note"),
        Binding("t", "tags", "Tags", show=False, id="tags"),
        Binding("at", "assign", "Assign", show=False, id="assign"),
        Binding("r", "related", "Related", show=False, id="related"),
        Binding("A", "article", "Article", id="article"),
        Binding("T", "triage", "Triage", id="triage"),
        Binding("z,enter", "zoom", "Detail", id="zoom"),
        Binding("o", "sort", "Sort", show=False, id="sort"),
        Binding("O", "reverse_sort", "Reverse sort", show=False, id="reverse-sort"),
        Binding("ctrl+z", "undo", "Undo", id="undo"),
        Binding("ctrl+r", "reload", "Reload", show=False, id="reload"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(self, root: str, editor: str, force_polling: bool = False):
        super().__init__()
        self.force_polling = force_polling
        self._watcher: TreeWatcher | None = None
        self.root = root
        self.editor = editor
        self.store: ClaimStore | None = None
        self._session: EditSession | None = None
        self._drafts: dict[tuple, str] = {}
        self.all_records: list[ClaimRecord] = []
        self.shown: list[ClaimRecord] = []
        self._search: dict[int, str] = {}
        self._ordered: list[ClaimRecord] = []
        self._ordered_search: list[str] | None = None  # the search texts of _ordered, made when a filter needs them
        self._ordered_for: tuple[str, bool] | None = None
        self._counts: Counter = Counter()
        self._problem_count = 0
        self._warning_count = 0
        self.query_text = ""
        self.quick = "all"
        self.sort_column = "id"
        self.reverse = False
        self.load_seconds: float | None = None
        self.first_rows_seconds: float | None = None
        self.search_ready_seconds: float | None = None
        self._loading: dict = {"lock": threading.Lock(), "pending": [], "done": 0, "total": 0, "told": False}
        self._palette: PaletteIndex | None = None

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="summary-bar")
        yield Input(
            placeholder="filter: words in id, claim, quote, claimant, summary, sources (titles, URLs, excerpts), history notes (esc to close)", id="filter"
        )
        with Horizontal(id="main"):
            with Vertical(id="queue"):
                yield ClaimHeader(id="columns")
                yield ClaimTable(id="table")
                with Vertical(id="loading"):
                    yield Label("Loading claims…", id="loading-label")
                    yield ProgressBar(id="progress", show_eta=False)
            yield DetailView(id="detail")
        yield Footer()

    def on_unmount(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()
        fast_parser_here(True)

    def on_mount(self) -> None:
        # The screen is drawn on descriptor 2, where rapidyaml would print its parse
        # errors: while it is up, this process reads files with the strict reader only.
        fast_parser_here(False)
        self.sub_title = f"{self.root} · editor: {self.editor}"
        self.query_one("#filter", Input).display = False
        self.query_one("#table", ClaimTable).display = False
        self._started = time.perf_counter()
        self._loading_timer = self.set_interval(0.25, self._poll_loading)
        self.load()

    # -- loading ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load")
    def load(self) -> None:
        """Check the tree in a worker; rows appear batch by batch while the rest is read.

        The worker never waits for the screen: it leaves results and counts in
        ``_loading``, which the screen picks up a few times a second (:meth:`_poll_loading`).
        """
        state = self._loading

        def progress(done: int, total: int) -> None:
            with state["lock"]:
                state["done"], state["total"] = done, total

        def on_rows(results: list) -> None:
            with state["lock"]:
                state["pending"].extend(results)
                first, state["told"] = not state["told"], True
            if first:  # the screen picks up the first rows now, not at its next look
                self.post_message(self.RowsArrived())

        store = ClaimStore.open(self.root, progress=progress, on_rows=on_rows, isolate=True)
        self.call_from_thread(self._loaded, store)

    class RowsArrived(Message):
        """The loading thread has the first rows (posted from that thread)."""

    def on_factcheck_app_rows_arrived(self, _: RowsArrived) -> None:
        self._poll_loading()

    def _poll_loading(self) -> None:
        if self.store is not None:
            return
        state = self._loading
        table_up = self.query_one("#table", ClaimTable).display
        with state["lock"]:
            # Before any row is shown, a screenful or so first (every cached row may be waiting).
            take = len(state["pending"]) if table_up else FIRST_ROWS
            batch, state["pending"] = state["pending"][:take], state["pending"][take:]
            done, total = state["done"], state["total"]
        if total:
            self.query_one("#progress", ProgressBar).update(total=total, progress=done)
            self.query_one("#loading-label", Label).update(f"Checking {total:,} claim files… {done:,} done; filter and scroll while the rest loads")
        if batch:
            self._partial(batch)

    def _partial(self, batch: list) -> None:
        """Show the rows checked so far (read-only until the whole tree is loaded)."""
        for result in batch:
            self.all_records.append(ClaimRecord(result.path, None, result.row, list(result.problems)))
        self._ordered_for = None
        self._count()
        table = self.query_one("#table", ClaimTable)
        if not table.display:
            table.display = True
            table.focus()
            self.first_rows_seconds = time.perf_counter() - self._started
            # Rows are up: from now on redraw once a second (each redraw sorts every row so far).
            self._loading_timer.stop()
            self._loading_timer = self.set_interval(1.0, self._poll_loading)
        self.apply_view()

    def _loaded(self, store: ClaimStore) -> None:
        self._loading_timer.stop()
        table = self.query_one("#table", ClaimTable)
        selected = table.selected.path if table.selected is not None else None
        self.store = store
        self._session = EditSession(store, self.editor)
        self.all_records = sorted(store.all(), key=lambda r: r.path)
        self._ordered_for = None
        with self._loading["lock"]:
            self._loading["pending"] = []
        self._search = {}
        self._count()
        # Everything loaded stays for the session: keep the cyclic collector from
        # walking it again and again (it showed up as pauses while typing a filter).
        gc.freeze()
        self.query_one("#loading").display = False
        if not table.display:
            table.display = True
            table.focus()
            self.first_rows_seconds = time.perf_counter() - self._started
        self.apply_view(keep=store.records.get(selected) if selected else None)
        self.load_seconds = time.perf_counter() - self._started
        self.index(list(self.all_records))
        self._start_watching()
        if store.general:
            self.notify(f"{len(store.general)} problems outside claim files: run factcheck validate", severity="warning")

    @work(thread=True, exclusive=True, group="index", description="search texts")  # not the records' repr
    def index(self, records: list[ClaimRecord]) -> None:
        """Make the search text of every loaded row, off the screen's thread, once the rows
        are up; a filter typed before this ends makes the texts it needs itself."""
        texts = [(record, record.row, search_text(record)) for record in records]
        self.call_from_thread(self._indexed, texts)

    def _indexed(self, texts: list[tuple[ClaimRecord, ClaimRow | None, str]]) -> None:
        store = self.store
        for record, row, text in texts:  # a record edited or gone meanwhile keeps its own text
            if record.row is row and store is not None and store.records.get(record.path) is record:
                self._search.setdefault(id(record), text)
        self._ordered_search = None
        self.search_ready_seconds = time.perf_counter() - self._started

    def _text(self, record: ClaimRecord) -> str:
        text = self._search.get(id(record))
        if text is None:
            text = self._search[id(record)] = search_text(record)
        return text

    # -- the view: filter, quick filter, sort -------------------------------------------

    def apply_view(self, keep: ClaimRecord | None = None) -> None:
        table = self.query_one("#table", ClaimTable)
        keep = keep or table.selected
        words = self.query_text.lower().split()
        if self._ordered_for != (self.sort_column, self.reverse):
            self._resort()
        if words:
            if self._ordered_search is None:
                self._ordered_search = [self._text(r) for r in self._ordered]
            pairs: Iterable[tuple[ClaimRecord, str]] = zip(self._ordered, self._ordered_search, strict=True)
        else:
            pairs = ((r, "") for r in self._ordered)
        if self.quick != "all":
            pairs = ((r, s) for r, s in pairs if matches_quick(r, self.quick, self.editor))
        if len(words) == 1:
            word = words[0]
            pairs = ((r, s) for r, s in pairs if word in s)
        elif words:
            pairs = ((r, s) for r, s in pairs if all(w in s for w in words))
        records = [r for r, _ in pairs]
        self.shown = records
        header = self.query_one("#columns", ClaimHeader)
        header.sort_column, header.reverse = self.sort_column, self.reverse
        header.show(table.scrollable_content_region.width or table.size.width or self.size.width)
        table.set_records(records, keep)
        self.update_summary()
        if not records:
            self.query_one(DetailView).show(Text("No claim matches the filter.", style="dim"))

    def _resort(self) -> None:
        """Order every record by the sort column once; filtering then keeps that order."""
        self._ordered = sorted(self.all_records, key=sort_key(self.sort_column), reverse=self.reverse)
        self._ordered_search = None
        self._ordered_for = (self.sort_column, self.reverse)

    def palette_index(self) -> PaletteIndex:
        """The palette's index of the loaded claims (built again after records change)."""
        if self._palette is None:
            self._palette = PaletteIndex(self.all_records)
        return self._palette

    def _count(self) -> None:
        self._palette = None  # records or their rows changed
        self._counts = Counter(r.row.status if r.row else "unreadable" for r in self.all_records)
        self._problem_count = sum(1 for r in self.all_records if any(p.severity == "error" for p in r.problems))
        self._warning_count = sum(1 for r in self.all_records if r.problems and all(p.severity != "error" for p in r.problems))

    def update_summary(self) -> None:
        """Counts per status; the active filter first and the problems next, so that a
        narrow terminal cuts only the least needed part."""
        counts, problems = self._counts, self._problem_count
        total = len(self.all_records)
        bar = Text()
        shown = []
        if self.quick != "all":
            shown.append(self.quick)
        if self.query_text:
            shown.append(f'"{self.query_text}"')
        if shown:
            bar.append(f"showing {len(self.shown)} ({', '.join(shown)})", "bold italic")
            bar.append("  ·  ")
        marked = len(self.query_one("#table", ClaimTable).marked)
        if marked:
            bar.append(f"{marked} marked (s, @, t act on all; esc unmarks)", "bold cyan")
            bar.append("  ·  ")
        bar.append(f"{counts['published']} of {total} published", STATUS_STYLE["published"])
        bar.append("  ·  ")
        bar.append(f"{problems} with problems", "bold red" if problems else "dim")
        if self._warning_count:
            bar.append(f"  ·  {self._warning_count} with warnings", "#d97706")
        for status in ("in-review", "researching", "to-check", "new", "dismissed"):
            if counts[status]:
                bar.append("  ·  ")
                bar.append(f"{counts[status]} {status}", STATUS_STYLE.get(status))
        bar.append(f"  ·  editing as {self.editor}", "dim")
        self.query_one("#summary-bar", Static).update(bar)

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self.apply_view()

    @on(Input.Submitted, "#filter")
    def filter_submitted(self) -> None:
        self.query_one("#table", ClaimTable).focus()

    def action_zoom(self) -> None:
        """Show the selected claim's detail over the whole width, or go back to the queue."""
        main = self.query_one("#main")
        zoomed = main.has_class("zoom")
        main.set_class(not zoomed, "zoom")
        self.query_one(DetailView if not zoomed else ClaimTable).focus()

    @on(ClaimTable.MarksChanged)
    def marks_changed(self) -> None:
        self.update_summary()

    def marked_records(self) -> list[ClaimRecord]:
        marked = self.query_one("#table", ClaimTable).marked
        return [r for r in self.all_records if r.path in marked] if self.store else []

    def run_bulk(self, what: str, records: list[ClaimRecord], act) -> None:
        """``act(record)`` for each claim (one history entry each); refusals reported per claim."""
        done: list[tuple[str, str | None]] = []
        refused: list[tuple[str, str | None]] = []
        for record in records:
            reason = act(record)
            (done if reason is None else refused).append((record.id, reason))
        self.apply_view()
        message = f"{what}: {len(done)} of {len(records)} claims changed"
        if refused:
            message += "; refused: " + "; ".join(f"{claim_id}: {reason}" for claim_id, reason in refused[:5])
            message += f" and {len(refused) - 5} more" if len(refused) > 5 else ""
        self.notify(message, title="Bulk change", severity="error" if refused else "information", timeout=10)

    def _bulk_status(self, records: list[ClaimRecord], value: str | None) -> None:
        if value is None:
            return
        status = Status(value)
        # What must come first (the review round, a verdict ...) refuses a claim before any text is asked for.
        blocked = {r.path: missing_fields(needs(r.claim, status=status, by=self.editor)) for r in records if r.claim is not None}
        asked = [n for r in records if r.claim is not None and blocked[r.path] is None
                 for n in needs(r.claim, status=status, by=self.editor) if n.what in ("note", "correction")]

        def apply(text: str | None) -> str | None:
            def act(record: ClaimRecord) -> str | None:
                if record.claim is None:
                    return "does not validate (press E on it)"
                first = blocked.get(record.path)
                if first is not None:
                    return refusal(first)
                correction = text if correction_needed(needs(record.claim, status=status)) else None
                return self.attempt(self.session.set_status, record.id, status, note=text, correction=correction)

            self.run_bulk(f"status {value}", records, act)
            return None

        if asked:
            reasons = sorted({n.reason for n in asked})
            self._ask(
                ("bulk", value), f"{len(records)} claims → {value}: {'; '.join(reasons)}", "One text for every claim; each gets its own history entry.", apply
            )
        else:
            apply(None)

    def on_key(self, event) -> None:
        if len(self.screen_stack) > 1:  # a dialog is open: its own escape closes it
            return
        table = self.query_one("#table", ClaimTable)
        if event.key == "escape" and table.marked and not self.query_one("#filter", Input).has_focus:
            table.clear_marks()
            event.stop()
            return
        if event.key == "escape" and self.query_one("#main").has_class("zoom"):
            self.action_zoom()
            event.stop()
            return
        filter_input = self.query_one("#filter", Input)
        if event.key == "escape" and filter_input.display:
            filter_input.value = ""
            filter_input.display = False
            self.query_one("#table", ClaimTable).focus()
            event.stop()

    def action_filter(self) -> None:
        filter_input = self.query_one("#filter", Input)
        filter_input.display = True
        filter_input.focus()

    def action_quick_filter(self) -> None:
        self.push_screen(ChooseScreen("Quick filter", QUICK_FILTERS, self.quick), self._set_quick)

    def _set_quick(self, value: str | None) -> None:
        if value is not None:
            self.quick = value
            self.apply_view()

    def action_sort(self) -> None:
        table = self.query_one("#table", ClaimTable)
        keys = [c[0] for c in layout(table.scrollable_content_region.width or self.size.width)]
        if self.sort_column not in keys:
            keys = [self.sort_column, *keys]
        self.sort_column = keys[(keys.index(self.sort_column) + 1) % len(keys)]
        self.apply_view()
        self.notify(f"Sorted by {self.sort_column}", timeout=1.5)

    def action_reverse_sort(self) -> None:
        self.reverse = not self.reverse
        self.apply_view()

    @on(ClaimTable.Resized)
    def table_resized(self, event: ClaimTable.Resized) -> None:
        self.query_one("#columns", ClaimHeader).show(event.width)

    @on(ClaimTable.SortRequested)
    def sort_requested(self, event: ClaimTable.SortRequested) -> None:
        if event.column == self.sort_column:
            self.reverse = not self.reverse
        else:
            self.sort_column, self.reverse = event.column, False
        self.apply_view()

    # -- selection ------------------------------------------------------------------------

    @on(ClaimTable.Selected)
    def show_selected(self, event: ClaimTable.Selected) -> None:
        details = self.query(DetailView)
        if not details:  # a selection that arrives while the screen closes or another is on top
            return
        if event.record is None and self.all_records:
            details.first().show(Text("No claim matches the filter (esc clears it, f → all claims).", style="dim"))
            return
        details.first().show(render_detail(event.record))

    def select_claim(self, claim_id: str) -> None:
        record = self.store.find(claim_id) if self.store else None
        if record is None:
            return
        if record not in self.shown:
            self.quick, self.query_text = "all", ""
            filter_input = self.query_one("#filter", Input)
            filter_input.value = ""
            filter_input.display = False
        self.apply_view(keep=record)
        self.query_one("#table", ClaimTable).focus()

    @property
    def loaded_store(self) -> ClaimStore:
        """The claims, once loaded: an action on a claim runs only then (a claim is selected)."""
        if self.store is None:
            raise RuntimeError("the claims are not loaded yet")
        return self.store

    @property
    def session(self) -> EditSession:
        """The editing session, once the claims are loaded (see :attr:`loaded`)."""
        if self._session is None:
            raise RuntimeError("the claims are not loaded yet")
        return self._session

    @property
    def loaded(self) -> bool:
        return self._session is not None

    @property
    def current(self) -> ClaimRecord | None:
        return self.query_one("#table", ClaimTable).selected if self.store else None

    def refresh_current(self, record: ClaimRecord | None) -> None:
        if record is None:  # its file is gone meanwhile: the watcher reports it
            return
        self._search[id(record)] = search_text(record)
        self._ordered_for = None  # the edit may move it in the sort order
        self._count()
        table = self.query_one("#table", ClaimTable)
        table.refresh_record(record)
        if table.selected is record:
            self.query_one(DetailView).show(render_detail(record))
        self.update_summary()

    # -- actions ----------------------------------------------------------------------------

    def _target(self) -> tuple[ClaimRecord, Claim] | None:
        """The selected claim, when it validates (else say why nothing happens)."""
        record = self.current
        if record is None:
            self.notify("No claim selected", severity="warning")
            return None
        if record.claim is None:
            self.notify("This claim does not validate: press E to fix its text, quote, claimant or kind (see its problems)", severity="error")
            return None
        return record, record.claim

    def attempt(self, action, *args, done: str | None = None, **kw) -> str | None:
        """Run a session action; None when it was made, else why not (with the key that fixes it)."""
        try:
            record = action(*args, **kw)
        except EditRefused as exc:
            current = self.current
            if current is not None:
                self.refresh_current(current)
            return refusal(exc)
        if isinstance(record, tuple):
            record = record[0]
        self.refresh_current(record)
        if done:
            self.notify(done, timeout=3)
        return None

    def run_edit(self, action, *args, done: str | None = None, **kw) -> bool:
        """Run a session action; show what happened or why it was refused."""
        reason = self.attempt(action, *args, done=done, **kw)
        if reason is not None:
            self.notify(reason, title="Refused", severity="error", timeout=8)
        return reason is None

    def edit_text(self, key: tuple, title: str, text: str, help_text: str, submit) -> None:
        """A text dialog whose save is ``submit(text)`` (None when done, else why not).

        A refused save keeps the dialog open with the text as typed; text closed
        unsaved with esc is kept as a draft and comes back when the same dialog opens.
        """
        draft = self._drafts.get(key)
        screen = TextScreen(
            title, draft if draft is not None else text, help_text + (" · your unsaved text from before" if draft is not None else ""), submit=submit
        )

        def closed(result: str | None) -> None:
            typed = screen.typed
            if result is None and typed.strip() and typed != text:
                self._drafts[key] = typed
                self.notify("Not saved; your text is kept for the next time you open this", timeout=4)
            else:
                self._drafts.pop(key, None)

        self.push_screen(screen, closed)

    def action_status(self) -> None:
        marked = self.marked_records()
        if marked:
            choices = [(s, s) for s in Status.words()]
            self.push_screen(ChooseScreen(f"Status of {len(marked)} marked claims", choices), partial(self._bulk_status, marked))
            return
        target = self._target()
        if target is None:
            return
        record, claim = target
        choices = [(s, s) for s in Status.words()]
        self.push_screen(ChooseScreen(f"Status of {record.id}", choices, claim.status.value), partial(self._set_status, record.id))

    def _set_status(self, claim_id: str, value: str | None) -> None:
        if value is None:
            return
        record = self.loaded_store.find(claim_id)
        if record is None or record.claim is None:
            return
        status = Status(value)
        found = needs(record.claim, status=status, by=self.editor)
        missing = missing_fields(found)
        if missing is not None:  # say what to do first, before asking for any text
            self.notify(f"Cannot move {claim_id} to {value} yet: {refusal(missing)}", title="Refused", severity="error", timeout=8)
            return
        correction, note = correction_needed(found), note_needed(found)
        if correction is not None:
            self._ask(
                (claim_id, "correction"),
                f"Correction: why does published {claim_id} go to {value}?",
                "Recorded in the claim's corrections, as the IFCN code asks.",
                lambda why: self.attempt(self.session.set_status, claim_id, status, correction=why, done=f"{claim_id}: status {value}, correction recorded"),
            )
        elif note is not None:
            self._ask(
                (claim_id, "note", value),
                f"{claim_id} → {value}: {note.reason}",
                "Recorded in the history with your name.",
                lambda why: self.attempt(self.session.set_status, claim_id, status, note=why, done=f"{claim_id}: {value}"),
            )
        else:
            self.run_edit(self.session.set_status, claim_id, status, done=f"{claim_id}: status {value}")

    def _ask(self, key: tuple, title: str, help_text: str, then) -> None:
        """Ask for a required text (a note, a correction), then act on it (``then`` -> None or why not)."""

        def submit(text: str) -> str | None:
            if not text.strip():
                return "Write a reason first (esc cancels)"
            return then(text.strip())

        self.edit_text(key, title, "", help_text, submit)

    def action_advance(self) -> None:
        target = self._target()
        if target is None:
            return
        record, claim = target
        status = claim.status
        following = next_status(status)
        if following is None:
            self.notify(f"{record.id} is {status.value}: choose a status with s", severity="warning")
            return
        self._set_status(record.id, following.value)

    def action_verdict(self) -> None:
        target = self._target()
        if target is None:
            return
        record, claim = target
        choices = [(v, v) for v in Verdict.words()] + [("none", "none (no verdict yet)")]
        current = claim.verdict.value if claim.verdict else "none"
        self.push_screen(ChooseScreen(f"Verdict on {record.id}", choices, current), partial(self._chosen_verdict, record.id))

    def _chosen_verdict(self, claim_id: str, value: str | None) -> None:
        if value is None:
            return
        verdict = None if value == "none" else Verdict(value)
        record = self.loaded_store.find(claim_id)
        if record is None or record.claim is None:
            return
        correction = correction_needed(needs(record.claim, verdict=verdict))
        if correction is not None:
            was = record.claim.verdict.value if record.claim.verdict else "none"
            self._ask(
                (claim_id, "correction"),
                f"Correction: why does the verdict of published {claim_id} change from {was} to {value}?",
                "Recorded in the claim's corrections, as the IFCN code asks.",
                lambda why: self.attempt(self.session.set_verdict, claim_id, verdict, correction=why, done=f"{claim_id}: verdict {value}, correction recorded"),
            )
            return
        self.run_edit(self.session.set_verdict, claim_id, verdict, done=f"{claim_id}: verdict {value}")

    def action_summary(self) -> None:
        target = self._target()
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
                self.refresh_current(self.loaded_store.find(claim_id))
                return Text.assemble(
                    ("Not saved: the summary changed since you started (someone else saved it). Theirs now:\n", "bold"),
                    (f"  {escape(exc.theirs or '(none)')}\n", "italic"),
                    "Yours is kept below: ctrl+s saves it over theirs, esc closes (yours is kept for next time).",
                )
            except EditRefused as exc:
                self.refresh_current(self.loaded_store.find(claim_id))
                return refusal(exc)
            self.refresh_current(self.loaded_store.find(claim_id))
            self.notify(f"{claim_id}: summary saved", timeout=3)
            return None

        self.edit_text(
            (claim_id, "summary"), f"Summary of {claim_id}", claim.summary or "", "Two to five sentences: what the sources say, where they disagree.", submit
        )

    def action_fix_fields(self) -> None:
        """Fix text, quote, claimant and kind: also on a claim that does not validate."""
        record = self.current
        if record is None or not self.loaded:
            self.notify("No claim selected", severity="warning")
            return
        plain = self.loaded_store.plain_data(record.id)
        if not plain:
            self.notify("This file cannot be read as YAML: fix it in an editor (see its problems)", severity="error")
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
            fixed = self.loaded_store.find(claim_id)
            self.refresh_current(fixed)
            self.apply_view(keep=fixed)
            self.notify(f"{claim_id}: {', '.join(values)} saved", timeout=3)
            return None

        article = record.article.text if record.article else None
        self.push_screen(ClaimForm(claim_id, FIXABLE, started, article, submit, published=is_public(plain.get("status"))))

    def action_add_source(self) -> None:
        target = self._target()
        if target is None:
            return
        record, claim = target
        self.push_screen(
            SourceForm(record.id, [s.url for s in claim.sources]),
            unless_cancelled(lambda source: self.run_edit(self.session.add_source, record.id, source, done=f"{record.id}: source added")),
        )

    def action_remove_source(self) -> None:
        target = self._target()
        if target is None:
            return
        record, claim = target
        sources = claim.sources
        if not sources:
            self.notify(f"{record.id} has no sources", severity="warning")
            return
        choices = [(s.url, f"[{s.stance.value}] {s.title} — {s.publisher}") for s in sources]
        self.push_screen(ChooseScreen(f"Remove which source of {record.id}?", choices), partial(self._remove_source, record.id))

    def _remove_source(self, claim_id: str, url: str | None) -> None:
        if url is None:
            return
        record = self.loaded_store.find(claim_id)
        if record is None or record.claim is None:
            return
        correction = correction_needed(needs(record.claim, removes_source=True))
        title = f"Why remove this source from {claim_id}?" + (f" ({correction.reason}: recorded as one)" if correction else "")
        self._ask(
            (claim_id, "remove", url),
            title,
            "Recorded in the claim's history" + (" and corrections." if correction else "."),
            lambda why: self.attempt(
                self.session.remove_source, claim_id, url, why, correction=why if correction else None, done=f"{claim_id}: source removed"
            ),
        )

    def action_note(self) -> None:
        target = self._target()
        if target is None:
            return
        record, claim = target
        self.edit_text(
            (record.id, "note"),
            f"Note on {record.id}",
            "",
            "Recorded in the claim's history with your name and the time.",
            lambda text: self.attempt(self.session.add_note, record.id, text, done=f"{record.id}: note added"),
        )

    def action_assign(self) -> None:
        marked = self.marked_records()
        if marked:

            def chosen(value: str | None) -> None:
                if value is not None:
                    handle = value.strip() or None
                    self.run_bulk(f"assigned to {handle or 'nobody'}", marked, lambda r: self.attempt(self.session.assign, r.id, handle))

            self.push_screen(LineScreen(f"Assign {len(marked)} marked claims to", self.editor, "an editor's handle; empty: nobody"), chosen)
            return
        target = self._target()
        if target is None:
            return
        record, _ = target
        now = record.row.assignee if record.row else None
        known = sorted({r.row.assignee for r in self.all_records if r.row and r.row.assignee} | {self.editor})

        def assign(value: str) -> None:
            self.run_edit(self.session.assign, record.id, value.strip() or None, done=f"{record.id}: assigned to {value.strip() or 'nobody'}")

        self.push_screen(
            LineScreen(f"Assign {record.id} to", now or self.editor, f"an editor's handle; empty: nobody. Known: {', '.join(known)[:200]}"),
            unless_cancelled(assign),
        )

    def action_tags(self) -> None:
        marked = self.marked_records()
        if marked:
            known = sorted({t for r in self.all_records if r.row for t in r.row.tags})

            def add(value: str | None) -> None:
                if value is None:
                    return
                new = [t for t in (slugged(part) for part in _split(value)) if t]

                def act(record: ClaimRecord) -> str | None:
                    if record.claim is None:
                        return "does not validate (press E on it)"
                    return self.attempt(self.session.set_tags, record.id, list(dict.fromkeys([*record.claim.tags, *new])))

                self.run_bulk(f"tags + {', '.join(new)}", marked, act)

            self.push_screen(LineScreen(f"Add tags to {len(marked)} marked claims", "", "comma-separated; added to each claim's tags", words=known), add)
            return
        target = self._target()
        if target is None:
            return
        record, claim = target
        known = sorted({t for r in self.all_records if r.row for t in r.row.tags})

        def tags(value: str) -> list[str]:
            return list(dict.fromkeys(t for t in (slugged(part) for part in _split(value)) if t))

        def check(value: str) -> str | None:
            typed = _split(value)
            changed = [f"{t} → {slugged(t)}" for t in typed if not SLUG_RE.match(t) and slugged(t)]
            return f"saved as slugs: {', '.join(changed)}" if changed else None

        def save(value: str) -> None:
            self.run_edit(self.session.set_tags, record.id, tags(value), done=f"{record.id}: tags saved")

        self.push_screen(
            LineScreen(
                f"Tags of {record.id}",
                ", ".join(claim.tags),
                "comma-separated; right arrow completes a known tag; 'Crocus City attack' is saved as crocus-city-attack",
                check,
                words=known,
                notes=True,
            ),
            unless_cancelled(save),
        )

    def action_related(self) -> None:
        target = self._target()
        if target is None:
            return
        record, claim = target
        known = self.loaded_store.ids()

        def check(value: str) -> str | None:
            ids = _split(value)
            missing = [i for i in ids if i not in known]
            if record.id in ids:
                return "a claim cannot be related to itself"
            return f"no such claim: {', '.join(missing)}" if missing else None

        def save(value: str) -> None:
            self.run_edit(self.session.set_related, record.id, _split(value), done=f"{record.id}: related claims saved")

        self.push_screen(
            LineScreen(
                f"Claims related to {record.id}",
                ", ".join(claim.related),
                "comma-separated claim ids; right arrow completes an id",
                check,
                words=sorted(known - {record.id}),
            ),
            unless_cancelled(save),
        )

    def action_article(self) -> None:
        record = self.current
        article = record.article if record else None
        if article is None and self.store and self.store.articles:
            article = next(iter(self.store.articles.values()))
        if article is None or article.text is None:
            self.notify("No readable article text", severity="error")
            return
        records = [r for r in self.all_records if r.article is article]
        title = article.article.title if article.article else article.slug
        self.push_screen(ArticleScreen(title, article.text, records, record), unless_cancelled(self.select_claim))

    def action_triage(self) -> None:
        """The triage view of the current claim's article (asked for when the tree has several)."""
        if self.store is None:
            self.notify("Still loading the claims; try again in a moment", severity="warning")
            return
        articles = sorted((a for a in self.store.articles.values() if a.text is not None and a.article is not None), key=lambda a: a.slug)
        if not articles:
            self.notify("No article with a readable text and article.yaml", severity="error")
            return
        record = self.current
        here = record.article.folder if record is not None and record.article is not None else None
        if len(articles) == 1:
            self._open_triage(articles[0].folder)
            return
        claims = Counter(r.article.folder for r in self.all_records if r.article is not None)
        choices = [(a.folder, f"{a.slug}  ({claims[a.folder]} claims) · {escape_line(a.article.title if a.article else a.slug)}") for a in articles]
        self.push_screen(ChooseScreen("Triage which article?", choices, here), unless_cancelled(self._open_triage))

    def _open_triage(self, folder: str) -> None:
        from factcheck import triage

        store = self.loaded_store
        article = store.articles[folder]
        if article.article is None:
            self.notify(f"{article.slug}: article.yaml cannot be read", severity="error")
            return

        def accept(candidate, text: str) -> str:
            record = triage.accept(store, article, candidate, self.editor, text, how="Accepted in the triage view")
            self._added(record)
            return record.id

        def dismiss(candidate, reason: str) -> None:
            triage.dismiss(store, article, candidate, self.editor, reason)

        title = f"Triage · {escape_line(article.article.title)} ({article.slug})"
        self.push_screen(
            TriageScreen(title, partial(triage.proposals, store, article), accept, dismiss, self._drafts, triage.default_claimant(article.article)),
            unless_cancelled(self.select_claim),
        )

    def _added(self, record: ClaimRecord) -> None:
        """A claim this screen created: into the queue, the counts and the palette (and ctrl+z takes it back)."""
        self.session.created(record)
        self.all_records = sorted(self.loaded_store.all(), key=lambda r: r.path)
        self._search[id(record)] = search_text(record)
        self._ordered_for = None
        self._count()
        self.apply_view()

    def action_undo(self) -> None:
        if not self.loaded:
            return
        try:
            record, description = self.session.undo()
        except EditRefused as exc:
            self.notify(exc.message, title="Cannot undo", severity="warning")
            return
        if record.path not in self.loaded_store.records:  # its creation taken back: the file is gone
            self.all_records = sorted(self.loaded_store.all(), key=lambda r: r.path)
            self._search.pop(id(record), None)
            self._ordered_for = None
            self._count()
            self.apply_view()
            self.notify(f"Undid the creation of {record.id}: its file is removed", timeout=3)
            return
        self.refresh_current(record)
        self.notify(f"Undid {description} on {record.id}", timeout=3)

    def action_reload(self) -> None:
        self.watch_disk(everything=True)

    def bindings_list(self) -> list[Binding]:
        """The screen's key bindings (all written as :class:`Binding`, with a description)."""
        return [b for b in self.BINDINGS if isinstance(b, Binding)]

    def action_help(self) -> None:
        shown = {"right_square_bracket": "]", "slash": "/", "question_mark": "?", "at": "@"}
        keys = [(shown.get(b.key, b.key), b.description) for b in self.bindings_list()]
        keys += [
            ("up/down, j/k", "Move"),
            ("enter", "(in lists) choose"),
            ("ctrl+p", "Command palette: jump to a claim, run any action"),
            ("esc", "Close a dialog or the filter"),
        ]
        self.push_screen(HelpScreen(keys))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for binding in self.bindings_list():
            if binding.action in ("quit", "help"):
                continue
            yield SystemCommand(binding.description, f"key: {binding.key}", partial(self.run_action, binding.action))

    # -- changes on disk ------------------------------------------------------------------------

    def _start_watching(self) -> None:
        """Watch the whole tree: files added, changed, emptied or removed reach the queue."""
        from factcheck.watch import TreeWatcher

        self._watcher = TreeWatcher(self.root, self._paths_changed, force_polling=self.force_polling).start()

    def _paths_changed(self, paths: set[str] | None) -> None:
        """In the watcher's thread: check what changed, then hand it to the screen."""
        store = self.store
        if store is None:
            return
        changes = store.changes_on_disk(paths)
        if changes:
            self.call_from_thread(self._changed_on_disk, changes)

    def watch_disk(self, everything: bool = False) -> None:
        """Look at the whole tree now (ctrl+r); the watcher does this by itself."""
        if self.store is not None:
            self._check_disk()

    @work(thread=True, exclusive=True, group="disk")
    def _check_disk(self) -> None:
        self._paths_changed(None)

    def _changed_on_disk(self, changes: list) -> None:
        store = self.loaded_store
        shown_before = {r.path for r in self.all_records}
        touched = store.apply_disk_changes(changes)
        if not touched:
            return
        gone = [r for r in touched if r.path not in store.records]
        new = [r for r in touched if r.path not in shown_before]
        self.all_records = sorted(store.all(), key=lambda r: r.path)
        for record in touched:
            if record in gone:
                self._search.pop(id(record), None)
            else:
                self._search[id(record)] = search_text(record)
        self._ordered_for = None
        self._count()
        table = self.query_one("#table", ClaimTable)
        selected = table.selected
        self.apply_view(keep=selected if selected is not None and selected.path in store.records else None)
        if table.selected is not None and table.selected in touched:
            self.query_one(DetailView).show(render_detail(table.selected))
        changed = [r for r in touched if r not in new and r not in gone]
        parts = []
        for label, names in (("added", [r.id for r in new]), ("removed", [r.id for r in gone]), ("reloaded", [r.id for r in changed])):
            if names:
                parts.append(f"{label}: " + ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else ""))
        self.notify("; ".join(parts), title="Changed on disk", severity="warning", timeout=6)


#: The key that gives the core what a refused change needs.
NEED_KEYS = {
    "verdict": "press v to set a verdict",
    "summary": "press e to write a summary",
    "source": "press a to add a source",
    "in-review": "press s to move it to in-review",
    "correction": "say why in the correction",
    "note": "say why in the note",
}


def refusal(exc: EditRefused) -> str:
    """Why a change was refused, and the keys that fix it."""
    keys = [NEED_KEYS[n] for n in exc.needs if n in NEED_KEYS]
    return exc.message + (f" ({'; '.join(keys)})" if keys else "")


def unless_cancelled(act: Callable[[T], object]) -> Callable[[T | None], None]:
    """A dialog's callback: ``act(result)``, unless the dialog was cancelled (None)."""

    def callback(result: T | None) -> None:
        if result is not None:
            act(result)

    return callback


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]


def run_app(root: str, editor: str) -> int:
    app = FactcheckApp(root, editor)
    app.run()
    return app.return_code or 0
