"""factcheck match: earlier fact-checks of sentences, an article or a claim (the feature lives in factcheck.match)."""

from __future__ import annotations

from factcheck.cli.args import Command
from factcheck.match.command import add_arguments, run

#: Each command of the group: what adds its arguments, and what runs it.
COMMANDS: dict[str, Command] = {"match": (add_arguments, run)}
