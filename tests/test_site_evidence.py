"""The kept copies on the site: each snapshot's WARC file and its text, linked from the claim page."""

from __future__ import annotations

import json
from pathlib import Path

from sitetrees import DRAFT_YAML, keep_snapshot, snapshot_tree

from factcheck.site import build


def test_a_snapshot_is_published_with_its_text_and_linked_with_its_date(tmp_path):
    claims, sha = snapshot_tree(tmp_path)
    out = tmp_path / "out"
    result = build(str(claims), str(out))
    assert (out / "evidence" / f"{sha}.warc.gz").read_bytes() == (tmp_path / "evidence" / f"{sha}.warc.gz").read_bytes()
    assert {f"evidence/{sha}.warc.gz", f"evidence/{sha}.html"} <= set(json.loads((out / ".factcheck-site.json").read_text())["files"])
    assert result.left_out == []
    claim = (out / "claims" / "support-rose.html").read_text()
    assert (
        f' · kept copy of <time datetime="2026-12-01T10:00:00Z">1 December 2026</time>: <a href="../evidence/{sha}.html">text</a>, '
        f'<a href="../evidence/{sha}.warc.gz" type="application/warc" download>WARC</a></p>'
    ) in claim
    text = (out / "evidence" / f"{sha}.html").read_text()
    assert "68 percent support the plan" in text
    assert 'as we kept it on <time datetime="2026-12-01T10:00:00Z">2026-12-01 10:00 UTC</time>, HTTP 200' in text
    assert f'<a href="{sha}.warc.gz" type="application/warc" download>WARC file</a>' in text
    assert "<script>" not in text and "pwned" not in text  # the extractor keeps the main text only


def test_the_text_of_a_kept_copy_is_text_never_markup(tmp_path):
    hostile = "68 percent support the plan. <script>window.pwned = 1</script> <img src=x onerror=alert(1)> \u202eevil \x1b[31mred\n"
    claims, sha = snapshot_tree(tmp_path, hostile, "text/plain")
    build(str(claims), str(tmp_path / "out"))
    text = (tmp_path / "out" / "evidence" / f"{sha}.html").read_text()
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt; \\u202eevil \\x1b[31mred" in text
    assert "<script>" not in text and "<img" not in text and "\u202e" not in text and "\x1b" not in text


def test_a_second_build_writes_nothing_and_an_unpublished_copy_is_removed(tmp_path):
    claims, sha = snapshot_tree(tmp_path)
    out = tmp_path / "out"
    build(str(claims), str(out))
    assert build(str(claims), str(out)).written == []
    path = claims / "test-article" / "support-rose.yaml"
    path.write_text(path.read_text().replace("status: published", "status: in-review", 1))
    result = build(str(claims), str(out))
    assert sorted(r for r in result.removed if r.startswith("evidence/")) == [f"evidence/{sha}.html", f"evidence/{sha}.warc.gz"]
    assert list((out / "evidence").iterdir()) == []


def test_a_draft_snapshot_goes_out_only_with_drafts(tmp_path):
    sha, block = keep_snapshot(tmp_path, "https://example.org/draft", "<html><body><p>" + "A draft's page text. " * 20 + "</p></body></html>")
    draft = DRAFT_YAML.replace("sources: []\n", (
        "sources:\n  - url: https://example.org/draft\n    title: \"A page\"\n    publisher: \"Someone\"\n    published: null\n"
        "    accessed: 2024-04-02\n    excerpt: \"A draft's page text.\"\n    stance: context\n" + block
    ))
    from conftest import make_tree

    claims = make_tree(tmp_path, {"critics-disagree": draft})
    build(str(claims), str(tmp_path / "out"))
    assert not (tmp_path / "out" / "evidence").exists()  # made only by a build that publishes a copy
    build(str(claims), str(tmp_path / "drafts"), drafts=True)
    assert (tmp_path / "drafts" / "evidence" / f"{sha}.warc.gz").exists()


def test_a_snapshot_changed_after_validate_stops_the_build(tmp_path, monkeypatch):
    import importlib

    import pytest

    build_module = importlib.import_module("factcheck.site.evidence")  # where the build reads the kept bytes
    from factcheck.site.output import BuildError

    claims, sha = snapshot_tree(tmp_path)
    real = build_module._kept_bytes
    kept = tmp_path / "evidence" / f"{sha}.warc.gz"

    def tampered_meanwhile(*args):
        kept.write_bytes(kept.read_bytes() + b"x")
        return real(*args)

    monkeypatch.setattr(build_module, "_kept_bytes", tampered_meanwhile)
    with pytest.raises(BuildError, match=f"the snapshot evidence/{sha}.warc.gz of support-rose no longer matches its sha256"):
        build(str(claims), str(tmp_path / "out"))
    assert not Path(tmp_path / "out" / "evidence" / f"{sha}.warc.gz").exists()
