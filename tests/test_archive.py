"""``factcheck archive`` and what ``validate`` says of snapshots, against a server on 127.0.0.1.

The server is started by the test: pages that change, redirect, die, trickle, lie about
their length or are huge, and a Save Page Now stand-in. Nothing leaves the machine.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import OTHER_YAML, REVIEWED, make_tree

from factcheck.cli import main
from factcheck.store import ClaimStore

WORDS = "The survey asked two thousand people in every district of the city, by phone and online, in the spring."
PAGE = (
    "<html><head><title>Annual survey 2021</title></head><body><nav>Home | News</nav><article><h1>Annual survey</h1>"
    "<p>In the city’s annual survey, 68 percent support the plan, up from 57 percent in 2017.</p>"
    f"<p>{WORDS}</p><p>{WORDS.replace('spring', 'autumn')}</p></article></body></html>"
)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    counter = 0
    lock = threading.Lock()

    def log_message(self, *args):  # quiet
        pass

    def send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8", extra: tuple = ()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: C901 - one branch per kind of page
        path = self.path
        if path.startswith("/page/"):
            self.send(200, PAGE.replace("Annual survey", f"Survey {path[6:]}").encode())
        elif path == "/survey":
            self.send(200, PAGE.encode())
        elif path == "/moved":
            self.send(301, b"", extra=(("Location", "/survey"),))
        elif path == "/dead":
            self.send(404, b"<html>gone</html>")
        elif path == "/changes":
            with Handler.lock:
                Handler.counter += 1
                n = Handler.counter
            text = PAGE if n == 1 else PAGE.replace("68 percent support the plan", "most people like it")
            self.send(200, text.encode())
        elif path == "/dies":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n<html>only this")
            self.wfile.flush()
            self.connection.shutdown(2)
        elif path == "/trickle":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n")
            for _ in range(40):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.1)
        elif path == "/liar":  # says it is small, sends a lot: only what it said is read
            body = PAGE.encode()
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(body) + body + b"x" * 100_000)
        elif path == "/huge-said":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 99999999\r\n\r\n<html>")
        elif path == "/huge":  # no length given: read until the cap
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n")
            try:
                for _ in range(300):
                    self.wfile.write(b"<p>" + b"y" * 8192 + b"</p>")
            except OSError:
                pass
            self.close_connection = True
        elif path.startswith("/save/"):
            self.send(302, b"", extra=(("Location", "/web/20261205004000/" + path[6:]),))
        elif path.startswith("/broken-save/"):
            self.send(500, b"busy")
        else:
            self.send(404, b"no")


@pytest.fixture
def server():
    Handler.counter = 0
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def claim(url: str, published: bool = False, excerpt: str = "68 percent support the plan") -> str:
    text = OTHER_YAML.replace("https://example.org/survey", url).replace('"68 percent support the plan"', f'"{excerpt}"')
    if published:
        text = text.replace("status: researching\nverdict: null\nsummary: null\n", 'status: published\nverdict: accurate\nsummary: "Shown."\n') + REVIEWED
    return text


@pytest.fixture
def repo(tmp_path) -> Path:
    (tmp_path / ".git").mkdir()
    return tmp_path


def tree(repo: Path, urls: dict[str, str], **kw) -> Path:
    return make_tree(repo, {name: claim(url, **kw) for name, url in urls.items()})


def archive(capsys, root: Path, *args: str) -> tuple[int, str, str]:
    code = main(["archive", "--root", str(root), "--allow-private", "--editor", "arc", *args])
    out, err = capsys.readouterr()
    return code, out, err


def validate(capsys, root: Path, *args: str) -> tuple[int, str]:
    code = main(["validate", "--format", "parsable", *args, str(root)])
    return code, capsys.readouterr().out


def evidence_files(repo: Path) -> list[Path]:
    folder = repo / "evidence"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_archive_keeps_a_page_records_it_and_validate_checks_it(capsys, repo, server):
    root = tree(repo, {"support-rose": f"{server}/moved"}, published=True)
    path = root / "test-article" / "support-rose.yaml"
    code, out, err = archive(capsys, root, "support-rose")
    assert code == 0, out + err
    [warc] = evidence_files(repo)
    assert warc.name == hashlib.sha256(warc.read_bytes()).hexdigest() + ".warc.gz"
    assert f"kept support-rose: {server}/moved (HTTP 200, " in out and out.endswith("1 kept, 0 failed\n")
    source = ClaimStore.open(root).find("support-rose").claim.sources[0]
    [snap] = source.snapshots
    assert (snap.path, snap.status, snap.final_url) == (f"evidence/{warc.name}", 200, f"{server}/survey")
    text = path.read_text()
    assert "corrections: []" in text  # a published claim: evidence added, no correction
    assert "    field: sources[0].snapshots\n" in text and "    by: arc\n" in text
    assert validate(capsys, root) == (0, "")
    code, out, _ = archive(capsys, root, "support-rose")  # nothing left to keep
    assert (code, out) == (0, "0 kept, 0 failed, 1 already kept\n") and len(evidence_files(repo)) == 1


def test_a_tampered_a_deleted_and_an_outside_snapshot_are_errors_at_their_entry(capsys, repo, server):
    root = tree(repo, {"support-rose": f"{server}/survey"})
    assert archive(capsys, root, "--all")[0] == 0
    [warc] = evidence_files(repo)
    where = "support-rose.yaml:20:9"  # the snapshot entry: '      - path: ...'
    data = bytearray(warc.read_bytes())
    data[100] ^= 0xFF
    warc.write_bytes(bytes(data))
    code, out = validate(capsys, root)
    assert code == 1 and f"{where}: error [snapshot-tampered] snapshot evidence/{warc.name} has changed" in out, out
    warc.unlink()
    code, out = validate(capsys, root)
    assert code == 1 and f"{where}: error [snapshot-missing]" in out, out
    path = root / "test-article" / "support-rose.yaml"
    path.write_text(path.read_text().replace("path: evidence/", "path: other/"))
    code, out = validate(capsys, root)
    assert code == 1 and f"{where}: error [snapshot-outside] snapshot other/{warc.name} is not in the evidence folder evidence/" in out, out


def test_an_excerpt_the_page_no_longer_holds_is_a_warning(capsys, repo, server):
    root = tree(repo, {"support-rose": f"{server}/changes"})
    assert archive(capsys, root, "--all")[0] == 0
    assert validate(capsys, root) == (0, "")
    code, out, _ = archive(capsys, root, "--all", "--refresh")  # the page changed: a second snapshot
    assert code == 0 and len(evidence_files(repo)) == 2
    code, out = validate(capsys, root)
    assert code == 0 and "support-rose.yaml:25:9: warning [excerpt-not-in-snapshot]" in out, out
    # The texts extracted in worker processes: the same answer. In a process of its own, so
    # that no helper of the pool (nor multiprocessing's resource tracker) outlives it here.
    script = ("import sys, factcheck.evidence.check as c; from factcheck.cli import main; c.PARALLEL_FROM = 1; "
              f"sys.exit(main(['validate', '--no-cache', '--format', 'parsable', {str(root)!r}]))")
    pooled = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "200"})
    assert (pooled.returncode, pooled.stdout) == (code, out), pooled.stderr
    claim_file = root / "test-article" / "support-rose.yaml"  # excerpt matching is forgiving: curly quote, spaces
    claim_file.write_text(claim_file.read_text().replace('"68 percent support the plan"', '"In the city\'s  annual survey"'))
    archive(capsys, root, "--all", "--refresh")
    assert validate(capsys, root) == (0, "")


def test_the_validate_cache_does_not_read_unchanged_snapshots_again(capsys, repo, server, monkeypatch):
    root = tree(repo, {"support-rose": f"{server}/survey"})
    assert archive(capsys, root, "--all")[0] == 0
    assert validate(capsys, root) == (0, "")
    import factcheck.evidence.check as check

    reads = []
    real = check.cache.read_regular
    monkeypatch.setattr(check.cache, "read_regular", lambda p, *a: reads.append(p) or real(p, *a))
    assert validate(capsys, root) == (0, "")
    assert not [p for p in reads if str(p).endswith(".warc.gz")]
    [warc] = evidence_files(repo)
    data = bytearray(warc.read_bytes())
    data[200] ^= 0xFF
    warc.write_bytes(bytes(data))  # same size, changed: its stat changed
    assert validate(capsys, root)[0] == 1


@pytest.mark.parametrize(("page", "args", "said"), [
    ("/dead", (), "/dead: HTTP 404 Not Found; not kept"),
    ("/dies", (), "/dies: the server closed the connection in the middle of the body"),
    ("/trickle", ("--timeout", "1"), "/trickle: timed out"),
    ("/huge-said", ("--max-bytes", "100000"), "/huge-said: the page is larger than 100000 bytes (--max-bytes); not kept"),
    ("/huge", ("--max-bytes", "100000"), "/huge: the page is larger than 100000 bytes (--max-bytes); not kept"),
])
def test_pages_that_fail_are_refused_with_a_clear_line_and_nothing_kept(capsys, repo, server, page, args, said):
    root = tree(repo, {"support-rose": f"{server}{page}"})
    before = (root / "test-article" / "support-rose.yaml").read_bytes()
    code, out, err = archive(capsys, root, "--all", *args)
    assert code == 1 and f"failed support-rose: {server}{said}\n" in out and out.endswith("0 kept, 1 failed\n"), out + err
    assert evidence_files(repo) == [] and (root / "test-article" / "support-rose.yaml").read_bytes() == before


def test_a_page_that_lies_about_its_length_is_kept_as_it_said(capsys, repo, server):
    root = tree(repo, {"support-rose": f"{server}/liar"})
    assert archive(capsys, root, "--all")[0] == 0
    from factcheck.evidence import read_snapshot

    snap = ClaimStore.open(root).find("support-rose").claim.sources[0].snapshots[0]
    assert read_snapshot(str(repo), snap).body == PAGE.encode()


def test_non_public_addresses_are_refused_unless_allowed(capsys, repo, server):
    root = tree(repo, {"support-rose": f"{server}/survey"})
    code = main(["archive", "--root", str(root), "--all"])
    out = capsys.readouterr().out
    assert code == 1 and "127.0.0.1 is a loopback address" in out and evidence_files(repo) == []


def test_the_evidence_folder_never_leads_out(capsys, repo, server, tmp_path_factory):
    root = tree(repo, {"support-rose": f"{server}/survey"})
    (repo / "factcheck.toml").write_text('evidence_dir = "../elsewhere"\n')
    code, _, err = archive(capsys, root, "--all")
    assert code == 1 and "evidence_dir '../elsewhere' must be a relative folder of plain names inside the repository" in err
    outside = tmp_path_factory.mktemp("outside")
    (repo / "factcheck.toml").write_text('evidence_dir = "kept"\n')
    (repo / "kept").symlink_to(outside)
    code, _, err = archive(capsys, root, "--all")
    assert code == 1 and "symbolic link" in err and list(outside.iterdir()) == []


def test_save_page_now_is_asked_when_told_and_never_decides_the_run(capsys, repo, server):
    root = tree(repo, {"support-rose": f"{server}/survey"})
    (repo / "factcheck.toml").write_text(f'[archive]\nsave_page_now = "{server}/save/"\n')
    code, out, err = archive(capsys, root, "--all", "--wayback")
    assert code == 0, out + err
    source = ClaimStore.open(root).find("support-rose").claim.sources[0]
    assert source.archive_url == f"{server}/web/20261205004000/{server}/survey" and source.archived.isoformat() == "2026-12-05"
    assert len(source.snapshots) == 1 and f"public copy support-rose: {server}/survey -> {source.archive_url}" in out
    (repo / "factcheck.toml").write_text(f'[archive]\nsave_page_now = "{server}/broken-save/"\n')
    code, out, err = archive(capsys, root, "--all", "--wayback", "--refresh")
    assert code == 0 and "Save Page Now answered HTTP 500" in err and out.endswith("1 kept, 0 failed\n")
    assert ClaimStore.open(root).find("support-rose").claim.sources[0].archive_url == source.archive_url


def test_two_runs_at_once_corrupt_nothing(repo, server):
    urls = {f"claim-{i}": f"{server}/page/{i}" for i in range(6)}
    root = make_tree(repo, {name: claim(url).replace("id: support-rose", f"id: {name}") for name, url in urls.items()})
    env = {**os.environ, "FACTCHECK_EDITOR": "arc"}
    command = [sys.executable, "-m", "factcheck", "archive", "--root", str(root), "--allow-private", "--all", "--jobs", "3"]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [run.communicate(timeout=120) for run in runs]
    assert all("Traceback" not in out + err for out, err in outs), outs
    check = subprocess.run([sys.executable, "-m", "factcheck", "validate", "--no-cache", "--format", "parsable", str(root)],
                           env=env, capture_output=True, text=True, timeout=120)
    assert check.returncode == 0 and "error" not in check.stdout, check.stdout
    store = ClaimStore.open(root)
    named = {s.path for r in store.all() for src in r.claim.sources for s in src.snapshots}
    assert all(len(src.snapshots) >= 1 for r in store.all() for src in r.claim.sources)
    files = {f"evidence/{p.name}" for p in evidence_files(repo)}
    assert named <= files and not [p for p in evidence_files(repo) if not p.name.endswith(".warc.gz")]  # no temporary file left
