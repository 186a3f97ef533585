"""Checked before: the earlier fact-checks of a claim or a sentence that score at least the
config's threshold (``[match] threshold``), as the review screen, the triage view,
``suggest --write`` and the site show them.

The candidates are those of ``factcheck match``: the claims of the other articles of the
tree (one cached segment per article folder) and the feeds named in the config. No
printing and no Textual here.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import attrs

from factcheck import siteconfig
from factcheck.match import DEFAULT_TOP, Match, match_texts
from factcheck.match.index import Segment
from factcheck.store import ClaimStore
from factcheck.textsafe import escape_line


@attrs.define
class Earlier:
    """What "checked before" searches, loaded once: the tree's claims by article folder,
    the configured feeds, and the threshold. ``problems``: one line for each feed (or
    config value) that could not be used."""

    threshold: float
    feeds: list[Segment]
    folders: dict[str, Segment]
    problems: list[str] = attrs.field(factory=list)
    #: What the candidates are: the feeds' file signatures, each folder's digest, the threshold.
    keys: dict[str, str] = attrs.field(factory=dict)

    @classmethod
    def load(cls, store: ClaimStore) -> Earlier:
        from factcheck.match.feed import FeedError
        from factcheck.match.store import index_feed

        config, found = siteconfig.match_config(store.root)
        problems = [f"{p.path}:{p.line}: {p.message}" for p in found]
        feeds, keys = [], {"threshold": repr(config.threshold)}
        for feed in config.feeds:
            try:
                feeds.append(index_feed(feed))
                st = os.stat(feed)
                keys[f"feed:{os.path.abspath(feed)}"] = repr((st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns))
            except (FeedError, OSError) as exc:
                problems.append(str(exc))
        earlier = cls(config.threshold, feeds, {}, problems, keys)
        earlier.update(store)
        return earlier

    def update(self, store: ClaimStore) -> None:
        """Take the tree's claims as they are now (only a changed article folder is indexed again)."""
        from factcheck.match.tree import folder_segment, reviews_by_folder, reviews_key

        by_folder = reviews_by_folder(store)
        self.folders = {folder: folder_segment(folder, reviews) for folder, reviews in by_folder.items()}
        self.keys = {k: v for k, v in self.keys.items() if not k.startswith("folder:")}
        self.keys.update((f"folder:{folder}", reviews_key(reviews)) for folder, reviews in by_folder.items())

    def find_many(self, texts: Sequence[tuple[str, str | None]], top: int = DEFAULT_TOP) -> list[list[Match]]:
        """:meth:`find` for many (text, folder) pairs at once, faster over a large tree: the
        folders' claims are searched as one collection, where a text's own article scores
        nothing (it is left out of the results, not of the statistics, so a score may differ
        from :meth:`find`'s in the last digits)."""
        import numpy as np

        from factcheck.match.index import WEIGHTS, Vectors, search, text_vectors
        from factcheck.match.parallel import merge

        folders = list(self.folders)
        merged = merge([self.folders[f] for f in folders])
        bounds = np.cumsum([0] + [self.folders[f].size for f in folders])
        where = {f: (int(bounds[n]), int(bounds[n + 1])) for n, f in enumerate(folders)}
        out: list[list[Match]] = [[] for _ in texts]
        by_folder: dict[str, list[int]] = {}
        for number, (_, folder) in enumerate(texts):
            by_folder.setdefault(os.path.abspath(folder) if folder else "", []).append(number)
        vectors: Vectors = {}  # the same segments' places for every folder: a candidate is embedded once
        meaning = text_vectors([text for text, _ in texts], WEIGHTS)
        for folder, numbers in by_folder.items():
            start, end = where.get(folder, (0, 0))
            own = (merged.docs >= start) & (merged.docs < end)
            segments = [attrs.evolve(merged, tfs=np.where(own, np.float32(0), merged.tfs)) if own.any() else merged, *self.feeds]
            for number in numbers:
                hits = search(segments, texts[number][0], top, vectors=vectors, vector=meaning[number])
                found = [Match(h.score, segments[h.segment].review(h.doc)) for h in hits if h.score >= self.threshold]
                found.sort(key=lambda m: not m.published)  # as match_texts orders them
                out[number] = found
        return out

    @property
    def signature(self) -> str:
        """Changes when any candidate or the threshold does."""
        return repr(sorted(self.keys.items()))

    def segments(self, folder: str | None) -> list[Segment]:
        """The candidates for a text of the article ``folder``: the other articles' claims and the feeds."""
        skip = os.path.abspath(folder) if folder else None
        return [s for f, s in self.folders.items() if f != skip] + self.feeds

    def find(self, texts: Sequence[str], folder: str | None, top: int = DEFAULT_TOP) -> list[list[Match]]:
        """For each text of the article ``folder``, its earlier checks scoring at least the threshold, best first."""
        found = match_texts(texts, self.segments(folder), top)
        return [[m for m in matches if m.score >= self.threshold] for matches in found]

    def best(self, texts: Sequence[str], folder: str | None) -> list[Match | None]:
        """For each text, its best earlier check at least the threshold (None: none)."""
        return [matches[0] if matches else None for matches in self.find(texts, folder, top=1)]


#: How much of a feed's URL a history note keeps.
NOTE_URL = 300


def history_note(match: Match | None) -> str | None:
    """What a new claim's creation history records of its best earlier check (None: none
    scored at least the threshold): the score, rating and publisher, and the claim's id
    or the review's URL, escaped (a feed's text may hold control characters)."""
    if match is None:
        return None
    r = match.review
    where = f"claim {r.id}" + (f" ({r.status})" if r.status else "") if r.id else (r.url or "no URL")[:NOTE_URL]
    parts = [f"score {match.score:.2f}", *(p[:100] for p in (r.rating, r.publisher, r.date) if p), where]
    return escape_line(f"Checked before: {', '.join(parts)}.")


def site_checks(store: ClaimStore) -> SiteChecks:
    """What the site's claim pages list as related fact-checks (see :class:`SiteChecks`)."""
    return SiteChecks(Earlier.load(store))


@attrs.define
class SiteChecks:
    """Related fact-checks for the site: for a claim's text, the earlier checks at least the
    threshold as plain data (``id`` for a claim of the tree, else ``url``), best first.
    The site keeps only the claims of the tree it publishes."""

    earlier: Earlier

    @property
    def signature(self) -> str:
        return self.earlier.signature

    @property
    def problems(self) -> list[str]:
        return self.earlier.problems

    def find(self, pairs: Sequence[tuple[str, str]]) -> list[list[dict]]:
        """For each (text, article folder), its related fact-checks (:meth:`Earlier.find_many`)."""
        return [[{**m.as_json(), "date": m.review.date, "headline": m.review.headline} for m in found] for found in self.earlier.find_many(pairs)]
