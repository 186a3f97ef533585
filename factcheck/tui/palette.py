"""The command palette's claims: jump to a claim by id or words."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from factcheck.tui.state import PALETTE_HITS, UNREADABLE

#: Labels looked at between two chances for a newer keystroke to cancel the search.
PALETTE_CHUNK = 2000


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

    def _queue(self) -> Any:
        """The app, if it is a queue with a tree loaded (the screen's shell: not imported
        here, which would make a cycle; it has ``state``, ``store`` and ``select_claim``)."""
        app = self.app
        if getattr(app, "store", None) is None or not hasattr(app, "state") or not hasattr(app, "select_claim"):
            return None
        return app

    async def search(self, query: str) -> Hits:
        app = self._queue()
        if app is None:
            return
        words = query.lower().split()
        if not words:
            return
        index = app.state.palette()
        found: list[int] = []
        for start in range(0, len(index.lower), PALETTE_CHUNK):
            found += index.matching(words, start, start + PALETTE_CHUNK)
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
                help=f"{record.row.status if record.row else UNREADABLE} · jump to this claim{more}",
            )

    async def discover(self) -> Hits:
        app = self._queue()
        if app is None:
            return
        for record in app.state.shown[:50]:
            yield DiscoveryHit(f"{record.id}", partial(app.select_claim, record.id), help="jump to this claim")
