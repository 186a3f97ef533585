"""factcheck links --check: what it refuses to request, and how long and how much it reads.

Every request a test makes goes to a server the test started on 127.0.0.1. The
``net`` fixture stands in for DNS (names resolve only as a test says, and only to
addresses that are never connected to) and blocks any connection to an address other
than 127.0.0.1, recording the attempt: a refused URL is one that leaves no attempt.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import attrs
import pytest
from conftest import CLAIM_YAML, OTHER_YAML, make_tree

from factcheck.cli import main


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


# -- the network a test sees -----------------------------------------------------------


@attrs.define
class Net:
    names: dict[str, list[str]] = attrs.Factory(dict)  # host name -> addresses it resolves to
    asked: list[str] = attrs.Factory(list)  # names the code asked the resolver for
    attempts: list[tuple] = attrs.Factory(list)  # connections blocked (not to 127.0.0.1)


@pytest.fixture(autouse=True)
def net(monkeypatch) -> Net:
    state = Net()
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        name = host.decode() if isinstance(host, bytes) else host
        state.asked.append(name)
        if name in state.names:
            out = []
            for address in state.names[name]:
                if ":" in address:
                    out.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0)))
                else:
                    out.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)))
            return out
        # Numeric hosts only: no test ever sends a DNS query.
        return real_getaddrinfo(host, port, family, type, proto, flags | socket.AI_NUMERICHOST)

    def blocked(sock, address) -> bool:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and address[0] != "127.0.0.1":
            state.attempts.append(address)
            return True
        return False

    def connect(self, address):
        if blocked(self, address):
            raise ConnectionRefusedError(111, "blocked by the test")
        return real_connect(self, address)

    def connect_ex(self, address):
        return 111 if blocked(self, address) else real_connect_ex(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "*")
    return state


# -- servers on 127.0.0.1 --------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    def do_HEAD(self) -> None:
        self._answer()

    def do_GET(self) -> None:
        self._answer()

    def _answer(self) -> None:
        server = self.server
        with server.lock:
            server.seen.append((self.command, self.path, self.headers.get("Host")))
            server.active += 1
            server.most = max(server.most, server.active)
        try:
            route = self.path.split("?", 1)[0]
            if route == "/slow":
                time.sleep(0.3)
            elif route == "/pair":  # wait (up to 5 s) for a second request to be in at the same time
                deadline = time.monotonic() + 5
                while time.monotonic() < deadline:
                    with server.lock:
                        if server.active >= 2:
                            break
                    time.sleep(0.01)
                time.sleep(0.05)
            status, location = server.routes.get(route, (200, None))
            self.send_response(status)
            if location is not None:
                self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()
        finally:
            with server.lock:
                server.active -= 1

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.seen, httpd.routes, httpd.lock, httpd.active, httpd.most = [], {}, threading.Lock(), 0, 0
    httpd.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@contextlib.contextmanager
def raw_server(respond):
    """A TCP server on 127.0.0.1 that reads a request and calls ``respond(conn, stop)``."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.05)
    stop = threading.Event()
    handlers: list[threading.Thread] = []

    def handle(conn: socket.socket) -> None:
        with conn:
            try:
                conn.settimeout(5)
                conn.recv(65536)
                respond(conn, stop)
            except OSError:
                pass

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            thread = threading.Thread(target=handle, args=(conn,), daemon=True)
            thread.start()
            handlers.append(thread)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        listener.close()
        for handler in handlers:
            handler.join(5)


def trickle(conn: socket.socket, stop: threading.Event) -> None:
    """A status line, then one header line every 0.3 s (for 18 s at most)."""
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    for n in range(60):
        if stop.wait(0.3):
            return
        conn.sendall(b"X-Slow: %d\r\n" % n)
    conn.sendall(b"\r\n")


def endless_headers(conn: socket.socket, stop: threading.Event) -> None:
    """A status line, then header lines as fast as they are read (50 MB at most)."""
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    line = b"X-Pad: " + b"a" * 1000 + b"\r\n"
    for _ in range(50_000):
        if stop.is_set():
            return
        conn.sendall(line)


def big_body(conn: socket.socket, stop: threading.Event) -> None:
    """A 200 with a 50 MB body, sent as fast as it is read."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 52428800\r\n\r\n")
    chunk = b"x" * 65536
    for _ in range(800):
        if stop.is_set():
            return
        conn.sendall(chunk)


# -- claim trees -----------------------------------------------------------------------


def _source(url: str) -> str:
    return (
        f'  - url: "{url}"\n    title: "A page"\n    publisher: "Someone"\n    published: 2017-06-01\n'
        '    accessed: 2024-04-02\n    excerpt: "a passage"\n    stance: supports\n'
    )


def _with_sources(text: str, urls: list[str]) -> str:
    block = "sources:\n" + "".join(_source(u) for u in urls) if urls else "sources: []\n"
    return re.sub(r"sources:.*?(?=corrections:)", lambda m: block, text, flags=re.DOTALL)


def links_tree(tmp_path: Path, support: list[str], bridges: list[str] = ()) -> Path:
    """support-rose with the ``support`` URLs, bridges-repaired with the ``bridges`` URLs."""
    return make_tree(tmp_path, {
        "bridges-repaired": _with_sources(CLAIM_YAML, list(bridges)),
        "support-rose": _with_sources(OTHER_YAML, support),
    })


# -- the address policy: refused before any request ------------------------------------

LITERALS = [
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
    ("http://127.0.0.1/", "127.0.0.1 is a loopback address"),
    ("http://127.1.2.3:8080/admin", "127.1.2.3 is a loopback address"),
    ("http://[::1]/", "::1 is a loopback address"),
    ("http://10.1.2.3/", "10.1.2.3 is a private address"),
    ("http://172.16.5.4/", "172.16.5.4 is a private address"),
    ("http://192.168.1.1/", "192.168.1.1 is a private address"),
    ("http://[fc00::1]/", "fc00::1 is a private address"),
    ("http://[fe80::1]/", "fe80::1 is a link-local address"),
    ("http://224.0.0.1/", "224.0.0.1 is a multicast address"),
    ("http://[ff02::1]/", "ff02::1 is a multicast address"),
    ("http://0.0.0.0/", "0.0.0.0 is an unspecified address"),
    ("http://[::]/", ":: is an unspecified address"),
    ("http://240.0.0.1/", "240.0.0.1 is a reserved address"),
    ("http://100.64.0.1/", "100.64.0.1 is a non-public address"),
    ("http://[::ffff:169.254.169.254]/", "::ffff:169.254.169.254 is an IPv6 address for 169.254.169.254, a link-local address"),
    ("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1 is an IPv6 address for 127.0.0.1, a loopback address"),
    ("http://2130706433/", "2130706433 resolves to 127.0.0.1, a loopback address"),
]


@pytest.mark.parametrize(("url", "why"), LITERALS)
def test_literal_addresses_are_refused_before_any_request(net, url, why):
    from factcheck.netpolicy import Policy
    from factcheck.provenance.links import probe

    answer = probe(url, 2, Policy())
    assert (answer.status, answer.reason, answer.refused) == (None, f"refused: {why} (--allow-private allows it)", True)
    assert net.attempts == []


NAMES = [
    ("metadata.example", ["169.254.169.254"], "metadata.example resolves to 169.254.169.254, a link-local address"),
    ("intranet.example", ["10.0.0.5"], "intranet.example resolves to 10.0.0.5, a private address"),
    ("localhost.example", ["127.0.0.1"], "localhost.example resolves to 127.0.0.1, a loopback address"),
    ("v6.example", ["::1"], "v6.example resolves to ::1, a loopback address"),
    ("mapped.example", ["::ffff:10.0.0.1"], "mapped.example resolves to ::ffff:10.0.0.1, an IPv6 address for 10.0.0.1, a private address"),
    ("multicast.example", ["239.1.1.1"], "multicast.example resolves to 239.1.1.1, a multicast address"),
]


@pytest.mark.parametrize(("name", "addresses", "why"), NAMES)
def test_names_resolving_to_refused_addresses_are_refused(net, name, addresses, why):
    from factcheck.netpolicy import Policy
    from factcheck.provenance.links import probe

    net.names[name] = addresses
    answer = probe(f"https://{name}/path", 2, Policy())
    assert (answer.reason, answer.refused) == (f"refused: {why} (--allow-private allows it)", True)
    assert net.asked == [name]  # resolved once, not again for a GET
    assert net.attempts == []


def test_every_resolved_address_is_checked():
    from factcheck.netpolicy import Policy, Target, resolve

    def resolver(host, port, family=0, type=0):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("169.254.169.254", port))]

    answer = resolve(Target("http", "mixed.example", 80, "/"), Policy(resolver=resolver), time.monotonic() + 2)
    assert answer == "refused: mixed.example resolves to 169.254.169.254, a link-local address (--allow-private allows it)"
    allowed = resolve(Target("http", "mixed.example", 80, "/"), Policy(allow_private=True, resolver=resolver), time.monotonic() + 2)
    assert [entry[4][0] for entry in allowed] == ["93.184.216.34", "169.254.169.254"]


def test_links_check_refuses_the_metadata_address_by_default(capsys, tmp_path, net):
    net.names["metadata.example"] = ["169.254.169.254"]
    root = links_tree(tmp_path, ["http://169.254.169.254/latest/meta-data/iam/"], ["http://metadata.example/latest/"])
    code, out, err = run(capsys, "links", "--root", root, "--check", "--timeout", "2")
    assert (code, err) == (1, "")
    assert out.splitlines()[3:] == [
        "2 of 2 sources have a link that was not requested:",
        "bridges-repaired: http://metadata.example/latest/: refused: metadata.example resolves to "
        "169.254.169.254, a link-local address (--allow-private allows it)",
        "support-rose: http://169.254.169.254/latest/meta-data/iam/: refused: 169.254.169.254 is a link-local "
        "address (--allow-private allows it)",
    ]
    assert net.attempts == []


def test_allow_private_lets_the_check_reach_a_local_server(capsys, tmp_path, server):
    root = links_tree(tmp_path, [f"{server.base}/ok"])
    code, out, _ = run(capsys, "links", "--root", root, "--check", "--timeout", "5")
    assert code == 1 and "127.0.0.1 is a loopback address" in out and server.seen == []
    code, out, _ = run(capsys, "links", "--root", root, "--check", "--timeout", "5", "--allow-private")
    assert (code, out.splitlines()[-1]) == (0, "1 source URL checked, none dead")
    assert server.seen == [("HEAD", "/ok", server.base.removeprefix("http://"))]


# -- redirects -------------------------------------------------------------------------


def _loopback_is_public(address: str) -> str | None:
    """The address policy, with 127.0.0.1 standing in for a public address."""
    from factcheck.netpolicy import address_refusal

    return None if address == "127.0.0.1" else address_refusal(address)


def test_every_redirect_target_is_checked_before_it_is_requested(net, server):
    from factcheck.netpolicy import Policy
    from factcheck.provenance.links import request

    port = server.server_address[1]
    net.names["metadata.example"] = ["169.254.169.254"]
    server.routes.update({
        "/to-private": (302, f"http://127.0.0.2:{port}/ok"),
        "/to-metadata": (301, "http://metadata.example/latest/meta-data/"),
        "/to-ftp": (302, "ftp://127.0.0.1/x"),
        "/to-file": (307, "file:///etc/passwd"),
        "/to-credentials": (302, f"http://user:secret@127.0.0.1:{port}/ok"),
        "/to-ok": (301, "/ok"),
    })
    policy = Policy(refusal=_loopback_is_public)

    def reason(path: str) -> str | None:
        return request(f"{server.base}{path}", "HEAD", time.monotonic() + 5, policy).reason

    assert reason("/to-private") == (
        f"redirect to http://127.0.0.2:{port}/ok refused: 127.0.0.2 is a loopback address (--allow-private allows it)"
    )
    assert reason("/to-metadata") == (
        "redirect to http://metadata.example/latest/meta-data/ refused: metadata.example resolves to "
        "169.254.169.254, a link-local address (--allow-private allows it)"
    )
    assert reason("/to-ftp") == "redirect to ftp://127.0.0.1/x refused: only http and https URLs are requested, not ftp:"
    assert reason("/to-file") == "redirect to file:///etc/passwd refused: only http and https URLs are requested, not file:"
    assert reason("/to-credentials") == (
        f"redirect to http://user:***@127.0.0.1:{port}/ok refused: credentials in the URL are not sent "
        "(and do not belong in a claim file)"
    )
    assert reason("/to-ok") is None
    assert [path for _, path, _ in server.seen] == ["/to-private", "/to-metadata", "/to-ftp", "/to-file", "/to-credentials", "/to-ok", "/ok"]
    assert net.attempts == []


def test_links_check_stops_after_five_redirects(capsys, tmp_path, server):
    server.routes.update({"/loop": (302, "/loop"), "/to-ftp": (301, "ftp://127.0.0.1/x")})
    root = links_tree(tmp_path, [f"{server.base}/loop", f"{server.base}/to-ftp"])
    code, out, err = run(capsys, "links", "--root", root, "--check", "--timeout", "5", "--allow-private")
    assert (code, err) == (1, "")
    assert out.splitlines()[3:] == [
        "2 of 2 sources have a link that was not requested:",
        f"support-rose: {server.base}/loop: more than 5 redirects",
        f"support-rose: {server.base}/to-ftp: redirect to ftp://127.0.0.1/x refused: only http and https URLs are requested, not ftp:",
    ]
    assert sorted(path for _, path, _ in server.seen) == ["/loop"] * 6 + ["/to-ftp"]


# -- time, size and concurrency --------------------------------------------------------


def test_a_trickling_server_is_given_up_at_the_deadline(capsys, tmp_path):
    with raw_server(trickle) as base:
        root = links_tree(tmp_path, [f"{base}/slow"])
        started = time.monotonic()
        code, out, err = run(capsys, "links", "--root", root, "--check", "--timeout", "1", "--allow-private")
        elapsed = time.monotonic() - started
    assert (code, err) == (1, "")
    assert out.splitlines()[-1] == f"support-rose: {base}/slow: timed out"
    assert elapsed < 3


def test_endless_headers_stop_at_the_size_cap(capsys, tmp_path):
    from factcheck.netpolicy import Policy
    from factcheck.provenance.links import request

    with raw_server(endless_headers) as base:
        answer = request(f"{base}/", "GET", time.monotonic() + 5, Policy(allow_private=True), max_bytes=4096)
        assert (answer.status, answer.reason) == (None, "the response headers are larger than 4096 bytes")
        assert answer.received == 4096
        root = links_tree(tmp_path, [f"{base}/headers"])
        started = time.monotonic()
        code, out, _ = run(capsys, "links", "--root", root, "--check", "--timeout", "5", "--allow-private")
        assert time.monotonic() - started < 3
    assert (code, out.splitlines()[-1]) == (1, f"support-rose: {base}/headers: the response headers are larger than 65536 bytes")


def test_a_large_body_is_not_read(tmp_path):
    from factcheck.netpolicy import Policy
    from factcheck.provenance.links import request

    with raw_server(big_body) as base:
        started = time.monotonic()
        answer = request(f"{base}/big", "GET", time.monotonic() + 5, Policy(allow_private=True), max_bytes=4096)
        assert time.monotonic() - started < 2
    assert (answer.status, answer.reason) == (200, None)
    assert answer.received <= 4096


def test_jobs_bounds_the_checks_that_run_at_once(capsys, tmp_path, server):
    # Each request waits until a second one is in: two at once happen however slow the machine,
    # and a third would show in ``most``.
    urls = [f"{server.base}/pair?n={n}" for n in range(6)]
    root = links_tree(tmp_path, urls)
    code, out, _ = run(capsys, "links", "--root", root, "--check", "--allow-private", "--jobs", "2")
    assert (code, out.splitlines()[-1]) == (0, "6 source URLs checked, none dead")
    assert len(server.seen) == 6 and server.most == 2


def test_jobs_must_be_at_least_one(capsys, tree):
    code, _, err = run(capsys, "links", "--root", tree, "--jobs", "0")
    assert code == 2 and "--jobs: must be a whole number of at least 1, got '0'" in err


# -- URLs: IRIs, credentials, schema failures ------------------------------------------


def test_an_iri_is_sent_with_an_idna_host_and_a_percent_encoded_path(capsys, tmp_path, net, server):
    port = server.server_address[1]
    net.names["xn--e1afmkfd.xn--80akhbyknj4f"] = ["127.0.0.1"]
    root = links_tree(tmp_path, [f"http://пример.испытание:{port}/путь/статья?q=слово&x=1"])
    code, out, err = run(capsys, "links", "--root", root, "--check", "--timeout", "5", "--allow-private")
    assert (code, err, out.splitlines()[-1]) == (0, "", "1 source URL checked, none dead")
    assert server.seen == [(
        "HEAD",
        "/%D0%BF%D1%83%D1%82%D1%8C/%D1%81%D1%82%D0%B0%D1%82%D1%8C%D1%8F?q=%D1%81%D0%BB%D0%BE%D0%B2%D0%BE&x=1",
        f"xn--e1afmkfd.xn--80akhbyknj4f:{port}",
    )]
    assert net.asked == ["xn--e1afmkfd.xn--80akhbyknj4f"]


def test_parse_target_keeps_existing_escapes_and_drops_the_fragment():
    from factcheck.netpolicy import Target, parse_target

    assert parse_target("HTTPS://Azovnews.RU/путь/%D0%BF?a=b c#frag") == Target(
        "https", "azovnews.ru", 443, "/%D0%BF%D1%83%D1%82%D1%8C/%D0%BF?a=b%20c"
    )
    assert parse_target("http://[::1]:8080") == Target("http", "::1", 8080, "/")
    assert parse_target("http://h:99999/") == "not a valid URL (Port out of range 0-65535)"


def test_credentials_are_refused_by_validate(capsys, tmp_path):
    root = links_tree(tmp_path, ["https://user:secret@example.org/report"])
    code, out, _ = run(capsys, "validate", root)
    assert code == 1
    assert out.splitlines()[0] == (
        f"{root}/test-article/support-rose.yaml:12:10: error [url-credentials] "
        "credentials do not belong in a claim file (user or password in the URL)"
    )


def test_credentials_are_never_sent(capsys, tmp_path, server):
    port = server.server_address[1]
    root = links_tree(tmp_path, [f"http://user:secret@127.0.0.1:{port}/ok"])
    code, out, _ = run(capsys, "links", "--root", root, "--check", "--timeout", "5", "--allow-private")
    assert code == 1
    assert out.splitlines() == [
        "1 of 1 source has no archive_url:",
        f"support-rose: http://user:***@127.0.0.1:{port}/ok",
        "1 of 1 source has a link that was not requested:",
        f"support-rose: http://user:***@127.0.0.1:{port}/ok: refused: credentials in the URL are not sent "
        "(and do not belong in a claim file)",
    ]
    assert server.seen == []


def test_a_source_url_that_fails_the_schema_is_reported(capsys, tmp_path, server):
    root = links_tree(tmp_path, ["file:///etc/passwd", f"{server.base}/ok"], [f"{server.base}/ok"])
    code, out, err = run(capsys, "links", "--root", root)
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        "1 of 1 source has no archive_url:",
        f"bridges-repaired: {server.base}/ok",
        "1 source cannot be checked (run factcheck validate):",
        "support-rose: file:///etc/passwd: not an http or https URL",
    ]


# -- claim ids -------------------------------------------------------------------------


def test_links_checks_only_the_claims_named(capsys, tmp_path, server):
    root = links_tree(tmp_path, [f"{server.base}/support"], [f"{server.base}/bridges"])
    code, out, err = run(capsys, "links", "--root", root, "--check", "--allow-private", "support-rose")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "1 of 1 source has no archive_url:",
        f"support-rose: {server.base}/support",
        "1 source URL checked, none dead",
    ]
    assert [path for _, path, _ in server.seen] == ["/support"]


def test_links_unknown_id_is_a_usage_error(capsys, tmp_path, server):
    root = links_tree(tmp_path, [f"{server.base}/support"])
    code, out, err = run(capsys, "links", "--root", root, "--check", "--allow-private", "support-rose", "suport-rose2")
    assert (code, out) == (2, "")
    assert err == "factcheck: unknown claim id 'suport-rose2' (did you mean 'support-rose'?)\n"
    assert server.seen == []


# -- one client for every fetch: malformed answers and bytes a server chooses -----------


def answer_with(raw: bytes):
    """A server that answers every request with ``raw``."""

    def respond(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(raw)

    return respond


def redirect_to(location: bytes):
    return answer_with(b"HTTP/1.1 302 Found\r\nLocation: " + location + b"\r\nContent-Length: 0\r\n\r\n")


def test_bytes_a_server_chooses_are_escaped_in_links_check(capsys, tmp_path):
    status = answer_with(b"HTTP/1.1 404 \x1b]0;owned\x07Not \x1b[31mFound\r\nContent-Length: 0\r\n\r\n")
    with raw_server(status) as a, raw_server(redirect_to(b"ftp://x/\x1b[2J\xe2\x80\xae")) as b:
        root = links_tree(tmp_path, [f"{a}/s"], [f"{b}/r"])
        code, out, err = run(capsys, "links", "--root", root, "--check", "--timeout", "5", "--allow-private")
    assert code == 1 and err == ""
    assert not re.search("[\x00-\x09\x0b-\x1f\u202e]", out)
    assert f"support-rose: {a}/s: HTTP 404 \\x1b]0;owned\\x07Not \\x1b[31mFound" in out
    assert f"bridges-repaired: {b}/r: redirect to ftp://x/\\x1b[2J\\u202e refused: only http and https URLs" in out


def test_a_redirect_to_a_malformed_url_is_a_one_line_error(capsys, tmp_path):
    with raw_server(redirect_to(b"http://[::1")) as base:
        root = links_tree(tmp_path, [f"{base}/r"])
        code, out, err = run(capsys, "links", "--root", root, "--check", "--timeout", "5", "--allow-private")
    assert (code, err) == (1, "")
    assert out.splitlines()[-1].startswith(f"support-rose: {base}/r: a redirect to a malformed URL 'http://[::1' (")


@pytest.mark.parametrize("raw, reason", [
    (b"SSH-2.0-OpenSSH\r\n\r\n", "the server did not answer in HTTP"),
    (b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "a malformed header line 'no colon here'"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: 12x\r\n\r\nabc", "a malformed Content-Length '12x'"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "a malformed chunk size 'zz'"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", "the server closed the connection in the middle of the body"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n", "the response is larger than 1000 bytes"),
])
def test_the_one_client_turns_a_malformed_answer_into_one_line(raw, reason):
    from factcheck.netpolicy import Failure, Policy, request

    with raw_server(answer_with(raw)) as base:
        got = request(f"{base}/", "GET", time.monotonic() + 5, Policy(allow_private=True), max_body=1000)
    assert isinstance(got, Failure) and got.reason == reason


def test_the_one_client_gives_status_final_url_headers_and_body():
    from factcheck.netpolicy import Policy, Response, request

    chunked = answer_with(b"HTTP/1.1 200 Fine\r\nTransfer-Encoding: chunked\r\nX-Thing: a\x1bb\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n")
    with raw_server(chunked) as target, raw_server(redirect_to(b"/elsewhere")) as first:
        with raw_server(redirect_to(f"{target}/page".encode())) as second:
            started = time.monotonic()
            got = request(f"{second}/x", "GET", started + 5, Policy(allow_private=True), max_body=1000)
            assert isinstance(got, Response)
            assert (got.status, got.reason, got.url, got.body) == (200, "Fine", f"{target}/page", b"hello world")
            assert got.header("X-THING") == "a\x1bb" and got.header("missing") is None
            loop = request(f"{first}/x", "GET", started + 5, Policy(allow_private=True), max_body=1000, max_redirects=2)
            assert loop.reason == "more than 2 redirects"


def trickle_bytes(conn: socket.socket, stop: threading.Event) -> None:
    """A status line and headers one byte every 20 ms (about 10 s in all), then a page."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Pad: " + b"a" * 500 + b"\r\nContent-Length: 2\r\n\r\nok"
    for byte in head:
        if stop.wait(0.02):
            return
        conn.sendall(bytes([byte]))


def test_one_deadline_covers_a_status_line_and_headers_sent_byte_by_byte(capsys, tmp_path):
    from factcheck.netpolicy import Failure, Policy, request

    with raw_server(trickle_bytes) as base:
        started = time.monotonic()
        got = request(f"{base}/", "GET", started + 0.5, Policy(allow_private=True), max_body=1000)
        assert isinstance(got, Failure) and got.reason == "timed out"
        assert time.monotonic() - started < 1.5
