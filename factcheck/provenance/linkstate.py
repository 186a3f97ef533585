"""The last link check of each URL, kept in the cache folder for the review screen.

``links --check`` records what each URL it requested came to; the review screen reads
it to show "page dead" next to a source without requesting anything itself. The file
is a cache like the others (:mod:`factcheck.cache`): data only (msgpack through msgspec
structs), signed with the cache key, ignored whole when it is missing, foreign, corrupt
or forged, and replaced atomically. It is keyed by the claims tree. What it holds is
what a server said at a moment, not what the code makes of a file: it is not dropped
when the code changes, only when :data:`FORMAT` does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import msgspec

from factcheck import cache
from factcheck.model import Source
from factcheck.rules import normalize

FORMAT = 1
MAGIC = b"factcheck-links\n"
#: URLs kept at most (the most recently checked): the file stays small on any tree.
MAX_URLS = 200_000


class LinkResult(msgspec.Struct, array_like=True, frozen=True):
    """What one URL came to when it was last checked.

    ``reason`` says why it gave no good answer (None: a 2xx); ``refused``: it was not
    requested (the address policy). ``moved``: it now ends at another address than its
    snapshot's. ``missing``: the excerpts (as :func:`excerpt_key`) that were looked
    for on the live page and not found; ``compared`` says whether the page's text could
    be looked at at all.
    """

    checked: str  # when, UTC, as 2026-12-05T01:02:03Z
    status: int | None = None
    reason: str | None = None
    refused: bool = False
    final_url: str | None = None
    moved: bool = False
    compared: bool = False
    missing: tuple[str, ...] = ()

    @property
    def dead(self) -> bool:
        """The page gave an error status or no answer (not: the check was refused)."""
        return self.reason is not None and not self.refused

    def lacks(self, excerpt: str) -> bool:
        """Whether ``excerpt`` was looked for on the live page and not found."""
        return excerpt_key(excerpt) in self.missing


def excerpt_key(excerpt: str) -> str:
    """What the file keeps of an excerpt: a short digest of its normalized text."""
    return hashlib.blake2b(normalize(excerpt).encode("utf-8"), digest_size=8).hexdigest()


def _path(root: str):
    return cache.path_for([root], "links")


def load(root: str) -> dict[str, LinkResult]:
    """The last result of each URL checked in the tree at ``root`` ({} when none is kept)."""
    found = cache.load_value(_path(root), MAGIC, str(FORMAT), dict[str, LinkResult])
    return found or {}


def record(root: str, results: Mapping[str, LinkResult]) -> None:
    """Keep ``results`` as the last check of their URLs (the others' results stay).

    Two checks that end at the same moment may each keep only their own URLs: this is
    a cache, and the next check fills it again.
    """
    if not results:
        return
    kept = load(root)
    kept.update(results)
    if len(kept) > MAX_URLS:
        kept = dict(sorted(kept.items(), key=lambda item: item[1].checked)[-MAX_URLS:])
    write = cache.encoded(_path(root), str(FORMAT), kept, MAGIC)
    if write is not None:
        write()


#: What the review screen calls each problem validate finds in a source's snapshot.
SNAPSHOT_PROBLEMS = {
    "excerpt-not-in-snapshot": "excerpt missing",
    "snapshot-missing": "file missing",
    "snapshot-tampered": "file changed",
    "snapshot-unreadable": "unreadable",
    "snapshot-outside": "outside the evidence folder",
}


def evidence_state(source: Source, link: LinkResult | None, problems: list[str]) -> list[tuple[str, str]]:
    """What the review screen says of a source's evidence, as (state, detail) pairs, most
    telling first: its snapshot (``none``; ``kept`` and when; ``excerpt missing`` and the
    other problems validate finds in it, given as their ``problems`` codes), then what the
    last ``links --check`` found of its page (``page dead``, ``moved``, ``page changed``:
    the excerpt is no longer on it)."""
    if source.snapshots:
        captured = max(s.captured for s in source.snapshots)
        states = [("kept", captured.date().isoformat())]
        states += [(SNAPSHOT_PROBLEMS[code], "") for code in dict.fromkeys(problems) if code in SNAPSHOT_PROBLEMS]
    else:
        states = [("none", "")]
    if link is not None:
        checked = f"checked {link.checked[:10]}"
        if link.dead:
            states.append(("page dead", f"{link.reason}; {checked}"))
        elif not link.refused:
            states += [(what, checked) for what, hit in (("moved", link.moved), ("page changed", link.lacks(source.excerpt))) if hit]
    return states
