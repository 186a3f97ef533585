"""The claimants' pages: one per claimant, a scorecard (every claim of theirs on the site with
its verdict, and the counts by verdict), and an index of them all.

A claim belongs to the claimant its ``claimant`` names in the tree's claimant registry (by
name or alias: :meth:`factcheck.claimants.Registry.lookup`), so aliases share one page; a
tree without a registry gets one page per claimant text. Pages are made from the claims'
rows (no claim file is read) and written through the build's writer, only when their
inputs change.
"""

from __future__ import annotations

from typing import Any

import attrs

from factcheck.model import Claimant, slugged
from factcheck.site.pages import counts, row_view

INDEX = "claimants/index.html"


@attrs.define
class Scorecard:
    """One claimant's page: who, where, and their claims on the site."""

    name: str
    slug: str
    claimant: Claimant | None  # the registry's entry (None: the tree has none)
    items: list[Any] = attrs.field(factory=list)

    @property
    def rel(self) -> str:
        return page_of(self.slug)


def page_of(slug: str) -> str:
    return f"claimants/{slug}.html"


def scorecards(items: list[Any], registry: Any) -> tuple[list[Scorecard], dict[str, str]]:
    """The claimants of the claims on the site, by name; and each claimant text's page slug.

    Slugs are the names slugged (``Vladimir Putin`` → ``vladimir-putin``); names that slug
    alike get ``-2``, ``-3`` … in the order of their names, so a slug never changes with
    the order of the claims.
    """
    cards: dict[str, Scorecard] = {}
    for item in items:
        given = item.row.claimant
        entry = registry.lookup(given) if registry is not None else None
        name = entry.name if entry is not None else given
        card = cards.get(name)
        if card is None:
            card = cards[name] = Scorecard(name, "", entry)
        card.items.append(item)
    taken: set[str] = {"index"}
    for name in sorted(cards):
        base = slugged(name) or "claimant"
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        cards[name].slug = slug
    slugs = {item.row.claimant: card.slug for card in cards.values() for item in card.items}
    return sorted(cards.values(), key=lambda c: (c.name.casefold(), c.name)), slugs


def _digest_of(card: Scorecard) -> list:
    rows = sorted((i.id, i.row.status, i.row.verdict, i.row.text, i.row.claimant, i.published) for i in card.items)
    return [card.name, card.slug, repr(card.claimant), rows]


def write_pages(site: Any, cards: list[Scorecard], digest: Any, link_url: Any) -> None:
    """Each claimant's page and the index, through ``site``'s writer (only what changed is written)."""
    for card in cards:
        key = digest(site.options, _digest_of(card))
        if site.writer.fresh(card.rel, key):
            continue
        listed = sorted(card.items, key=lambda i: (not i.published, i.id))
        entry = card.claimant
        page = site.render(
            "claimant.html",
            card.rel,
            1,
            name=card.name,
            kind=entry.type.value if entry is not None else None,
            url=link_url(entry.url) if entry is not None and entry.url else None,
            wikidata=entry.wikidata if entry is not None else None,
            aliases=list(entry.aliases) if entry is not None else [],
            claims=[row_view(i) for i in listed],
            counts=counts(card.items),
            published=sum(1 for i in card.items if i.published),
        )
        site.writer.put(card.rel, page, key)
    key = digest(site.options, [(c.name, c.slug, repr(c.claimant), sorted((i.row.verdict or "", i.published) for i in c.items)) for c in cards])
    if site.writer.fresh(INDEX, key):
        return
    shown = [
        {"name": c.name, "slug": c.slug, "kind": c.claimant.type.value if c.claimant else None, "counts": counts(c.items), "claims": len(c.items)}
        for c in cards
    ]
    site.writer.put(INDEX, site.render("claimants.html", INDEX, 1, claimants=shown), key)
