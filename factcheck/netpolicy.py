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
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable

import attrs

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


def connect_first(entries: list[tuple], deadline: float) -> "socket.socket":
    """A socket connected to the first of ``entries`` (``getaddrinfo`` rows the policy
    allowed) that answers before ``deadline`` (``time.monotonic``); the last error if none does."""
    import socket
    import time

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
