"""A page server on 127.0.0.1 for the tests of kept copies and link rot: routes that a test
sets and changes while it runs, and paths held until the test releases them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Pages(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self._answer(True)

    def do_HEAD(self) -> None:
        self._answer(False)

    def _answer(self, body: bool) -> None:
        server = self.server
        server.seen.append((self.command, self.path))
        if self.path in server.held:
            server.release.wait(10)
        status, headers, data = server.routes.get(self.path, (404, {}, b"not here"))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@contextmanager
def page_server() -> Iterator[ThreadingHTTPServer]:
    """``.routes`` (path -> (status, headers, body); others are 404), ``.held`` (paths that
    wait for ``.release``), ``.seen`` ((method, path) of each request) and ``.base``."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    httpd.seen, httpd.routes, httpd.held, httpd.release = [], {}, set(), threading.Event()
    httpd.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def html(text: str | bytes, status: int = 200) -> tuple:
    """A route's answer: an HTML page."""
    return (status, {"Content-Type": "text/html; charset=utf-8"}, text.encode("utf-8") if isinstance(text, str) else text)
