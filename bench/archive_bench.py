"""Archive 1,000 sources from a server on 127.0.0.1: wall time and peak memory.

    python bench/archive_bench.py [--sources 1000] [--jobs 8] [--keep DIR]

The tree is the built-in claims copied with new ids (``bench/generate.py``, real text)
until it has ``--sources`` sources; each source's URL is made unique per copy and
pointed at a server this script starts on 127.0.0.1, which answers with an HTML page
built from real text: the source's title and excerpt (so the excerpt check passes) and
paragraphs of the article the claim comes from, with a page's usual boilerplate around
them. ``factcheck archive --all --jobs N`` runs in a child process; its wall time and
peak RSS (``getrusage`` of the children) are printed, then the size of the evidence
folder and the time of ``validate`` cold and warm on the archived tree.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

_URL_LINE = re.compile(r"^(  - url: )(\S+)$", re.M)
BOILERPLATE = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(60))
SCRIPT = "<script>" + "var analytics = {id: 'x', events: []};" * 200 + "</script>"


def make_tree(out: Path, sources: int, port: int, pages: dict[str, tuple[str, str, str]]) -> None:
    """The claims tree under ``out`` with about ``sources`` sources (claims are copied whole),
    every one pointed at 127.0.0.1:port (no real source is ever asked for); ``pages``
    gets each page's path -> (title, excerpt, article text)."""
    import generate

    from factcheck.store import ClaimStore

    claims = max(1, round(sources * 80 / 182))  # the built-in claims have 182 sources
    generate.generate_real(claims, out, broken=0.0)
    store = ClaimStore.open(str(out))
    total = 0
    for record in sorted(store.all(), key=lambda r: r.path):
        if record.claim is None:
            continue
        text = Path(record.path).read_text(encoding="utf-8")
        folder = Path(record.path).parent
        article = next((p.read_text(encoding="utf-8") for p in folder.glob("article.*") if p.suffix in (".txt", ".md")), "")
        by_url = {s.url: s for s in record.claim.sources}

        def point(match: re.Match, record=record, by_url=by_url, article=article) -> str:
            nonlocal total
            source = by_url.get(match.group(2).strip("'\""))
            if source is None:
                return match.group(0)
            total += 1
            path = f"/s/{hashlib.sha1((record.id + source.url).encode()).hexdigest()[:16]}"
            pages[path] = (source.title, source.excerpt, article)
            return f"{match.group(1)}http://127.0.0.1:{port}{path}"

        Path(record.path).write_text(_URL_LINE.sub(point, text), encoding="utf-8")
    elsewhere = [s.url for r in ClaimStore.open(str(out)).all() for s in (r.claim.sources if r.claim else []) if "//127.0.0.1:" not in s.url]
    if elsewhere:  # never ask a real site
        raise SystemExit(f"{len(elsewhere)} sources were not pointed at 127.0.0.1, e.g. {elsewhere[0]}")


def page_html(title: str, excerpt: str, article: str) -> bytes:
    paragraphs = [p for p in article.split("\n\n") if p.strip()][:12]
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs[:3]) + f"<p>{html.escape(excerpt)}</p>"
    body += "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs[3:])
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{html.escape(title)}</title>{SCRIPT}</head>"
        f"<body><header><nav><ul>{BOILERPLATE}</ul></nav></header><main><article><h1>{html.escape(title)}</h1>{body}</article></main>"
        f"<footer><ul>{BOILERPLATE}</ul><p>© Example Publisher</p></footer></body></html>"
    ).encode()


def serve(pages: dict[str, tuple[str, str, str]]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            found = pages.get(self.path)
            body = page_html(*found) if found else b"not here"
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def timed(argv: list[str], env: dict) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    return time.perf_counter() - start, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=8)
    parser.add_argument("--keep", help="build the tree in this folder and leave it there")
    args = parser.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="archive-bench-"))
    pages: dict[str, tuple[str, str, str]] = {}
    httpd = serve(pages)  # the handler reads ``pages``, filled as the tree is made
    tree = work / "claims"
    make_tree(tree, args.sources, httpd.server_address[1], pages)
    env = {**os.environ, "FACTCHECK_EDITOR": "bench", "FACTCHECK_CACHE_DIR": str(work / "cache"), "PYTHONPATH": str(HERE.parent)}
    command = [sys.executable, "-m", "factcheck", "archive", "--root", str(tree), "--all", "--allow-private", "--jobs", str(args.jobs)]
    seconds, done = timed(command, env)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    evidence = tree / "evidence"
    files = list(evidence.glob("*.warc.gz"))
    size = sum(f.stat().st_size for f in files)
    raw = sum(len(page_html(*p)) for p in pages.values())
    print(f"sources: {len(pages)} (claims copied from claims/, pages served from 127.0.0.1)")
    print(f"archive --jobs {args.jobs}: {seconds:.1f} s wall, peak RSS {peak:.0f} MB, exit {done.returncode}; last line: {done.stdout.splitlines()[-1:]}")
    each, served = size / max(1, len(files)) / 1024, raw / max(1, len(pages)) / 1024
    print(f"evidence: {len(files)} files, {size / 1e6:.1f} MB ({each:.1f} KiB each; the pages served: {served:.1f} KiB each)")
    for run in ("cold", "warm"):
        seconds, done = timed([sys.executable, "-m", "factcheck", "validate", str(tree)], env)
        print(f"validate {run}: {seconds:.2f} s, exit {done.returncode}; {done.stdout.splitlines()[-1:]}")
    httpd.shutdown()
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
