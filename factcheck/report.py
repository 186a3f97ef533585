"""Reporters: problems as text, parsable lines, GitHub annotations or JSON."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable

from factcheck.problems import Problem

FORMATS = ("text", "parsable", "github", "json", "auto")


def resolve_format(fmt: str) -> str:
    if fmt == "auto":
        return "github" if os.environ.get("GITHUB_ACTIONS") else "text"
    return fmt


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def parsable(problem: Problem) -> str:
    return f"{problem.path}:{problem.line}:{problem.col}: {problem.severity} [{problem.code}] {problem.message}"


def github(problem: Problem) -> str:
    return (
        f"::{problem.severity} file={_escape_property(problem.path)},line={problem.line},"
        f"col={problem.col},title={_escape_property('factcheck ' + problem.code)}::"
        f"{_escape_data(problem.message)}"
    )


def render(problems: Iterable[Problem], fmt: str, files: int) -> str:
    """The whole report for ``problems`` found in ``files`` claim files."""
    problems = list(problems)
    fmt = resolve_format(fmt)
    if fmt == "json":
        return json.dumps([p.as_dict() for p in problems], indent=2, ensure_ascii=False) + "\n"
    if fmt == "github":
        return "".join(github(p) + "\n" for p in problems)
    lines = [parsable(p) for p in problems]
    if fmt == "text":
        touched = len({p.path for p in problems})
        if problems:
            lines.append(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {touched} file{'s' if touched != 1 else ''} ({files} claim files checked)")
        else:
            lines.append(f"{files} claim file{'s' if files != 1 else ''} checked, no problems")
    return "".join(line + "\n" for line in lines)
