"""What a snapshot says: its response read back, verified, and its main text.

The main text is extracted by :func:`factcheck.pagetext.extract_text`, the extractor of
``article add``; an excerpt is looked for in it with the forgiveness quotes get
(:func:`factcheck.rules.normalize`: whitespace runs and curly quotes).
"""

from __future__ import annotations

import hashlib

from factcheck.evidence.warc import SnapshotFailure, read_file, read_warc
from factcheck.netpolicy import Response
from factcheck.pagetext import charset_of, decode_body, extract_text
from factcheck.rules import normalize

_HTML = ("text/html", "application/xhtml+xml")
_TEXT = ("text/plain", "text/markdown")


def read_snapshot(root: str, snapshot) -> Response | SnapshotFailure:
    """The response a snapshot keeps (status, final URL, headers, body), or why it cannot be
    had: the file missing, not a regular file, its bytes not matching the recorded sha256
    (``tampered``), or not a WARC file with a response. ``root``: the repository root."""
    data = read_file(root, snapshot.path)
    if isinstance(data, SnapshotFailure):
        return data
    actual = hashlib.sha256(data).hexdigest()
    if actual != snapshot.sha256:
        return SnapshotFailure("tampered", f"{snapshot.path}: its bytes have sha256 {actual}, not the recorded {snapshot.sha256}")
    return read_warc(data)


def response_text(response: Response) -> str | None:
    """The main text of a page as ``article add`` extracts it (a text page: all of it)."""
    content_type = response.header("content-type")
    kind = (content_type or "text/html").split(";", 1)[0].strip().lower()
    if kind not in _HTML + _TEXT:
        return None
    decoded = decode_body(response.body, charset_of(content_type), kind in _HTML)
    if decoded is None or not decoded.strip():
        return None
    return extract_text(decoded) if kind in _HTML else decoded


def snapshot_text(root: str, snapshot) -> str | SnapshotFailure:
    """The main text of the page a snapshot keeps, or why there is none."""
    response = read_snapshot(root, snapshot)
    if isinstance(response, SnapshotFailure):
        return response
    text = response_text(response)
    if text is None:
        return SnapshotFailure("no-text", f"{snapshot.path}: no page text found in the kept copy")
    return text


def excerpt_in_text(excerpt: str, text: str) -> bool:
    """Whether ``excerpt`` occurs in ``text``, whitespace and curly quotes forgiven as for quotes."""
    wanted = normalize(excerpt)
    return bool(wanted) and wanted in normalize(text)
