"""Checked before outside the screen: suggest --write's history note, the tree's index cached per article folder."""

from __future__ import annotations

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
