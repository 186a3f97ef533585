"""Evidence that outlives the web: copies of sources' pages kept as WARC files.

No Textual, no printing: values and failures. :mod:`.folder` says where the evidence
lives, :mod:`.warc` writes and reads the files, :mod:`.text` reads what a snapshot says,
:mod:`.capture` fetches a page and keeps it, :mod:`.check` is what ``validate`` asks.
"""

from __future__ import annotations

from factcheck.evidence.folder import EvidenceFolder, resolve_folder, settings
from factcheck.evidence.text import excerpt_in_text, read_snapshot, response_text, snapshot_text
from factcheck.evidence.warc import SnapshotFailure, Written, read_file, read_warc, warc_bytes, write_warc

__all__ = [
    "EvidenceFolder", "SnapshotFailure", "Written", "excerpt_in_text", "read_file", "read_snapshot", "read_warc",
    "resolve_folder", "response_text", "settings", "snapshot_text", "warc_bytes", "write_warc",
]
