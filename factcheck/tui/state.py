"""What the review screen shows, without Textual: the queue's records, filter, sort,
counts, search texts, the palette's index and the marks.

The screen (:mod:`factcheck.tui.app`) keeps one :class:`QueueState`, tells it what
changed (records loaded, edited, gone; a filter typed; a column chosen) and draws what
it answers. Nothing here imports Textual, so it is tested as plain Python.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from factcheck.model import Kind, Status, Verdict
from factcheck.present import plural
from factcheck.reading import ArticleRecord, stem
from factcheck.rows import ClaimRow
from factcheck.store import ClaimRecord
from factcheck.textsafe import escape_line
from factcheck.tree import folder_of
from factcheck.workflow import is_open

#: The words a claim that could not be read shows where its status would be.
UNREADABLE = "unreadable"

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
    *((f"kind:{k}", f"kind: {k}") for k in Kind.words()),
)

#: The quick filter's choices of one article are ``article:`` and the article's folder.
ARTICLE_FILTER = "article:"


def article_folder(record: ClaimRecord) -> str:
    """The article folder a claim belongs to: its file's folder (known before the articles are read)."""
    return folder_of(record.path)


def article_labels(folders: Iterable[str]) -> dict[str, str]:
    """A short label of each article folder for the queue's article column: the first
    words of its name, as many as tell it apart from the others (``emirates`` and
    ``moscow``, not two names cut at the same width)."""
    words = {folder: os.path.basename(os.path.normpath(folder)).split("-") for folder in folders}
    longest = max(map(len, words.values()), default=0)
    prefixes = [Counter(tuple(w[:n]) for w in words.values()) for n in range(longest + 1)]
    labels = {}
    for folder, name in words.items():
        size = next((n for n in range(1, len(name) + 1) if prefixes[n][tuple(name[:n])] == 1), len(name))
        labels[folder] = escape_line("-".join(name[:size]))
    return labels


def newest_first(articles: Iterable[ArticleRecord]) -> list[ArticleRecord]:
    """Articles, the newest first: by the article's own date (``published``), then by when
    its ``article.yaml`` was last written (the one added last), then by name."""

    def written(article: ArticleRecord) -> float:
        try:
            return os.stat(article.path).st_mtime
        except OSError:
            return 0.0

    def key(article: ArticleRecord) -> tuple[dt.date, float, str]:
        published = article.article.published if article.article else dt.date.min
        return (published, written(article), article.slug)

    return sorted(articles, key=key, reverse=True)


def article_choice(name: str, claims: int, article: ArticleRecord | None) -> str:
    """An article as a list of articles offers it: ``name (3 claims) · its title``."""
    title = f" · {escape_line(article.article.title)}" if article is not None and article.article is not None else ""
    return f"{name} ({plural(claims, 'claim', 'claims')}){title}"


def search_text(record: ClaimRecord) -> str:
    return row_search_text(record.path, record.row)


def row_search_text(path: str, row: ClaimRow | None) -> str:
    """What ``/`` searches in a claim: its words, sources, tags, assignee, URLs, excerpts and notes."""
    if row is None:
        return stem(path).lower()
    return "\n".join((row.id, row.text, row.quote, row.claimant, row.summary or "", row.sources, " ".join(row.tags), row.assignee or "", row.more)).lower()


def matches_quick(record: ClaimRecord, quick: str, editor: str = "") -> bool:
    row = record.row
    if quick == "all":
        return True
    if quick.startswith(ARTICLE_FILTER):
        return article_folder(record) == quick[len(ARTICLE_FILTER):]
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


_STATUS_ORDER = {s: i for i, s in enumerate(Status.words())}
_VERDICT_ORDER = {v: i for i, v in enumerate(Verdict.words())}


def sort_key(column: str) -> Callable[[ClaimRecord], tuple[int, Any]]:
    """How the queue orders by ``column``: statuses and verdicts in the model's order."""

    def key(record: ClaimRecord) -> tuple[int, Any]:
        row = record.row
        if column == "id":
            return (0, record.id)
        if column == "article":
            return (0, article_folder(record))
        if row is None:
            return (1, "")
        if column == "status":
            return (0, _STATUS_ORDER.get(row.status, 99))
        if column == "verdict":
            return (0, _VERDICT_ORDER.get(row.verdict, 98) if row.verdict else 99)
        if column == "sources":
            return (0, row.supports + row.refutes + row.context)
        if column == "problems":
            return (0, -len(record.problems))
        return (0, str(getattr(row, column, "") or "").lower())

    return key


#: The palette shows at most this many claims; more words narrow them down.
PALETTE_HITS = 40


class PaletteIndex:
    """The palette's index: one lowercase ``id  text`` label per claim, in id order.

    Built once for a set of records (a few ms at 20,000 claims) and kept until the
    records change; a search is then a substring scan of short strings.
    """

    def __init__(self, records: list[ClaimRecord]):
        self.records = sorted(records, key=lambda r: r.id)
        self.labels = [f"{r.id}  {r.row.text if r.row else ''}" for r in self.records]
        self.lower = [label.lower() for label in self.labels]

    def matching(self, words: list[str], start: int, stop: int) -> list[int]:
        """The claims among ``start:stop`` whose label holds every word."""
        lower = self.lower
        return [i for i in range(start, min(stop, len(lower))) if all(w in lower[i] for w in words)]

    def ranked(self, words: list[str], indices: list[int]) -> list[int]:
        """Matches in order: id starts with the first word, id holds it, the text holds it."""
        first = words[0]

        def rank(i: int) -> int:
            claim_id = self.records[i].id
            return 0 if claim_id.startswith(first) else 1 if first in claim_id else 2

        return sorted(indices, key=rank)


def status_word(record: ClaimRecord) -> str:
    return record.row.status if record.row else UNREADABLE


class QueueState:
    """The queue: every record, the ones shown (filtered and sorted), counts and marks."""

    def __init__(self, editor: str):
        self.editor = editor
        self.records: list[ClaimRecord] = []
        self.shown: list[ClaimRecord] = []
        self.query = ""
        self.quick = "all"
        self.sort_column = "id"
        self.reverse = False
        #: Paths of the rows marked for a bulk action (the table draws them).
        self.marked: set[str] = set()
        self.counts: Counter = Counter()
        self.problem_count = 0
        self.warning_count = 0
        self._search: dict[int, str] = {}
        self._ordered: list[ClaimRecord] = []
        self._ordered_search: list[str] | None = None  # the search texts of _ordered, made when a filter needs them
        self._ordered_for: tuple[str, bool] | None = None
        self._palette: PaletteIndex | None = None
        #: The short label of each article folder that has claims (see :func:`article_labels`).
        self.articles: dict[str, str] = {}

    # -- records ------------------------------------------------------------------------

    def add(self, records: Iterable[ClaimRecord]) -> None:
        """Rows that arrived while the tree loads (read-only until it is loaded)."""
        self.records.extend(records)
        self._changed(paths=True)

    def replace(self, records: Iterable[ClaimRecord], forget: bool = False) -> None:
        """Every record, in path order; ``forget`` drops the search texts made so far."""
        self.records = sorted(records, key=lambda r: r.path)
        if forget:
            self._search = {}
        self._changed(paths=True)

    def edited(self, *records: ClaimRecord) -> None:
        """Records changed in place (their rows, their problems): their texts, the counts and the order."""
        for record in records:
            self._search[id(record)] = search_text(record)
        self._changed()

    def gone(self, record: ClaimRecord) -> None:
        self._search.pop(id(record), None)

    def _changed(self, paths: bool = False) -> None:
        """Counts and order made again; ``paths``: the set of files may have changed too."""
        self._ordered_for = None  # a record may move in the sort order
        self._palette = None
        self.counts = Counter(status_word(r) for r in self.records)
        if paths:  # an edit keeps its file: the articles stay
            folders = {folder_of(r.path) for r in self.records}
            if folders != self.articles.keys():
                self.articles = article_labels(folders)
        self.problem_count = sum(1 for r in self.records if any(p.severity == "error" for p in r.problems))
        self.warning_count = sum(1 for r in self.records if r.problems and all(p.severity != "error" for p in r.problems))

    # -- search texts -------------------------------------------------------------------

    def indexed(self, texts: Iterable[tuple[ClaimRecord, ClaimRow | None, str]], current: Callable[[ClaimRecord], bool]) -> None:
        """Search texts made off the screen's thread; ``current(record)``: still the loaded one."""
        for record, row, text in texts:  # a record edited or gone meanwhile keeps its own text
            if record.row is row and current(record):
                self._search.setdefault(id(record), text)
        self._ordered_search = None

    def text(self, record: ClaimRecord) -> str:
        text = self._search.get(id(record))
        if text is None:
            text = self._search[id(record)] = search_text(record)
        return text

    def made_text(self, record: ClaimRecord) -> str | None:
        """The search text of ``record`` if it is made yet (None: not yet)."""
        return self._search.get(id(record))

    # -- the view -----------------------------------------------------------------------

    def apply(self) -> list[ClaimRecord]:
        """The records the filter, quick filter and sort let through, in order (also :attr:`shown`)."""
        words = self.query.lower().split()
        if self._ordered_for != (self.sort_column, self.reverse):
            self._resort()
        if words:
            if self._ordered_search is None:
                self._ordered_search = [self.text(r) for r in self._ordered]
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
        self.shown = [r for r, _ in pairs]
        return self.shown

    def _resort(self) -> None:
        """Order every record by the sort column once; filtering then keeps that order."""
        self._ordered = sorted(self.records, key=sort_key(self.sort_column), reverse=self.reverse)
        self._ordered_search = None
        self._ordered_for = (self.sort_column, self.reverse)

    def next_sort(self, columns: list[str]) -> str:
        """Sort by the column after the current one among ``columns`` (those on screen)."""
        keys = columns if self.sort_column in columns else [self.sort_column, *columns]
        self.sort_column = keys[(keys.index(self.sort_column) + 1) % len(keys)]
        return self.sort_column

    def sort_by(self, column: str) -> None:
        """A click on a column title: by that column, or the other way round if it already is."""
        if column == self.sort_column:
            self.reverse = not self.reverse
        else:
            self.sort_column, self.reverse = column, False

    def clear_filters(self) -> None:
        self.quick, self.query = "all", ""

    def filters(self) -> list[str]:
        """The filters in force, as the summary names them."""
        quick = self.quick
        if quick.startswith(ARTICLE_FILTER):
            folder = quick[len(ARTICLE_FILTER):]
            quick = ARTICLE_FILTER + self.articles.get(folder, os.path.basename(folder))
        shown = [quick] if quick != "all" else []
        return shown + ([f'"{self.query}"'] if self.query else [])

    def quick_filters(self, articles: Iterable[ArticleRecord] = ()) -> list[tuple[str, str]]:
        """The quick filter's choices: :data:`QUICK_FILTERS`, and after "all" one per article
        (newest first) when the tree has several; ``articles``: those read (claims' folders are added)."""
        by_folder = {a.folder: a for a in articles}
        folders = [a.folder for a in newest_first(by_folder.values())]
        folders += sorted(set(self.articles) - set(folders))
        if len(folders) < 2:
            return list(QUICK_FILTERS)
        claims = Counter(article_folder(r) for r in self.records)
        labels = article_labels(folders)
        mine = [(ARTICLE_FILTER + f, "article: " + article_choice(labels[f], claims[f], by_folder.get(f))) for f in folders]
        return [QUICK_FILTERS[0], *mine, *QUICK_FILTERS[1:]]

    def palette(self) -> PaletteIndex:
        """The palette's index of the loaded claims (built again after records change)."""
        if self._palette is None:
            self._palette = PaletteIndex(self.records)
        return self._palette

    # -- marks --------------------------------------------------------------------------

    def marked_records(self) -> list[ClaimRecord]:
        return [r for r in self.records if r.path in self.marked]

    def known_assignees(self) -> list[str]:
        return sorted({r.row.assignee for r in self.records if r.row and r.row.assignee} | {self.editor})

    def known_tags(self) -> list[str]:
        return sorted({t for r in self.records if r.row for t in r.row.tags})


class LoadingState:
    """What the loading thread hands the screen: rows checked so far and how far it got.

    The thread never waits for the screen: it leaves rows and counts here, which the
    screen picks up a few times a second.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending: list = []
        self.done = 0
        self.total = 0
        self.told = False

    def progress(self, done: int, total: int) -> None:
        with self.lock:
            self.done, self.total = done, total

    def arrived(self, results: list) -> bool:
        """Rows checked (in the loading thread); True the first time, to wake the screen."""
        with self.lock:
            self.pending.extend(results)
            first, self.told = not self.told, True
        return first

    def take(self, most: int | None) -> tuple[list, int, int]:
        """Up to ``most`` waiting rows (None: all of them), with the progress so far."""
        with self.lock:
            take = len(self.pending) if most is None else most
            batch, self.pending = self.pending[:take], self.pending[take:]
            return batch, self.done, self.total

    def finished(self) -> None:
        with self.lock:
            self.pending = []


def disk_report(added: list[str], removed: list[str], reloaded: list[str]) -> str:
    """What the screen says of claims changed on disk: a few ids of each kind of change."""
    parts = []
    for label, names in (("added", added), ("removed", removed), ("reloaded", reloaded)):
        if names:
            parts.append(f"{label}: " + ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else ""))
    return "; ".join(parts)
