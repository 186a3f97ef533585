"""Colours for statuses, verdicts and stances, readable on dark and light terminals.

Mid-tone colours only: no pure yellow or white text that vanishes on a light
background, no dark blue that vanishes on a dark one.
"""

from __future__ import annotations

from rich.style import Style

from factcheck.model import Stance, Status, Verdict

STATUS_STYLE: dict[str, Style] = {
    Status.NEW.value: Style(color="#8a8a8a"),
    Status.TO_CHECK.value: Style(color="#3b82f6"),
    Status.RESEARCHING.value: Style(color="#d97706"),
    Status.IN_REVIEW.value: Style(color="#a855f7"),
    Status.PUBLISHED.value: Style(color="#16a34a", bold=True),
    Status.DISMISSED.value: Style(color="#8a8a8a", italic=True),
}

VERDICT_STYLE: dict[str, Style] = {
    Verdict.ACCURATE.value: Style(color="#16a34a", bold=True),
    Verdict.MOSTLY_ACCURATE.value: Style(color="#22a06b"),
    Verdict.MIXED.value: Style(color="#d97706"),
    Verdict.MISLEADING.value: Style(color="#ea580c"),
    Verdict.MOSTLY_INACCURATE.value: Style(color="#dc2626"),
    Verdict.INACCURATE.value: Style(color="#dc2626", bold=True),
    Verdict.UNPROVEN.value: Style(color="#8a8a8a"),
}

STANCE_STYLE: dict[str, Style] = {
    Stance.SUPPORTS.value: Style(color="#16a34a", bold=True),
    Stance.REFUTES.value: Style(color="#dc2626", bold=True),
    Stance.CONTEXT.value: Style(color="#3b82f6", bold=True),
}

#: Background tints for highlighted passages in the article view, by status.
HIGHLIGHT: dict[str, Style] = {
    Status.NEW.value: Style(bgcolor="#6b7280", color="#ffffff"),
    Status.TO_CHECK.value: Style(bgcolor="#2563eb", color="#ffffff"),
    Status.RESEARCHING.value: Style(bgcolor="#b45309", color="#ffffff"),
    Status.IN_REVIEW.value: Style(bgcolor="#7e22ce", color="#ffffff"),
    Status.PUBLISHED.value: Style(bgcolor="#15803d", color="#ffffff"),
    Status.DISMISSED.value: Style(bgcolor="#52525b", color="#e4e4e7", italic=True),
}

#: Published claims are tinted by verdict instead: the reader's question is "is it true?".
VERDICT_HIGHLIGHT: dict[str, Style] = {
    Verdict.ACCURATE.value: Style(bgcolor="#15803d", color="#ffffff"),
    Verdict.MOSTLY_ACCURATE.value: Style(bgcolor="#3f8f5b", color="#ffffff"),
    Verdict.MIXED.value: Style(bgcolor="#b45309", color="#ffffff"),
    Verdict.MISLEADING.value: Style(bgcolor="#c2410c", color="#ffffff"),
    Verdict.MOSTLY_INACCURATE.value: Style(bgcolor="#b91c1c", color="#ffffff"),
    Verdict.INACCURATE.value: Style(bgcolor="#991b1b", color="#ffffff", bold=True),
    Verdict.UNPROVEN.value: Style(bgcolor="#52525b", color="#ffffff"),
}


def verdict_highlight(verdict: str) -> Style:
    """The tint of a passage whose claim is published with this verdict."""
    return VERDICT_HIGHLIGHT.get(verdict, HIGHLIGHT[Status.PUBLISHED.value])


def highlight_style(status: str, verdict: str | None) -> Style:
    if status == Status.PUBLISHED.value and verdict:
        return verdict_highlight(verdict)
    return HIGHLIGHT.get(status, HIGHLIGHT[Status.NEW.value])
