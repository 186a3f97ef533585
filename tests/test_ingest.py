"""factcheck article add: pages written for these tests, read from files or served from 127.0.0.1.

Every request goes to a server the test starts on 127.0.0.1 and stops; the ``net``
fixture refuses DNS for any name and blocks connections to any other address.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from factcheck.cli import main

ARTICLE_BODY = """
<nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/sport">Sport</a> | <a href="/login">Log in</a></nav>
<aside class="sidebar"><h3>Most read</h3><ul><li><a href="/x">Celebrity buys a boat</a></li><li><a href="/y">Ten recipes for summer</a></li></ul></aside>
<article>
<h1>The city repaired 24 bridges</h1>
<p>The mayor said on Monday that 24 bridges were repaired in 2023, more than in any year since 1990.
The work cost 12 million euros, according to the city's annual report.</p>
<p>Critics disagree. They say the repairs were rushed and that at least five bridges still need work, a claim the council rejects.</p>
<p>Support for the plan rose from 57 percent in 2017 to 68 percent in 2021, according to the city's survey.</p>
</article>
<footer><p>Copyright 2024 Example Times. All rights reserved.</p><p>Subscribe to our newsletter for daily updates.</p></footer>
"""

JSON_LD = (
    """<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Bridges | Example Times</title>
<meta property="og:title" content="An OpenGraph title that JSON-LD outranks">
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"Example Times site"},
{"@type":"NewsArticle","headline":"The city repaired 24 bridges","datePublished":"2024-03-01T09:00:00+01:00",
"author":[{"@type":"Person","name":"Ann Author"},{"@type":"Person","name":"Bob Writer"}],
"publisher":{"@type":"Organization","name":"Example Times"},"mainEntityOfPage":{"@id":"https://example.org/news/bridges"},"inLanguage":"en"}]}</script>
</head><body>"""
    + ARTICLE_BODY
    + "</body></html>"
)

META_ONLY = (
    """<!doctype html><html><head><meta charset="utf-8"><title>Page title</title>
<meta property="og:title" content="Bridges repaired across the city">
<meta property="og:site_name" content="Example Gazette">
<meta property="og:locale" content="fr_FR">
<meta property="article:published_time" content="2023-12-05T08:00:00Z">
<meta property="article:author" content="https://example.org/people/ann">
<meta name="author" content="Carla Columnist">
<link rel="canonical" href="/news/bridges-repaired">
</head><body>"""
    + ARTICLE_BODY
    + "</body></html>"
)

NO_METADATA = "<html><body>" + ARTICLE_BODY + "</body></html>"

LATIN1 = (
    """<html lang="fr"><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"><title>Caf\xe9 prices</title>
<meta property="og:site_name" content="Le Journal"><meta name="date" content="2024-02-02"><link rel="canonical" href="https://example.org/cafe">
</head><body><article><h1>Caf\xe9 prices</h1>
<p>The price of a caf\xe9 cr\xe8me rose to 4 euros in Paris in 2023,
up from 2.80 euros in 2015 \u2013 a rise of over 40 percent, according to the chamber of commerce.</p>
<p>Owners blame the cost of energy, which doubled in two years, and say rents are the next problem for small caf\xe9s in the centre.</p>
</article></body></html>"""
).encode("cp1252")

EMPTY = b""

EVERYTHING = {"--title": "Bridges", "--publisher": "Example Times", "--url": "https://example.org/b", "--published": "2024-03-01", "--language": "en"}


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def net(monkeypatch):
    """No DNS for names and no connection other than to 127.0.0.1."""
    attempts: list = []
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        return real_getaddrinfo(host, port, family, type, proto, flags | socket.AI_NUMERICHOST)

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] != "127.0.0.1":
            attempts.append(address)
            raise ConnectionRefusedError(111, "blocked by the test")
        return real_connect(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    return attempts


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        server = self.server
        server.seen.append(self.path)
        status, headers, body = server.routes.get(self.path, (404, {}, b"not here"))
        if self.path == "/slow":
            time.sleep(1.0)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.seen, httpd.routes = [], {}
    httpd.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def html(text: str | bytes, charset: str = "utf-8") -> tuple:
    body = text.encode(charset) if isinstance(text, str) else text
    return 200, {"Content-Type": f"text/html; charset={charset}"}, body


@pytest.fixture
def root(tmp_path: Path) -> Path:
    out = tmp_path / "claims"
    out.mkdir()
    return out


def test_json_ld_page_from_a_file(capsys, tmp_path, root):
    page = tmp_path / "bridges.html"
    page.write_text(JSON_LD, encoding="utf-8")
    code, out, err = run(capsys, "article", "add", page, "--root", root, "--no-input")
    folder = root / "city-repaired-24-bridges"
    assert code == 0, out
    assert (folder / "article.yaml").read_text(encoding="utf-8") == (
        "title: The city repaired 24 bridges\npublisher: Example Times\nurl: https://example.org/news/bridges\n"
        "published: 2024-03-01\nlanguage: en\ntext: article.txt\noutlet: null\nauthors:\n  - Ann Author\n  - Bob Writer\n"
    )
    text = (folder / "article.txt").read_text(encoding="utf-8")
    assert "24 bridges were repaired in 2023" in text and "Critics disagree." in text
    assert "Most read" not in text and "Celebrity" not in text and "newsletter" not in text and "Log in" not in text
    assert "title: The city repaired 24 bridges  (JSON-LD)" in out
    assert sorted(p.name for p in root.iterdir()) == ["city-repaired-24-bridges"]  # no temp folder left
    assert run(capsys, "validate", root)[0] == 0
    code, out, _ = run(capsys, "suggest", "--root", root, "city-repaired-24-bridges")
    assert code == 0 and "Support for the plan rose from 57 percent in 2017 to 68 percent in 2021" in out


def test_meta_tags_only_over_http(capsys, server, root):
    server.routes["/news/bridges-repaired"] = html(META_ONLY)
    code, out, _ = run(capsys, "article", "add", f"{server.base}/news/bridges-repaired", "--root", root, "--no-input", "--allow-private")
    assert code == 0, out
    yaml = (root / "bridges-repaired-across-city" / "article.yaml").read_text(encoding="utf-8")
    assert "title: Bridges repaired across the city\npublisher: Example Gazette\n" in yaml
    assert f"url: {server.base}/news/bridges-repaired\n" in yaml  # the canonical link, made absolute
    assert "published: 2023-12-05\nlanguage: fr\n" in yaml
    assert "authors:\n  - Carla Columnist\n" in yaml  # an author URL is not a name
    assert server.seen == ["/news/bridges-repaired"]


def test_no_metadata_is_refused_without_input_and_nothing_is_written(capsys, tmp_path, root):
    page = tmp_path / "bare.html"
    page.write_text(NO_METADATA, encoding="utf-8")
    code, out, err = run(capsys, "article", "add", page, "--root", root, "--no-input")
    assert code == 1 and out == ""
    assert (
        err
        == f"factcheck: refused: not found in {page}: title (--title), publisher (--publisher), url (--url), "
           f"published (--published), language (--language); give them as options (nothing is guessed)\n"
    )
    assert list(root.iterdir()) == []


def test_options_fill_and_override(capsys, tmp_path, root):
    page = tmp_path / "bare.html"
    page.write_text(JSON_LD, encoding="utf-8")
    argv = [a for pair in EVERYTHING.items() for a in pair]
    code, out, _ = run(capsys, "article", "add", page, "--root", root, "--no-input", *argv, "--author", "Zed", "--outlet", "Weekend", "--slug", "mine")
    yaml = (root / "mine" / "article.yaml").read_text(encoding="utf-8")
    assert code == 0
    assert yaml == (
        "title: Bridges\npublisher: Example Times\nurl: https://example.org/b\npublished: 2024-03-01\nlanguage: en\n"
        "text: article.txt\noutlet: Weekend\nauthors:\n  - Zed\n"
    )


def test_missing_fields_are_asked_for(capsys, tmp_path, root, monkeypatch):
    page = tmp_path / "bare.html"
    page.write_text(NO_METADATA, encoding="utf-8")
    answers = iter(["Bridges", "Example Times", "not a url", "https://example.org/b", "yesterday", "2024-03-01", "en"])
    asked = []
    monkeypatch.setattr("factcheck.cli.articles._interactive", lambda args: True)
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or next(answers))
    code, out, err = run(capsys, "article", "add", page, "--root", root)
    assert code == 0, out
    assert asked == ["title: ", "publisher: ", "url: ", "url: ", "published (YYYY-MM-DD): ", "published (YYYY-MM-DD): ", "language: "]
    assert "url must be an http(s) URL, got 'not a url'" in err and "not a url" not in out
    assert "published: 2024-03-01  (answer)" in out


def test_non_utf8_page_served_with_its_charset(capsys, server, root):
    server.routes["/cafe"] = (200, {"Content-Type": "text/html; charset=windows-1252"}, LATIN1)
    code, out, _ = run(capsys, "article", "add", f"{server.base}/cafe", "--root", root, "--no-input", "--allow-private")
    assert code == 0, out
    folder = root / "cafe-prices"
    assert "title: Café prices\npublisher: Le Journal\nurl: https://example.org/cafe\npublished: 2024-02-02\n" in (folder / "article.yaml").read_text(
        encoding="utf-8"
    )
    assert "café crème rose to 4 euros in Paris in 2023, up from 2.80 euros in 2015 – a rise" in (folder / "article.txt").read_text(encoding="utf-8")


def test_non_utf8_file_uses_its_meta_charset(capsys, tmp_path, root):
    page = tmp_path / "cafe.html"
    page.write_bytes(LATIN1)
    code, out, _ = run(capsys, "article", "add", page, "--root", root, "--no-input", "--language", "fr")
    assert code == 0, out
    assert "language: fr" in (root / "cafe-prices" / "article.yaml").read_text(encoding="utf-8")
    assert "café crème" in (root / "cafe-prices" / "article.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("body, message", [(EMPTY, "is empty"), (b"<html><body><nav>Home</nav></body></html>", "no article text found in the page")])
def test_empty_page_is_refused(capsys, tmp_path, root, body, message):
    page = tmp_path / "empty.html"
    page.write_bytes(body)
    code, out, err = run(capsys, "article", "add", page, "--root", root, "--no-input", *[a for pair in EVERYTHING.items() for a in pair])
    assert code == 1 and out == "" and message in err and list(root.iterdir()) == []


def test_markdown_and_text_files_are_stored_unchanged(capsys, tmp_path, root):
    md = tmp_path / "note.md"
    md.write_text("# A Markdown Article\n\nUnemployment fell to 4 percent in 2016, the lowest in a decade.\n", encoding="utf-8")
    argv = [a for pair in EVERYTHING.items() if pair[0] != "--title" for a in pair]
    code, out, _ = run(capsys, "article", "add", md, "--root", root, "--no-input", *argv)
    assert code == 0, out
    folder = root / "markdown-article"
    assert (folder / "article.md").read_bytes() == md.read_bytes()
    assert "title: A Markdown Article\n" in (folder / "article.yaml").read_text(encoding="utf-8")
    assert "text: article.md\n" in (folder / "article.yaml").read_text(encoding="utf-8")
    txt = tmp_path / "plain.txt"
    txt.write_text("Plain words here.\n", encoding="utf-8")
    code, out, err = run(capsys, "article", "add", txt, "--root", root, "--no-input", *argv)
    assert code == 1 and out == "" and "title (--title)" in err


def test_existing_folder_is_never_overwritten(capsys, tmp_path, root):
    page = tmp_path / "bridges.html"
    page.write_text(JSON_LD, encoding="utf-8")
    (root / "city-repaired-24-bridges").mkdir()
    code, out, err = run(capsys, "article", "add", page, "--root", root, "--no-input")
    assert code == 1 and out == "" and "already exists" in err
    assert list((root / "city-repaired-24-bridges").iterdir()) == []
    assert sorted(p.name for p in root.iterdir()) == ["city-repaired-24-bridges"]


def test_invalid_article_is_refused_whole(capsys, tmp_path, root):
    page = tmp_path / "bridges.html"
    page.write_text(JSON_LD, encoding="utf-8")
    code, out, err = run(capsys, "article", "add", page, "--root", root, "--no-input", "--published", "2999-01-01")
    assert code == 1 and out == "" and "[future-date]" in err and list(root.iterdir()) == []


def test_loopback_refused_without_allow_private(capsys, server, root):
    server.routes["/a"] = html(JSON_LD)
    code, out, err = run(capsys, "article", "add", f"{server.base}/a", "--root", root, "--no-input")
    assert code == 1 and out == "" and "refused: 127.0.0.1 is a loopback address" in err
    assert server.seen == [] and list(root.iterdir()) == []


def test_redirect_followed_and_checked(capsys, server, root):
    server.routes["/old"] = (301, {"Location": "/a"}, b"")
    server.routes["/a"] = html(JSON_LD)
    server.routes["/away"] = (302, {"Location": "http://10.1.2.3/a"}, b"")
    code, out, _ = run(capsys, "article", "add", f"{server.base}/old", "--root", root, "--no-input", "--allow-private")
    assert code == 0 and server.seen == ["/old", "/a"]


def test_redirect_to_another_scheme_is_refused(capsys, server, root, net):
    server.routes["/away"] = (302, {"Location": "file:///etc/passwd"}, b"")
    code, out, err = run(capsys, "article", "add", f"{server.base}/away", "--root", root, "--no-input", "--allow-private")
    assert code == 1 and out == "" and "only http and https URLs are requested" in err and net == []


def test_http_errors_timeouts_and_size_cap(capsys, server, root):
    server.routes["/slow"] = html(JSON_LD)
    server.routes["/big"] = html("<html><body>" + "x" * 5000 + "</body></html>")
    server.routes["/pdf"] = (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4")
    base = ["--root", root, "--no-input", "--allow-private"]
    code, out, err = run(capsys, "article", "add", f"{server.base}/gone", *base)
    assert code == 1 and out == "" and err.strip().endswith("HTTP 404")
    t0 = time.monotonic()
    code, out, err = run(capsys, "article", "add", f"{server.base}/slow", *base, "--timeout", "0.3")
    assert code == 1 and out == "" and "timed out" in err and time.monotonic() - t0 < 0.9
    code, out, err = run(capsys, "article", "add", f"{server.base}/big", *base, "--max-bytes", "1000")
    assert code == 1 and out == "" and "larger than 1000 bytes" in err
    code, out, err = run(capsys, "article", "add", f"{server.base}/pdf", *base)
    assert code == 1 and out == "" and "application/pdf" in err
    assert list(root.iterdir()) == []


def test_offline_is_a_clear_error(capsys, root, net):
    code, out, err = run(capsys, "article", "add", "https://news.example.invalid/story", "--root", root, "--no-input")
    assert code == 1 and out == "" and err.startswith("factcheck: cannot fetch https://news.example.invalid/story: cannot resolve news.example.invalid")
    assert net == []


def test_source_kinds(capsys, tmp_path, root):
    code, out, err = run(capsys, "article", "add", tmp_path / "page.pdf", "--root", root)
    assert code == 1 and out == "" and "not a saved page" in err
    code, out, err = run(capsys, "article", "add", tmp_path / "missing.html", "--root", root)
    assert code == 1 and out == "" and "No such file" in err
    fifo = tmp_path / "pipe.html"
    os.mkfifo(fifo)
    code, out, err = run(capsys, "article", "add", fifo, "--root", root)
    assert code == 1 and out == "" and "not a regular file" in err


# -- one deadline and one client for the whole fetch --------------------------------------


def test_one_deadline_covers_the_status_line_and_headers(capsys, root):
    from test_links import raw_server, trickle_bytes

    with raw_server(trickle_bytes) as base:
        started = time.monotonic()
        code, out, err = run(capsys, "article", "add", f"{base}/a", "--root", root, "--no-input", "--allow-private", "--timeout", "0.5")
        elapsed = time.monotonic() - started
    assert (code, out, err) == (1, "", f"factcheck: cannot fetch {base}/a: timed out\n")
    assert elapsed < 2
    assert list(root.iterdir()) == []


@pytest.mark.parametrize("raw, message", [
    (b"HTTP/1.1 302 Found\r\nLocation: http://[::1\r\nContent-Length: 0\r\n\r\n", "a redirect to a malformed URL 'http://[::1' ("),
    (b"HTTP/1.1 302 Found\r\nLocation: ftp://x/\x1b]0;t\x07\r\nContent-Length: 0\r\n\r\n", "redirect to ftp://x/\\x1b]0;t\\x07 refused: only http"),
    (b"HTTP/1.1 200 OK\r\nContent-Type: text/\x1b[31mevil\r\nContent-Length: 0\r\n\r\n", "it is text/\\x1b[31mevil, not a web page or text"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "a malformed Content-Length '-1'"),
])
def test_a_malformed_or_hostile_answer_is_one_escaped_line(capsys, root, raw, message):
    from test_links import answer_with, raw_server

    with raw_server(answer_with(raw)) as base:
        code, out, err = run(capsys, "article", "add", f"{base}/a", "--root", root, "--no-input", "--allow-private", "--timeout", "5")
    assert code == 1 and out == "" and len(err.splitlines()) == 1
    assert message in err and "\x1b" not in err and "\x07" not in err
    assert list(root.iterdir()) == []


# -- a run killed mid-write ---------------------------------------------------------------------

_STALLED_RUN = """
import sys, time
from factcheck.cli import main
from factcheck.yaml import render

def stall(*args, **kw):  # the text is written; the run stops before article.yaml
    print("writing", flush=True)
    time.sleep(120)

render.render_new = stall
main(["article", "add", sys.argv[1], "--root", sys.argv[2], "--no-input", "--slug", sys.argv[3],
      "--title", "T", "--publisher", "P", "--url", "https://example.org/b", "--published", "2024-03-01", "--language", "en"])
"""


def _stalled_run(page: Path, root: Path, slug: str):
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", _STALLED_RUN, str(page), str(root), slug], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline() == "writing\n"
    (temp,) = [p for p in root.iterdir() if p.name.startswith(f".{slug}.")]
    return proc, temp


def test_a_killed_article_add_leaves_nothing_the_next_run_does_not_clear(capsys, tmp_path, root):
    import signal

    page = tmp_path / "bridges.html"
    page.write_text(JSON_LD, encoding="utf-8")
    killed, left = _stalled_run(page, root, "killed")
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    live, running = _stalled_run(page, root, "running")  # a run still writing: its folder is locked
    try:
        assert left.is_dir() and (left / "article.txt").is_file() and left.name.endswith(".new")
        other = root / ".notes.new"  # named otherwise: not ours
        other.mkdir()
        outside = tmp_path / "outside"
        outside.mkdir()
        (outside / "keep.txt").write_text("mine")
        link = root / ".evil.abcdefgh.new"  # named as ours, but a symlink out of the tree
        link.symlink_to(outside)
        old = time.time() - 3600
        for folder in (left, running, other, outside):
            os.utime(folder, (old, old))
        os.utime(link, (old, old), follow_symlinks=False)
        code, out, _ = run(capsys, "article", "add", page, "--root", root, "--no-input")
        assert code == 0, out
        assert not left.exists()
        assert running.is_dir() and other.is_dir() and link.is_symlink() and (outside / "keep.txt").is_file()
    finally:
        live.kill()
        live.wait()
    code, _, _ = run(capsys, "article", "add", page, "--root", root, "--no-input", "--slug", "again")
    assert code == 0 and not running.exists()
    assert sorted(p.name for p in root.iterdir()) == [".evil.abcdefgh.new", ".notes.new", "again", "city-repaired-24-bridges"]
