"""The command line's errors and exit codes, in one place.

Exit codes: 0 clean, 1 problems found (or an edit refused), 2 usage error, 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys

from factcheck.textsafe import escape_line

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """A command line that cannot run as given: printed as one line and 'try PROG --help', exit 2."""

    def __init__(self, message: str, prog: str = "factcheck"):
        super().__init__(message)
        self.prog = prog


def fail(message: str, code: int = EXIT_USAGE) -> int:
    """Print 'factcheck: MESSAGE' (escaped) on stderr and return ``code``."""
    print(f"factcheck: {escape_line(message)}", file=sys.stderr)
    return code


def usage(args: argparse.Namespace, message: str) -> Exception:
    """A :class:`UsageError` of the command ``args`` were parsed for, to raise."""
    command = getattr(args, "command", None)
    words = [command, getattr(args, f"{command}_command", None)] if command else []  # 'article add'
    prog = " ".join(["factcheck", *(word for word in words if word)])
    return UsageError(f"{prog}: {message}", prog)
