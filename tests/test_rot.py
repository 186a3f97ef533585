"""Link rot: ``links --check`` compares each live page with the source's snapshot.

Every request goes to a server the test starts on 127.0.0.1 (``--allow-private``). The
pages change between the snapshot and the check: they die, move, lose the excerpt.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import socket
from pathlib import Path

import pytest
from conftest import CLAIM_YAML, OTHER_YAML, make_tree
from pageserver import html, page_server

from factcheck.cli import main

EXCERPT = "68 percent support the plan"
PAGE = (
    "<html><head><title>Annual survey 2021</title></head><body><article><h1>Annual survey 2021</h1>"
    "<p>The city asked two thousand residents what they think of the plan for the river banks this year.</p>"
    f"<p>In the survey of 2021, {EXCERPT}, up from 57 percent four years before; the rest oppose it or do not know.</p>"
    "<p>The survey was run by the statistics office of the city in November, by telephone and online.</p>"
    "</article></body></html>"
)
CHANGED = PAGE.replace(EXCERPT, "most residents support the plan")


@pytest.fixture
def pages():
    with page_server() as server:
        yield server


def snapshot_block(final_url: str, sha: str = "0" * 64, captured: str = "2026-12-01T10:00:00Z") -> str:
    return (
        "    snapshots:\n"
        f"      - path: evidence/{sha}.warc.gz\n        sha256: {sha}\n        captured: {captured}\n"
        f"        status: 200\n        final_url: \"{final_url}\"\n"
    )


def kept(tmp_path: Path, url: str, page: str) -> str:
    """A snapshot of ``page`` at ``url`` in the evidence folder beside the claims tree (its YAML)."""
    from factcheck.evidence import warc_bytes
    from factcheck.netpolicy import Response

    response = Response(200, "OK", url, (("content-type", "text/html; charset=utf-8"),), page.encode("utf-8"))
    data = warc_bytes(response, (("User-Agent", "test"),), dt.datetime(2026, 12, 1, 10, tzinfo=dt.timezone.utc))
    sha = hashlib.sha256(data).hexdigest()
    (tmp_path / "evidence").mkdir(exist_ok=True)
    (tmp_path / "evidence" / f"{sha}.warc.gz").write_bytes(data)
    return snapshot_block(url, sha)


def rot_tree(tmp_path: Path, url: str, snapshot: str | None) -> Path:
    """support-rose citing ``url`` (with ``snapshot`` below its source, if given)."""
    other = OTHER_YAML.replace("https://example.org/survey", url)
    if snapshot is not None:
        other = other.replace("    stance: supports\n", "    stance: supports\n" + snapshot, 1)
    return make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": other})


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def check(capsys, root, *more):
    return run(capsys, "links", "--root", root, "--check", "--timeout", "5", "--allow-private", *more)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- the live page against the snapshot ------------------------------------------------


def test_an_unchanged_page_with_a_snapshot_is_read_and_found_unchanged(capsys, tmp_path, pages):
    pages.routes["/survey"] = html(PAGE)
    url = f"{pages.base}/survey"
    root = rot_tree(tmp_path, url, snapshot_block(url))
    code, out, err = check(capsys, root)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "1 of 1 source has no archive_url:",
        f"support-rose: {url} (a snapshot is kept)",
        "1 source URL checked, none dead; 1 with a snapshot: 0 moved, 0 changed",
    ]
    assert pages.seen == [("GET", "/survey")]  # read once, in full: no HEAD first


def test_a_dead_page_is_reported_with_the_snapshot_that_keeps_it(capsys, tmp_path, pages):
    url = f"{pages.base}/gone"
    root = rot_tree(tmp_path, url, snapshot_block(url, "a" * 64))
    code, out, err = check(capsys, root)
    assert (code, err) == (1, "")
    assert out.splitlines()[2:] == [
        "1 of 1 source has a dead link:",
        f"support-rose: {url}: HTTP 404 Not Found (a snapshot is kept: evidence/{'a' * 64}.warc.gz, captured 2026-12-01)",
    ]


def test_an_unreachable_page_is_dead(capsys, tmp_path):
    url = f"http://127.0.0.1:{closed_port()}/survey"
    root = rot_tree(tmp_path, url, snapshot_block(url))
    code, out, _ = check(capsys, root)
    assert code == 1
    assert out.splitlines()[2:] == [
        "1 of 1 source has a dead link:",
        f"support-rose: {url}: Connection refused (a snapshot is kept: evidence/{'0' * 64}.warc.gz, captured 2026-12-01)",
    ]


def test_a_page_redirected_elsewhere_has_moved(capsys, tmp_path, pages):
    pages.routes["/survey"] = (301, {"Location": "/elsewhere"}, b"")
    pages.routes["/elsewhere"] = html(PAGE)
    url = f"{pages.base}/survey"
    root = rot_tree(tmp_path, url, snapshot_block(url))
    code, out, _ = check(capsys, root)
    assert code == 1
    assert out.splitlines()[2:] == [
        "1 of 1 source has moved since the snapshot:",
        f"support-rose: {url}: now ends at {pages.base}/elsewhere, the snapshot at {url}",
        "1 source URL checked, none dead; 1 with a snapshot: 1 moved, 0 changed",
    ]


def test_a_redirect_the_snapshot_already_followed_is_not_a_move(capsys, tmp_path, pages):
    pages.routes["/survey"] = (301, {"Location": "/survey/"}, b"")
    pages.routes["/survey/"] = html(PAGE)
    url = f"{pages.base}/survey"
    root = rot_tree(tmp_path, url, snapshot_block(f"{pages.base.upper().replace('HTTP', 'http')}/survey/"))
    code, out, _ = check(capsys, root)
    assert (code, out.splitlines()[-1]) == (0, "1 source URL checked, none dead; 1 with a snapshot: 0 moved, 0 changed")


def test_a_page_that_lost_the_excerpt_has_changed(capsys, tmp_path, pages):
    pages.routes["/survey"] = html(CHANGED)
    url = f"{pages.base}/survey"
    root = rot_tree(tmp_path, url, snapshot_block(url))  # its file is not there: the snapshot cannot be read
    code, out, _ = check(capsys, root)
    assert code == 1
    assert out.splitlines()[2:] == [
        "1 of 1 source has changed since the snapshot:",
        f"support-rose: {url}: the excerpt is no longer on the live page (the snapshot cannot be read)",
        "1 source URL checked, none dead; 1 with a snapshot: 0 moved, 1 changed",
    ]


def test_a_changed_page_says_whether_its_snapshot_still_holds_the_excerpt(capsys, tmp_path, pages):
    pages.routes["/survey"] = html(CHANGED)
    url = f"{pages.base}/survey"
    root = rot_tree(tmp_path, url, kept(tmp_path, url, PAGE))
    code, out, _ = check(capsys, root)
    assert (code, out.splitlines()[3]) == (1, f"support-rose: {url}: the excerpt is no longer on the live page (it is in the snapshot of 2026-12-01)")
    code, out, _ = check(capsys, root, "--format", "json")
    assert json.loads(out)["sources"][0]["check"]["excerpt_in_snapshot"] is True


def test_a_page_whose_snapshot_never_held_the_excerpt_says_so(capsys, tmp_path, pages):
    pages.routes["/survey"] = html(CHANGED)
    url = f"{pages.base}/survey"
    root = rot_tree(tmp_path, url, kept(tmp_path, url, CHANGED))
    code, out, _ = check(capsys, root)
    assert (code, out.splitlines()[3]) == (1, f"support-rose: {url}: the excerpt is not on the live page, nor in the snapshot of 2026-12-01")


def test_the_excerpt_is_found_forgiving_whitespace_and_curly_quotes(capsys, tmp_path, pages):
    pages.routes["/survey"] = html(PAGE.replace(EXCERPT, "68\n  percent   support the plan"))
    url = f"{pages.base}/survey"
    root = rot_tree(tmp_path, url, snapshot_block(url))
    code, out, _ = check(capsys, root)
    assert (code, out.splitlines()[-1]) == (0, "1 source URL checked, none dead; 1 with a snapshot: 0 moved, 0 changed")


def test_a_page_over_the_cap_is_not_compared(capsys, tmp_path, pages):
    pages.routes["/survey"] = html(PAGE + " " * 2000)
    url = f"{pages.base}/survey"
    root = rot_tree(tmp_path, url, snapshot_block(url))
    code, out, _ = check(capsys, root, "--max-bytes", "1000")
    assert code == 0
    assert out.splitlines()[2:] == [
        "1 of 1 source has a page that could not be compared with its snapshot:",
        f"support-rose: {url}: not compared with its snapshot: the page is larger than 1000 bytes",
        "1 source URL checked, none dead; 1 with a snapshot: 0 moved, 0 changed",
    ]


def test_a_source_without_a_snapshot_is_probed_as_before(capsys, tmp_path, pages):
    pages.routes["/survey"] = html(CHANGED)
    url = f"{pages.base}/survey"
    root = rot_tree(tmp_path, url, None)
    code, out, _ = check(capsys, root)
    assert code == 0
    assert out.splitlines() == ["1 of 1 source has no archive_url:", f"support-rose: {url}", "1 source URL checked, none dead"]
    assert pages.seen == [("HEAD", "/survey")]


# -- JSON --------------------------------------------------------------------------------


def test_json_gives_each_source_its_snapshot_and_what_the_check_found(capsys, tmp_path, pages):
    pages.routes["/survey"] = html(CHANGED)
    url = f"{pages.base}/survey"
    root = rot_tree(tmp_path, url, snapshot_block(url, "b" * 64))
    code, out, err = check(capsys, root, "--format", "json")
    assert (code, err) == (1, "")
    assert json.loads(out) == {
        "sources": [{
            "claim": "support-rose",
            "url": url,
            "archive_url": None,
            "archived": None,
            "snapshot": {"path": f"evidence/{'b' * 64}.warc.gz", "sha256": "b" * 64, "captured": "2026-12-01T10:00:00Z", "status": 200, "final_url": url},
            "check": {
                "findings": ["changed"], "status": 200, "reason": None, "final_url": url,
                "excerpt_on_page": False, "excerpt_in_snapshot": None, "not_compared": None,
            },
        }],
        "unusable": [],
    }


def test_json_without_check_has_no_check(capsys, tmp_path):
    root = rot_tree(tmp_path, "https://example.org/survey", None)
    code, out, _ = run(capsys, "links", "--root", root, "--format", "json")
    assert code == 0
    (source,) = json.loads(out)["sources"]
    assert (source["snapshot"], source["check"]) == (None, None)


def test_json_escapes_what_a_server_chose(capsys, tmp_path, pages):
    pages.routes["/survey"] = (500, {}, b"")
    url = f"{pages.base}/survey"
    root = rot_tree(tmp_path, url, snapshot_block(url))
    code, out, _ = check(capsys, root, "--format", "json")
    assert code == 1 and not re.search(r"[\x00-\x1f\x7f]", out.replace("\n", ""))
    assert json.loads(out)["sources"][0]["check"]["findings"] == ["dead"]


# -- the last check, kept for the review screen ----------------------------------------------


def test_the_last_check_of_each_url_is_kept_in_the_cache(capsys, tmp_path, pages):
    from factcheck.provenance import linkstate

    url = f"{pages.base}/survey"
    root = rot_tree(tmp_path, url, snapshot_block(url))
    assert linkstate.load(str(root)) == {}
    check(capsys, root)
    kept = linkstate.load(str(root))[url]
    assert (kept.dead, kept.status, kept.reason) == (True, 404, "HTTP 404 Not Found")
    pages.routes["/survey"] = html(CHANGED)
    check(capsys, root)
    kept = linkstate.load(str(root))[url]
    assert (kept.dead, kept.compared, kept.lacks(EXCERPT), kept.lacks("something else")) == (False, True, True, False)
    pages.routes["/survey"] = html(PAGE)
    check(capsys, root)
    assert not linkstate.load(str(root))[url].lacks(EXCERPT)


def test_a_forged_link_cache_is_ignored(capsys, tmp_path, pages):
    from factcheck import cache
    from factcheck.provenance import linkstate

    url = f"{pages.base}/survey"
    root = rot_tree(tmp_path, url, snapshot_block(url))
    check(capsys, root)
    path = cache.path_for([str(root)], "links")
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))
    assert linkstate.load(str(root)) == {}
