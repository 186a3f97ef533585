"""Link rot: the live page of each source against the snapshot kept of it.

A source with a snapshot is fetched (GET, the body read up to a cap, under the link
check's address policy and one deadline) and its live page compared with the latest
snapshot: **dead** (an error status, or no answer), **moved** (it now ends at another
address than the snapshot's final URL) or **changed** (its main text, extracted as the
snapshot's is, no longer holds the source's excerpt; whitespace and curly quotes
forgiven). A source without a snapshot is probed as before (:func:`links.probe`: HEAD,
then GET, no body read). Nothing here prints; the command line renders the checks.
"""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor

import attrs

from factcheck.model import Snapshot, Source
from factcheck.netpolicy import Failure, Policy, parse_target
from factcheck.netpolicy import request as follow
from factcheck.pagetext import MAX_PAGE_BYTES
from factcheck.provenance.links import USER_AGENT, Answer, LinkSources, answer_of, probe
from factcheck.provenance.linkstate import LinkResult, excerpt_key
from factcheck.textsafe import escape_line

_HEADERS = (("User-Agent", USER_AGENT), ("Accept", "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1"), ("Accept-Encoding", "identity"))

#: What a check can find of a source, in the order they are reported.
FINDINGS = ("refused", "dead", "moved", "changed")


@attrs.frozen
class Live:
    """What a URL came to: the answer, the address it ended at and, when the page was
    read, its main text (or why it could not be compared)."""

    answer: Answer
    final_url: str | None = None
    text: str | None = None
    not_compared: str | None = None  # why the text was not looked at (None: it was, or it was not read)
    read: bool = False  # the body was asked for (the URL has a source with a snapshot)


def fetch_live(url: str, timeout: float, policy: Policy, max_bytes: int = MAX_PAGE_BYTES) -> Live:
    """The live page at ``url`` (redirects followed, each target checked; at most
    ``max_bytes`` of body, as ``archive`` keeps), its main text extracted as a snapshot's is."""
    from factcheck.evidence import response_text
    got = follow(url, "GET", time.monotonic() + timeout, policy, headers=_HEADERS, max_body=max_bytes)
    if isinstance(got, Failure):
        if got.too_large:
            return Live(Answer(None, None, received=got.received), got.url, None, f"the page is larger than {max_bytes} bytes", True)
        return Live(answer_of(got), None, read=True)
    answer = answer_of(got)
    if answer.reason is not None:
        return Live(answer, got.url, read=True)
    text = response_text(got)
    if text is None:
        kind = (got.header("content-type") or "text/html").split(";", 1)[0].strip().lower()
        return Live(answer, got.url, None, f"no page text found in it ({escape_line(kind)})", True)
    return Live(answer, got.url, text, None, True)


def same_address(a: str, b: str) -> bool:
    """Whether two URLs name the same resource as sent (scheme and host case, IDNA,
    percent-encoding and the fragment do not count)."""
    ta, tb = parse_target(a), parse_target(b)
    if isinstance(ta, str) or isinstance(tb, str):
        return a == b
    return ta.url == tb.url


def latest(source: Source) -> Snapshot | None:
    """The source's most recent snapshot, if it has one."""
    return max(source.snapshots, key=lambda s: s.captured) if source.snapshots else None


@attrs.frozen
class SourceCheck:
    """One source against its live page (and its latest snapshot, when it has one)."""

    claim_id: str
    source: Source
    live: Live
    snapshot: Snapshot | None = None
    excerpt_on_page: bool | None = None  # None: not looked for
    excerpt_in_snapshot: bool | None = None  # None: not looked for (or the snapshot cannot be read)

    @property
    def answer(self) -> Answer:
        return self.live.answer

    @property
    def moved(self) -> bool:
        """The page now ends at another address than the snapshot's (a dead page does not count)."""
        final = self.live.final_url
        return self.snapshot is not None and final is not None and self.answer.reason is None and not same_address(final, self.snapshot.final_url)

    @property
    def findings(self) -> list[str]:
        answer = self.answer
        if answer.refused:
            return ["refused"]
        if answer.reason is not None:
            return ["dead"]
        return [f for f, hit in (("moved", self.moved), ("changed", self.excerpt_on_page is False)) if hit]


def _compare(claim_id: str, source: Source, live: Live, repo_root: str) -> SourceCheck:
    snapshot = latest(source)
    if snapshot is None or live.text is None:
        return SourceCheck(claim_id, source, live, snapshot)
    from factcheck.evidence import excerpt_in_text

    on_page = excerpt_in_text(source.excerpt, live.text)
    in_snapshot = None if on_page else _in_snapshot(repo_root, snapshot, source.excerpt)
    return SourceCheck(claim_id, source, live, snapshot, on_page, in_snapshot)


def _in_snapshot(repo_root: str, snapshot: Snapshot, excerpt: str) -> bool | None:
    from factcheck.evidence import excerpt_in_text, snapshot_text

    text = snapshot_text(repo_root, snapshot)
    return excerpt_in_text(excerpt, text) if isinstance(text, str) else None


def check_sources(
    found: LinkSources, repo_root: str, timeout: float, jobs: int, policy: Policy,
    max_bytes: int = MAX_PAGE_BYTES,
) -> list[SourceCheck]:
    """Every source of ``found`` against its live page, in the order of ``found.sources``;
    ``repo_root``: the repository whose evidence folder holds the snapshots.

    Each URL is requested once (``jobs`` at once, ``timeout`` seconds in all for each):
    read in full, up to ``max_bytes``, when a source citing it has a snapshot, else
    probed without its body.
    """
    read = {s.url for _, s in found.sources if s.snapshots}
    urls = found.urls

    def one(url: str) -> Live:
        return fetch_live(url, timeout, policy, max_bytes) if url in read else Live(probe(url, timeout, policy))

    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(urls) or 1))) as pool:
        lives = dict(zip(urls, pool.map(one, urls), strict=True))
    return [_compare(cid, source, lives[source.url], repo_root) for cid, source in found.sources]


def results(checks: list[SourceCheck], now: dt.datetime | None = None) -> dict[str, LinkResult]:
    """What to keep of each URL checked (:mod:`factcheck.provenance.linkstate`)."""
    checked = (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    out: dict[str, LinkResult] = {}
    for check in checks:
        known = out.get(check.source.url)
        missing = set(known.missing) if known else set()
        if check.excerpt_on_page is False:
            missing.add(excerpt_key(check.source.excerpt))
        live, answer = check.live, check.answer
        out[check.source.url] = LinkResult(
            checked, answer.status, answer.reason, answer.refused, live.final_url,
            check.moved or (known is not None and known.moved), live.text is not None, tuple(sorted(missing)),
        )
    return out
