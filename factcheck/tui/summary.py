"""The summary bar: counts per status, the filters in force and the marks."""

from __future__ import annotations

from rich.text import Text

from factcheck.model import STATUS_FLOW, Status
from factcheck.tui.state import QueueState
from factcheck.tui.style import STATUS_STYLE

#: The statuses counted after the published ones: the furthest along first, then the rest.
COUNTED: tuple[str, ...] = tuple(s.value for s in reversed(STATUS_FLOW) if s is not Status.PUBLISHED) + tuple(
    s.value for s in Status if s not in STATUS_FLOW
)


def summary_bar(state: QueueState) -> Text:
    """Counts per status; the active filter first and the problems next, so that a
    narrow terminal cuts only the least needed part."""
    counts, problems = state.counts, state.problem_count
    bar = Text()
    bar.append(f"editing as {state.editor}", "bold")  # first: a narrow terminal never cuts who signs the changes
    bar.append("  ·  ")
    filters = state.filters()
    if filters:
        bar.append(f"showing {len(state.shown)} ({', '.join(filters)})", "bold italic")
        bar.append("  ·  ")
    if state.marked:
        bar.append(f"{len(state.marked)} marked (s, @, t act on all; esc unmarks)", "bold cyan")
        bar.append("  ·  ")
    published = Status.PUBLISHED.value
    bar.append(f"{counts[published]} of {len(state.records)} published", STATUS_STYLE[published])
    bar.append("  ·  ")
    bar.append(f"{problems} with problems", "bold red" if problems else "dim")
    if state.warning_count:
        bar.append(f"  ·  {state.warning_count} with warnings", "#d97706")
    for status in COUNTED:
        if counts[status]:
            bar.append("  ·  ")
            bar.append(f"{counts[status]} {status}", STATUS_STYLE.get(status))
    return bar
