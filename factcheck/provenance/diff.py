"""The record diff as data: which claims a change adds, removes or changes, and how.

Rendered by :mod:`factcheck.provenance.render`; this module never formats for a reader.
"""

from __future__ import annotations

import attrs

from factcheck.model import Article, Claim, Correction, Dismissal, Quantity, Source, canonical_url
from factcheck.provenance.git import Repo, default_base
from factcheck.provenance.revisions import (
    ArticleVersion,
    Version,
    articles_at,
    articles_now,
    by_id,
    claims_at,
    claims_now,
    dismissals_at,
    dismissals_now,
)
from factcheck.rules import normalize


def word(value) -> str:
    return "none" if value is None else str(getattr(value, "value", value))


def removed_sources(before: Claim, after: Claim) -> list[Source]:
    kept = {canonical_url(s.url) for s in after.sources}
    return [s for s in before.sources if canonical_url(s.url) not in kept]


def added_sources(before: Claim, after: Claim) -> list[Source]:
    return removed_sources(after, before)


def added_corrections(before: Claim, after: Claim) -> list[Correction]:
    return [c for c in after.corrections if c not in before.corrections]


@attrs.frozen
class ClaimChange:
    """What changed in one claim that exists before and after."""

    id: str
    path: str
    status: tuple[str, str] | None
    verdict: tuple[str, str] | None
    sources_added: list[Source]
    sources_removed: list[Source]
    corrections_added: list[Correction]
    history_added: int
    other: list[str]  # other keys that changed
    moved_from: str | None
    summary: str | None = None  # the new summary, when it changed
    quantities_added: list[Quantity] = attrs.field(factory=list)
    quantities_removed: list[Quantity] = attrs.field(factory=list)


@attrs.frozen
class ArticleChange:
    """An article folder there before and after whose ``article.yaml`` or text changed."""

    folder: str
    article: Article  # as it is now
    fields: list[tuple[str, str, str]]  # (field of article.yaml, before, after), each as a line
    text_changed: bool  # the article's text file (its bytes, or which file it is)


@attrs.frozen
class RecordDiff:
    base: str
    commit: str
    added: list[tuple[str, Claim]]
    removed: list[tuple[str, Claim]]
    changed: list[ClaimChange]
    invalid: list[str]
    # (article folder, entry) of each sentence dismissed, and of each dismissal taken back
    dismissed: list[tuple[str, Dismissal]] = attrs.field(factory=list)
    undismissed: list[tuple[str, Dismissal]] = attrs.field(factory=list)
    # (article folder, article) of each article brought in or taken out, and each one changed
    articles_added: list[tuple[str, Article]] = attrs.field(factory=list)
    articles_removed: list[tuple[str, Article]] = attrs.field(factory=list)
    articles_changed: list[ArticleChange] = attrs.field(factory=list)
    given: bool = True  # the base was named by the user (else factcheck chose it; ``base`` says how)

    def counts(self) -> dict[str, int]:
        return {
            "claims_added": len(self.added),
            "claims_removed": len(self.removed),
            "claims_changed": len(self.changed),
            # The sources of new claims count as added; a removed claim counts as one removed claim.
            "sources_added": sum(len(c.sources_added) for c in self.changed) + sum(len(c.sources) for _, c in self.added),
            "sources_removed": sum(len(c.sources_removed) for c in self.changed),
            "corrections_added": sum(len(c.corrections_added) for c in self.changed),
            "dismissals_added": len(self.dismissed),
            "dismissals_removed": len(self.undismissed),
            "articles_added": len(self.articles_added),
            "articles_removed": len(self.articles_removed),
            "articles_changed": len(self.articles_changed),
        }

    def empty(self) -> bool:
        articles = self.articles_added or self.articles_removed or self.articles_changed
        return not (self.added or self.removed or self.changed or self.invalid or self.dismissed or self.undismissed or articles)


_SPECIAL = ("status", "verdict", "summary", "quantities", "sources", "corrections", "history")


def compare(rel: str, before: Claim, after: Claim, moved_from: str | None) -> ClaimChange:
    """The changes of one claim, field by field."""
    other = [a.name for a in attrs.fields(Claim) if a.name not in _SPECIAL and getattr(before, a.name) != getattr(after, a.name)]
    old_sources = {canonical_url(s.url): s for s in before.sources}
    if any(old_sources.get(canonical_url(s.url), s) != s for s in after.sources):
        other.append("sources")
    if any(c not in after.corrections for c in before.corrections):
        other.append("corrections")
    appended = after.history[: len(before.history)] == before.history
    if not appended:
        other.append("history")
    quantities_added = [q for q in after.quantities if q not in before.quantities]
    quantities_removed = [q for q in before.quantities if q not in after.quantities]
    if before.quantities != after.quantities and not (quantities_added or quantities_removed):
        other.append("quantities")  # the same quantities in another order

    def pair(name: str) -> tuple[str, str] | None:
        old, new = getattr(before, name), getattr(after, name)
        return (word(old), word(new)) if old != new else None

    return ClaimChange(
        id=after.id, path=rel, status=pair("status"), verdict=pair("verdict"),
        sources_added=added_sources(before, after), sources_removed=removed_sources(before, after),
        corrections_added=added_corrections(before, after),
        history_added=len(after.history) - len(before.history) if appended else 0,
        other=other, moved_from=moved_from,
        summary=(after.summary or "") if after.summary != before.summary else None,
        quantities_added=quantities_added, quantities_removed=quantities_removed,
    )


def diff_claims(base: str, commit: str, before: dict[str, Version], after: dict[str, Version]) -> RecordDiff:
    old_ids, new_ids = by_id(before), by_id(after)
    invalid = sorted(rel for rel, v in after.items() if v.claim is None)
    unreadable = {rel.rsplit("/", 1)[-1][: -len(".yaml")] for rel in invalid}
    added = [(rel, v.claim) for cid, (rel, v) in sorted(new_ids.items()) if cid not in old_ids and v.claim is not None]
    removed = [(rel, v.claim) for cid, (rel, v) in sorted(old_ids.items()) if cid not in new_ids and cid not in unreadable and v.claim is not None]
    changed = []
    for cid, (rel, new) in sorted(new_ids.items()):
        if cid not in old_ids:
            continue
        old_rel, old = old_ids[cid]
        if old.claim is None or new.claim is None:
            continue
        if old.claim != new.claim or old_rel != rel:
            changed.append(compare(rel, old.claim, new.claim, old_rel if old_rel != rel else None))
    return RecordDiff(base, commit, added, removed, changed, invalid)


Dismissed = dict[str, tuple[str, list[Dismissal] | None]]  # article folder -> (file, entries or None: not valid)


def diff_dismissals(before: Dismissed, after: Dismissed) -> tuple[list[tuple[str, Dismissal]], list[tuple[str, Dismissal]], list[str]]:
    """(dismissed, taken back, files that are not valid) between two sets of dismissals files.

    Sentences are compared as the rules compare them (whitespace and curly quotes aside);
    a file that is not valid now is listed, and its entries are not compared.
    """
    added: list[tuple[str, Dismissal]] = []
    removed: list[tuple[str, Dismissal]] = []
    invalid = sorted(rel for rel, entries in after.values() if entries is None)
    for folder in sorted(set(before) | set(after)):
        new = after.get(folder, ("", []))[1]
        old = before.get(folder, ("", []))[1] or []
        if new is None:
            continue
        old_keys, new_keys = {normalize(d.sentence) for d in old}, {normalize(d.sentence) for d in new}
        added += [(folder, d) for d in new if normalize(d.sentence) not in old_keys]
        removed += [(folder, d) for d in old if normalize(d.sentence) not in new_keys]
    return added, removed, invalid


def _line(value) -> str:
    if isinstance(value, list):
        return ", ".join(value) if value else "none"
    return word(value.isoformat() if hasattr(value, "isoformat") else value)


def diff_articles(before: dict[str, ArticleVersion], after: dict[str, ArticleVersion]) -> tuple[list, list, list[ArticleChange], list[str]]:
    """(added, removed, changed, article.yaml files not valid now) between two sets of article folders."""
    added = [(f, v.article) for f, v in sorted(after.items()) if f not in before and v.article is not None]
    removed = [(f, v.article) for f, v in sorted(before.items()) if f not in after and v.article is not None]
    invalid = sorted(v.path for v in after.values() if v.article is None)
    changed = []
    for folder, new in sorted(after.items()):
        old = before.get(folder)
        if old is None or old.article is None or new.article is None:
            continue
        fields = [
            (a.name, _line(getattr(old.article, a.name)), _line(getattr(new.article, a.name)))
            for a in attrs.fields(Article)
            if getattr(old.article, a.name) != getattr(new.article, a.name) and a.name != "text"
        ]
        text_changed = old.text != new.text or old.article.text != new.article.text
        if fields or text_changed:
            changed.append(ArticleChange(folder, new.article, fields, text_changed))
    return added, removed, changed, invalid


def diff_against(root: str, base: str | None) -> tuple[RecordDiff, str]:
    """What changed in the claim record under ``root`` between ``base`` (default: see
    :func:`factcheck.provenance.git.default_base`) and the working tree, and the short
    hash of the base commit."""
    repo = Repo.of(root)
    rel = repo.rel(root)
    if base is None:
        label, commit = default_base(repo, rel)
    else:
        label, commit = base, repo.commit(base)
    before = claims_at(repo, commit, [rel])
    diff = diff_claims(label, commit, before, claims_now(repo, [root]))
    dismissed, undismissed, invalid = diff_dismissals(dismissals_at(repo, commit, [rel]), dismissals_now(repo, [root]))
    a_added, a_removed, a_changed, a_invalid = diff_articles(articles_at(repo, commit, [rel]), articles_now(repo, [root]))
    diff = attrs.evolve(
        diff, dismissed=dismissed, undismissed=undismissed, invalid=sorted(diff.invalid + invalid + a_invalid),
        articles_added=a_added, articles_removed=a_removed, articles_changed=a_changed, given=base is not None,
    )
    return diff, repo.short(commit)
