"""Watching a claims tree: which claim files were added, changed, emptied or removed.

File-system events come from the ``watchfiles`` library (inotify, FSEvents, ...); where
it is missing or cannot watch (no inotify watches left, a file system without events),
the tree is polled instead: its files listed and their signatures compared, every
:data:`POLL_SECONDS`. Either way the watcher only reports paths; what they hold now is
read by :meth:`ClaimStore.changes_on_disk`. No Textual here.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

#: How often the tree is listed when file-system events are not available.
POLL_SECONDS = 1.0
#: Events that arrive within this many milliseconds are handed over together.
DEBOUNCE_MS = 150


def _wanted(path: str) -> bool:
    name = os.path.basename(path)
    return not name.startswith(".")  # the writer's temp files, editors' swap files


class TreeWatcher:
    """Calls ``on_paths(paths)`` in its own thread when files under ``root`` change.

    ``paths`` is a set of absolute paths, or ``None`` when the whole tree should be
    looked at again (polling, or an event that is not about one file, such as a
    folder moved in). :meth:`stop` ends the thread.
    """

    def __init__(self, root: str, on_paths: Callable[[set[str] | None], None], force_polling: bool = False):
        self.root = os.path.abspath(root)
        self.on_paths = on_paths
        self.force_polling = force_polling
        self.mode = "starting"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="factcheck-watch", daemon=True)

    def start(self) -> "TreeWatcher":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        if not self.force_polling:
            try:
                self._events()
                return
            except Exception:  # no watchfiles, or the OS refused to watch: poll instead
                pass
        self._poll()

    def _events(self) -> None:
        import watchfiles

        self.mode = "events"
        for changes in watchfiles.watch(
            self.root, stop_event=self._stop, debounce=DEBOUNCE_MS, step=20,
            watch_filter=lambda _change, path: _wanted(path), raise_interrupt=False,
        ):
            paths = {path for _, path in changes}
            if any(not path.endswith(".yaml") or os.path.basename(path) == "article.yaml" for path in paths):
                self.on_paths(None)  # a folder or an article changed: look at everything
            else:
                self.on_paths(paths)

    def _poll(self) -> None:
        self.mode = "polling"
        while not self._stop.wait(POLL_SECONDS):
            self.on_paths(None)
