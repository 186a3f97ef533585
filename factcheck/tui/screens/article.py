"""The article view: the whole text, every claimed passage coloured by status and verdict."""

from __future__ import annotations

from collections.abc import Sequence

import attrs
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

from factcheck.rules import find_quote
from factcheck.store import ClaimRecord, ClaimRow
from factcheck.textsafe import escape_line, escape_mapped
from factcheck.tui.style import highlight_style, verdict_highlight


@attrs.frozen
class Highlight:
    start: int
    end: int
    record: ClaimRecord
    row: ClaimRow  # the record's row: only a claim with one has a quote to find


def article_highlights(text: str, records: Sequence[ClaimRecord]) -> list[Highlight]:
    """Every claimed passage of the article, in reading order."""
    out = []
    for record in records:
        if record.row is None:
            continue
        span = find_quote(record.row.quote, text)
        if span is not None:
            out.append(Highlight(span[0], span[1], record, record.row))
    out.sort(key=lambda h: (h.start, -h.end))
    return out


class ArticleScreen(ModalScreen[str | None]):
    """The whole article, every claimed passage coloured by status and verdict.

    tab / n and shift+tab / p move through the passages; enter selects the claim.
    """

    BINDINGS = [
        Binding("tab,n,down", "move(1)", "Next claim", priority=True),
        Binding("shift+tab,p,up", "move(-1)", "Previous claim", priority=True),
        Binding("enter", "choose", "Select claim"),
        Binding("escape,A,q", "close", "Back"),
    ]

    def __init__(self, title: str, text: str, records: Sequence[ClaimRecord], current: ClaimRecord | None):
        super().__init__()
        self.title_text = title
        self.text = text
        self.highlights = article_highlights(text, records)
        self.index = 0
        for i, h in enumerate(self.highlights):
            if h.record is current:
                self.index = i
                break

    def compose(self) -> ComposeResult:
        with Vertical(id="article-view"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(id="article-claim")
            with VerticalScroll(id="article-body"):
                for number, _ in enumerate(self._paragraphs()):
                    yield Static(id=f"para-{number}", classes="article-para")
            yield Footer()

    def _paragraphs(self) -> list[tuple[int, int]]:
        spans = []
        start = 0
        for chunk in self.text.split("\n\n"):
            spans.append((start, start + len(chunk)))
            start += len(chunk) + 2
        return spans

    def on_mount(self) -> None:
        self._draw()
        self.call_after_refresh(self._scroll_to_current)

    def _scroll_to_current(self) -> None:
        if not self.highlights:
            return
        current = self.highlights[self.index]
        for number, (p_start, p_end) in enumerate(self._paragraphs()):
            if p_start <= current.start < p_end + 2:
                body = self.query_one("#article-body", VerticalScroll)
                body.scroll_to_center(self.query_one(f"#para-{number}"), animate=False)
                break

    def _draw(self) -> None:
        current = self.highlights[self.index] if self.highlights else None
        for number, (p_start, p_end) in enumerate(self._paragraphs()):
            shown, positions = escape_mapped(self.text[p_start:p_end])
            text = Text(shown)
            for h in self.highlights:
                if h.end <= p_start or h.start >= p_end:
                    continue
                style = highlight_style(h.row.status, h.row.verdict)
                if h is current:
                    style = style + Style(bold=True, underline=True, reverse=True)
                text.stylize(style, positions[max(0, h.start - p_start)], positions[min(p_end, h.end) - p_start])
            self.query_one(f"#para-{number}", Static).update(text)
        info = self.query_one("#article-claim", Static)
        if current is None:
            info.update(Text("No claim of this article is found in its text.", style="dim"))
            return
        row = current.row
        line = Text(f"{self.index + 1}/{len(self.highlights)}  ", style="dim")
        line.append(row.id, "bold")
        line.append(f"  {row.status}", highlight_style(row.status, None))
        if row.verdict:
            line.append(f"  {row.verdict}", verdict_highlight(row.verdict))
        line.append(f"\n{escape_line(row.text)}")
        info.update(line)
        self._scroll_to_current()

    def action_move(self, step: int) -> None:
        if self.highlights:
            self.index = (self.index + step) % len(self.highlights)
            self._draw()

    def action_choose(self) -> None:
        if self.highlights:
            self.dismiss(self.highlights[self.index].record.id)

    def action_close(self) -> None:
        self.dismiss(None)
