"""Which URLs a link check may request, and where exactly it may connect.

``factcheck links --check`` runs in CI on pull requests from strangers, so a source
URL must not be able to reach the runner's own network (the cloud metadata address
169.254.169.254, a database on localhost, the office LAN). Everything here returns a
value or a reason as a string; nothing raises for a bad URL.

* :func:`parse_target` -- a source URL (or IRI) as an ASCII request target: IDNA host,
  percent-encoded path and query; refused with credentials or a scheme other than http(s).
* :func:`address_refusal` -- why an IP address is off limits (loopback, private, ...).
* :func:`resolve` -- the host's addresses, resolved once, each one checked. The caller
  connects to these addresses, never to the name again, so DNS cannot change the answer
  between the check and the connection.
* :func:`request` -- the one HTTP client (``article add``, ``links --check`` and any fetch
  to come): one deadline for the whole request and its redirects, every redirect target
  checked as the first URL is, a :class:`Response` (status, final URL, headers, body up
  to a cap) or a :class:`Failure` whose one-line reason has every server byte escaped.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import selectors
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Callable
from typing import Any

import attrs

from factcheck.textsafe import escape_line

#: getaddrinfo's signature: (host, port, family, type) -> [(family, type, proto, canonname, sockaddr)].
Resolver = Callable[..., list]

SCHEMES = {"http": 80, "https": 443}

#: Characters left as they are in a path and a query (RFC 3986 reserved and unreserved, and %).
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


@attrs.frozen
class Target:
    """One http(s) URL, ready to send: every part ASCII."""

    scheme: str
    host: str  # IDNA-encoded name or IP literal, without brackets
    port: int
    path: str  # the request target: path and query, percent-encoded

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == SCHEMES[self.scheme] else f"{host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host_header}{self.path}"


def _idna(host: str) -> str | None:
    """The ASCII form of a host name, or None if it has none."""
    try:
        host.encode("ascii")
        return host
    except UnicodeEncodeError:
        pass
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return None


def parse_target(url: str) -> Target | str:
    """``url`` as a :class:`Target`, or the reason it cannot be requested."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        return f"not a valid URL ({exc})"
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        return f"only http and https URLs are requested, not {scheme + ':' if scheme else 'a URL without a scheme'}"
    if "@" in parts.netloc:
        return "credentials in the URL are not sent (and do not belong in a claim file)"
    host = parts.hostname or ""
    if not host:
        return "the URL has no host"
    ascii_host = _idna(host)
    if ascii_host is None:
        return f"the host name {host!r} cannot be encoded (IDNA)"
    path = urllib.parse.quote(parts.path, safe=_PATH_SAFE) or "/"
    if parts.query:
        path += "?" + urllib.parse.quote(parts.query, safe=_QUERY_SAFE)
    return Target(scheme, ascii_host.rstrip(".") or ascii_host, port or SCHEMES[scheme], path)


def _ip(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone
    except ValueError:
        return None


def address_refusal(address: str) -> str | None:
    """What kind of address ``address`` is, if a link check must not connect to it
    (e.g. "a link-local address"); None if it may."""
    ip = _ip(address)
    if ip is None:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            kind = address_refusal(str(embedded))
            return f"an IPv6 address for {embedded}, {kind}" if kind else None
    for kind, test in (
        ("an unspecified", ip.is_unspecified),
        ("a loopback", ip.is_loopback),
        ("a link-local", ip.is_link_local),
        ("a multicast", ip.is_multicast),
        ("a reserved", ip.is_reserved),
        ("a private", ip.is_private),
        ("a non-public", not ip.is_global),
    ):
        if test:
            return f"{kind} address"
    return None


def system_resolver(host: str, port: int, family: int = 0, type: int = 0) -> list:
    """``socket.getaddrinfo``, looked up when called (so a test can stand in for DNS)."""
    return socket.getaddrinfo(host, port, family, type)


@attrs.frozen
class Policy:
    """Where link checks may connect. ``allow_private`` turns the address check off.

    ``resolver`` answers as getaddrinfo does; ``refusal`` says what kind of address
    must not be used (see :func:`address_refusal`). Both can be replaced in tests.
    """

    allow_private: bool = False
    resolver: Resolver = system_resolver
    refusal: Callable[[str], str | None] = address_refusal


def _getaddrinfo(resolver: Resolver, host: str, port: int, timeout: float) -> list | str:
    """The resolver's answer within ``timeout`` seconds, or why there is none."""
    box: list = []

    def run() -> None:
        try:
            box.append(resolver(host, port, 0, socket.SOCK_STREAM))
        except socket.gaierror as exc:
            box.append(f"cannot resolve {host}: {exc.strerror or exc}")
        except Exception as exc:  # a resolver stub or an odd platform error
            box.append(f"cannot resolve {host}: {exc}")

    # getaddrinfo cannot be interrupted: it runs in a thread that is left behind at the deadline.
    thread = threading.Thread(target=run, name="factcheck-resolve", daemon=True)
    thread.start()
    thread.join(max(0.0, timeout))
    return box[0] if box else "timed out"


def resolve(target: Target, policy: Policy, deadline: float) -> list[tuple] | str:
    """The addresses to connect to, as getaddrinfo entries, or why there are none.

    Every resolved address is checked: one refused address refuses the URL.
    ``deadline`` is a :func:`time.monotonic` time.
    """
    answer = _getaddrinfo(policy.resolver, target.host, target.port, deadline - time.monotonic())
    if isinstance(answer, str):
        return answer
    entries = [a for a in answer if a[0] in (socket.AF_INET, socket.AF_INET6)]
    if not entries:
        return f"cannot resolve {target.host}: no IPv4 or IPv6 address"
    if not policy.allow_private:
        for entry in entries:
            address = str(entry[4][0])
            kind = policy.refusal(address)
            if kind:
                what = f"{address} is" if _ip(target.host) else f"{target.host} resolves to {address},"
                return f"refused: {what} {kind} (--allow-private allows it)"
    return entries


def redact(url: str) -> str:
    """``url`` with a password in it replaced by ``***``, for output."""
    scheme, sep, rest = url.partition("://")
    netloc, slash, tail = rest.partition("/")
    user, at, host = netloc.rpartition("@")
    if not sep or not at or ":" not in user:
        return url
    return f"{scheme}{sep}{user.split(':', 1)[0]}:***@{host}{slash}{tail}"


def connect_first(entries: list[tuple], deadline: float) -> socket.socket:
    """A socket connected to the first of ``entries`` (``getaddrinfo`` rows the policy
    allowed) that answers before ``deadline`` (``time.monotonic``); the last error if none does."""
    error: OSError = OSError("no address to connect to")
    for family, kind, proto, _, sockaddr in entries:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(remaining)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            sock.close()
            error = exc
    raise error


# -- the one HTTP client: every request of factcheck goes through request() -------------------
#
# One deadline covers everything a request does: resolving, connecting, TLS, sending, the
# status line, the headers, the body and every redirect. The socket is non-blocking and
# every wait is for what is left of the deadline, so a server that sends one byte a second
# is given up at the deadline, not at a timeout per read. Anything malformed in an answer
# is a Failure with a one-line reason, and every byte of it that the server chose (status
# text, Location, header values) is escaped in that reason.

#: The most read of an answer's status line and headers.
MAX_HEAD_BYTES = 64 * 1024
MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})
_STATUS_LINE = re.compile(rb"HTTP/\d(?:\.\d)?[ \t]+(\d{3})(?:[ \t]+([^\r\n]*))?")
_HEADERS_END = re.compile(rb"\r?\n\r?\n")


@attrs.frozen
class Response:
    """An answer: its status, the URL that gave it (after redirects), its headers and body.

    ``reason`` (the status line's text) is escaped; header values are as the server sent
    them (UTF-8, else Latin-1): escape them before they are shown. ``body`` is empty when
    the body was not asked for.
    """

    status: int
    reason: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""
    received: int = 0  # bytes read from the server for this answer

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (any case), or None."""
        name = name.lower()
        return next((value for key, value in self.headers if key == name), None)


@attrs.frozen
class Failure:
    """Why a request gave no answer: one line, with what the server chose escaped."""

    reason: str
    url: str  # the URL requested when it failed (a redirect's target, if one was followed)
    refused: bool = False  # not sent (or not followed) by the address or URL policy
    received: int = 0
    too_large: bool = False  # the body passed the size cap


def _failure_reason(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return "timed out"
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"TLS certificate: {error.verify_message or error.reason}"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return escape_line(str(error)) or type(error).__name__


def _wait(sock: socket.socket, write: bool, deadline: float) -> None:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    with selectors.DefaultSelector() as selector:
        selector.register(sock, selectors.EVENT_WRITE if write else selectors.EVENT_READ)
        if not selector.select(remaining):
            raise TimeoutError


def _io(sock: socket.socket, op: Callable[[], Any], write: bool, deadline: float) -> Any:
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


class _Malformed(Exception):
    """An answer that is not well-formed HTTP (the message is one line, escaped)."""


class _TooLarge(Exception):
    pass


class _Reader:
    """The bytes of one answer, read under the deadline; ``received`` counts them all."""

    def __init__(self, sock: socket.socket, deadline: float, data: bytes = b"") -> None:
        self.sock, self.deadline, self.buffer, self.received = sock, deadline, data, len(data)

    def more(self, want: int = 65536) -> bytes:
        chunk = _io(self.sock, lambda: self.sock.recv(want), False, self.deadline)
        self.received += len(chunk)
        return chunk

    def take(self, size: int) -> bytes:
        while len(self.buffer) < size:
            chunk = self.more(max(65536, size - len(self.buffer)))
            if not chunk:
                raise _Malformed("the server closed the connection in the middle of the body")
            self.buffer += chunk
        out, self.buffer = self.buffer[:size], self.buffer[size:]
        return out

    def line(self, limit: int = 1024) -> bytes:
        while b"\n" not in self.buffer:
            if len(self.buffer) > limit:
                raise _Malformed("a chunk size line is too long")
            chunk = self.more()
            if not chunk:
                raise _Malformed("the server closed the connection in the middle of the body")
            self.buffer += chunk
        out, _, self.buffer = self.buffer.partition(b"\n")
        return out.rstrip(b"\r")

    def rest(self, cap: int) -> bytes:
        while len(self.buffer) <= cap:
            chunk = self.more()
            if not chunk:
                return self.buffer
            self.buffer += chunk
        raise _TooLarge


def _chunked(reader: _Reader, cap: int) -> bytes:
    body = b""
    while True:
        size_text = reader.line().split(b";", 1)[0].strip()
        if not size_text or any(c not in b"0123456789abcdefABCDEF" for c in size_text) or len(size_text) > 16:
            raise _Malformed(f"a malformed chunk size {escape_line(size_text.decode('latin-1'))!r}")
        size = int(size_text, 16)
        if size == 0:
            return body
        if len(body) + size > cap:
            raise _TooLarge
        body += reader.take(size)
        reader.take(2)


def _body(reader: _Reader, headers: list[tuple[str, str]], cap: int) -> bytes:
    encoding = next((v for k, v in headers if k == "transfer-encoding"), None)
    if encoding is not None:
        if encoding.strip().lower() != "chunked":
            raise _Malformed(f"an unsupported Transfer-Encoding {escape_line(encoding)!r}")
        return _chunked(reader, cap)
    lengths = {v.strip() for k, v in headers if k == "content-length"}
    if not lengths:
        return reader.rest(cap)
    length = lengths.pop()
    if lengths or not length.isdigit() or len(length) > 18:
        raise _Malformed(f"a malformed Content-Length {escape_line(length)!r}")
    if int(length) > cap:
        raise _TooLarge
    return reader.take(int(length))


def _header_text(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


def _head(reader: _Reader, max_head: int) -> tuple[int, str, list[tuple[str, str]]]:
    """The status, its text (escaped) and the headers (names lowercased) of an answer."""
    data = reader.buffer
    while not (found := _HEADERS_END.search(data)):
        if len(data) >= max_head:
            raise _Malformed(f"the response headers are larger than {max_head} bytes")
        chunk = reader.more(min(65536, max_head - len(data)))
        if not chunk:
            if not data:
                raise _Malformed("the server closed the connection without an answer")
            break  # the headers end where the connection does
        data += chunk
    head, reader.buffer = (data[: found.start()], data[found.end():]) if found else (data, b"")
    lines = head.splitlines()
    match = _STATUS_LINE.fullmatch(lines[0].strip()) if lines else None
    if match is None:
        raise _Malformed("the server did not answer in HTTP")
    headers = []
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        if not colon or not name.strip():
            raise _Malformed(f"a malformed header line {escape_line(line[:80].decode('latin-1'))!r}")
        headers.append((name.strip().lower().decode("latin-1"), _header_text(value.strip())))
    return int(match.group(1)), escape_line((match.group(2) or b"").decode("latin-1").strip()), headers


def request_head(target: Target, method: str, headers: tuple[tuple[str, str], ...] = ()) -> bytes:
    """The request line and headers :func:`exchange` sends for ``target`` (a WARC file keeps them)."""
    head = f"{method} {target.path} HTTP/1.1\r\nHost: {target.host_header}\r\n"
    return (head + "".join(f"{name}: {value}\r\n" for name, value in headers) + "Connection: close\r\n\r\n").encode("ascii")


def exchange(
    url: str, method: str, deadline: float, policy: Policy, *,
    headers: tuple[tuple[str, str], ...] = (), max_head: int = MAX_HEAD_BYTES, max_body: int | None = None,
) -> Response | Failure:
    """One request, no redirect followed, refused before any connection if the policy says
    so. The body is read (at most ``max_body`` bytes) only when ``max_body`` is given."""
    target = parse_target(url)
    if isinstance(target, str):
        return Failure(f"refused: {target}", url, refused=True)
    entries = resolve(target, policy, deadline)
    if isinstance(entries, str):
        return Failure(entries, url, refused=entries.startswith("refused:"))
    request = request_head(target, method, headers)
    reader = None
    try:
        with _connect(target, entries, deadline) as sock:
            data = request
            sent = 0
            while sent < len(data):
                sent += _io(sock, functools.partial(sock.send, data[sent:]), True, deadline)
            reader = _Reader(sock, deadline)
            status, text, answer_headers = _head(reader, max_head)
            no_body = max_body is None or method == "HEAD" or status in (204, 304) or 100 <= status < 200
            body = b"" if no_body else _body(reader, answer_headers, max_body or 0)
            return Response(status, text, url, tuple(answer_headers), body, reader.received)
    except _Malformed as exc:
        return Failure(str(exc), url, received=reader.received if reader else 0)
    except _TooLarge:
        return Failure(f"the response is larger than {max_body} bytes", url, received=reader.received if reader else 0, too_large=True)
    except Exception as exc:  # socket, TLS and timeout errors of one server
        return Failure(_failure_reason(exc), url, received=reader.received if reader else 0)


def request(
    url: str, method: str, deadline: float, policy: Policy, *,
    headers: tuple[tuple[str, str], ...] = (), max_head: int = MAX_HEAD_BYTES, max_body: int | None = None,
    max_redirects: int = MAX_REDIRECTS,
) -> Response | Failure:
    """:func:`exchange` following redirects until ``deadline`` (one deadline for all of
    them); each target is checked before it is requested, as the first URL is."""
    answer = exchange(url, method, deadline, policy, headers=headers, max_head=max_head, max_body=max_body)
    for _ in range(max_redirects):
        location = answer.header("location") if isinstance(answer, Response) and answer.status in REDIRECTS else None
        if not location:
            return answer
        try:
            url = urllib.parse.urljoin(url, location)
            urllib.parse.urlsplit(url).port  # noqa: B018 -- raises on a malformed host or port
        except ValueError as exc:
            return Failure(f"a redirect to a malformed URL {escape_line(location)!r} ({escape_line(str(exc))})", url)
        answer = exchange(url, method, deadline, policy, headers=headers, max_head=max_head, max_body=max_body)
        if isinstance(answer, Failure) and answer.refused:
            return attrs.evolve(answer, reason=f"redirect to {escape_line(redact(url))} {answer.reason}")
    if isinstance(answer, Response) and answer.status in REDIRECTS and answer.header("location"):
        return Failure(f"more than {max_redirects} redirects", url, refused=True)
    return answer
