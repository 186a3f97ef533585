"""Keeping a source: fetch its page under the link check's policy and write the WARC file;
ask a public archive (Save Page Now) for a copy of its own.

Every request goes through :func:`factcheck.netpolicy.request`, the one guarded client:
the same address policy (non-public addresses refused unless allowed, every redirect
checked), one deadline for the whole request, a cap on the body. Failures are values
with a one-line reason in which every server byte is escaped.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import urllib.parse

import attrs

from factcheck.evidence.folder import EvidenceFolder
from factcheck.evidence.warc import write_warc
from factcheck.model import Snapshot
from factcheck.netpolicy import Failure, Policy, Response, exchange, redact, request
from factcheck.textsafe import escape_line

USER_AGENT = "Mozilla/5.0 (compatible; factcheck archive)"
HEADERS = (("User-Agent", USER_AGENT), ("Accept", "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1"), ("Accept-Encoding", "identity"))
_WAYBACK_STAMP = re.compile(r"/web/(\d{4})(\d{2})(\d{2})\d{0,8}(?:[a-z_]{0,4})/")


@attrs.frozen
class Archived:
    """What keeping one page came to: the snapshot made, or why there is none."""

    url: str
    snapshot: Snapshot | None = None
    size: int = 0  # bytes of the WARC file
    reason: str | None = None  # why nothing was kept (one line, escaped)
    too_large: bool = False


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def archive_source(url: str, folder: EvidenceFolder, timeout: float, max_bytes: int, policy: Policy) -> Archived:
    """Fetch ``url`` (redirects followed, each target checked; ``timeout`` seconds in all;
    at most ``max_bytes`` of body) and keep the answer as a WARC file in ``folder``.
    Only a successful answer (2xx) is kept."""
    captured = _now()
    got = request(url, "GET", time.monotonic() + timeout, policy, headers=HEADERS, max_body=max_bytes)
    shown = escape_line(redact(url))
    if isinstance(got, Failure):
        if got.too_large:
            return Archived(url, reason=f"{shown}: the page is larger than {max_bytes} bytes (--max-bytes); not kept", too_large=True)
        moved = f" (at {escape_line(redact(got.url))})" if got.url != url else ""
        return Archived(url, reason=f"{shown}{moved}: {got.reason}")
    if not 200 <= got.status < 300:
        return Archived(url, reason=f"{shown}: HTTP {got.status} {got.reason}".rstrip() + "; not kept")
    return _kept(url, got, folder, captured)


def _kept(url: str, got: Response, folder: EvidenceFolder, captured: dt.datetime) -> Archived:
    try:
        written = write_warc(folder, got, HEADERS, captured)
    except OSError as exc:
        return Archived(url, reason=f"cannot write into the evidence folder {folder.relative}: {escape_line(exc.strerror or str(exc))}")
    final = got.url if got.url.startswith(("http://", "https://")) else url
    try:
        snapshot = Snapshot(written.path, written.sha256, captured, got.status, final)
    except ValueError as exc:  # a final URL the model refuses (whitespace in a Location, say)
        return Archived(url, reason=escape_line(str(exc.args[0])))
    return Archived(url, snapshot, written.size)


@attrs.frozen
class PublicCopy:
    """A public archive's copy: its address and date, or why there is none."""

    archive_url: str | None = None
    archived: dt.date | None = None
    reason: str | None = None


def save_page_now(url: str, endpoint: str, timeout: float, policy: Policy) -> PublicCopy:
    """Ask Save Page Now (``<endpoint><url>``) for a copy of ``url``; the copy's address is the
    redirect it answers with (or its Content-Location), its date the capture stamp in it."""
    asked = endpoint + url
    got = exchange(asked, "GET", time.monotonic() + timeout, policy, headers=HEADERS, max_body=64 * 1024)  # its redirect is the answer
    if isinstance(got, Failure):
        return PublicCopy(reason=f"Save Page Now: {got.reason}")
    where = got.header("location") or got.header("content-location")
    if got.status >= 400 or not where:
        return PublicCopy(reason=f"Save Page Now answered HTTP {got.status} {got.reason}".rstrip() + " without a copy's address")
    copy = urllib.parse.urljoin(asked, where.strip())
    if not re.fullmatch(r"[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]+\S*", copy) or any(ord(c) < 32 or ord(c) == 127 for c in copy):
        return PublicCopy(reason=f"Save Page Now gave an address that is not an http(s) URL: {escape_line(copy)!r}")
    stamp = _WAYBACK_STAMP.search(urllib.parse.urlsplit(copy).path)
    day = _now().date()
    if stamp:
        try:
            day = min(dt.date(int(stamp.group(1)), int(stamp.group(2)), int(stamp.group(3))), day)
        except ValueError:
            pass
    return PublicCopy(copy, day)
