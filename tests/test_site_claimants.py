"""Claimants on the site and in ClaimReview: typed from the registry, a scorecard page each,
read back with the clients others use (extruct, as a crawler reads JSON-LD; PyLD against
the schema.org vocabulary)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sitetrees import published_tree
from test_claimreview import SCHEMA, _export, _loader

from factcheck.site import build

REGISTRY = """\
claimants:
  - name: The mayor
    type: person
    wikidata: Q42
    url: https://example.org/mayor
  - name: City survey
    type: organization
    aliases:
      - The city's annual survey
  - name: Test Article
    type: organization
"""
BASE = "https://checks.example.org/"


def registry_tree(tmp_path: Path, registry: str = REGISTRY) -> Path:
    claims = published_tree(tmp_path)
    (claims / "claimants.yaml").write_text(registry, encoding="utf-8")
    return claims


def test_claimreview_types_the_claimant_from_the_registry(tmp_path, capsys):
    code, doc, err = _export(capsys, registry_tree(tmp_path), "--base-url", BASE)
    assert code == 0 and err == ""
    authors = {r["url"].rsplit("/", 1)[1]: r["itemReviewed"]["author"] for r in doc["@graph"]}
    assert authors == {
        "bridges-repaired.html": {"@type": "Person", "name": "The mayor", "sameAs": "https://www.wikidata.org/wiki/Q42", "url": "https://example.org/mayor"},
        "support-rose.html": {"@type": "Organization", "name": "City survey"},
    }
    pyld = pytest.importorskip("pyld.jsonld", reason="PyLD is not installed (pip install -e '.[test]')")
    for node in pyld.expand(doc, {"documentLoader": _loader}):
        author = node[SCHEMA + "itemReviewed"][0][SCHEMA + "author"][0]
        assert author["@type"][0] in (SCHEMA + "Person", SCHEMA + "Organization")
        assert set(author) <= {"@type", SCHEMA + "name", SCHEMA + "sameAs", SCHEMA + "url"}  # every property a schema.org term
        if SCHEMA + "sameAs" in author:
            assert author[SCHEMA + "sameAs"] == [{"@id": "https://www.wikidata.org/wiki/Q42"}]


def test_an_alias_is_published_under_the_registered_name(tmp_path, capsys):
    claims = registry_tree(tmp_path)
    rose = claims / "test-article" / "support-rose.yaml"
    rose.write_text(rose.read_text().replace('claimant: "City survey"', "claimant: \"The city's annual survey\""), encoding="utf-8")
    _, doc, _ = _export(capsys, claims, "--base-url", BASE)
    assert {r["itemReviewed"]["author"]["name"] for r in doc["@graph"]} == {"The mayor", "City survey"}


def test_organization_url_defaults_to_the_base_url_and_build_warns_without_either(tmp_path, capsys):
    claims = registry_tree(tmp_path)
    result = build(str(claims), str(tmp_path / "none"))
    assert [p.message for p in result.problems if p.code == "no-organization-url"] == [
        "the organization that authors each ClaimReview has no url: set organization_url (or base_url) in the config, or pass --base-url"
    ]
    code, doc, err = _export(capsys, claims)
    assert "warning [no-organization-url]" in err and "url" not in doc["@graph"][0]["author"]
    result = build(str(claims), str(tmp_path / "based"), base_url=BASE)
    assert not [p for p in result.problems if p.code == "no-organization-url"]
    (tmp_path / "factcheck.toml").write_text('organization = "Example Checks"\norganization_url = "https://example.org/about"\n', encoding="utf-8")
    _, doc, err = _export(capsys, claims, "--base-url", BASE)
    assert doc["@graph"][0]["author"] == {"@type": "Organization", "name": "Example Checks", "url": "https://example.org/about"}
    assert "no-organization-url" not in err


def test_a_crawler_reads_the_typed_claimant_from_each_page(tmp_path):
    extruct = pytest.importorskip("extruct", reason="extruct is not installed (pip install -e '.[test]')")
    claims = registry_tree(tmp_path)
    out = tmp_path / "out"
    build(str(claims), str(out), base_url=BASE)
    found = {}
    for page in sorted((out / "claims").glob("*.html")):
        data = extruct.extract(page.read_text(encoding="utf-8"), base_url=BASE + "claims/" + page.name, syntaxes=["json-ld"])
        for item in data["json-ld"]:
            assert item["@type"] == "ClaimReview" and item["author"]["url"] == BASE
            found[page.name] = item["itemReviewed"]["author"]
    assert found == {
        "bridges-repaired.html": {"@type": "Person", "name": "The mayor", "sameAs": "https://www.wikidata.org/wiki/Q42", "url": "https://example.org/mayor"},
        "support-rose.html": {"@type": "Organization", "name": "City survey"},
    }


def test_each_claimant_has_a_scorecard_linked_from_its_claims_and_the_index(tmp_path):
    claims = registry_tree(tmp_path)
    out = tmp_path / "out"
    build(str(claims), str(out), base_url=BASE, drafts=True)
    mayor = (out / "claimants" / "the-mayor.html").read_text()
    assert "<h1>The mayor</h1>" in mayor and "A person · 1 published fact-check" in mayor
    assert '<a href="https://www.wikidata.org/wiki/Q42" rel="nofollow">Wikidata Q42</a>' in mayor
    assert '<a href="../claims/bridges-repaired.html">' in mayor
    assert "<li><span class=\"badge v-inaccurate\">Inaccurate</span> 1</li>" in mayor  # the scorecard: counts by verdict
    index = (out / "claimants" / "index.html").read_text()
    assert [m for m in re.findall(r'<a href="([a-z0-9-]+\.html)">', index)] == ["city-survey.html", "test-article.html", "the-mayor.html"]
    draft = (out / "claimants" / "test-article.html").read_text()
    assert "0 published fact-checks" in draft and "Drafts</span> 1" in draft
    claim = (out / "claims" / "bridges-repaired.html").read_text()
    assert 'Claimed by <strong><a href="../claimants/the-mayor.html">The mayor</a></strong>' in claim
    assert '<a href="../claimants/index.html">Claimants</a>' in claim
    manifest = json.loads((out / ".factcheck-site.json").read_text())
    assert "claimants/the-mayor.html" in json.dumps(manifest)


def test_a_claimants_page_follows_the_registry_and_goes_when_its_claims_go(tmp_path):
    claims = registry_tree(tmp_path)
    out = tmp_path / "out"
    build(str(claims), str(out), base_url=BASE)
    (claims / "claimants.yaml").write_text(REGISTRY.replace("type: organization\n    aliases", "type: person\n    aliases"), encoding="utf-8")
    result = build(str(claims), str(out), base_url=BASE)
    assert "A person" in (out / "claimants" / "city-survey.html").read_text()
    assert "claimants/city-survey.html" in result.written
    rose = claims / "test-article" / "support-rose.yaml"
    rose.unlink()
    result = build(str(claims), str(out), base_url=BASE)
    assert "claimants/city-survey.html" in result.removed and not (out / "claimants" / "city-survey.html").exists()


def test_without_a_registry_each_claimant_text_gets_a_page(tmp_path):
    claims = published_tree(tmp_path)
    out = tmp_path / "out"
    build(str(claims), str(out), base_url=BASE)
    assert sorted(p.name for p in (out / "claimants").iterdir()) == ["city-survey.html", "index.html", "the-mayor.html"]
    assert "A claimant ·" in (out / "claimants" / "the-mayor.html").read_text()
