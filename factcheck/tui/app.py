"""The review screen: the claim queue, the selected claim, and every editing action.

The app is the shell: layout, keys, loading in a thread and changes on disk. What
the queue shows lives in :class:`~factcheck.tui.state.QueueState` (no Textual), the
edits in :class:`~factcheck.tui.actions.ClaimActions` through the one edit flow
(:class:`~factcheck.tui.flow.EditFlow`), and every dialog in :mod:`factcheck.tui.screens`.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from rich.console import RenderableType
from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, ProgressBar, Static

from factcheck.provenance import linkstate
from factcheck.provenance.linkstate import LinkResult
from factcheck.reading import fast_parser_here
from factcheck.rows import ClaimRow
from factcheck.session import EditSession
from factcheck.store import ClaimRecord, ClaimStore, EditRefused
from factcheck.tui import views
from factcheck.tui.actions import ClaimActions
from factcheck.tui.archiving import Archiver
from factcheck.tui.checked import CheckedBefore
from factcheck.tui.detail import DetailView
from factcheck.tui.flow import EditFlow
from factcheck.tui.keys import BINDINGS, key_name
from factcheck.tui.palette import ClaimCommands
from factcheck.tui.screens import ChooseScreen, HelpScreen
from factcheck.tui.state import LoadingState, QueueState, disk_report, search_text
from factcheck.tui.summary import summary_bar
from factcheck.tui.table import ClaimHeader, ClaimTable, label_width

if TYPE_CHECKING:
    from factcheck.watch import TreeWatcher

#: How many rows the screen shows first while the rest are handed over.
FIRST_ROWS = 1000


class FactcheckApp(App[int]):
    """factcheck review."""

    CSS_PATH = "app.tcss"
    TITLE = "factcheck"
    COMMANDS = App.COMMANDS | {ClaimCommands}

    BINDINGS = list[Binding | tuple[str, str] | tuple[str, str, str]](BINDINGS)

    def __init__(self, root: str, editor: str, force_polling: bool = False, ask_editor: bool = False):
        super().__init__()
        #: No handle was configured (--editor, FACTCHECK_EDITOR, the user config): ask on start.
        self.ask_editor = ask_editor
        self.force_polling = force_polling
        self._watcher: TreeWatcher | None = None
        self.root = root
        self.editor = editor
        self.store: ClaimStore | None = None
        self._session: EditSession | None = None
        self.state = QueueState(editor)
        self.flow = EditFlow(self)
        self.actions = ClaimActions(self, self.flow)
        self.archiver = Archiver(self)
        self.load_seconds: float | None = None
        self.first_rows_seconds: float | None = None
        self.search_ready_seconds: float | None = None
        self._loading = LoadingState()
        #: The last link check of each URL (``links --check``), for the sources' evidence state.
        self.links: dict[str, LinkResult] = {}
        self.checked = CheckedBefore(self)

    # -- what the queue holds (see QueueState) --------------------------------------------

    @property
    def all_records(self) -> list[ClaimRecord]:  # read by bench/ui.py, like the two below
        return self.state.records

    @property
    def query_text(self) -> str:
        return self.state.query

    @property
    def _problem_count(self) -> int:
        return self.state.problem_count

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="summary-bar")
        yield Input(
            placeholder="filter: words in id, claim, quote, claimant, summary, sources (titles, URLs, excerpts), history notes (esc to close)", id="filter"
        )
        with Horizontal(id="main"):
            with Vertical(id="queue"):
                yield ClaimHeader(id="columns")
                table = ClaimTable(id="table")
                table.marked = self.state.marked  # the table draws the marks the state keeps
                yield table
                with Vertical(id="loading"):
                    yield Label("Loading claims…", id="loading-label")
                    yield ProgressBar(id="progress", show_eta=False)
            yield DetailView(id="detail")
        with Horizontal(id="archive-bar"):
            yield Label(id="archive-label")
            yield ProgressBar(id="archive-progress", show_eta=False)
        yield Footer(compact=True)

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information", timeout: float | None = None, markup: bool = True) -> None:
        """Notifications are plain text, never markup: a handle such as ``ci[bot]``, a path or
        ``[match] threshold`` shows as written (screens and widgets notify through here)."""
        super().notify(escape(message) if markup else message, title=title, severity=severity, timeout=timeout, markup=markup)

    def on_unmount(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()
        fast_parser_here(True)

    def on_mount(self) -> None:
        # The screen is drawn on descriptor 2, where rapidyaml would print its parse
        # errors: while it is up, this process reads files with the strict reader only.
        fast_parser_here(False)
        self.sub_title = f"{self.root} · editor: {self.editor}"
        if self.ask_editor:
            views.ask_handle(self, first_run=True)
        self.query_one("#filter", Input).display = False
        self.query_one("#archive-bar").display = False
        self.table.display = False
        self._started = time.perf_counter()
        self._loading_timer = self.set_interval(0.25, self._poll_loading)
        self.load()

    @property
    def table(self) -> ClaimTable:
        return self.query_one("#table", ClaimTable)

    # -- loading ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load")
    def load(self) -> None:
        """Check the tree in a worker; rows appear batch by batch while the rest is read.

        The worker never waits for the screen: it leaves results and counts in
        ``_loading``, which the screen picks up a few times a second (:meth:`_poll_loading`).
        """

        def on_rows(results: list) -> None:
            if self._loading.arrived(results):  # the screen picks up the first rows now, not at its next look
                self.post_message(self.RowsArrived())

        store = ClaimStore.open(self.root, progress=self._loading.progress, on_rows=on_rows, isolate=True)
        links = linkstate.load(self.root)
        self.call_from_thread(self._loaded, store, links)

    class RowsArrived(Message):
        """The loading thread has the first rows (posted from that thread)."""

    def on_factcheck_app_rows_arrived(self, _: RowsArrived) -> None:
        self._poll_loading()

    def _poll_loading(self) -> None:
        if self.store is not None:
            return
        # Before any row is shown, a screenful or so first (every cached row may be waiting).
        batch, done, total = self._loading.take(None if self.table.display else FIRST_ROWS)
        if total:
            self.query_one("#progress", ProgressBar).update(total=total, progress=done)
            self.query_one("#loading-label", Label).update(f"Checking {total:,} claim files… {done:,} done; filter and scroll while the rest loads")
        if batch:
            self._partial(batch)

    def _partial(self, batch: list) -> None:
        """Show the rows checked so far (read-only until the whole tree is loaded)."""
        self.state.add(ClaimRecord(result.path, None, result.row, list(result.problems)) for result in batch)
        if self._show_table():
            # Rows are up: from now on redraw once a second (each redraw sorts every row so far).
            self._loading_timer.stop()
            self._loading_timer = self.set_interval(1.0, self._poll_loading)
        self.apply_view()

    def _show_table(self) -> bool:
        """Show the table (once): True the first time."""
        table = self.table
        if table.display:
            return False
        table.display = True
        table.focus()
        self.first_rows_seconds = time.perf_counter() - self._started
        return True

    def _loaded(self, store: ClaimStore, links: dict[str, LinkResult]) -> None:
        self._loading_timer.stop()
        self.links = links
        selected = self.table.selected.path if self.table.selected is not None else None
        self.store = store
        self._session = EditSession(store, self.editor)
        self.state.replace(store.all(), forget=True)
        self._loading.finished()
        # Everything loaded stays for the session: keep the cyclic collector from
        # walking it again and again (it showed up as pauses while typing a filter).
        gc.freeze()
        self.query_one("#loading").display = False
        self._show_table()
        self.apply_view(keep=store.records.get(selected) if selected else None)
        self.load_seconds = time.perf_counter() - self._started
        self.index(list(self.all_records))
        self.checked.load()
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
        self.state.indexed(texts, lambda record: store is not None and store.records.get(record.path) is record)
        self.search_ready_seconds = time.perf_counter() - self._started

    # -- checked before (CheckedBefore: each claim's earlier checks, found off the screen's thread) --

    def detail_of(self, record: ClaimRecord | None) -> RenderableType:
        """What the detail pane shows of ``record``: who may publish it, the last link check of
        its sources, and its earlier checks once found."""
        return self.checked.detail(record)

    def action_checked_before(self) -> None:
        self.checked.open()

    # -- the view: filter, quick filter, sort -------------------------------------------

    def apply_view(self, keep: ClaimRecord | None = None) -> None:
        table = self.table
        keep = keep or table.selected
        records = self.state.apply()
        table.articles = self.state.articles  # drawn by set_records below
        header = self.query_one("#columns", ClaimHeader)
        header.sort_column, header.reverse = self.state.sort_column, self.state.reverse
        header.article_width = label_width(self.state.articles)
        header.show(table.scrollable_content_region.width or table.size.width or self.size.width)
        table.set_records(records, keep)
        self.update_summary()
        if not records:
            self.query_one(DetailView).show(Text("No claim matches the filter.", style="dim"))

    def update_summary(self) -> None:
        self.query_one("#summary-bar", Static).update(summary_bar(self.state))

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.state.query = event.value
        self.apply_view()

    @on(Input.Submitted, "#filter")
    def filter_submitted(self) -> None:
        self.table.focus()

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
        return self.state.marked_records() if self.store else []

    def on_key(self, event) -> None:
        if len(self.screen_stack) > 1:  # a dialog is open: its own escape closes it
            return
        if event.key != "escape":
            return
        filter_input = self.query_one("#filter", Input)
        if self.state.marked and not filter_input.has_focus:
            self.table.clear_marks()
        elif self.query_one("#main").has_class("zoom"):
            self.action_zoom()
        elif filter_input.display:
            filter_input.value = ""
            filter_input.display = False
            self.table.focus()
        else:
            return
        event.stop()

    def action_filter(self) -> None:
        filter_input = self.query_one("#filter", Input)
        filter_input.display = True
        filter_input.focus()

    def action_quick_filter(self) -> None:
        articles = self.store.articles.values() if self.store else ()
        self.push_screen(ChooseScreen("Quick filter", self.state.quick_filters(articles), self.state.quick), self._set_quick)

    def _set_quick(self, value: str | None) -> None:
        if value is not None:
            self.state.quick = value
            self.apply_view()

    def action_sort(self) -> None:
        column = self.state.next_sort([c[0] for c in self.table.columns(self.table.scrollable_content_region.width or self.size.width)])
        self.apply_view()
        self.notify(f"Sorted by {column}", timeout=1.5)

    def action_reverse_sort(self) -> None:
        self.state.reverse = not self.state.reverse
        self.apply_view()

    @on(ClaimTable.Resized)
    def table_resized(self, event: ClaimTable.Resized) -> None:
        headers = self.query("#columns").results(ClaimHeader)
        for header in headers:  # none when the resize arrives as the screen closes
            header.show(event.width)

    @on(ClaimTable.SortRequested)
    def sort_requested(self, event: ClaimTable.SortRequested) -> None:
        self.state.sort_by(event.column)
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
        details.first().show(self.detail_of(event.record))

    def select_claim(self, claim_id: str) -> None:
        record = self.store.find(claim_id) if self.store else None
        if record is None:
            return
        if record not in self.state.shown:
            self.state.clear_filters()
            filter_input = self.query_one("#filter", Input)
            filter_input.value = ""
            filter_input.display = False
        self.apply_view(keep=record)
        self.table.focus()

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
        return self.table.selected if self.store else None

    def refresh_current(self, record: ClaimRecord | None) -> None:
        if record is None:  # its file is gone meanwhile: the watcher reports it
            return
        self.state.edited(record)
        table = self.table
        table.refresh_record(record)
        if table.selected is record:
            self.query_one(DetailView).show(self.detail_of(record), keep_scroll=True)
        self.update_summary()

    def added(self, record: ClaimRecord) -> None:
        """A claim this screen created: into the queue, the counts and the palette (and ctrl+z takes it back)."""
        self.session.created(record)
        self.state.replace(self.loaded_store.all())
        self.state.edited(record)
        self.apply_view()
        self.checked.load()

    # -- actions: each one a key; the edits are ClaimActions, through the one edit flow ----

    def action_status(self) -> None:
        self.actions.status()

    def action_advance(self) -> None:
        self.actions.advance()

    def action_publish(self) -> None:
        self.actions.publish()

    def action_verdict(self) -> None:
        self.actions.verdict()

    def action_summary(self) -> None:
        self.actions.summary()

    def action_fix_fields(self) -> None:
        self.actions.fix_fields()

    def action_add_source(self) -> None:
        self.actions.add_source()

    def action_remove_source(self) -> None:
        self.actions.remove_source()

    def action_note(self) -> None:
        self.actions.note()

    def action_internal_note(self) -> None:
        self.actions.note(internal=True)

    def action_assign(self) -> None:
        self.actions.assign()

    def action_tags(self) -> None:
        self.actions.tags()

    def action_related(self) -> None:
        self.actions.related()

    def action_archive(self) -> None:
        self.archiver.start()

    def show_archive_progress(self, text: str | None, done: int = 0, total: int = 0) -> None:
        """The bar that counts the pages being kept (``text`` None: hide it)."""
        bar = self.query_one("#archive-bar")
        bar.display = text is not None
        if text is not None:
            self.query_one("#archive-label", Label).update(Text(text))
            self.query_one("#archive-progress", ProgressBar).update(total=total, progress=done)

    def action_article(self) -> None:
        views.open_article(self)

    def action_triage(self) -> None:
        views.choose_triage(self)

    def action_undo(self) -> None:
        if not self.loaded:
            return
        try:
            record, description = self.session.undo()
        except EditRefused as exc:
            self.notify(exc.message, title="Cannot undo", severity="warning")
            return
        if record.path not in self.loaded_store.records:  # its creation taken back: the file is gone
            self.state.gone(record)
            self.state.replace(self.loaded_store.all())
            self.apply_view()
            self.notify(f"Undid the creation of {record.id}: its file is removed", timeout=3)
            return
        self.refresh_current(record)
        self.notify(f"Undid {description} on {record.id}", timeout=3)

    def action_reload(self) -> None:
        self.watch_disk()

    def bindings_list(self) -> list[Binding]:
        """The screen's key bindings (all written as :class:`Binding`, with a description)."""
        return [b for b in self.BINDINGS if isinstance(b, Binding)]

    def action_who(self) -> None:
        views.ask_handle(self)

    def set_editor(self, handle: str) -> None:
        """Edit as ``handle`` from now on: the history entries, the queue's "mine", the summary bar."""
        self.editor = handle
        self.state.editor = handle
        if self._session is not None:
            self._session.editor = handle
        self.sub_title = f"{self.root} · editor: {handle}"
        self.update_summary()
        if self.current is not None:  # whether you may publish it changes with who you are
            self.query_one(DetailView).show(self.detail_of(self.current))

    def action_help(self) -> None:
        keys = [(key_name(b), b.description) for b in self.bindings_list()]
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
            yield SystemCommand(binding.description, f"key: {key_name(binding)}", partial(self.run_action, binding.action))

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

    def watch_disk(self) -> None:
        """Look at the whole tree now (ctrl+r); the watcher does this by itself."""
        if self.store is not None:
            self._check_disk()

    @work(thread=True, exclusive=True, group="disk")
    def _check_disk(self) -> None:
        self._paths_changed(None)
        links = linkstate.load(self.root)  # a links --check run since
        if links != self.links:
            self.call_from_thread(self._links_changed, links)

    def _links_changed(self, links: dict[str, LinkResult]) -> None:
        self.links = links
        if self.table.selected is not None:
            self.query_one(DetailView).show(self.detail_of(self.table.selected))

    def _changed_on_disk(self, changes: list) -> None:
        store = self.loaded_store
        shown_before = {r.path for r in self.all_records}
        touched = store.apply_disk_changes(changes)
        if not touched:
            return
        gone = [r for r in touched if r.path not in store.records]
        new = [r for r in touched if r.path not in shown_before]
        for record in gone:
            self.state.gone(record)
        self.state.replace(store.all())
        self.state.edited(*(r for r in touched if r not in gone))
        table = self.table
        selected = table.selected
        self.apply_view(keep=selected if selected is not None and selected.path in store.records else None)
        if table.selected is not None and table.selected in touched:
            self.query_one(DetailView).show(self.detail_of(table.selected))
        self.checked.load()  # the other articles' claims changed: index their folders again
        changed = [r.id for r in touched if r not in new and r not in gone]
        self.notify(disk_report([r.id for r in new], [r.id for r in gone], changed), title="Changed on disk", severity="warning", timeout=6)


def run_app(root: str, editor: str, ask_editor: bool = False) -> int:
    app = FactcheckApp(root, editor, ask_editor=ask_editor)
    app.run()
    return app.return_code or 0
