"""factcheck build: the pages, what they show, and that only changed pages are written."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from sitetrees import hostile_tree, published_tree

from factcheck.cli import main
from factcheck.model import Stance, Status
from factcheck.scales import STANCE_MEANING, STATUS_MEANING, VERDICT_SCALE
from factcheck.site import build
from factcheck.site.pages import Mark, link_url, marked_paragraphs


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_pages_of_a_published_tree(tmp_path):
    claims = published_tree(tmp_path)
    out = tmp_path / "out"
    result = build(str(claims), str(out), base_url="https://checks.example.org/")
    assert sorted(_files(out)) == [
        ".factcheck-site.json", "articles/test-article.html", "claimants/city-survey.html", "claimants/index.html", "claimants/the-mayor.html",
        "claims/bridges-repaired.html", "claims/support-rose.html", "corrections.html", "feed.xml", "index.html", "methodology.html", "style.css",
    ]  # the draft has no page, and its claimant none
    assert result.pages == 11 and len(result.written) == 11
    assert json.loads((out / ".factcheck-site.json").read_text())["files"] == sorted(result.written)  # what the build owns
    home = (out / "index.html").read_text()
    assert 'href="articles/test-article.html">A Test Article</a>' in home
    assert "critics-disagree" not in home
    article = (out / "articles" / "test-article.html").read_text()
    assert len(re.findall(r'<a class="mark ', article)) == 2
    assert '<a class="mark v-inaccurate" id="mark-bridges-repaired" href="../claims/bridges-repaired.html"' in article
    assert '<span class="label">Inaccurate</span>' in article
    claim = (out / "claims" / "support-rose.html").read_text()
    # the correction comes before the quote, the summary and the sources
    assert claim.index("Corrected") < claim.index("<blockquote>") < claim.index("What we found") < claim.index("Sources (1)")
    assert "The claim is correct in substance but needs a clarification" in claim  # the scale's definition
    assert '<a href="https://web.archive.org/web/2024/https://example.org/survey" rel="external nofollow">archived copy</a>' in claim
    assert "Support for the plan rose from 57 percent in 2017 to 68 percent in 2021" in claim
    assert "Status: New → In review" in claim and "bo</span>: Status: In review → Published" in claim and "bob</span>: Correction recorded" in claim
    corrections = (out / "corrections.html").read_text()
    assert "5 April 2024" in corrections and "The 2017 figure is from a different poll." in corrections
    feed = (out / "feed.xml").read_text()
    assert feed.count("<entry>") == 2 and "<id>https://checks.example.org/claims/support-rose.html</id>" in feed
    assert "<updated>2024-04-05T10:00:00Z</updated>" in feed  # from the records, never the clock


def test_methodology_reads_the_model(tmp_path):
    out = tmp_path / "out"
    build(str(published_tree(tmp_path)), str(out))
    page = (out / "methodology.html").read_text()
    for grade in [*VERDICT_SCALE.values(), *STATUS_MEANING.values(), *STANCE_MEANING.values()]:
        assert grade.label in page and grade.definition in page
    assert '<tr id="verdict-accurate"><th scope="row"><span class="badge v-accurate">Accurate</span></th>' in page
    assert "<td>6</td>" in page and "<td>none</td>" in page  # the rating values, unproven has none
    assert "<code>excerpt</code>" in page and "<code>archive_url</code> (when there is one)" in page
    assert set(STATUS_MEANING) == set(Status) and set(STANCE_MEANING) == set(Stance)


def test_deterministic_and_incremental(tmp_path):
    claims = published_tree(tmp_path)
    one, two = tmp_path / "one", tmp_path / "two"
    build(str(claims), str(one))
    build(str(claims), str(two))
    assert _files(one) == _files(two)
    again = build(str(claims), str(one))
    assert again.written == [] and again.rendered == 3  # home, methodology and feed are cheap; the rest are known
    stamps = {p: os.stat(one / p).st_mtime_ns for p in _files(one)}
    path = claims / "test-article" / "support-rose.yaml"
    path.write_text(path.read_text().replace("earlier poll.", "earlier poll by another firm."))
    changed = build(str(claims), str(one))
    assert changed.written == ["claims/support-rose.html", "feed.xml"]  # the feed carries the summary
    assert "earlier poll by another firm." in (one / "claims" / "support-rose.html").read_text()
    for page, stamp in stamps.items():
        if page not in changed.written:
            assert os.stat(one / page).st_mtime_ns == stamp, f"{page} was written again"
    # a page edited by hand is put right, even though its inputs did not change
    (one / "claims" / "bridges-repaired.html").write_text("tampered")
    assert build(str(claims), str(one)).written == ["claims/bridges-repaired.html"]
    # a claim taken out of publication loses its page
    path.write_text(path.read_text().replace("status: published", "status: in-review").replace("after: published", "after: in-review"))
    result = build(str(claims), str(one))
    assert result.removed == ["claimants/city-survey.html", "claims/support-rose.html"]  # its claimant had no other claim on the site
    assert not (one / "claims" / "support-rose.html").exists()


def test_drafts_are_marked(tmp_path):
    out = tmp_path / "out"
    build(str(published_tree(tmp_path)), str(out), drafts=True)
    draft = (out / "claims" / "critics-disagree.html").read_text()
    assert "Draft — not published." in draft and '<meta name="robots" content="noindex">' in draft
    article = (out / "articles" / "test-article.html").read_text()
    assert len(re.findall(r'<a class="mark ', article)) == 3
    assert '<span class="label">Draft (researching): No verdict yet</span>' in article
    assert "Draft build." in (out / "index.html").read_text()
    assert (out / "feed.xml").read_text().count("<entry>") == 2  # the feed has published claims only


def test_hostile_text_is_inert(tmp_path):
    out = tmp_path / "out"
    result = build(str(hostile_tree(tmp_path)), str(out))
    assert any(p.code == "config" and "organization_url" in p.message for p in result.problems)
    for name, data in _files(out).items():
        text = data.decode()
        assert "<script>" not in text and "<img" not in text and "<iframe" not in text and "<svg" not in text, name
        assert 'href="javascript:' not in text.lower(), name
        scripts = re.findall(r"<script[^>]*>(.*?)</script>", text, re.S)
        assert all("<" not in s for s in scripts), name
    claim = (out / "claims" / "hostile.html").read_text()
    assert "&lt;/script&gt;&lt;script&gt;window.pwned = &#39;text&#39;&lt;/script&gt;" in claim
    assert 'href="https://example.org/x?a=&lt;script&gt;"' in claim  # an http URL stays a link, escaped


def test_only_http_urls_become_links():
    assert link_url("https://example.org/a") == "https://example.org/a"
    for bad in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "//evil.example/", "https:// x", "http://a/\nb", None, 7):
        assert link_url(bad) is None, bad


def test_overlapping_quotes_keep_one_mark_each():
    text = "First paragraph here.\n\nThe quick brown fox jumps over the lazy dog."
    marks = [
        (23, 42, Mark("a", "accurate", "Accurate", "A", False)),
        (27, 66, Mark("b", "mixed", "Mixed", "B", False)),
        (0, 5, Mark("c", "inaccurate", "Inaccurate", "C", False)),
    ]
    paragraphs = marked_paragraphs(text, marks)
    assert [[(p["text"], [m.id for m in p["marks"]] if p["marks"] else None) for p in para] for para in paragraphs] == [
        [("First", ["c"]), (" paragraph here.", None)],
        [("The quick brown fox jumps over the lazy dog", ["a", "b"]), (".", None)],
    ]


def test_cli_build(tmp_path, capsys):
    claims = published_tree(tmp_path)
    code = main(["build", str(claims), "--out", str(tmp_path / "site"), "--base-url", "https://checks.example.org/", "--repo-url", "https://github.com/o/r/blob/main"])
    out, err = capsys.readouterr()
    assert code == 0
    assert out.strip().endswith("site: 11 pages, 11 written, 0 removed")
    assert err == ""
    claim = (tmp_path / "site" / "claims" / "support-rose.html").read_text()
    assert '<link rel="canonical" href="https://checks.example.org/claims/support-rose.html">' in claim
    assert main(["build", str(claims), "--out", str(tmp_path / "site"), "--base-url", "javascript:alert(1)"]) == 2
    assert main(["build", str(claims), "--out", str(claims / "test-article")]) == 2  # never into the claims tree
    capsys.readouterr()


def test_repo_link_and_config(tmp_path, capsys):
    claims = published_tree(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.factcheck]\norganization = "Example Checks"\nrepo_url = "https://github.com/o/r/blob/main"\n')
    out = tmp_path / "site"
    build(str(claims), str(out))
    claim = (out / "claims" / "support-rose.html").read_text()
    assert 'href="https://github.com/o/r/blob/main/claims/test-article/support-rose.yaml"' in claim
    assert "Fact-checks by Example Checks." in claim
    (tmp_path / "factcheck.toml").write_text('organisation = "typo"\n')
    result = build(str(claims), str(out))
    assert [p.message for p in result.problems if p.code == "config"] == ["unknown key 'organisation' (did you mean 'organization'?)"]


def test_a_source_dated_after_the_article_is_marked_on_the_claim_page(tmp_path):
    from conftest import make_tree
    from sitetrees import BRIDGES_PUBLISHED, PUBLISHED_YAML

    later = BRIDGES_PUBLISHED.replace("published: 2024-01-15", "published: 2024-04-01")
    claims = make_tree(tmp_path, {"bridges-repaired": later, "support-rose": PUBLISHED_YAML})
    out = tmp_path / "out"
    build(str(claims), str(out), base_url="https://checks.example.org/")
    assert "(after the article)" in (out / "claims" / "bridges-repaired.html").read_text()
    assert "(after the article)" not in (out / "claims" / "support-rose.html").read_text()


def test_claim_page_shows_its_quantities(tmp_path):
    from conftest import QUANTITIES_BLOCK, make_tree
    from sitetrees import BRIDGES_PUBLISHED, PUBLISHED_YAML

    block = QUANTITIES_BLOCK.replace("support for the plan", "support <b>for</b> the plan")
    with_quantities = PUBLISHED_YAML.replace("\nsources:\n", "\n" + block + "sources:\n", 1)
    assert with_quantities != PUBLISHED_YAML
    claims = make_tree(tmp_path, {"bridges-repaired": BRIDGES_PUBLISHED, "support-rose": with_quantities})
    out = tmp_path / "out"
    build(str(claims), str(out), base_url="https://checks.example.org/")
    claim = (out / "claims" / "support-rose.html").read_text()
    assert (
        '<ul class="quantities">\n'
        "<li><strong>57 percent</strong> (as of 2017), support &lt;b&gt;for&lt;/b&gt; the plan: “57 percent”</li>\n"
        "<li><strong>68 percent</strong> (as of 2021-12-01): “68 percent”</li>\n</ul>"
    ) in claim
    assert claim.index("<blockquote>") < claim.index("The numbers in the claim") < claim.index("What we found")
    assert "The numbers in the claim" not in (out / "claims" / "bridges-repaired.html").read_text()
