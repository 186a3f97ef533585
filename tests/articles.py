"""A second article in a test tree: the claims tree of ``conftest.make_tree`` with one
more article folder and a claim quoting it."""

from __future__ import annotations

from pathlib import Path

from builders import claim_yaml
from conftest import ARTICLE_YAML, make_tree

from factcheck.model import Kind

NEWER_TEXT = "Emirates orders more jets\n\nThe airline announced Wednesday that Emirates will take 123 of the planes.\n"


def add_article(claims: Path, slug: str, published: str, text: str = NEWER_TEXT, claim_id: str = "planes-ordered") -> Path:
    """A second article folder beside the test article, with one claim quoting it."""
    folder = claims / slug
    folder.mkdir()
    (folder / "article.yaml").write_text(
        ARTICLE_YAML.replace("A Test Article", f"Article {slug}").replace("2024-03-28", published).replace("/article", f"/{slug}"), encoding="utf-8"
    )
    (folder / "article.txt").write_text(text, encoding="utf-8")
    quote = "The airline announced Wednesday that Emirates will take 123 of the planes."
    claim = claim_yaml(id=claim_id, quote=quote, text="Emirates will take 123 of the planes.", claimant="Emirates", kind=Kind.EVENT)
    (folder / f"{claim_id}.yaml").write_text(claim, encoding="utf-8")
    return folder


def two_articles(tmp_path: Path) -> Path:
    claims = make_tree(tmp_path)
    add_article(claims, "emirates-jets-order", "2025-11-19")
    return claims
