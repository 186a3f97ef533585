"""A web page's text: its bytes decoded, its main text extracted. No I/O, no network.

One extractor for every reader of pages: ``article add`` (:mod:`factcheck.ingest`) and
the evidence snapshots (:mod:`factcheck.evidence`), so an excerpt checked against a kept
copy is checked against the same text a person importing that page would get.
"""

from __future__ import annotations

import re

#: The largest page fetched or read (``article add --max-bytes``, ``archive --max-bytes``).
MAX_PAGE_BYTES = 5 * 1024 * 1024

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.I)


def charset_of(content_type: str | None) -> str | None:
    """The charset a Content-Type header states, if any."""
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type or "", re.I)
    return match.group(1) if match else None


def decode_body(body: bytes, charset: str | None, html: bool) -> str | None:
    """The page's text: the charset the server or the page states, else UTF-8; None if neither fits."""
    if body.startswith(b"\xef\xbb\xbf"):
        body = body[3:]
    stated = [charset] if charset else []
    if html:
        match = _META_CHARSET.search(body[:4096])
        if match:
            stated.append(match.group(1).decode("ascii", "ignore"))
    for name in [*stated, "utf-8"]:
        try:
            return body.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return None


def extract_text(html: str) -> str | None:
    """The article's main text (boilerplate removed) with paragraphs apart, or None if there is none."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False, include_images=False, deduplicate=False)
    if not text:
        return None
    paragraphs = [p for p in (" ".join(line.split()) for line in text.splitlines()) if p]
    return "\n\n".join(paragraphs) + "\n" if paragraphs else None
