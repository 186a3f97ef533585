"""Checked before, in the review screen: each claim's earlier fact-checks in its detail pane,
found in worker threads so the screen never waits; ``c`` lists them to open or relate.

What is searched and the threshold are :class:`factcheck.match.checked.Earlier`'s (the
other articles' claims and the config's feeds, ``[match] threshold``).
"""

from __future__ import annotations

import os
from functools import partial
from typing import TYPE_CHECKING

from textual.css.query import NoMatches

from factcheck.textsafe import escape_line
from factcheck.tui.detail import DetailView, render_detail
from factcheck.tui.flow import unless_cancelled
from factcheck.tui.screens import MatchesScreen

if TYPE_CHECKING:
    from factcheck.match.checked import Earlier
    from factcheck.rows import ClaimRow
    from factcheck.store import ClaimRecord
    from factcheck.tui.app import FactcheckApp


class CheckedBefore:
    """The review screen's earlier checks: loaded once the claims are, looked up per claim."""

    def __init__(self, app: FactcheckApp):
        self.app = app
        self.earlier: Earlier | None = None
        #: Each claim's earlier checks found so far (by path), with the row they were found for.
        self.found: dict[str, tuple[ClaimRow, list]] = {}

    def load(self) -> None:
        """Index the tree's claims by article (cached per folder) and open the feeds, in a worker."""
        store = self.app.store
        if store is None:
            return

        def work() -> None:
            from factcheck.match.checked import Earlier

            earlier = Earlier.load(store)
            self.app.call_from_thread(self._loaded, earlier)

        self.app.run_worker(work, thread=True, exclusive=True, group="earlier", description="checked before: index")

    def _loaded(self, earlier: Earlier) -> None:
        self.earlier = earlier
        self.found.clear()
        for problem in earlier.problems:
            self.app.notify(escape_line(problem), title="Checked before", severity="warning", timeout=8)
        self.look_up(self._current())

    def _current(self) -> ClaimRecord | None:
        """The selected claim, or None once the queue is gone (a worker that ends while the
        screen closes has nothing to show)."""
        try:
            return self.app.current
        except NoMatches:
            return None

    def known(self, record: ClaimRecord | None) -> list | None:
        """The earlier checks of ``record`` as its row is now, if they were found."""
        got = self.found.get(record.path) if record is not None else None
        return got[1] if got is not None and record is not None and got[0] is record.row else None

    def look_up(self, record: ClaimRecord | None) -> None:
        """Find the earlier checks of ``record`` in a worker, unless they are known."""
        earlier = self.earlier
        if earlier is None or record is None or record.row is None or self.known(record) is not None:
            return
        row = record.row

        def work() -> None:
            (found,) = earlier.find([row.text], os.path.dirname(record.path))
            self.app.call_from_thread(self._found, record, row, found)

        self.app.run_worker(work, thread=True, exclusive=True, group="checked", description="checked before: look up")

    def _found(self, record: ClaimRecord, row: ClaimRow, found: list) -> None:
        self.found[record.path] = (row, found)
        details = self.app.query(DetailView)
        if found and details and self._current() is record:
            details.first().show(self._render(record, found), keep_scroll=True)

    def detail(self, record: ClaimRecord | None):
        """The detail of ``record``, with its earlier checks when known (else they are looked up)."""
        known = self.known(record)
        if known is None:
            self.look_up(record)
        return self._render(record, known)

    def _render(self, record: ClaimRecord | None, found: list | None):
        return render_detail(record, self.app.editor, self.app.links, found)

    def open(self) -> None:
        """The earlier checks of the selected claim: ``enter`` opens one, ``r`` relates a claim of the tree."""
        target = self.app.flow.target()
        if target is None:
            return
        record, _ = target
        known = self.known(record)
        if self.earlier is None or known is None:
            self.look_up(record)
            self.app.notify("Still looking for earlier checks of this claim; try again in a moment", timeout=3)
            return
        if not known:
            self.app.notify(f"No earlier check of {record.id} scores {self.earlier.threshold:.2f} or more ([match] threshold)", timeout=4)
            return
        screen = MatchesScreen(f"Checked before: {record.id}", known, partial(self.app.actions.add_related, record.id))
        self.app.push_screen(screen, unless_cancelled(self.app.select_claim))
