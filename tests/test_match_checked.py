"""Checked before outside the screen: suggest --write's history note, the tree's index cached per article folder."""

from __future__ import annotations

import json

import yaml
from test_tui_checked import EVIL, desk

from factcheck.cli import main
from factcheck.match import store as match_store
from factcheck.match.checked import Earlier
from factcheck.store import ClaimStore


def test_suggest_write_records_the_best_earlier_check(capsys, tmp_path):
    claims = desk(tmp_path)
    for name in ("bridges-repaired", "support-rose"):
        (claims / "test-article" / f"{name}.yaml").unlink()
    code = main(["suggest", "--root", str(claims), "test-article", "--write", "--editor", "ann"])
    out, err = capsys.readouterr()
    assert code == 0, err
    notes = {}
    for path in (claims / "test-article").glob("*.yaml"):
        if path.name != "article.yaml":
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            notes[data["quote"]] = data["history"][0]["note"]
    bridges = next(n for q, n in notes.items() if "24 bridges" in q)
    assert bridges.endswith("Checked before: score 1.00, factcheck, claim bridges-again (new).")
    support = next(n for q, n in notes.items() if q.startswith("Support for the plan"))
    assert "https://checks.example/rose" in support and "\\x1b[31mred" in support  # escaped
    assert "\x1b" not in support and EVIL not in support
    assert not any("Checked before" in n for q, n in notes.items() if "bridges" not in q and not q.startswith("Support"))
    assert main(["validate", str(claims)]) == 0


def test_tree_index_cached_per_folder_and_rebuilt_for_the_changed_folder_only(tmp_path, monkeypatch):
    claims = desk(tmp_path)
    built = []
    real = match_store.save_keyed
    monkeypatch.setattr(match_store, "save_keyed", lambda name, *a, **k: built.append(name) or real(name, *a, **k))
    first = Earlier.load(ClaimStore.open(str(claims)))
    assert sorted(built) == sorted(first.folders)  # nothing cached yet: both folders indexed
    built.clear()
    Earlier.load(ClaimStore.open(str(claims)))
    assert built == []  # unchanged: both from the cache
    path = claims / "other-article" / "bridges-again.yaml"
    path.write_text(path.read_text().replace("The mayor said 24 bridges", "The mayor said 25 bridges"), encoding="utf-8")
    again = Earlier.load(ClaimStore.open(str(claims)))
    assert built == [str(claims / "other-article")]
    (found,) = again.find(["the mayor said 25 bridges were repaired"], str(claims / "test-article"))
    assert found[0].review.id == "bridges-again" and found[0].score > 0.9


def test_site_claim_page_lists_related_fact_checks_escaped_and_no_unpublished_claim(capsys, tmp_path):
    from test_match_cli import PUBLISHED

    claims = desk(tmp_path)
    (claims / "test-article" / "budget-cut.yaml").write_text(PUBLISHED, encoding="utf-8")
    draft = PUBLISHED.split("history:")[0].replace("id: budget-cut", "id: budget-again").replace("status: published", "status: new")
    draft = draft.replace("verdict: inaccurate", "verdict: null") + "history:\n  - at: 2024-04-01T09:00:00Z\n    by: ann\n    action: created\n    after: new\n"
    (claims / "other-article" / "budget-again.yaml").write_text(draft, encoding="utf-8")
    feed = tmp_path / "feed.jsonl"
    review = json.loads(feed.read_text())
    review["claimReviewed"] = "The governor cut the school budget by 20 percent <script>alert(1)</script>"
    feed.write_text(json.dumps(review) + "\n", encoding="utf-8")
    assert main(["validate", str(claims)]) == 0
    capsys.readouterr()
    out = tmp_path / "site"
    assert main(["build", str(claims), "--out", str(out)]) == 0, capsys.readouterr()
    page = (out / "claims" / "budget-cut.html").read_text(encoding="utf-8")
    section = page.split('<h2 id="checks-h">Related fact-checks</h2>')[1].split("</section>")[0]
    assert '<a href="https://checks.example/rose" rel="external nofollow">' in section
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in section and "<script>" not in section
    assert "\\x1b[31mred\\x1b[0m \\u202eevil" in section and "\x1b" not in page and "\u202e" not in page
    assert "budget-again" not in page  # a claim this site does not publish is not listed
    assert main(["build", str(claims), "--out", str(out), "--drafts"]) == 0
    page = (out / "claims" / "budget-cut.html").read_text(encoding="utf-8")
    assert '<a href="budget-again.html">The governor cut the school budget by 20 percent.</a> (draft)' in page
