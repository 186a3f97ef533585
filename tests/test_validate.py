"""Schema, rules and bad input: each problem with its exact file, line, column and code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from builders import claim_yaml, other_yaml, reviewed, survey_source
from conftest import CLAIM_YAML, OTHER_YAML, make_tree

from factcheck.model import Status, Verdict
from factcheck.validate import check_tree


def problems_of(root: Path, **kw):
    return [(Path(p.path).name, p.line, p.col, p.code) for p in check_tree([root], use_cache=False, **kw).problems]


def one_claim(tmp_path: Path, text: str | bytes, name: str = "bridges-repaired") -> Path:
    return make_tree(tmp_path, {name: text, "support-rose": OTHER_YAML})


def test_clean_tree_has_no_problems(tree):
    assert problems_of(tree) == []


def test_clean_tree_in_parallel_has_no_problems(tree, monkeypatch):
    import factcheck.validate as v

    monkeypatch.setattr(v, "PARALLEL_THRESHOLD", 1)
    assert problems_of(tree, jobs=2) == []


# -- schema -------------------------------------------------------------------


def test_number_is_not_coerced_to_string(tmp_path):
    root = one_claim(tmp_path, CLAIM_YAML.replace('claimant: "The mayor"', "claimant: 7"))
    assert problems_of(root) == [("bridges-repaired.yaml", 5, 11, "type")]


def test_unknown_key_with_hint(tmp_path):
    root = one_claim(tmp_path, CLAIM_YAML.replace("kind: quantity", "kind: quantity\nverdikt: null"))
    result = check_tree([root], use_cache=False).problems
    assert [(p.line, p.col, p.code) for p in result] == [(7, 1, "unknown-key")]
    assert "did you mean 'verdict'?" in result[0].message


def test_enum_with_hint_and_every_problem_at_once(tmp_path):
    text = (
        CLAIM_YAML.replace("kind: quantity", "kind: quantty")
        .replace("status: new", "status: true")
        .replace("id: bridges-repaired", "id: Bridges Repaired")
    )
    result = check_tree([one_claim(tmp_path, text)], use_cache=False).problems
    assert [(p.line, p.col, p.code) for p in result] == [(2, 5, "value"), (6, 7, "enum"), (7, 9, "enum")]
    assert "did you mean 'quantity'?" in result[1].message
    assert "a boolean is not one of" in result[2].message


def test_missing_key_points_at_the_mapping(tmp_path):
    text = CLAIM_YAML.replace('claimant: "The mayor"\n', "")
    assert problems_of(one_claim(tmp_path, text)) == [("bridges-repaired.yaml", 2, 1, "missing-key")]


def test_source_problems_positions(tmp_path):
    text = OTHER_YAML.replace("https://example.org/survey", "ftp://example.org/survey")
    text = text.replace("stance: supports", "stance: agrees")
    root = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": text})
    assert problems_of(root) == [
        ("support-rose.yaml", 12, 10, "value"),
        ("support-rose.yaml", 18, 13, "enum"),
    ]


def test_timestamp_without_zone(tmp_path):
    text = CLAIM_YAML.replace("2024-04-01T09:00:00Z", "2024-04-01T09:00:00")
    assert problems_of(one_claim(tmp_path, text)) == [("bridges-repaired.yaml", 17, 9, "datetime")]


def test_text_where_mapping_belongs_inside(tmp_path):
    text = CLAIM_YAML.replace("sources: []", 'sources:\n  - "https://example.org/page"')
    result = check_tree([one_claim(tmp_path, text)], use_cache=False).problems
    assert [(p.line, p.col, p.code) for p in result] == [(15, 5, "type")]
    assert result[0].message == "expected a mapping, got a string"


# -- bad input ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"", (1, 1, "empty-file")),
        (b"# only a comment\n", (1, 1, "empty-file")),
        (b"- a\n- b\n", (1, 1, "not-a-mapping")),
        (b"id: [unclosed\ntext: x\n", (2, 5, "syntax")),
        (b"id: a\nid: b\n", (2, 1, "duplicate-key")),
        (b"id: a\n\ttext: x\n", (2, 1, "tab")),
        (b"id: a\ntext: caf\xe9\n", (2, 10, "encoding")),
        (b"id: !!python/object/apply:os.system ['true']\n", (1, 5, "tag")),
        (b"id: a\n---\nid: b\n", (2, 1, "multiple-documents")),
        (b"id: " + b"[" * 100 + b"]" * 100 + b"\n", (1, 1, "too-deep")),
    ],
    ids=["empty", "comment-only", "list", "syntax", "duplicate-key", "tab", "not-utf8", "python-tag", "two-documents", "deep"],
)
def test_bad_input_is_a_problem_not_a_traceback(tmp_path, text, expected):
    root = one_claim(tmp_path, text)
    assert problems_of(root) == [("bridges-repaired.yaml", *expected)]


def test_alias_is_reported(tmp_path):
    text = CLAIM_YAML.replace('text: "The mayor said 24 bridges were repaired in 2023."', "text: &t x").replace('claimant: "The mayor"', "claimant: *t")
    assert problems_of(one_claim(tmp_path, text)) == [
        ("bridges-repaired.yaml", 3, 7, "anchor"),
        ("bridges-repaired.yaml", 5, 11, "alias"),
    ]


def test_tilde_null_is_read_as_null_not_text(tmp_path):
    # rapidyaml reads "~" as the string "~"; the claimant must be reported as null.
    text = CLAIM_YAML.replace('claimant: "The mayor"', "claimant: ~")
    assert problems_of(one_claim(tmp_path, text)) == [("bridges-repaired.yaml", 5, 11, "type")]


def test_file_over_one_mebibyte(tmp_path):
    text = CLAIM_YAML + "# " + "x" * (1024 * 1024) + "\n"
    assert problems_of(one_claim(tmp_path, text)) == [("bridges-repaired.yaml", 1, 1, "too-large")]


def test_alias_bomb_is_refused_quickly(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}]" for i in range(1, 10)]
    root = one_claim(tmp_path, "\n".join(lines) + "\n")
    codes = {code for *_, code in problems_of(root)}
    assert codes == {"anchor", "alias"}


# -- rules across fields and records --------------------------------------------------


def test_id_must_equal_file_name(tmp_path):
    root = make_tree(tmp_path, {"other-name": CLAIM_YAML, "support-rose": OTHER_YAML})
    assert problems_of(root) == [("other-name.yaml", 2, 5, "id-mismatch")]


def test_duplicate_ids_across_files(tmp_path):
    root = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": OTHER_YAML})
    second = root / "second-article"
    second.mkdir()
    for name in ("article.yaml", "article.txt"):
        (second / name).write_bytes((root / "test-article" / name).read_bytes())
    (second / "bridges-repaired.yaml").write_text(claim_yaml(related=[]))
    assert problems_of(root) == [("bridges-repaired.yaml", 2, 5, "duplicate-id")]


def test_related_must_exist(tmp_path):
    root = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML})
    result = check_tree([root], use_cache=False).problems
    assert [(p.line, p.col, p.code) for p in result] == [(13, 5, "related-missing")]


def test_quote_not_in_article_names_closest_passage(tmp_path):
    text = CLAIM_YAML.replace("24 bridges were repaired", "25 bridges were repaired")
    result = check_tree([one_claim(tmp_path, text)], use_cache=False).problems
    assert [(p.line, p.col, p.code) for p in result] == [(4, 8, "quote-not-found")]
    assert "The mayor said that 24 bridges were repaired" in result[0].message


def test_quote_forgives_whitespace_and_curly_quotes(tmp_path):
    text = CLAIM_YAML.replace("The mayor said that 24 bridges", "The  mayor said\\nthat 24 bridges")
    assert problems_of(one_claim(tmp_path, text)) == []


def test_published_needs_verdict_summary_and_source(tmp_path):
    text = claim_yaml(status=Status.PUBLISHED, then=reviewed())
    result = check_tree([one_claim(tmp_path, text)], use_cache=False).problems
    assert [(p.line, p.col, p.code) for p in result] == [(6, 9, "published-incomplete")] * 3  # status:
    assert sorted(p.message for p in result) == [
        "a published claim needs a summary",
        "a published claim needs a verdict",
        "a published claim needs at least one source",
    ]


def test_verdict_needs_source_of_matching_stance(tmp_path):
    text = other_yaml(verdict=Verdict.INACCURATE)
    root = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": text})
    assert problems_of(root) == [("support-rose.yaml", 7, 10, "verdict-needs-source")]
    text = other_yaml(verdict=Verdict.ACCURATE)
    root2 = make_tree(tmp_path / "b", {"bridges-repaired": CLAIM_YAML, "support-rose": text})
    assert problems_of(root2) == []


def test_dates_not_in_future_and_accessed_after_published(tmp_path):
    text = OTHER_YAML.replace("accessed: 2024-04-02", "accessed: 2021-11-01").replace("published: 2021-12-01", "published: 2099-01-01")
    root = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": text})
    assert problems_of(root) == [
        ("support-rose.yaml", 15, 16, "future-date"),
        ("support-rose.yaml", 16, 15, "accessed-before-published"),
    ]


def test_duplicate_source_url(tmp_path):
    text = other_yaml(sources=[survey_source(), survey_source(url="HTTPS://EXAMPLE.ORG/survey/")])
    root = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": text})
    assert problems_of(root) == [("support-rose.yaml", 19, 10, "duplicate-source")]


def test_history_order_and_last_status(tmp_path):
    text = OTHER_YAML.replace("2024-04-02T10:00:00Z", "2024-03-01T10:00:00Z").replace("status: researching", "status: in-review")
    root = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": text})
    assert problems_of(root) == [
        ("support-rose.yaml", 6, 9, "history-status"),
        ("support-rose.yaml", 25, 9, "history-order"),
    ]


@pytest.mark.parametrize("first, second, found", [
    ("2099-01-01T09:00:00Z", "2099-01-02T10:00:00Z", [(21, 9, "future-date"), (25, 9, "future-date")]),
    # a time with an offset: compared as the instant it is, and warned of (UTC ends in Z)
    ("2024-04-01T09:00:00Z", "2099-01-02T10:00:00+05:00", [(25, 9, "datetime-offset"), (25, 9, "future-date")]),
    ("2099-01-03T09:00:00Z", "2099-01-02T10:00:00Z", [(21, 9, "future-date"), (25, 9, "future-date"), (25, 9, "history-order")]),
    # tomorrow in its own offset though earlier than the next entry: each time's own date is compared with today
    (f"{dt.date.today() + dt.timedelta(days=1)}T01:00:00+14:00", f"{dt.date.today()}T12:00:00Z", [(21, 9, "datetime-offset"), (21, 9, "future-date")]),
])
def test_history_times_in_the_future_and_out_of_order(tmp_path, first, second, found):
    text = OTHER_YAML.replace("2024-04-01T09:00:00Z", first).replace("2024-04-02T10:00:00Z", second)
    root = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": text})
    assert [p[1:] for p in problems_of(root) if p[0] == "support-rose.yaml"] == found


def test_claim_outside_article_folder(tmp_path):
    root = make_tree(tmp_path)
    (root / "stray.yaml").write_text(CLAIM_YAML)
    assert ("stray.yaml", 1, 1, "no-article") in problems_of(root)


def test_article_text_missing(tmp_path):
    root = make_tree(tmp_path)
    (root / "test-article" / "article.txt").unlink()
    assert problems_of(root) == [("article.yaml", 6, 7, "article-text")]


# -- cache ---------------------------------------------------------------------------


def test_warm_run_reuses_results_and_sees_changes(tree):
    first = check_tree([tree])
    assert first.parsed == 2 and first.problems == []
    warm = check_tree([tree])
    assert warm.parsed == 0 and warm.problems == []
    path = tree / "test-article" / "bridges-repaired.yaml"
    path.write_text(path.read_text().replace("kind: quantity", "kind: quantityy"))
    changed = check_tree([tree])
    assert changed.parsed == 1
    assert [(p.line, p.col, p.code) for p in changed.problems] == [(6, 7, "enum")]
    again = check_tree([tree])
    assert again.parsed == 0 and [(p.line, p.code) for p in again.problems] == [(6, "enum")]


def test_article_change_rechecks_quotes(tree):
    check_tree([tree])
    text = tree / "test-article" / "article.txt"
    text.write_text(text.read_text().replace("24 bridges", "twenty bridges"))
    result = check_tree([tree])
    assert result.parsed == 2
    assert [(Path(p.path).name, p.code) for p in result.problems] == [("bridges-repaired.yaml", "quote-not-found")]


def test_mapping_where_a_list_belongs(tmp_path):
    text = CLAIM_YAML.replace("corrections: []", "corrections: {}")
    result = check_tree([one_claim(tmp_path, text)], use_cache=False).problems
    assert [(p.line, p.col, p.code, p.message) for p in result] == [(15, 14, "type", "expected a list, got a mapping")]


def test_syntax_problems_are_explained_in_plain_words(tmp_path):
    text = CLAIM_YAML.replace('claimant: "The mayor"', 'claimant: "The mayor')
    result = check_tree([one_claim(tmp_path, text)], use_cache=False).problems
    assert [(p.line, p.code) for p in result] == [(21, "syntax")]  # where the parser noticed
    assert result[0].message.startswith("line 5 opens a quote that is not closed on that line (the parser stopped here: ")
    text = CLAIM_YAML.replace("kind: quantity", " kind: quantity")
    result = check_tree([one_claim(tmp_path / "b", text)], use_cache=False).problems
    assert [(p.line, p.col, p.code) for p in result] == [(6, 2, "syntax")]
    assert result[0].message.startswith("the indentation of this line does not match the lines above it")


def test_unreadable_claim_is_not_reported_again_as_a_missing_related_claim(tmp_path):
    root = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": b"id: [broken\n"})
    assert [name for name, *_ in problems_of(root)] == ["support-rose.yaml"]


# -- dismissed.yaml ---------------------------------------------------------------------

DISMISSED_YAML = """\
# Sentences of the test article that are not worth a claim.
dismissed:
  - sentence: "Critics disagree."
    by: ann
    at: 2024-04-02T10:00:00Z
    reason: "Opinion."
"""


def with_dismissals(tree: Path, text: str) -> Path:
    (tree / "test-article" / "dismissed.yaml").write_text(text, encoding="utf-8")
    return tree


def test_a_good_dismissals_file_is_not_a_claim(tree, capsys):
    from factcheck.cli import main

    with_dismissals(tree, DISMISSED_YAML)
    assert problems_of(tree) == []
    assert main(["validate", str(tree)]) == 0
    assert "2 claim files checked, no problems" in capsys.readouterr().out
    assert main(["fmt", "--check", str(tree)]) == 0 and main(["list", "--root", str(tree)]) == 0
    assert "dismissed" not in capsys.readouterr().out.split("claim files")[-1]


def test_a_bad_dismissals_file_is_reported_at_each_value(tree):
    with_dismissals(tree, DISMISSED_YAML.replace("by: ann", 'by: ""').replace("at: 2024-04-02T10:00:00Z", "at: 2024-04-02") + "    reasn: x\n")
    assert problems_of(tree) == [
        ("dismissed.yaml", 4, 9, "value"),
        ("dismissed.yaml", 5, 9, "datetime"),
        ("dismissed.yaml", 7, 5, "unknown-key"),
    ]


def test_dismissals_rules(tree):
    text = DISMISSED_YAML + (
        "  - sentence: \"Critics   disagree.\"\n    by: bob\n    at: 2024-04-03T10:00:00Z\n"
        "  - sentence: \"Nowhere in the text.\"\n    by: bob\n    at: 2999-01-01T00:00:00Z\n"
    )
    found = check_tree([with_dismissals(tree, text)], use_cache=False).problems
    assert [(p.line, p.col, p.code, p.severity) for p in found] == [
        (7, 15, "duplicate-dismissal", "warning"),
        (10, 15, "dismissal-not-found", "warning"),
        (12, 9, "future-date", "error"),
    ]


@pytest.mark.parametrize("text, code", [("dismissed: 3\n", "type"), ("- a\n", "not-a-mapping"), ("", "empty-file"), ("dismissed: [\n", "syntax")])
def test_a_dismissals_file_that_cannot_be_read(tree, text, code):
    assert [c for *_, c in problems_of(with_dismissals(tree, text))] == [code]


def test_a_dismissals_file_outside_an_article_folder(tmp_path):
    root = make_tree(tmp_path)
    (root / "elsewhere").mkdir()
    (root / "elsewhere" / "dismissed.yaml").write_text(DISMISSED_YAML, encoding="utf-8")
    assert problems_of(root) == [("dismissed.yaml", 1, 1, "no-article")]


@pytest.mark.parametrize("count", [1, 49, 50, 251, 550, 1001, 1333])
def test_every_file_is_checked_once_whatever_the_batches(monkeypatch, count):
    from factcheck import validate

    seen: list[str] = []
    monkeypatch.setattr(validate, "_check_batch", lambda paths, job: seen.extend(paths) or [])
    paths = [f"f{i}.yaml" for i in range(count)]
    validate._run(paths, {}, validate.today(), None, 1, None)
    assert seen == paths


def test_a_huge_tree_is_cut_into_a_bounded_number_of_batches(monkeypatch):
    """Past MAX_BATCHES batches of BATCH files, batches grow instead (the queue of batch
    numbers must fit a pipe); every file is still checked once, in order."""
    from factcheck import validate

    calls: list[list[str]] = []
    monkeypatch.setattr(validate, "_check_batch", lambda paths, job: calls.append(list(paths)) or [])
    monkeypatch.setattr(validate, "MAX_BATCHES", 4)
    paths = [f"f{i}.yaml" for i in range(5000)]
    validate._run(paths, {}, validate.today(), None, 1, None)
    assert [p for batch in calls for p in batch] == paths
    assert max(map(len, calls)) == 1250 and len(calls) <= 4 + 2 * 1250 * 1 // validate.LAST_BATCH


# -- config ------------------------------------------------------------------------


@pytest.mark.parametrize("since", ["2999-01-01T00:00:00Z", "NEXT_YEAR"])
def test_a_review_policy_date_in_the_future_is_a_config_error(tmp_path, since):
    from sitetrees import BRIDGES_PUBLISHED

    if since == "NEXT_YEAR":
        since = f"{dt.date.today().year + 1}-01-01T00:00:00Z"
    self_published = BRIDGES_PUBLISHED.replace("    by: bo\n", "    by: ann\n")
    claims = make_tree(tmp_path, {"bridges-repaired": self_published})
    (tmp_path / "factcheck.toml").write_text(f"[review]\nsecond_person_since = {since}\n", encoding="utf-8")
    found = {(Path(p.path).name, p.line, p.code, p.severity): p.message for p in check_tree([claims], use_cache=False).problems}
    message = found.pop(("factcheck.toml", 2, "config", "error"))
    assert message.startswith(f"review.second_person_since is in the future ({since})")
    # the rule holds for every publication meanwhile: an error, not a warning "before the policy"
    assert list(found) == [("bridges-repaired.yaml", 32, "self-published", "error")]
