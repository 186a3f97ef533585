"""The review screen's keys: each binding once, with its id (the help, the footer and the
command palette read them from here), and how a key is written for people."""

from __future__ import annotations

from textual.binding import Binding

#: Keys shown in the help as a person types them.
KEY_NAMES = {"right_square_bracket": "]", "slash": "/", "question_mark": "?", "at": "@"}


def key_name(binding: Binding) -> str:
    """A binding's keys as a person types them (``]``, not ``right_square_bracket``)."""
    return ",".join(KEY_NAMES.get(key, key) for key in binding.key.split(","))


#: The queue's keys; the footer shows those with ``show`` (the most used, within 120 columns).
BINDINGS = [
    Binding("slash", "filter", "Filter", id="filter"),
    Binding("f", "quick_filter", "Quick filter", id="quick-filter"),
    Binding("s", "status", "Status", id="status"),
    Binding("right_square_bracket", "advance", "Next status", key_display="]", id="advance"),
    Binding("v", "verdict", "Verdict", id="verdict"),
    Binding("P", "publish", "Publish", show=False, id="publish"),
    Binding("e", "summary", "Summary", id="summary"),
    Binding("E", "fix_fields", "Fix fields", show=False, id="fix-fields"),
    Binding("a", "add_source", "Add source", id="add-source"),
    Binding("x", "remove_source", "Remove source", show=False, id="remove-source"),
    Binding("N", "note", "Note", id="note"),
    Binding("I", "internal_note", "Internal note", show=False, id="internal-note"),
    Binding("t", "tags", "Tags", show=False, id="tags"),
    Binding("at", "assign", "Assign", show=False, id="assign"),
    Binding("r", "related", "Related", show=False, id="related"),
    Binding("c", "checked_before", "Checked before", show=False, id="checked-before"),
    Binding("w", "archive", "Archive", show=False, id="archive"),
    Binding("A", "article", "Article", show=False, id="article"),
    Binding("T", "triage", "Triage", show=False, id="triage"),
    Binding("z,enter", "zoom", "Detail", show=False, id="zoom"),
    Binding("o", "sort", "Sort", show=False, id="sort"),
    Binding("O", "reverse_sort", "Reverse sort", show=False, id="reverse-sort"),
    Binding("ctrl+z", "undo", "Undo", id="undo"),
    Binding("ctrl+r", "reload", "Reload", show=False, id="reload"),
    Binding("W", "who", "Who you are", show=False, id="who"),
    Binding("question_mark", "help", "Help", id="help"),
    Binding("q", "quit", "Quit", show=False, id="quit"),
]
