"""ClaimReview: the objects the site embeds and `export --format claimreview` writes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sitetrees import published_tree

from factcheck.cli import main
from factcheck.model import Verdict
from factcheck.scales import BEST_RATING, VERDICT_SCALE, WORST_RATING
from factcheck.site import build

CONTEXT_FILE = Path(__file__).parent / "data" / "schemaorg-context.jsonld"
SCHEMA = "http://schema.org/"

# Google's ClaimReview structured data: required and recommended properties.
REQUIRED = {"claimReviewed", "reviewRating", "url"}
RECOMMENDED = {"author", "datePublished", "itemReviewed"}
RATING_REQUIRED = {"alternateName"}
RATING_RECOMMENDED = {"ratingValue", "bestRating", "worstRating"}
CLAIM_RECOMMENDED = {"author", "datePublished", "appearance"}


def _export(capsys, claims: Path, *extra: str) -> tuple[int, dict, str]:
    code = main(["export", "--root", str(claims), "--format", "claimreview", *extra])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def _loader(url, options=None):
    """A pyld document loader that knows only the vendored schema.org context: nothing is fetched."""
    if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
        return {"contextUrl": None, "documentUrl": url, "document": json.loads(CONTEXT_FILE.read_text())}
    raise AssertionError(f"the test tried to fetch {url}")


def test_export_has_required_and_recommended_properties(tmp_path, capsys):
    code, doc, err = _export(capsys, published_tree(tmp_path), "--base-url", "https://checks.example.org/site")
    assert code == 0
    assert doc["@context"] == "https://schema.org"
    reviews = {r["url"]: r for r in doc["@graph"]}
    assert sorted(reviews) == [  # published claims only: the draft is not reviewed
        "https://checks.example.org/site/claims/bridges-repaired.html",
        "https://checks.example.org/site/claims/support-rose.html",
    ]
    for review in reviews.values():
        assert review["@type"] == "ClaimReview"
        assert REQUIRED <= set(review) and RECOMMENDED <= set(review)
        assert RATING_REQUIRED | RATING_RECOMMENDED <= set(review["reviewRating"])
        assert CLAIM_RECOMMENDED <= set(review["itemReviewed"])
        assert review["itemReviewed"]["@type"] == "Claim"
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", review["datePublished"])
    rose = reviews["https://checks.example.org/site/claims/support-rose.html"]
    assert rose["claimReviewed"] == "Support for the plan rose from 57% in 2017 to 68% in 2021."
    assert rose["datePublished"] == "2024-04-02"  # when it was first published, from the history
    assert rose["reviewRating"] == {"@type": "Rating", "ratingValue": 5, "bestRating": 6, "worstRating": 1, "alternateName": "Mostly accurate"}
    assert rose["itemReviewed"]["author"] == {"@type": "Person", "name": "City survey"}
    assert rose["itemReviewed"]["datePublished"] == "2024-03-28"
    assert rose["itemReviewed"]["appearance"]["url"] == "https://example.org/article"
    assert rose["author"] == {"@type": "Organization", "name": "factcheck", "url": "https://checks.example.org/site/"}  # no organization_url: the base URL
    assert err == ""  # both claims are under 75 characters, and a base URL was given


def test_expands_as_json_ld_with_nothing_dropped(tmp_path, capsys):
    pyld = pytest.importorskip("pyld.jsonld", reason="PyLD is not installed (pip install -e '.[test]')")
    _, doc, _ = _export(capsys, published_tree(tmp_path), "--base-url", "https://checks.example.org/")
    expanded = pyld.expand(doc, {"documentLoader": _loader})
    assert len(expanded) == 2

    def keys(node: dict) -> int:  # properties of a compact node, nested nodes included
        return sum(1 + (keys(v) if isinstance(v, dict) else 0) for k, v in node.items() if not k.startswith("@"))

    def expanded_keys(node: dict) -> int:  # properties of an expanded node, all schema.org IRIs
        count = 0
        for k, values in node.items():
            if not k.startswith("@"):
                assert k.startswith(SCHEMA), k
                count += 1 + sum(expanded_keys(v) for v in values if "@value" not in v)
        return count

    def by_url(nodes: list[dict]) -> list[dict]:
        return sorted(nodes, key=lambda n: n[SCHEMA + "url"][0]["@id"])

    for compact, full in zip(sorted(doc["@graph"], key=lambda r: r["url"]), by_url(expanded), strict=True):
        assert full["@type"] == [SCHEMA + "ClaimReview"]
        assert expanded_keys(full) == keys(compact), "a property was dropped in expansion (not a schema.org term?)"
        rating = full[SCHEMA + "reviewRating"][0]
        assert rating[SCHEMA + "alternateName"][0]["@value"] in {g.label for g in VERDICT_SCALE.values()}
        assert full[SCHEMA + "itemReviewed"][0]["@type"] == [SCHEMA + "Claim"]
    # the check can fail: a misspelt property is dropped by expansion, and counted missing
    broken = json.loads(json.dumps(doc))
    broken["@graph"][0]["claimReview"] = broken["@graph"][0].pop("claimReviewed")
    compact = sorted(broken["@graph"], key=lambda r: r["url"])
    full = by_url(pyld.expand(broken, {"documentLoader": _loader}))
    assert [expanded_keys(f) for f in full] != [keys(c) for c in compact]


def test_long_claim_warns_and_is_not_cut(tmp_path, capsys):
    claims = published_tree(tmp_path)
    path = claims / "test-article" / "bridges-repaired.yaml"
    long_text = "The mayor said 24 bridges were repaired in 2023, more than in any year since the city began keeping records."
    path.write_text(path.read_text().replace('"The mayor said 24 bridges were repaired in 2023."', f'"{long_text}"'))
    code, doc, err = _export(capsys, claims, "--base-url", "https://checks.example.org/")
    assert code == 0
    assert long_text in [r["claimReviewed"] for r in doc["@graph"]]
    assert f"bridges-repaired.yaml:1:1: warning [claim-reviewed-long] claimReviewed (the claim's text) is {len(long_text)} characters" in err


def test_rating_scale_in_the_model():
    rated = [g.rating for g in VERDICT_SCALE.values() if g.rating is not None]
    assert sorted(rated) == list(range(WORST_RATING, BEST_RATING + 1))  # one step per grade, no gaps
    assert VERDICT_SCALE[Verdict.ACCURATE].rating == BEST_RATING
    assert VERDICT_SCALE[Verdict.INACCURATE].rating == WORST_RATING
    assert VERDICT_SCALE[Verdict.UNPROVEN].rating is None
    assert set(VERDICT_SCALE) == set(Verdict)


def test_page_embeds_the_same_review_as_export(tmp_path, capsys):
    claims = published_tree(tmp_path)
    _, doc, _ = _export(capsys, claims, "--base-url", "https://checks.example.org/")
    build(str(claims), str(tmp_path / "out"), base_url="https://checks.example.org/")
    html = (tmp_path / "out" / "claims" / "support-rose.html").read_text()
    embedded = json.loads(re.search(r'<script type="application/ld\+json">\s*(.*?)\s*</script>', html, re.S).group(1))
    exported = next(r for r in doc["@graph"] if r["url"].endswith("support-rose.html"))
    assert embedded == {"@context": "https://schema.org", **exported}
    build(str(claims), str(tmp_path / "drafts"), base_url="https://checks.example.org/", drafts=True)
    assert "application/ld+json" not in (tmp_path / "drafts" / "claims" / "critics-disagree.html").read_text()
