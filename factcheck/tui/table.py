"""The claim queue: a table that renders only the rows on screen (Textual's line API).

A stock DataTable of 20,000 rows takes seconds to fill and to re-filter; this one
keeps a list of records and an index of the rows shown, so filtering and sorting
are list operations and drawing costs the height of the screen.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from factcheck.store import ClaimRecord
from factcheck.textsafe import escape_line
from factcheck.tui.state import UNREADABLE, article_folder
from factcheck.tui.style import STATUS_STYLE, VERDICT_STYLE

#: (key, title, width, priority); width 0 takes the rest of the line. On a narrow
#: screen the columns of highest priority number are left out first. The article
#: column is there only when the claims come from several articles (its width is
#: the longest article label's).
COLUMNS: tuple[tuple[str, str, int, int], ...] = (
    ("problems", "!", 1, 0),
    ("id", "id", 28, 0),
    ("article", "article", 0, 1),
    ("status", "status", 11, 0),
    ("verdict", "verdict", 17, 0),
    ("sources", "sources", 10, 2),
    ("assignee", "assignee", 12, 2),
    ("kind", "kind", 16, 3),
    ("claimant", "claimant", 20, 4),
    ("text", "claim", 0, 1),
)
MIN_TEXT = 24
#: The article labels are cut to this many cells.
MAX_ARTICLE = 14


def layout(width: int, article: int = 0) -> list[tuple[str, str, int]]:
    """The columns that fit in ``width`` cells, with their widths; ``article``: the width
    of the article column (0: the claims come from one article, no such column).

    With the article column the id gives way further (down to 14 cells, not 18), so
    that at 120 columns the claim text keeps some room next to it."""
    article = min(max(article, 7), MAX_ARTICLE) if article else 0  # 7: its title, "article"
    columns = [(key, title, article if key == "article" else w, p) for key, title, w, p in COLUMNS if key != "article" or article]
    while True:
        min_id = 14 if any(c[0] == "article" for c in columns) else 18
        fixed = sum(c[2] for c in columns) + len(columns)
        has_text = any(c[0] == "text" for c in columns)
        if fixed + (MIN_TEXT if has_text else 0) <= width or all(c[3] <= 0 for c in columns):
            break
        id_room = next(c[2] for c in columns if c[0] == "id") - min_id
        if all(c[3] <= 1 for c in columns) and fixed - id_room + 12 <= width:
            break  # keep the claim text while the id can give way for it
        drop = max(columns, key=lambda c: c[3])
        columns.remove(drop)
    spare = width - sum(c[2] for c in columns) - len(columns)
    id_width = next(c[2] for c in columns if c[0] == "id")
    if spare < MIN_TEXT:  # narrow screen: the id column gives way
        id_width = max(min_id, id_width - (MIN_TEXT - spare))
        spare += next(c[2] for c in columns if c[0] == "id") - id_width
    if spare > 3 * MIN_TEXT:  # wide screen: long ids show whole, up to 44 cells
        grow = min(44 - id_width, spare - 3 * MIN_TEXT)
        id_width, spare = id_width + grow, spare - grow
    if not has_text:  # narrow: the id takes the room left, or gives way so that the verdict is never cut
        id_width = max(10, min(44, id_width + spare))
    rest = max(12, spare)
    return [(key, title, id_width if key == "id" else (w or rest)) for key, title, w, _ in columns]

def label_width(articles: dict[str, str]) -> int:
    """The article column's width for these article labels (0: one article, no column)."""
    return max(map(len, articles.values())) if len(articles) > 1 else 0


def cell_values(record: ClaimRecord, articles: dict[str, str] | None = None) -> dict[str, tuple[str, Style | None]]:
    """What each column shows of a claim; ``articles``: the label of each article folder."""
    row = record.row
    article = ((articles or {}).get(article_folder(record), ""), Style(color="cyan"))
    errors = any(p.severity == "error" for p in record.problems)
    problems = ("!" if errors else ("?" if record.problems else ""), Style(color="#d97706" if record.problems and not errors else "red", bold=True))
    if row is None:
        return {
            "problems": problems,
            "id": (escape_line(record.id), None),
            "article": article,
            "status": (UNREADABLE, Style(color="red")),
            "text": (escape_line(record.problems[0].message) if record.problems else "", None),
        }
    return {
        "problems": problems,
        "id": (row.id, None),
        "article": article,
        "status": (row.status, STATUS_STYLE.get(row.status)),
        "verdict": (row.verdict or "—", VERDICT_STYLE.get(row.verdict) if row.verdict else Style(dim=True)),
        "sources": (f"{row.supports}/{row.refutes}/{row.context}", None if (row.supports + row.refutes + row.context) else Style(dim=True)),
        "kind": (row.kind, None),
        "assignee": (escape_line(row.assignee or ""), None),
        "claimant": (escape_line(row.claimant), None),
        "text": (escape_line(row.text), None),
    }


def _fit(text: str, width: int) -> str:
    text = text.replace("\n", " ")
    if len(text) > width:
        return text[: max(0, width - 1)] + "…"
    return text.ljust(width)


class ClaimHeader(Static):
    """Column titles, with the sort column marked; click a title to sort by it."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.sort_column = "id"
        self.reverse = False
        self.article_width = 0  # the article column's (0: none)

    def show(self, width: int) -> None:
        self.width_shown = width
        parts = []
        for key, title, w in layout(width, self.article_width):
            mark = (" ▼" if self.reverse else " ▲") if key == self.sort_column else ""
            parts.append(_fit(title + mark, w))
        self.update(" ".join(parts))

    def on_click(self, event: events.Click) -> None:
        x = event.x
        for key, _, w in layout(getattr(self, "width_shown", self.size.width), self.article_width):
            if x < w + 1:
                self.post_message(ClaimTable.SortRequested(key))
                return
            x -= w + 1


class ClaimTable(ScrollView, can_focus=True):
    """Rows of claims; the cursor row is the selected claim."""

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,g", "first", "First", show=False),
        Binding("end,G", "last", "Last", show=False),
        Binding("space", "mark", "Mark", show=False),
        Binding("shift+down", "mark_move(1)", "Mark and move down", show=False),
        Binding("shift+up", "mark_move(-1)", "Mark and move up", show=False),
    ]

    DEFAULT_CSS = """
    ClaimTable { scrollbar-gutter: stable; }
    """

    cursor = reactive(0, always_update=True)

    class Selected(Message):
        def __init__(self, record: ClaimRecord | None) -> None:
            super().__init__()
            self.record = record

    class SortRequested(Message):
        def __init__(self, column: str) -> None:
            super().__init__()
            self.column = column

    def __init__(self, **kw):
        super().__init__(**kw)
        self.records: list[ClaimRecord] = []
        self._strips: dict[tuple[int, int, bool], Strip] = {}
        self.marked: set[str] = set()  # paths of the rows marked for a bulk action
        #: The label of each article folder (the column is shown when there are several).
        self.articles: dict[str, str] = {}

    def columns(self, width: int) -> list[tuple[str, str, int]]:
        """The columns drawn at ``width`` cells."""
        return layout(width, label_width(self.articles))

    class MarksChanged(Message):
        pass

    def action_mark(self) -> None:
        record = self.selected
        if record is not None:
            self.marked ^= {record.path}
            self._strips.clear()
            self.refresh()
            self.post_message(self.MarksChanged())

    def action_mark_move(self, step: int) -> None:
        record = self.selected
        if record is not None and record.path not in self.marked:
            self.action_mark()
        self.action_cursor(step)
        record = self.selected
        if record is not None and record.path not in self.marked:
            self.action_mark()

    def clear_marks(self) -> None:
        self.marked.clear()
        self._strips.clear()
        self.refresh()
        self.post_message(self.MarksChanged())

    # -- data -------------------------------------------------------------------------

    def set_records(self, records: list[ClaimRecord], keep: ClaimRecord | None = None) -> None:
        """Show these records; keep the cursor on ``keep`` if it is among them."""
        self.records = records
        self._strips.clear()
        self._set_virtual_size(Size(self.size.width or 80, len(records)))
        index = 0
        if keep is not None:
            for i, record in enumerate(records):
                if record is keep:
                    index = i
                    break
        self.cursor = min(index, max(0, len(records) - 1))
        self.refresh()

    def refresh_record(self, record: ClaimRecord) -> None:
        self._strips.clear()
        self.refresh()

    @property
    def selected(self) -> ClaimRecord | None:
        if 0 <= self.cursor < len(self.records):
            return self.records[self.cursor]
        return None

    # -- cursor -----------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self._strips = {k: v for k, v in self._strips.items() if k[0] not in (old, new)}
        top = int(self.scroll_y)
        self._keep_visible(new)
        if int(self.scroll_y) == top:  # only the two rows changed: redraw just them
            for index in (old, new):
                if top <= index < top + self.scrollable_content_region.height:
                    self.refresh_lines(index - top)
        else:
            self.refresh()
        self.post_message(self.Selected(self.selected))

    def _keep_visible(self, index: int) -> None:
        height = self.scrollable_content_region.height or 1
        top = int(self.scroll_y)
        if index < top:
            self.scroll_to(y=index, animate=False)
        elif index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False)

    def action_cursor(self, step: int) -> None:
        if self.records:
            self.cursor = max(0, min(len(self.records) - 1, self.cursor + step))

    def action_page(self, pages: int) -> None:
        self.action_cursor(pages * max(1, self.scrollable_content_region.height - 1))

    def action_first(self) -> None:
        if self.records:
            self.cursor = 0

    def action_last(self) -> None:
        if self.records:
            self.cursor = len(self.records) - 1

    def on_click(self, event: events.Click) -> None:
        index = int(self.scroll_y) + event.y
        if 0 <= index < len(self.records):
            self.cursor = index

    # -- drawing ----------------------------------------------------------------------

    def _set_virtual_size(self, size: Size) -> None:
        if size != self.virtual_size:
            # Not the layout reactive's usual path, which re-lays-out the whole screen:
            # only this widget's scroll range changes.
            self.set_reactive(ClaimTable.virtual_size, size)
            self._scroll_update(size)

    def on_resize(self, event: events.Resize) -> None:
        self._strips.clear()
        self._set_virtual_size(Size(event.size.width, len(self.records)))
        self.post_message(self.Resized(self.scrollable_content_region.width))

    class Resized(Message):
        def __init__(self, width: int) -> None:
            super().__init__()
            self.width = width

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_y) + y
        width = self.scrollable_content_region.width
        if index >= len(self.records):
            return Strip.blank(width, self.rich_style)
        selected = index == self.cursor
        key = (index, width, selected and self.has_focus)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._render_row(self.records[index], width, selected)
            self._strips[key] = strip
        return strip

    def _render_row(self, record: ClaimRecord, width: int, selected: bool) -> Strip:
        base = self.rich_style
        if selected:
            base = base + Style(reverse=True) if self.has_focus else base + Style(bgcolor="grey35", color="white")
        values = cell_values(record, self.articles)
        if record.path in self.marked:
            values["problems"] = ("●", Style(color="cyan", bold=True))
        segments = []
        for key, _, w in self.columns(width):
            text, style = values.get(key, ("", None))
            cell = _fit(text, w)
            segments.append(Segment(cell, base + style if style and not selected else base))
            segments.append(Segment(" ", base))
        return Strip(segments).crop(0, width).extend_cell_length(width, base)

    def on_focus(self) -> None:
        self._strips.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._strips.clear()
        self.refresh()
