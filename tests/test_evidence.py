"""The evidence package: WARC files written and read back (by warcio's reader and its
command line too), verified by their sha256, kept inside the evidence folder."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from factcheck.evidence import SnapshotFailure, excerpt_in_text, read_snapshot, resolve_folder, settings, snapshot_text, write_warc
from factcheck.model import Snapshot
from factcheck.netpolicy import Response

WHEN = dt.datetime(2026, 12, 5, 0, 40, tzinfo=dt.timezone.utc)
PARAGRAPH = "The city’s annual survey found that 68 percent of residents support the plan, up from 57 percent four years earlier."
PAGE = (
    "<html><head><title>Annual survey 2021</title></head><body><nav>Home | News | About</nav>"
    f"<article><h1>Annual survey 2021</h1><p>{PARAGRAPH}</p>"
    "<p>The survey asked 2,000 people in all districts of the city between March and May, by phone and online.</p>"
    "<p>Support was highest among younger residents and in the districts where the first stage of the plan was built.</p>"
    "</article><footer>© City of Example</footer></body></html>"
).encode()
REQUEST_HEADERS = (("User-Agent", "test"), ("Accept", "text/html"))


def response(body: bytes = PAGE, url: str = "https://example.org/survey/2021", status: int = 200) -> Response:
    headers = (("content-type", "text/html; charset=utf-8"), ("transfer-encoding", "chunked"), ("x-note", "kept"), ("set-cookie", "session=secret"))
    return Response(status, "OK", url, headers, body, len(body))


@pytest.fixture
def repo(tmp_path) -> Path:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    return tmp_path / "repo"


def written(repo: Path, **kw) -> tuple[Snapshot, Path]:
    folder = resolve_folder(str(repo), "evidence")
    assert not isinstance(folder, str)
    out = write_warc(folder, response(**kw), REQUEST_HEADERS, WHEN)
    snapshot = Snapshot(out.path, out.sha256, WHEN, 200, "https://example.org/survey/2021")
    return snapshot, repo / out.path


def test_a_snapshot_is_a_warc_file_named_by_its_sha256(repo):
    snapshot, path = written(repo)
    data = path.read_bytes()
    assert path.name == hashlib.sha256(data).hexdigest() + ".warc.gz" and snapshot.path == f"evidence/{path.name}"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left
    assert gzip.decompress(data).startswith(b"WARC/1.1\r\n")
    got = read_snapshot(str(repo), snapshot)
    assert not isinstance(got, SnapshotFailure)
    assert (got.status, got.url, got.body) == (200, "https://example.org/survey/2021", PAGE)
    assert got.header("x-note") == "kept" and got.header("transfer-encoding") is None and got.header("content-length") == str(len(PAGE))
    assert got.header("set-cookie") is None and b"secret" not in gzip.decompress(path.read_bytes())


def test_warcio_reads_our_files_with_their_digests(repo):
    from warcio.archiveiterator import ArchiveIterator

    _, path = written(repo)
    with open(path, "rb") as handle:
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.rec_headers.get_header("WARC-Block-Digest"),
                    r.rec_headers.get_header("WARC-Payload-Digest"), r.content_stream().read())
                   for r in ArchiveIterator(handle, check_digests="raise")]
    assert [r[0] for r in records] == ["warcinfo", "response", "request"]
    kinds = {r[0]: r for r in records}
    assert kinds["response"][1] == kinds["request"][1] == "https://example.org/survey/2021"
    assert kinds["response"][2].startswith("sha1:") and kinds["response"][3].startswith("sha1:") and kinds["response"][4] == PAGE
    warcio = shutil.which("warcio") or str(Path(sys.executable).parent / "warcio")
    checked = subprocess.run([warcio, "check", "-v", str(path)], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0 and "digest pass" in checked.stdout, checked.stdout + checked.stderr
    index = subprocess.run([warcio, "index", "-f", "warc-type,warc-target-uri,http:status", str(path)], capture_output=True, text=True, timeout=60)
    assert '"warc-type": "response"' in index.stdout and '"http:status": "200"' in index.stdout


def test_a_tampered_a_deleted_and_a_linked_snapshot_are_failures(repo, tmp_path):
    snapshot, path = written(repo)
    data = bytearray(path.read_bytes())
    data[-30] ^= 1
    path.write_bytes(bytes(data))
    got = read_snapshot(str(repo), snapshot)
    assert isinstance(got, SnapshotFailure) and got.kind == "tampered" and snapshot.sha256 in got.reason
    path.unlink()
    assert read_snapshot(str(repo), snapshot).kind == "missing"
    outside = tmp_path / "outside.warc.gz"
    outside.write_bytes(b"x")
    path.symlink_to(outside)
    assert read_snapshot(str(repo), snapshot).kind == "not-a-file"
    path.unlink()
    os.mkfifo(path)
    assert read_snapshot(str(repo), snapshot).kind == "not-a-file"  # never blocks on a FIFO


def test_the_main_text_and_the_excerpt(repo):
    snapshot, _ = written(repo)
    text = snapshot_text(str(repo), snapshot)
    assert isinstance(text, str) and "68 percent of residents" in text and "Home | News" not in text
    assert excerpt_in_text('The city\'s annual survey found  that\n68 percent', text)  # curly quote and spaces forgiven
    assert not excerpt_in_text("72 percent of residents", text) and not excerpt_in_text("  ", text)


def test_the_folder_never_leads_out_of_the_repository(repo, tmp_path):
    for name in ("../evidence", "/tmp/evidence", "a/../../b", ".hidden", "a\\b", ""):
        assert isinstance(resolve_folder(str(repo), name), str), name
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (repo / "evidence").symlink_to(outside)
    refused = resolve_folder(str(repo), "evidence")
    assert isinstance(refused, str) and "symbolic link" in refused
    (repo / "evidence").unlink()
    (repo / "data").mkdir()
    assert resolve_folder(str(repo), "data/evidence").relative == "data/evidence"


def test_the_config_names_the_folder_and_the_endpoint(repo):
    claims = repo / "claims"
    claims.mkdir()
    got, problems = settings(str(claims))
    assert got.folder.relative == "evidence" and got.save_page_now == "https://web.archive.org/save/" and problems == []
    (repo / "factcheck.toml").write_text('evidence_dir = "kept/pages"\n[archive]\nsave_page_now = "http://127.0.0.1:9/save/"\nsave = 1\n')
    got, problems = settings(str(claims))
    assert got.folder.relative == "kept/pages" and got.save_page_now == "http://127.0.0.1:9/save/"
    assert [(p.line, p.message) for p in problems] == [(4, "unknown key 'save' in [archive]")]
    (repo / "factcheck.toml").write_text('evidence_dir = "../out"\n')
    got, _ = settings(str(claims))
    assert got.folder is None and "inside the repository" in got.refusal
