"""The built site in a real browser (Playwright driving the system Chromium).

Skipped, with the reason, where Playwright or Chromium is missing; ``.ci/run``
installs both. Screenshots of the home, an article and a claim page at 1280 and
390 px wide are saved under ``test-artifacts/site/`` (not committed).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import pytest
from sitetrees import hostile_tree, published_tree, snapshot_tree

from factcheck.site import build

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "site"
CHROMIUM = os.environ.get("FACTCHECK_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install -e '.[test]')")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=CHROMIUM)
        except Exception as exc:  # noqa: BLE001 - a browser that cannot start is a skip, with the reason
            pytest.skip(f"Chromium at {CHROMIUM} did not start: {str(exc).splitlines()[0]}")
        yield browser
        browser.close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def serve():
    servers = []

    def start(folder: Path) -> str:
        handler = functools.partial(_Quiet, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _site(tmp_path: Path, make) -> Path:
    claims = make(tmp_path)
    out = tmp_path / "out"
    build(str(claims), str(out))
    return out


def _page(browser, width: int = 1280):
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    dialogs: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def dialog(d) -> None:
        dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    return page, errors, dialogs


def _crawl(page, start: str) -> dict[str, list[str]]:
    """Every page reachable from ``start`` inside the site: url -> the internal links it has."""
    seen: dict[str, list[str]] = {}
    todo = [start]
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        response = page.goto(url)
        assert response is not None and response.ok, f"{url} did not load"
        links = page.eval_on_selector_all("a[href], link[href]", "els => els.map(e => e.getAttribute('href'))")
        internal = [urljoin(url, h) for h in links if not h.startswith("data:") and urlparse(urljoin(url, h)).netloc == urlparse(start).netloc]
        seen[url] = internal
        for link in internal:
            target = urldefrag(link)[0]
            if target.endswith(".html") and target not in seen:
                todo.append(target)
    return seen


def test_pages_load_cleanly_and_links_resolve(browser, serve, tmp_path):
    base = serve(_site(tmp_path, published_tree))
    page, errors, _ = _page(browser)
    pages = _crawl(page, base + "index.html")
    assert {urlparse(u).path for u in pages} >= {
        "/index.html", "/methodology.html", "/corrections.html",
        "/articles/test-article.html", "/claims/support-rose.html", "/claims/bridges-repaired.html",
    }
    for url, links in pages.items():
        for link in links:
            target, fragment = urldefrag(link)
            response = page.request.get(target)
            assert response.ok, f"{url} links to {link}, which does not resolve ({response.status})"
            if fragment:
                page.goto(target)
                assert page.locator(f"[id='{fragment}']").count() == 1, f"{url} links to {link}: no element with that id"
    assert errors == []


def test_kept_copies_load_and_their_links_resolve(browser, serve, tmp_path):
    base = serve(_site(tmp_path, lambda root: snapshot_tree(root)[0]))
    page, errors, dialogs = _page(browser)
    pages = _crawl(page, base + "index.html")
    kept = [u for u in pages if urlparse(u).path.startswith("/evidence/")]
    assert len(kept) == 1, "the claim page links the text of its kept copy"
    for link in pages[kept[0]] + pages[base + "claims/support-rose.html"]:
        response = page.request.get(urldefrag(link)[0])
        assert response.ok, f"{link} does not resolve ({response.status})"
    warc = [link for link in pages[kept[0]] if link.endswith(".warc.gz")]
    assert len(warc) == 1 and page.request.get(warc[0]).body()[:2] == b"\x1f\x8b"  # the WARC file, gzipped, as kept
    page.goto(kept[0])
    assert "68 percent support the plan" in page.locator("main").inner_text()
    assert page.evaluate("typeof window.pwned") == "undefined"
    narrow, _, _ = _page(browser, width=390)
    narrow.goto(kept[0])
    overflow = narrow.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the kept copy's page scrolls sideways by {overflow} px at 390 px"
    assert (errors, dialogs) == ([], [])


def test_article_page_has_one_mark_per_published_claim(browser, serve, tmp_path):
    base = serve(_site(tmp_path, published_tree))
    page, errors, _ = _page(browser)
    page.goto(base + "articles/test-article.html")
    marks = page.locator("a.mark")
    assert marks.count() == 2  # the draft is not on a site built without --drafts
    labels = sorted(marks.locator(".label").all_inner_texts())
    assert labels == ["INACCURATE", "MOSTLY ACCURATE"]  # the verdict in words, not colour alone
    for claim_id, text in (("bridges-repaired", "The mayor said 24 bridges"), ("support-rose", "Support for the plan rose")):
        page.goto(base + "articles/test-article.html")
        page.click(f"#mark-{claim_id}")
        assert page.url == base + f"claims/{claim_id}.html"
        assert page.locator("h1").inner_text().startswith(text)
    assert errors == []


def test_hostile_claims_run_no_script(browser, serve, tmp_path):
    base = serve(_site(tmp_path, hostile_tree))
    page, errors, dialogs = _page(browser)
    pages = _crawl(page, base + "index.html")
    assert base + "claims/hostile.html" in pages
    for url in pages:
        page.goto(url)
        page.mouse.move(10, 10)
        assert page.evaluate("typeof window.pwned") == "undefined", url
        assert page.locator("img, iframe, svg, b").count() == 0, url
        # the only script elements are the JSON-LD data blocks
        assert page.evaluate("[...document.scripts].every(s => s.type === 'application/ld+json')"), url
        assert page.locator("a[href^='javascript:' i]").count() == 0, url
    page.goto(base + "claims/hostile.html")
    assert "<script>window.pwned = 'text'</script>" not in page.content()
    assert "window.pwned = 'text'" in page.locator("h1").inner_text()
    assert dialogs == []
    assert errors == []


def test_no_sideways_scroll_at_390_px(browser, serve, tmp_path):
    base = serve(_site(tmp_path, published_tree))
    page, errors, _ = _page(browser, width=390)
    for path in ("index.html", "articles/test-article.html", "claims/support-rose.html", "methodology.html", "corrections.html"):
        page.goto(base + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow} px at 390 px"
    assert errors == []


def test_keyboard_focus_is_visible(browser, serve, tmp_path):
    base = serve(_site(tmp_path, published_tree))
    page, _, _ = _page(browser)
    page.goto(base + "articles/test-article.html")
    seen_mark = False
    for _ in range(page.locator("a[href]").count()):
        page.keyboard.press("Tab")
        info = page.evaluate(
            """() => { const e = document.activeElement; const s = getComputedStyle(e);
                       const r = e.getBoundingClientRect();
                       return {tag: e.tagName, cls: e.className, outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
                               visible: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0}; }"""
        )
        assert info["tag"] == "A", info
        assert info["outline"] != "none" and info["width"] >= 2, f"focused {info} has no visible outline"
        assert info["visible"], f"focused {info} is off screen"
        seen_mark = seen_mark or "mark" in info["cls"]
    assert seen_mark, "tabbing never reached a mark of the article"


def test_screenshots(browser, serve, tmp_path):
    base = serve(_site(tmp_path, published_tree))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page, errors, _ = _page(browser, width=width)
        for name, path in (("home", "index.html"), ("article", "articles/test-article.html"), ("claim", "claims/support-rose.html")):
            page.goto(base + path)
            target = ARTIFACTS / f"{name}-{width}.png"
            page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 1000
        assert errors == []
