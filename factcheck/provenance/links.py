"""``factcheck links``: sources without an archive copy, and dead links.

A link check never requests a non-public address (see :mod:`factcheck.netpolicy`) and
never reads a response body.
"""

from __future__ import annotations

import re
import selectors
import socket
import ssl
import sys
import time
import urllib.parse
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path as FsPath

import attrs

from factcheck.convert import FieldError
from factcheck.model import HTTP_URL_PATTERN, Claim, Source
from factcheck.netpolicy import Policy, Target, parse_target, redact, resolve
from factcheck.present import plural
from factcheck.store import ClaimRecord, ClaimStore, read_record
from factcheck.yaml.fast import quiet_stderr

#: Link checks that run at once (``factcheck links --jobs``).
LINK_JOBS = 4
MAX_REDIRECTS = 5
#: The most a link check reads of one response (status line and headers; the body is never read).
MAX_RESPONSE_BYTES = 64 * 1024
REDIRECTS = {301, 302, 303, 307, 308}
USER_AGENT = "Mozilla/5.0 (compatible; factcheck link check)"
#: HEAD answers after which a GET is tried: servers that refuse or do not implement HEAD.
RETRY_WITH_GET = {403, 405, 501}


def _reason(error: object) -> str:
    if isinstance(error, TimeoutError):
        return "timed out"
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"TLS certificate: {error.verify_message or error.reason}"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__


@attrs.frozen
class Answer:
    """What one request came to: the HTTP status, and why it failed (None: it did not)."""

    status: int | None
    reason: str | None
    location: str | None = None  # the Location header of a redirect
    received: int = 0  # bytes read from the server
    refused: bool = False  # not sent (or not followed) by the address or URL policy


def _wait(sock: socket.socket, write: bool, deadline: float) -> None:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    with selectors.DefaultSelector() as selector:
        selector.register(sock, selectors.EVENT_WRITE if write else selectors.EVENT_READ)
        if not selector.select(remaining):
            raise TimeoutError


def _io(sock: socket.socket, op, write: bool, deadline: float):
    """``op()`` on a non-blocking socket, waiting for it at most until ``deadline``."""
    while True:
        if time.monotonic() >= deadline:
            raise TimeoutError
        try:
            return op()
        except ssl.SSLWantReadError:
            _wait(sock, False, deadline)
        except ssl.SSLWantWriteError:
            _wait(sock, True, deadline)
        except (BlockingIOError, InterruptedError):
            _wait(sock, write, deadline)


def _connect(target: Target, entries: list[tuple], deadline: float) -> socket.socket:
    """A non-blocking socket connected to the first of ``entries`` that answers (TLS for https)."""
    from factcheck.netpolicy import connect_first

    sock = connect_first(entries, deadline)
    sock.settimeout(0)
    if target.scheme == "http":
        return sock
    try:
        tls = ssl.create_default_context().wrap_socket(sock, server_hostname=target.host, do_handshake_on_connect=False)
    except BaseException:
        sock.close()
        raise
    try:
        _io(tls, tls.do_handshake, False, deadline)
    except BaseException:
        tls.close()
        raise
    return tls


_STATUS_LINE = re.compile(rb"HTTP/\d(?:\.\d)?[ \t]+(\d{3})(?:[ \t]+([^\r\n]*))?")
_HEADERS_END = re.compile(rb"\r?\n\r?\n")


def _exchange(sock: socket.socket, target: Target, method: str, deadline: float, max_bytes: int) -> Answer:
    """Send one request; read the status line and headers (at most ``max_bytes``), never the body."""
    request = (
        f"{method} {target.path} HTTP/1.1\r\nHost: {target.host_header}\r\nUser-Agent: {USER_AGENT}\r\n"
        "Accept: */*\r\nConnection: close\r\n\r\n"
    ).encode("ascii")
    view = memoryview(request)
    while view:
        view = view[_io(sock, lambda view=view: sock.send(view), True, deadline):]
    data = b""
    while not _HEADERS_END.search(data):
        if len(data) >= max_bytes:
            return Answer(None, f"the response headers are larger than {max_bytes} bytes", received=len(data))
        want = min(65536, max_bytes - len(data))
        chunk = _io(sock, lambda want=want: sock.recv(want), False, deadline)
        if not chunk:
            if not data:
                return Answer(None, "the server closed the connection without an answer")
            break
        data += chunk
    head = _HEADERS_END.split(data, 1)[0]
    lines = head.splitlines()
    match = _STATUS_LINE.fullmatch(lines[0].strip()) if lines else None
    if match is None:
        return Answer(None, "the server did not answer in HTTP", received=len(data))
    status = int(match.group(1))
    text = (match.group(2) or b"").decode("latin-1").strip()
    location = None
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"location":
            try:
                location = value.strip().decode("utf-8")
            except UnicodeDecodeError:
                location = value.strip().decode("latin-1")
            break
    reason = None if 200 <= status < 300 else f"HTTP {status} {text}".rstrip()
    return Answer(status, reason, location, len(data))


def fetch(url: str, method: str, deadline: float, policy: Policy, max_bytes: int = MAX_RESPONSE_BYTES) -> Answer:
    """One request, no redirect followed: refused before any connection if the policy says so."""
    target = parse_target(url)
    if isinstance(target, str):
        return Answer(None, f"refused: {target}", refused=True)
    entries = resolve(target, policy, deadline)
    if isinstance(entries, str):
        return Answer(None, entries, refused=entries.startswith("refused:"))
    try:
        sock = _connect(target, entries, deadline)
        with sock:
            return _exchange(sock, target, method, deadline, max_bytes)
    except Exception as exc:  # socket, TLS and timeout errors of one server
        return Answer(None, _reason(exc))


def request(
    url: str, method: str, deadline: float, policy: Policy,
    max_bytes: int = MAX_RESPONSE_BYTES, max_redirects: int = MAX_REDIRECTS,
) -> Answer:
    """``fetch`` following redirects; each target is checked before it is requested, as the first URL is."""
    answer = fetch(url, method, deadline, policy, max_bytes)
    for _ in range(max_redirects):
        if answer.status not in REDIRECTS or not answer.location:
            return answer
        url = urllib.parse.urljoin(url, answer.location)
        answer = fetch(url, method, deadline, policy, max_bytes)
        if answer.refused:
            return attrs.evolve(answer, reason=f"redirect to {redact(url)} {answer.reason}")
    if answer.status in REDIRECTS and answer.location:
        return Answer(None, f"more than {max_redirects} redirects", refused=True)
    return answer


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


def _has(items: list) -> str:
    return "has" if len(items) == 1 else "have"


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


def check_links(
    store: ClaimStore, check: bool, timeout: float, ids: Iterable[str] = (),
    jobs: int = LINK_JOBS, policy: Policy | None = None,
) -> int:
    """List sources without an archive copy; with ``check``, the dead links. Exit code.

    Each URL gets ``timeout`` seconds in all (redirects and a GET after a HEAD
    included); ``jobs`` URLs are checked at once.
    """
    records = _records(store, ids)
    if isinstance(records, str):
        print(f"factcheck: {records}", file=sys.stderr)
        return 2
    sources, unusable = _sources(records, store.data)
    missing = [(cid, s) for cid, s in sources if s.archive_url is None]
    if missing:
        print(f"{len(missing)} of {plural(len(sources), 'source', 'sources')} {_has(missing)} no archive_url:")
        for cid, source in missing:
            print(f"{cid}: {redact(source.url)}")
    else:
        print(f"every source has an archive_url ({plural(len(sources), 'source', 'sources')})")
    if unusable:
        print(f"{len(unusable)} {'source' if len(unusable) == 1 else 'sources'} cannot be checked (run factcheck validate):")
        for item in unusable:
            print(item.line())
    if not check:
        return 1 if unusable else 0
    urls = sorted({s.url for _, s in sources})
    policy = policy or Policy()
    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(urls) or 1))) as pool:
        answers = dict(zip(urls, pool.map(lambda url: probe(url, timeout, policy), urls), strict=True))
    refused = [(cid, s.url, answers[s.url].reason) for cid, s in sources if answers[s.url].refused]
    dead = [(cid, s.url, answers[s.url].reason) for cid, s in sources if answers[s.url].reason and not answers[s.url].refused]
    if refused:
        print(f"{len(refused)} of {plural(len(sources), 'source', 'sources')} {_has(refused)} a link that was not requested:")
        for cid, url, reason in refused:
            print(f"{cid}: {redact(url)}: {reason}")
    if dead:
        print(f"{len(dead)} of {plural(len(sources), 'source', 'sources')} {_has(dead)} a dead link:")
        for cid, url, reason in dead:
            print(f"{cid}: {redact(url)}: {reason}")
    if not (dead or refused):
        print(f"{plural(len(urls), 'source URL', 'source URLs')} checked, none dead")
    return 1 if dead or refused or unusable else 0
