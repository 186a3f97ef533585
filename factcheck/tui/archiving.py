"""Keeping the selected claim's sources from the review screen (``w``).

Each source without a snapshot is fetched and kept as a WARC file by the core
(:func:`factcheck.evidence.capture.archive_source`, the fetch ``factcheck archive``
makes: the same address policy, deadline and size cap) in a worker thread, so the
screen never waits on the network; a bar under the panes counts the pages as they
come. The snapshots are then recorded on the screen's thread through the session (the
one writer, a history entry each), as every other edit of the screen is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from factcheck.netpolicy import Policy, redact
from factcheck.textsafe import escape_line

if TYPE_CHECKING:
    import datetime as dt

    from factcheck.evidence.capture import Archived
    from factcheck.evidence.folder import EvidenceFolder
    from factcheck.model import Snapshot
    from factcheck.tui.app import FactcheckApp

#: Seconds in all to fetch one page, and the pages fetched at once (as ``factcheck archive``).
TIMEOUT = 20.0
JOBS = 4


class Archiver:
    """Archives the sources of one claim at a time, off the screen's thread."""

    def __init__(self, app: FactcheckApp):
        self.app = app
        #: Where pages may be fetched from (tests allow their loopback server).
        self.policy = Policy()
        self.running: str | None = None  # the claim whose sources are being kept

    def start(self) -> None:
        """Archive the selected claim's sources that have no snapshot yet."""
        from factcheck.evidence.folder import settings

        target = self.app.flow.target()
        if target is None:
            return
        if self.running is not None:
            self.app.notify(f"Still keeping the sources of {self.running}", severity="warning")
            return
        record, claim = target
        urls = list(dict.fromkeys(s.url for s in claim.sources if not s.snapshots))
        if not urls:
            what = "has no sources (a to add one)" if not claim.sources else "has a snapshot of every source"
            self.app.notify(f"{record.id} {what}", severity="warning")
            return
        config, _ = settings(self.app.root)
        if config.folder is None:
            self.app.notify(f"Cannot archive: {escape_line(config.refusal or '')}", severity="error", timeout=8)
            return
        self.running = record.id
        self.app.show_archive_progress(f"Keeping the sources of {record.id}…", 0, len(urls))
        folder = config.folder
        self.app.run_worker(
            lambda: self._fetch(record.id, urls, folder), thread=True, exclusive=True, group="archive", description=f"archive {record.id}",
        )

    def _fetch(self, claim_id: str, urls: list[str], folder) -> None:
        """In the worker: fetch and keep each page; the screen hears of each as it ends.
        Whatever goes wrong is reported, never left to end the screen."""
        try:
            done = self._fetch_all(claim_id, urls, folder)
        except Exception as exc:  # noqa: BLE001 - a bug or an odd platform error: said, and the screen goes on
            self.app.call_from_thread(self._failed, claim_id, escape_line(f"{type(exc).__name__}: {exc}"))
            return
        self.app.call_from_thread(self._record, claim_id, done, folder)

    def _failed(self, claim_id: str, reason: str) -> None:
        self.running = None
        self.app.show_archive_progress(None)
        self.app.notify(f"{claim_id}: nothing kept: {reason}", title="Archive", severity="error", timeout=10)

    def _fetch_all(self, claim_id: str, urls: list[str], folder) -> list[Archived]:
        from concurrent.futures import ThreadPoolExecutor, as_completed

        from factcheck.evidence.capture import archive_source
        from factcheck.pagetext import MAX_PAGE_BYTES

        done: list[Archived] = []
        with ThreadPoolExecutor(max_workers=min(JOBS, len(urls))) as pool:
            futures = [pool.submit(archive_source, url, folder, TIMEOUT, MAX_PAGE_BYTES, self.policy) for url in urls]
            for future in as_completed(futures):
                done.append(future.result())
                shown = escape_line(redact(done[-1].url))
                self.app.call_from_thread(self.app.show_archive_progress, f"Keeping the sources of {claim_id}: {shown}", len(done), len(urls))
        return done

    def _record(self, claim_id: str, done: list[Archived], folder: EvidenceFolder) -> None:
        """On the screen's thread: record the snapshots kept, in one write (one history entry
        each, one ctrl+z), then say what came of it. Snapshots the writer refuses (the claim
        changed on disk meanwhile, say) are not recorded, and the files written for them
        go, as ``factcheck archive`` does."""
        import contextlib
        import os

        from factcheck.store import EditRefused

        self.running = None
        self.app.show_archive_progress(None)
        done = sorted(done, key=lambda a: a.url)
        failed = [a.reason or escape_line(redact(a.url)) for a in done if a.snapshot is None]
        items: list[tuple[str, Snapshot | None, tuple[str, dt.date] | None]] = [(a.url, a.snapshot, None) for a in done if a.snapshot is not None]
        kept = len(items)
        if items:
            try:
                self.app.refresh_current(self.app.session.add_snapshots(claim_id, items))
            except EditRefused as exc:
                failed.insert(0, f"not recorded: {exc.message}")
                kept = 0
                for archived in done:
                    if archived.snapshot is not None:
                        with contextlib.suppress(OSError):
                            os.unlink(folder.file_path(archived.snapshot.path))
        message = f"{claim_id}: {kept} of {len(done)} {'page' if len(done) == 1 else 'pages'} kept"
        if failed:
            message += "; " + "; ".join(failed[:3]) + (f" and {len(failed) - 3} more" if len(failed) > 3 else "")
        self.app.notify(message, title="Archive", severity="error" if failed else "information", timeout=10)
