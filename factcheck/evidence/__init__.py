"""Evidence that outlives the web: copies of sources' pages kept as WARC files.

No Textual, no printing: values and failures. :mod:`.folder` says where the evidence
lives, :mod:`.warc` writes and reads the files, :mod:`.text` reads what a snapshot says,
:mod:`.capture` fetches a page and keeps it, :mod:`.check` is what ``validate`` asks.
The names below are imported on first use: ``validate`` loads only :mod:`.check`, which
needs no network code unless a snapshot is read.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOME = {
    "EvidenceFolder": "folder", "resolve_folder": "folder", "settings": "folder",
    "excerpt_in_text": "text", "read_snapshot": "text", "response_text": "text", "snapshot_text": "text",
    "SnapshotFailure": "warc", "Written": "warc", "read_file": "warc", "read_warc": "warc", "warc_bytes": "warc", "write_warc": "warc",
    "archive_source": "capture", "Archived": "capture", "save_page_now": "capture",
}
__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'factcheck.evidence' has no attribute {name!r}")
    return getattr(importlib.import_module(f"factcheck.evidence.{_HOME[name]}"), name)
