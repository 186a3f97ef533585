"""The kept copies of the sources' pages on the site: each snapshot's WARC file and a page
with the text kept of it, both named by the snapshot's sha256 (``evidence/<sha256>.*``)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from factcheck.model import Snapshot
from factcheck.site.output import BuildError
from factcheck.textsafe import escape, escape_line


def snapshot_of(data: dict) -> Snapshot:
    """A snapshot as the claim's JSON gives it (the claim validates: its values are sound)."""
    captured = dt.datetime.fromisoformat(str(data["captured"]).replace("Z", "+00:00"))
    return Snapshot(data["path"], data["sha256"], captured, data["status"], data["final_url"])


def snapshot_page(repo_root: str, snapshot: Snapshot, url: str, title: str) -> dict[str, Any]:
    """What the text page of a snapshot shows: the page's address and title, when and how
    it was kept, and its main text in paragraphs (every control or bidi character escaped)."""
    from factcheck.evidence import snapshot_text

    text = snapshot_text(repo_root, snapshot)
    paragraphs = [escape(" ".join(p.split())) for p in text.split("\n\n") if p.strip()] if isinstance(text, str) else []
    return {
        "url": url,
        "title": title,
        "captured": snapshot.captured.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "status": snapshot.status,
        "final_url": snapshot.final_url,
        "sha256": snapshot.sha256,
        "paragraphs": paragraphs,
    }


def evidence_files(site: Any, root: str, digest: Callable[..., str]) -> None:
    """Each snapshot of a source on the site, published under its sha256: the WARC file as
    kept, and a page with its text (a claim with a snapshot that is missing or whose
    bytes changed has an error in validate, and is not on the site). ``digest``: the
    build's key of a page made from these parts."""
    from factcheck.evidence.folder import repo_root_of

    repo_root = repo_root_of(root)
    done: set[str] = set()
    for item in site.items:
        for data, url, title in site.facts[item.id].snapshots:
            sha = data["sha256"]
            if sha in done:
                continue
            done.add(sha)
            snapshot = snapshot_of(data)
            rel = f"evidence/{sha}.warc.gz"
            if not site.writer.fresh(rel, sha):
                site.writer.put(rel, _kept_bytes(repo_root, snapshot, item.id), sha)
            rel = f"evidence/{sha}.html"
            key = digest(site.options, sha, url, title)
            if not site.writer.fresh(rel, key):
                site.writer.put(rel, site.render("snapshot.html", rel, 1, **snapshot_page(repo_root, snapshot, url, title)), key)


def _kept_bytes(repo_root: str, snapshot: Any, claim_id: str) -> bytes:
    """The bytes of a snapshot file, as recorded (a file changed since validate read it stops the build)."""
    from factcheck.evidence import read_file

    data = read_file(repo_root, snapshot.path)
    if not isinstance(data, bytes):
        raise BuildError(f"the snapshot of {claim_id} cannot be published: {escape_line(data.reason)} (run factcheck validate)")
    if hashlib.sha256(data).hexdigest() != snapshot.sha256:
        raise BuildError(f"the snapshot {escape_line(snapshot.path)} of {claim_id} no longer matches its sha256 (run factcheck validate)")
    return data
