"""The record diff for a reader: Markdown (a pull request's job summary) and JSON (bots)."""

from __future__ import annotations

import json

from factcheck.convert import unstructure
from factcheck.model import Article, Claim, Correction, Dismissal, Quantity, Source
from factcheck.present import plural
from factcheck.provenance.diff import ArticleChange, ClaimChange, RecordDiff
from factcheck.textsafe import escape_line


def render(diff: RecordDiff, short: str, fmt: str = "markdown") -> str:
    """``diff`` as ``fmt`` (markdown or json); ``short`` names the base commit."""
    if fmt == "json":
        return json.dumps(diff_json(diff), indent=2, ensure_ascii=False) + "\n"
    return diff_markdown(diff, short)


def _md(text: str) -> str:
    """Text safe inside Markdown (no accidental emphasis, links or HTML, no control characters)."""
    for ch in "\\`*_[]<>|":
        text = text.replace(ch, "\\" + ch)
    return escape_line(" ".join(text.split()))


def _code_md(text: str) -> str:
    """A file name as a Markdown code span: control characters escaped, backticks kept out."""
    return "`" + escape_line(text).replace("`", "'") + "`"


def _source_md(source: Source) -> str:
    url = source.url.replace("<", "%3C").replace(">", "%3E")
    return f"{source.stance.value}: [{_md(source.title)}](<{escape_line(url)}>), {_md(source.publisher)}"


def _correction_md(correction: Correction) -> str:
    return f"correction ({correction.date.isoformat()}): {_md(correction.change)}. Reason: {_md(correction.reason)}"


def _quantity_md(quantity: Quantity) -> str:
    from factcheck.present import quantity_line

    return _md(quantity_line(quantity))


def _change_md(change: ClaimChange) -> list[str]:
    lines = [f"- `{change.id}`"]
    if change.moved_from:
        lines.append(f"  - moved from {_code_md(change.moved_from)}")
    for name in ("status", "verdict"):
        pair = getattr(change, name)
        if pair:
            lines.append(f"  - {name}: {pair[0]} → {pair[1]}")
    lines += [f"  - source added, {_source_md(s)}" for s in change.sources_added]
    lines += [f"  - source removed, {_source_md(s)}" for s in change.sources_removed]
    lines += [f"  - {_correction_md(c)}" for c in change.corrections_added]
    lines += [f"  - quantity added: {_quantity_md(q)}" for q in change.quantities_added]
    lines += [f"  - quantity removed: {_quantity_md(q)}" for q in change.quantities_removed]
    if change.summary is not None:
        lines.append(f"  - summary now: {_md(change.summary)}" if change.summary else "  - summary removed")
    if change.other:
        lines.append("  - also changed: " + ", ".join(f"`{name}`" for name in change.other))
    if change.history_added:
        lines.append(f"  - {plural(change.history_added, 'history entry', 'history entries')} added")
    return lines


def _claim_md(claim: Claim, sources: bool = False) -> list[str]:
    verdict = f", {claim.verdict.value}" if claim.verdict else ""
    lines = [f"- `{claim.id}` ({claim.status.value}{verdict}): {_md(claim.text)}"]
    if sources:
        lines += [f"  - quantity: {_quantity_md(q)}" for q in claim.quantities]
        lines += [f"  - source, {_source_md(s)}" for s in claim.sources]
    return lines


def base_words(diff: RecordDiff, short: str) -> str:
    """The base as the header names it, once: a revision given as it was typed (with its
    commit when that says more), a chosen one by how it was chosen."""
    if not diff.given:
        return f"{_md(diff.base)} (`{short}`)"
    typed = _code_md(diff.base)
    same = diff.base == short or (len(diff.base) >= 4 and diff.commit.startswith(diff.base.lower()))
    return f"`{short}`" if same else f"{typed} (`{short}`)"


#: What an empty diff says next: how to compare with another base.
GIVE_A_BASE = "To compare with another revision, name it: factcheck diff REV (e.g. factcheck diff HEAD~1, or factcheck diff origin/main)."


def _article_md(folder: str, article: Article) -> list[str]:
    lines = [f"- {_code_md(folder)}: {_md(article.title)}, {_md(article.publisher)}, {article.published.isoformat()}"]
    return lines + [f"  - <{escape_line(article.url.replace('<', '%3C').replace('>', '%3E'))}>"]


def _article_change_md(change: ArticleChange) -> list[str]:
    lines = [f"- {_code_md(change.folder)}: {_md(change.article.title)}"]
    lines += [f"  - {name}: {_md(before)} → {_md(after)}" for name, before, after in change.fields]
    if change.text_changed:
        lines.append(f"  - text changed ({_code_md(change.article.text)})")
    return lines


def diff_markdown(diff: RecordDiff, short: str) -> str:
    if diff.empty():
        return f"No changes to the claim record since {base_words(diff, short)}.\n{GIVE_A_BASE}\n"
    n = diff.counts()
    articles = diff.articles_added or diff.articles_removed or diff.articles_changed
    lines = [
        f"## Claim record changes since {base_words(diff, short)}",
        "",
        f"**Claims:** {n['claims_added']} added, {n['claims_removed']} removed, {n['claims_changed']} changed · "
        f"**Sources:** {n['sources_added']} added, {n['sources_removed']} removed · "
        f"**Corrections:** {n['corrections_added']} added"
        + (f" · **Dismissed sentences:** {n['dismissals_added']} added, {n['dismissals_removed']} taken back" if diff.dismissed or diff.undismissed else "")
        + (f" · **Articles:** {n['articles_added']} added, {n['articles_removed']} removed, {n['articles_changed']} changed" if articles else ""),
    ]
    sections = [
        ("New articles", [line for folder, a in diff.articles_added for line in _article_md(folder, a)]),
        ("Removed articles", [line for folder, a in diff.articles_removed for line in _article_md(folder, a)]),
        ("Changed articles", [line for change in diff.articles_changed for line in _article_change_md(change)]),
        ("New claims", [line for _, c in diff.added for line in _claim_md(c, sources=True)]),
        ("Removed claims", [line for _, c in diff.removed for line in _claim_md(c)]),
        ("Changed claims", [line for change in diff.changed for line in _change_md(change)]),
        ("Sentences dismissed (not worth a claim)", [_dismissal_md(folder, d) for folder, d in diff.dismissed]),
        ("Dismissals taken back", [_dismissal_md(folder, d) for folder, d in diff.undismissed]),
        ("Files that are not valid (run `factcheck validate`)", [f"- {_code_md(rel)}" for rel in diff.invalid]),
    ]
    for title, items in sections:
        if items:
            lines += ["", f"### {title}", "", *items]
    return "\n".join(lines) + "\n"


def _dismissal_md(folder: str, dismissal: Dismissal) -> str:
    reason = f" Reason: {_md(dismissal.reason)}" if dismissal.reason else ""
    return f"- {_code_md(folder)}: \"{_md(dismissal.sentence)}\" (by {_md(dismissal.by)}).{reason}"


def _plain(value):
    return json.loads(json.dumps(unstructure(value), default=lambda d: d.isoformat()))


def _pair_json(pair: tuple[str, str] | None) -> dict | None:
    return {"before": pair[0], "after": pair[1]} if pair else None


def _claim_json(rel: str, claim: Claim) -> dict:
    return {"id": claim.id, "path": rel, "status": claim.status.value, "verdict": claim.verdict.value if claim.verdict else None, "text": claim.text}


def diff_json(diff: RecordDiff) -> dict:
    return {
        "base": diff.base,
        "commit": diff.commit,
        "counts": diff.counts(),
        "added": [{**_claim_json(rel, c), "quantities": _plain(c.quantities), "sources": _plain(c.sources)} for rel, c in diff.added],
        "removed": [_claim_json(rel, c) for rel, c in diff.removed],
        "changed": [
            {
                "id": c.id, "path": c.path, "moved_from": c.moved_from,
                "status": _pair_json(c.status), "verdict": _pair_json(c.verdict),
                "sources_added": _plain(c.sources_added), "sources_removed": _plain(c.sources_removed),
                "corrections_added": _plain(c.corrections_added),
                "quantities_added": _plain(c.quantities_added), "quantities_removed": _plain(c.quantities_removed),
                "history_added": c.history_added, "other_fields": c.other, "summary": c.summary,
            }
            for c in diff.changed
        ],
        "invalid": diff.invalid,
        "dismissed": [{"folder": folder, **_plain(d)} for folder, d in diff.dismissed],
        "undismissed": [{"folder": folder, **_plain(d)} for folder, d in diff.undismissed],
        "articles_added": [{"folder": folder, **_plain(a)} for folder, a in diff.articles_added],
        "articles_removed": [{"folder": folder, **_plain(a)} for folder, a in diff.articles_removed],
        "articles_changed": [
            {"folder": c.folder, "title": c.article.title, "url": c.article.url, "text_changed": c.text_changed,
             "fields": [{"field": name, "before": before, "after": after} for name, before, after in c.fields]}
            for c in diff.articles_changed
        ],
    }
