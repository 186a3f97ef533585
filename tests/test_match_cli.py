"""``factcheck match`` from the command line: inputs, JSON shape, escaping, exit codes, config feeds."""

from __future__ import annotations

import json

from conftest import OTHER_YAML, REVIEWED, make_tree
from test_match_feed import claim_review

from factcheck.cli import main
from factcheck.cli import match as command

#: A published claim about a school budget (a second person published it).
PUBLISHED = (
    OTHER_YAML.replace("id: support-rose", "id: budget-cut")
    .replace('text: "Support for the plan rose from 57% in 2017 to 68% in 2021."', 'text: "The governor cut the school budget by 20 percent."')
    .replace("status: researching", "status: published")
    .replace("verdict: null", "verdict: inaccurate")
    .replace("stance: supports", "stance: refutes")
    .replace("summary: null", 'summary: "The budget grew. It was not cut. The figure is wrong."')
    + REVIEWED
)


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def feed_file(tmp_path, *claims, name="feed.jsonl"):
    path = tmp_path / name
    path.write_text("".join(json.dumps(claim_review(n, claim=c)) + "\n" for n, c in enumerate(claims)), encoding="utf-8")
    return path


def sentences(tmp_path, *lines):
    path = tmp_path / "sentences.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_json_shape_one_object_per_line_in_order(capsys, tmp_path):
    feed = feed_file(tmp_path, "A shark swims on a flooded highway", "Hot water cures the flu")
    lines = sentences(tmp_path, "hot water cures flu", "", "shark on the highway")
    code, out, err = run(capsys, "match", "--no-tree", "--sentences", lines, "--against", feed, "--format", "json", "--top", "1")
    assert code == 0, err
    data = json.loads(out)
    assert [d["line"] for d in data] == [1, 2, 3]
    assert [d["text"] for d in data] == ["hot water cures flu", "", "shark on the highway"]
    assert data[1]["matches"] == []
    (first,) = data[0]["matches"]
    assert set(first) == {"url", "claim", "score", "rating", "publisher", "id"}
    assert first["claim"] == "Hot water cures the flu" and first["url"] == "https://checks.example/1"
    assert first["publisher"] == "Other Desk" and first["rating"] == "False" and first["id"] is None
    assert 0 < first["score"] <= 1
    assert data[2]["matches"][0]["url"] == "https://checks.example/0"


def test_tree_claims_other_articles_and_published_first(capsys, tmp_path):
    claims = make_tree(tmp_path, {"budget-cut": PUBLISHED})
    lines = sentences(tmp_path, "Did the governor cut the school budget?")
    code, out, err = run(capsys, "match", "--root", claims, "--sentences", lines, "--format", "json")
    assert code == 0, err
    (match,) = json.loads(out)[0]["matches"]
    assert match["id"] == "budget-cut" and match["rating"] and match["publisher"]
    # the claim itself: matched against the tree without itself (its own article is left out)
    code, out, _ = run(capsys, "match", "--root", claims, "budget-cut", "--format", "json")
    assert code == 0 and json.loads(out)[0]["matches"] == []
    code, out, _ = run(capsys, "match", "--root", claims, "budget-cut")
    assert out.startswith("1: The governor cut") and "no match" in out


def test_unknown_claim_id_is_usage_error(capsys, tree):
    code, out, err = run(capsys, "match", "--root", tree, "no-such-claim")
    assert code == 2 and out == ""
    assert "no claim with id 'no-such-claim'" in err


def test_usage_errors(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lines = sentences(tmp_path, "x")
    assert run(capsys, "match")[0] == 2
    code, _, err = run(capsys, "match", "--sentences", lines)  # no tree here and no feed
    assert code == 2 and "nothing to match against" in err
    assert run(capsys, "match", "--sentences", lines, "--top", "0")[0] == 2


def test_article_folder_sentences(capsys, tmp_path):
    claims = make_tree(tmp_path)
    feed = feed_file(tmp_path, "24 bridges were repaired by the mayor in 2023")
    code, out, err = run(capsys, "match", "--root", claims, "--no-tree", claims / "test-article", "--against", feed, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    code, out, _ = run(capsys, "match", "--root", claims, "--no-tree", "test-article", "--against", feed, "--format", "json")
    assert code == 0 and json.loads(out) == data  # the slug names the same folder
    assert data[0]["text"] == "A Test Article"
    assert any(d["matches"] and "bridges" in d["text"] for d in data)


def test_bad_feed_lines_reported_and_strict_refuses(capsys, tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps(claim_review(1, claim="Hot water cures the flu")) + "\n{broken\n", encoding="utf-8")
    lines = sentences(tmp_path, "hot water flu")
    code, out, err = run(capsys, "match", "--no-tree", "--sentences", lines, "--against", feed, "--format", "json")
    assert code == 0 and json.loads(out)[0]["matches"]
    assert f"{feed}:2: not JSON" in err and "(skipped)" in err and "Traceback" not in err
    code, out, err = run(capsys, "match", "--no-tree", "--sentences", lines, "--against", feed, "--strict")
    assert code == 1 and out == "" and f"{feed}:2:" in err
    code, out, err = run(capsys, "match", "--no-tree", "--sentences", lines, "--against", tmp_path / "missing.jsonl")
    assert code == 1 and "cannot read the feed" in err


def test_feed_text_escaped_in_text_and_json(capsys, tmp_path):
    evil = "Hot water cures the flu \x1b]0;owned\x07 \u202egnp.exe"
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps(claim_review(1, claim=evil, url="https://x.example/\x1b[2J")) + "\n", encoding="utf-8")
    lines = sentences(tmp_path, "hot water flu")
    code, out, _ = run(capsys, "match", "--no-tree", "--sentences", lines, "--against", path)
    assert code == 0 and "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "\\x1b]0;owned\\x07" in out and "\\u202e" in out
    code, out, _ = run(capsys, "match", "--no-tree", "--sentences", lines, "--against", path, "--format", "json")
    assert "\u202e" not in out and "\\u202e" in out
    assert json.loads(out)[0]["matches"][0]["claim"] == evil  # the same data


def test_config_feeds_used_by_default(capsys, tmp_path, monkeypatch):
    claims = make_tree(tmp_path)
    feed_file(tmp_path, "Hot water cures the flu", name="desk.jsonl")
    (tmp_path / ".git").mkdir()
    (tmp_path / "factcheck.toml").write_text('organization = "Desk"\n[match]\nfeeds = ["desk.jsonl"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    lines = sentences(tmp_path, "hot water cures flu")
    code, out, err = run(capsys, "match", "--root", claims, "--no-tree", "--sentences", lines, "--format", "json")
    assert code == 0, err
    assert json.loads(out)[0]["matches"][0]["url"] == "https://checks.example/0"
    code, out, err = run(capsys, "validate", claims)
    assert "unknown key" not in out + err


def test_input_size_cap(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(command, "MAX_INPUT", 100)
    feed = feed_file(tmp_path, "Hot water cures the flu")
    lines = sentences(tmp_path, *["a sentence of some length"] * 10)
    code, out, err = run(capsys, "match", "--no-tree", "--sentences", lines, "--against", feed)
    assert code == 1 and out == "" and "more than" in err
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"fine\n\xff\xfe\n")
    code, out, err = run(capsys, "match", "--no-tree", "--sentences", bad, "--against", feed)
    assert code == 1 and f"{bad}:2:1: not UTF-8" in err


def test_claim_id_with_no_tree_searches_feeds_only(capsys, tmp_path):
    claims = make_tree(tmp_path)
    feed = feed_file(tmp_path, "24 bridges were repaired in 2023 by the mayor")
    code, out, err = run(capsys, "match", "--root", claims, "--no-tree", "bridges-repaired", "--against", feed, "--format", "json")
    assert code == 0, err
    (item,) = json.loads(out)
    assert item["text"] == "The mayor said 24 bridges were repaired in 2023."
    assert [m["id"] for m in item["matches"]] == [None]  # support-rose, a claim of the tree, is not a candidate
    code, out, err = run(capsys, "match", "--root", claims, "--no-tree", "bridges-repaired")
    assert code == 2 and "nothing to match against" in err


def test_bad_match_table_reported_not_fatal(capsys, tmp_path, monkeypatch):
    claims = make_tree(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "factcheck.toml").write_text('[match]\nfeeds = "one.jsonl"\nfeed = []\n', encoding="utf-8")
    lines = sentences(tmp_path, "bridges repaired")
    code, out, err = run(capsys, "match", "--root", claims, "--sentences", lines)
    assert code == 0
    assert "factcheck.toml:2: match.feeds must be a list of file paths" in err
    assert "factcheck.toml:3: unknown key 'feed' in [match]" in err
