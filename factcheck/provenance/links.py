"""``factcheck links``: sources without an archive copy, and dead links.

A link check never requests a non-public address (see :mod:`factcheck.netpolicy`); a
probe never reads a response body (the page of a source with a snapshot is read, and
compared with it, by :mod:`factcheck.provenance.rot`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from pathlib import Path as FsPath

import attrs

from factcheck.convert import FieldError
from factcheck.model import HTTP_URL_PATTERN, Claim, Source
from factcheck.netpolicy import MAX_REDIRECTS, Failure, Policy, Response, redact
from factcheck.netpolicy import request as follow
from factcheck.store import ClaimRecord, ClaimStore, read_record
from factcheck.yaml.fast import quiet_stderr

#: The most a link check reads of one response (status line and headers; the body is never read).
MAX_RESPONSE_BYTES = 64 * 1024
USER_AGENT = "Mozilla/5.0 (compatible; factcheck link check)"
#: HEAD answers after which a GET is tried: servers that refuse or do not implement HEAD.
RETRY_WITH_GET = {403, 405, 501}


@attrs.frozen
class Answer:
    """What one request came to: the HTTP status, and why it failed (None: it did not)."""

    status: int | None
    reason: str | None  # one line; what the server chose in it is escaped
    location: str | None = None  # the Location header of a redirect, as sent (escape it to show it)
    received: int = 0  # bytes read from the server
    refused: bool = False  # not sent (or not followed) by the address or URL policy


def answer_of(got: Response | Failure) -> Answer:
    if isinstance(got, Failure):
        return Answer(None, got.reason, received=got.received, refused=got.refused)
    reason = None if 200 <= got.status < 300 else f"HTTP {got.status} {got.reason}".rstrip()
    return Answer(got.status, reason, got.header("location"), got.received)


_HEADERS = (("User-Agent", USER_AGENT), ("Accept", "*/*"))


def request(
    url: str, method: str, deadline: float, policy: Policy,
    max_bytes: int = MAX_RESPONSE_BYTES, max_redirects: int = MAX_REDIRECTS,
) -> Answer:
    """One request, its body never read, following redirects: each target (the first URL too) is refused before any connection if the policy says so."""
    return answer_of(follow(url, method, deadline, policy, headers=_HEADERS, max_head=max_bytes, max_redirects=max_redirects))


def probe(url: str, timeout: float, policy: Policy | None = None) -> Answer:
    """Whether ``url`` answers within ``timeout`` seconds in all: HEAD, then GET where HEAD fails."""
    policy = policy or Policy()
    deadline = time.monotonic() + timeout
    answer = request(url, "HEAD", deadline, policy)
    if answer.reason is not None and not answer.refused and (answer.status is None or answer.status in RETRY_WITH_GET):
        if time.monotonic() < deadline:
            answer = request(url, "GET", deadline, policy)
    return answer


def _no_rules(claim: Claim) -> list[FieldError]:
    return []


@attrs.frozen
class Unusable:
    """A source that cannot be checked: its claim file fails the schema."""

    claim_id: str
    url: str | None  # a URL that fails the schema, or None: the file as a whole
    reason: str

    def line(self) -> str:
        return f"{self.claim_id}: {redact(self.url)}: {self.reason}" if self.url else f"{self.claim_id}: {self.reason}"


def _raw_source_urls(record: ClaimRecord) -> list[str] | None:
    """The source URLs written in a claim file that fails the schema (None: none can be read)."""
    try:
        raw = FsPath(record.path).read_bytes()
    except OSError:
        return None
    with quiet_stderr():
        _, data, _ = read_record(record.path, raw, Claim, _no_rules)
    sources = data.get("sources") if hasattr(data, "get") else None
    if not isinstance(sources, list):
        return None
    return [str(s.get("url")) for s in sources if hasattr(s, "get") and s.get("url") is not None]


def _unusable(record: ClaimRecord) -> list[Unusable]:
    urls = _raw_source_urls(record) or []
    bad = [Unusable(record.id, url, "not an http or https URL") for url in urls if not re.search(HTTP_URL_PATTERN, url)]
    return bad or [Unusable(record.id, None, "not a valid claim file; its sources are not checked")]


def _sources(records: list[ClaimRecord], data: dict[str, bytes | None] | None = None) -> tuple[list[tuple[str, Source]], list[Unusable]]:
    """Every source of ``records``: from the cached JSON of each claim when there is one
    (no file parsed again), else from the claim itself."""
    from factcheck.fastcheck import decode_sources

    out: list = []
    unusable: list[Unusable] = []
    for record in sorted(records, key=lambda r: (r.id, r.path)):
        blob = data.get(record.path) if data else None
        if blob:
            out += [(record.id, source) for source in decode_sources(blob)]
        elif record.claim is not None:
            out += [(record.id, source) for source in record.claim.sources]
        else:
            unusable += _unusable(record)
    return out, unusable


def _records(store: ClaimStore, ids: Iterable[str]) -> list[ClaimRecord] | str:
    """The records of ``ids`` (all when there are none), or which id is unknown."""
    ids = list(ids)
    if not ids:
        return store.all()
    records = []
    for claim_id in dict.fromkeys(ids):
        record = store.find(claim_id)
        if record is None:
            from factcheck.problems import did_you_mean

            return f"unknown claim id {claim_id!r}{did_you_mean(claim_id, store.ids())}"
        records.append(record)
    return records


@attrs.frozen
class LinkSources:
    """The sources a link check looks at: (claim id, source) pairs, and those it cannot read."""

    sources: list[tuple[str, Source]]
    unusable: list[Unusable]

    @property
    def missing_archive(self) -> list[tuple[str, Source]]:
        return [(cid, s) for cid, s in self.sources if s.archive_url is None]

    @property
    def urls(self) -> list[str]:
        return sorted({s.url for _, s in self.sources})


def link_sources(store: ClaimStore, ids: Iterable[str] = ()) -> LinkSources | str:
    """The sources of the claims ``ids`` (all when there are none), or which id is unknown."""
    records = _records(store, ids)
    if isinstance(records, str):
        return records
    return LinkSources(*_sources(records, store.data))
