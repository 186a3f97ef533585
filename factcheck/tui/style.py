"""Colours for statuses, verdicts and stances, readable on dark and light terminals.

Mid-tone colours only: no pure yellow or white text that vanishes on a light
background, no dark blue that vanishes on a dark one.
"""

from __future__ import annotations

from rich.style import Style

STATUS_STYLE: dict[str, Style] = {
    "new": Style(color="#8a8a8a"),
    "to-check": Style(color="#3b82f6"),
    "researching": Style(color="#d97706"),
    "in-review": Style(color="#a855f7"),
    "published": Style(color="#16a34a", bold=True),
    "dismissed": Style(color="#8a8a8a", italic=True),
}

VERDICT_STYLE: dict[str, Style] = {
    "accurate": Style(color="#16a34a", bold=True),
    "mostly-accurate": Style(color="#22a06b"),
    "mixed": Style(color="#d97706"),
    "misleading": Style(color="#ea580c"),
    "mostly-inaccurate": Style(color="#dc2626"),
    "inaccurate": Style(color="#dc2626", bold=True),
    "unproven": Style(color="#8a8a8a"),
}

STANCE_STYLE: dict[str, Style] = {
    "supports": Style(color="#16a34a", bold=True),
    "refutes": Style(color="#dc2626", bold=True),
    "context": Style(color="#3b82f6", bold=True),
}

#: Background tints for highlighted passages in the article view, by status.
HIGHLIGHT: dict[str, Style] = {
    "new": Style(bgcolor="#6b7280", color="#ffffff"),
    "to-check": Style(bgcolor="#2563eb", color="#ffffff"),
    "researching": Style(bgcolor="#b45309", color="#ffffff"),
    "in-review": Style(bgcolor="#7e22ce", color="#ffffff"),
    "published": Style(bgcolor="#15803d", color="#ffffff"),
    "dismissed": Style(bgcolor="#52525b", color="#e4e4e7", italic=True),
}

#: Published claims are tinted by verdict instead: the reader's question is "is it true?".
VERDICT_HIGHLIGHT: dict[str, Style] = {
    "accurate": Style(bgcolor="#15803d", color="#ffffff"),
    "mostly-accurate": Style(bgcolor="#3f8f5b", color="#ffffff"),
    "mixed": Style(bgcolor="#b45309", color="#ffffff"),
    "misleading": Style(bgcolor="#c2410c", color="#ffffff"),
    "mostly-inaccurate": Style(bgcolor="#b91c1c", color="#ffffff"),
    "inaccurate": Style(bgcolor="#991b1b", color="#ffffff", bold=True),
    "unproven": Style(bgcolor="#52525b", color="#ffffff"),
}


def highlight_style(status: str, verdict: str | None) -> Style:
    if status == "published" and verdict:
        return VERDICT_HIGHLIGHT.get(verdict, HIGHLIGHT["published"])
    return HIGHLIGHT.get(status, HIGHLIGHT["new"])
