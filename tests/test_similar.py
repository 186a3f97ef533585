"""validate's possible-duplicate: near-duplicate claims that are not related, found once, cached."""

from __future__ import annotations

import random

import pytest
from conftest import CLAIM_YAML, make_tree

from factcheck import similar
from factcheck.cli import main
from factcheck.validate import check_tree

#: bridges-repaired again, under another id, not related to it (its text reworded a little).
AGAIN = CLAIM_YAML.replace("id: bridges-repaired", "id: bridges-again").replace(
    'text: "The mayor said 24 bridges were repaired in 2023."', 'text: "In 2023, the mayor said, 24 bridges were repaired."'
).replace("related:\n  - support-rose\n", "related: []\n").replace("# A claim used by the tests.\n", "")


def duplicates(claims_root):
    return [p for p in check_tree([claims_root]).problems if p.code == "possible-duplicate"]


def test_near_duplicates_warned_at_the_text_of_each(tmp_path):
    claims = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "bridges-again": AGAIN})
    found = duplicates(claims)
    assert [(p.path.rsplit("/", 1)[1], p.line, p.col, p.severity) for p in found] == [
        ("bridges-again.yaml", 2, 1, "warning"),
        ("bridges-repaired.yaml", 3, 1, "warning"),  # after its comment line: where `text:` is
    ]
    assert "possible duplicate of bridges-repaired (similarity 1.00)" in found[0].message


def test_related_either_way_or_dismissed_is_not_reported(tmp_path):
    related = AGAIN.replace("related: []\n", "related:\n  - bridges-repaired\n")
    assert duplicates(make_tree(tmp_path / "a", {"bridges-repaired": CLAIM_YAML, "bridges-again": related})) == []
    dismissed = AGAIN.replace("status: new", "status: dismissed").replace("after: new", "after: dismissed")
    assert duplicates(make_tree(tmp_path / "b", {"bridges-repaired": CLAIM_YAML, "bridges-again": dismissed})) == []


def test_threshold_from_the_config_and_a_bad_one_reported(tmp_path):
    other = AGAIN.replace('text: "In 2023, the mayor said, 24 bridges were repaired."', 'text: "The mayor repaired 24 bridges and 3 tunnels in 2023."')
    claims = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "bridges-again": other})
    (tmp_path / ".git").mkdir()
    assert duplicates(claims) == []  # the default, 0.8, is not reached
    (tmp_path / "factcheck.toml").write_text("[match]\nduplicate_threshold = 0.25\n", encoding="utf-8")
    assert len(duplicates(claims)) == 2
    (tmp_path / "factcheck.toml").write_text("[match]\nduplicate_threshold = 2\n", encoding="utf-8")
    problems = check_tree([claims]).problems
    assert [p.message for p in problems if p.code == "config"] == ["match.duplicate_threshold must be a number more than 0 and at most 1, got 2"]
    assert [p.line for p in problems if p.code == "config"] == [2]


def test_command_line_reports_it_as_a_warning(capsys, tmp_path):
    claims = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML.replace("related:\n  - support-rose\n", "related: []\n"), "bridges-again": AGAIN})
    code = main(["validate", str(claims)])
    out = capsys.readouterr().out
    assert code == 0  # warnings only
    assert f"{claims}/test-article/bridges-again.yaml:2:1: warning [possible-duplicate] possible duplicate of bridges-repaired" in out


def test_cached_until_a_claim_file_changes_and_only_changed_texts_read_again(tmp_path, monkeypatch):
    claims = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "bridges-again": AGAIN})
    first = duplicates(claims)
    assert first
    monkeypatch.setattr(similar, "problems", lambda *a, **k: [])  # a warm run never finds them again
    assert duplicates(claims) == first
    monkeypatch.undo()
    monkeypatch.setenv("FACTCHECK_CACHE_DIR", str(tmp_path / ".cache"))
    read = []
    real = similar.word_set
    monkeypatch.setattr(similar, "word_set", lambda text: read.append(text) or real(text))
    path = claims / "test-article" / "bridges-again.yaml"
    path.write_text(AGAIN.replace("related: []\n", "related:\n  - bridges-repaired\n"), encoding="utf-8")
    assert duplicates(claims) == []  # the change is seen
    assert read == []  # no text changed: every claim's words came from the cache
    path.write_text(AGAIN.replace("In 2023, the mayor said, 24 bridges were repaired.", "24 bridges were repaired in 2023, said the mayor."), encoding="utf-8")
    assert len(duplicates(claims)) == 2
    assert read == ["24 bridges were repaired in 2023, said the mayor."]  # only the changed text


def brute_force(sets, threshold):
    df = {}
    for s in sets:
        for w in s:
            df[w] = df.get(w, 0) + 1
    weight = {w: similar._idf(len(sets), n) for w, n in df.items()}
    out = set()
    for i in range(len(sets)):
        for j in range(i + 1, len(sets)):
            if sets[i] and sets[j]:
                union = sum(weight[w] for w in sets[i] | sets[j])
                if sum(weight[w] for w in sets[i] & sets[j]) / union >= threshold:
                    out.add((i, j))
    return out


@pytest.mark.parametrize("dense", [True, False])
def test_prefix_filter_finds_every_pair_that_comparing_all_finds(dense, monkeypatch):
    monkeypatch.setattr(similar, "DENSE_WORDS", 4096 if dense else 0)  # numpy, or set by set
    rng = random.Random(3)
    vocabulary = [f"w{n}" for n in range(40)]
    sets = [frozenset(rng.sample(vocabulary, rng.randint(1, 6))) for _ in range(150)]
    sets += sets[:10]  # some the same
    for threshold in (0.3, 0.5, 0.8, 1.0):
        groups = similar.similar_groups(sets, threshold)
        found = {(min(a, b), max(a, b)) for g, h, _ in groups.pairs for a in groups.members[g] for b in groups.members[h]}
        found |= {(a, b) for m in groups.members for n, a in enumerate(m) for b in m[n + 1 :]}
        assert found == brute_force(sets, threshold), threshold


def test_no_cache_finds_them_afresh(tmp_path, monkeypatch):
    claims = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "bridges-again": AGAIN})
    assert duplicates(claims)  # now cached
    monkeypatch.setattr(similar, "problems", lambda *a, **k: [])
    assert [p for p in check_tree([claims], use_cache=False).problems if p.code == "possible-duplicate"] == []
