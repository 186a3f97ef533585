"""Text that cannot attack its reader: control and bidi characters, found and escaped.

A claim's text reaches terminals, pull-request comments, CI annotations and the review
screen. An ESC or BEL there recolours or rewrites the terminal; a bidi override
(U+202E) makes text read differently from what it holds. :data:`CONTROL` is the one
list of such characters: ``validate`` reports them (rule ``control-char``) and every
output shows them escaped with :func:`escape` (``\\x1b``, ``\\u202e``), never raw.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: Bidi controls: embeddings and overrides, isolates, and the directional marks.
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

#: C0 controls except tab and newline, DEL, C1 controls, and the bidi controls.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + BIDI + "]")

#: The same, and tab and newline too: for one-line values (ids, URLs, names, file names).
CONTROL_OR_BREAK = re.compile("[\x00-\x1f\x7f-\x9f" + BIDI + "]")

#: Characters JSON may hold raw that a terminal or browser still acts on.
_JSON_RAW = re.compile("[\x7f-\x9f" + BIDI + "\u2028\u2029]")


_SHORT = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def char_name(ch: str) -> str:
    """A character as an escape: ``\\n``, ``\\x1b``, ``\\u202e``."""
    code = ord(ch)
    return _SHORT.get(ch) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def _escape_match(match: re.Match) -> str:
    return char_name(match.group())


def escape(text: str) -> str:
    """``text`` with control and bidi characters escaped; newlines and tabs kept."""
    return CONTROL.sub(_escape_match, text) if CONTROL.search(text) else text


def escape_line(text: str) -> str:
    """``text`` as one line: newlines, tabs and every control or bidi character escaped."""
    return CONTROL_OR_BREAK.sub(_escape_match, text) if CONTROL_OR_BREAK.search(text) else text


#: The bytes of ASCII that are not printable: C0 controls and DEL.
_ASCII_CONTROLS = bytes([*range(0x20), 0x7F])


def printable_ascii_lines(text: str, lines: int) -> bool:
    """Whether ``text`` is ``lines`` lines of printable ASCII joined by newlines (no other
    control character, nothing outside ASCII): so no line of it needs :func:`escape_line`.

    Looked at in C: the bytes that are controls are deleted and counted.
    """
    if not text.isascii():
        return False
    data = text.encode("ascii")
    return len(data) - len(data.translate(None, _ASCII_CONTROLS)) == max(lines - 1, 0)


def first_control(text: str, line_breaks: bool = False) -> re.Match | None:
    """The first control or bidi character of ``text`` (and newline or tab unless ``line_breaks``)."""
    return (CONTROL if line_breaks else CONTROL_OR_BREAK).search(text)


def json_dumps(data: Any, **kw: Any) -> str:
    """``json.dumps`` that also writes DEL, C1 and bidi characters as ``\\uXXXX`` escapes.

    The JSON still decodes to the same data; only its raw bytes no longer hold them.
    """
    return json_safe(json.dumps(data, ensure_ascii=False, **kw))


def json_safe(text: str) -> str:
    """JSON text with DEL, C1 and bidi characters written as ``\\uXXXX`` (the same data)."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


#: The same characters as :data:`_JSON_RAW`, as their UTF-8 bytes.
_JSON_RAW_UTF8 = re.compile(b"\x7f|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]")


def json_safe_bytes(data: bytes) -> bytes:
    """:func:`json_safe` for UTF-8 JSON bytes (as msgspec writes them)."""
    if not _JSON_RAW_UTF8.search(data):
        return data
    return _JSON_RAW_UTF8.sub(lambda m: f"\\u{ord(m.group().decode()):04x}".encode(), data)


#: What a control or bidi character looks like in JSON written by msgspec or rapidyaml:
#: an escape (``\\n``, ``\\u001b``) or the raw UTF-8 of DEL, a C1 or a bidi control; by
#: the byte each begins with. (A raw C0 control is not valid in a JSON string: JSON that
#: a decoder accepted holds none.)
_JSON_CONTROL_LEADS = (
    (0x5C, re.compile(rb"\\[ntrbfu]")),
    (0xC2, re.compile(rb"\xc2[\x80-\x9f]")),
    (0xE2, re.compile(rb"\xe2(?:\x80[\x8e\x8f\xaa-\xae]|\x81[\xa6-\xa9])")),
    (0xD8, re.compile(rb"\xd8\x9c")),
)


def json_may_hold_controls(encoded: bytes) -> bool:
    """Whether JSON bytes may hold a control or bidi character in some string (if not, no
    text field of the record decoded from it needs looking at).

    Each lead byte is found at memchr speed and only its few places are looked at:
    the backslash of every escaped quote and the lead byte of every curly quote or dash are common.
    """
    if b"\x7f" in encoded:
        return True
    find = encoded.find
    for lead, pattern in _JSON_CONTROL_LEADS:
        at = find(lead)
        while at >= 0:
            if pattern.match(encoded, at):
                return True
            at = find(lead, at + 2 if lead == 0x5C else at + 1)  # an escape is two bytes: "\\\\" is one
    return False


def escape_mapped(text: str) -> tuple[str, list[int]]:
    """:func:`escape` of ``text``, and where each index of ``text`` (and its end) lands in it.

    For showing escaped text with styles laid on spans of the original.
    """
    if not CONTROL.search(text):
        return text, list(range(len(text) + 1))
    out: list[str] = []
    positions: list[int] = []
    length = 0
    for ch in text:
        positions.append(length)
        shown = char_name(ch) if CONTROL.match(ch) else ch
        out.append(shown)
        length += len(shown)
    positions.append(length)
    return "".join(out), positions
