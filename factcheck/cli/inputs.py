"""Text the user hands a command (a file, or '-' for standard input), read with a size cap.

``suggest --sentences`` reads its lines here, and so can any command to come that reads a
list (``match``): the input is read one line at a time, never more than the cap in all,
so ``/dev/zero`` or a huge file gives a one-line message instead of filling memory.
"""

from __future__ import annotations

import contextlib
import sys

from factcheck.textsafe import escape_line

#: The most a command reads of a text it is given (5 MiB: a hundred long articles).
MAX_INPUT_BYTES = 5 * 1024 * 1024


def read_lines(path: str, option: str, max_bytes: int = MAX_INPUT_BYTES) -> list[str] | str:
    """The lines of the UTF-8 text at ``path`` ('-': standard input), split as
    :meth:`str.splitlines` splits; or why they cannot be read, as one line naming ``option``."""
    shown = escape_line(path)
    try:
        handle = getattr(sys.stdin, "buffer", sys.stdin) if path == "-" else open(path, "rb")  # noqa: SIM115 -- closed below
    except OSError as exc:
        return f"cannot read {shown}: {exc.strerror or exc}"
    lines: list[str] = []
    total = number = 0
    try:
        with contextlib.nullcontext(handle) if path == "-" else handle:
            while raw := handle.readline(max_bytes - total + 1):
                total += len(raw)
                number += 1
                if total > max_bytes:
                    return f"{option} {shown}: more than {max_bytes} bytes ({max_bytes / 1048576:g} MiB) of text; give a smaller file, or split it"
                lines += (raw.decode("utf-8") if isinstance(raw, bytes) else raw).splitlines()
    except UnicodeDecodeError as exc:
        return f"{shown}:{number}:{exc.start + 1}: not UTF-8 text"
    except OSError as exc:
        return f"cannot read {shown}: {exc.strerror or exc}"
    return lines
