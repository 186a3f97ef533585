"""The kept copies of the sources' pages on the site: each snapshot's WARC file and a page
with the text kept of it, both named by the snapshot's sha256 (``evidence/<sha256>.*``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from factcheck.model import Snapshot
from factcheck.textsafe import escape


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
