"""Reporters: problems as text, parsable lines, GitHub annotations or JSON.

File names and messages can hold anything a file name or a claim can: every format
shows control and bidi characters escaped (:mod:`factcheck.textsafe`), so a file
named ``x\n::error file=y`` cannot forge a line or an annotation.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Collection, Iterable

from factcheck.problems import Problem
from factcheck.textsafe import escape_line, json_dumps, printable_ascii_lines

FORMATS = ("text", "parsable", "github", "json", "auto")


def resolve_format(fmt: str) -> str:
    if fmt == "auto":
        return "github" if os.environ.get("GITHUB_ACTIONS") else "text"
    return fmt


def _escape_data(value: str) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return escape_line(value)


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def parsable(problem: Problem) -> str:
    """One line, its path and message escaped (:func:`render` makes the same line inline)."""
    path, line, col, code, message, severity = problem
    return f"{escape_line(path)}:{line}:{col}: {severity} [{code}] {escape_line(message)}"


def github(problem: Problem) -> str:
    return (
        f"::{problem.severity} file={_escape_property(problem.path)},line={problem.line},"
        f"col={problem.col},title={_escape_property('factcheck ' + problem.code)}::"
        f"{_escape_data(problem.message)}"
    )


def split_accepted(problems: Iterable[Problem], accepted: Collection[str]) -> tuple[list[Problem], list[Problem]]:
    """(the problems to print in full, the accepted warnings summed up instead)."""
    shown: list[Problem] = []
    hidden: list[Problem] = []
    for p in problems:
        (hidden if p.code in accepted and p.severity == "warning" else shown).append(p)
    return shown, hidden


def accepted_line(hidden: list[Problem], listing: str) -> str:
    """One line for the accepted warnings left out: how many of each code, and the command that lists them."""
    counts = Counter(p.code for p in hidden)
    each = ", ".join(f"{n} {code}" for code, n in sorted(counts.items()))
    many = "warning" if len(hidden) == 1 else "warnings"
    return f"{len(hidden)} accepted {many} not shown ({each}; [warnings] accepted in the config): {listing} lists them"


def render(problems: Iterable[Problem], fmt: str, files: int, accepted: Collection[str] = (), listing: str = "--show accepted") -> str:
    """The whole report for ``problems`` found in ``files`` claim files.

    ``accepted``: warning codes the project accepts. Text sums them up in one line
    (:func:`accepted_line`; ``listing`` is the command that lists them), GitHub output in
    one notice instead of an annotation each; JSON keeps every problem, an accepted one
    marked ``"accepted": true``, and parsable lines keep every one as they are.
    """
    problems = list(problems)
    fmt = resolve_format(fmt)
    if fmt == "json":
        marked = [{**p.as_dict(), "accepted": True} if p.code in accepted and p.severity == "warning" else p.as_dict() for p in problems]
        return json_dumps(marked, indent=2) + "\n"
    shown, hidden = split_accepted(problems, accepted) if fmt != "parsable" else (problems, [])
    if fmt == "github":
        notice = f"::notice title=factcheck accepted warnings::{_escape_data(accepted_line(hidden, listing))}\n" if hidden else ""
        return "".join(github(p) + "\n" for p in shown) + notice
    problems = shown
    # Each line made plain. Only its path and message can hold a control, bidi or other
    # non-ASCII character: each distinct one is looked at once, all at once in C, and
    # only if one is not printable ASCII is each line that is not made again escaped.
    # parsable()'s line, inline: a call for each of 15,000 lines costs a third more.
    lines = [f"{path}:{line}:{col}: {severity} [{code}] {message}" for path, line, col, code, message, severity in problems]
    paths = {p.path for p in problems}
    texts = [*paths, *{p.message for p in problems}]
    if not printable_ascii_lines("\n".join(texts), len(texts)):
        lines = [line if line.isascii() and line.isprintable() else parsable(p) for line, p in zip(lines, problems, strict=True)]
    if hidden:
        lines.append(accepted_line(hidden, listing))
    if fmt == "text":
        touched = len(paths)
        warnings = sum(1 for p in problems if p.severity == "warning")
        errors = len(problems) - warnings
        if problems:
            parts = [f"{n} {word}{'s' if n != 1 else ''}" for n, word in ((errors, "problem"), (warnings, "warning")) if n]
            counted = " and ".join(parts)
            lines.append(f"{counted} in {touched} file{'s' if touched != 1 else ''} ({files} claim files checked)")
        else:
            lines.append(f"{files} claim file{'s' if files != 1 else ''} checked, no {'other ' if hidden else ''}problems")
    lines.append("")
    return "\n".join(lines)
