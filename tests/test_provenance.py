"""Provenance commands: log, diff, validate --base, remove-source corrections, links.

The git tests build a real repository in tmp_path with fixed author dates; the link
tests ask a local HTTP server, never the internet.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import CLAIM_YAML, OTHER_YAML, REVIEWED, make_tree

from factcheck.cli import main
from factcheck.provenance.render import GIVE_A_BASE

NOW = dt.datetime(2024, 4, 6, 9, 0, tzinfo=dt.timezone.utc)

BRIDGES = CLAIM_YAML.replace("related:\n  - support-rose\n", "related: []\n")

SECOND_SOURCE = """\
  - url: https://example.org/poll
    title: "Poll 2017"
    publisher: "Example Polls"
    published: 2017-06-01
    accessed: 2024-04-02
    excerpt: "57 percent support the plan"
    stance: supports
"""

PUBLISHED = (
    OTHER_YAML.replace(
        "status: researching\nverdict: null\nsummary: null\n",
        'status: published\nverdict: accurate\nsummary: "The city\'s survey shows it."\n',
    ).replace("corrections: []\n", SECOND_SOURCE + "corrections: []\n")
    + REVIEWED
)


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def _git_env(isolated_git, monkeypatch):
    """Git isolated (conftest), and a fixed clock."""
    # A new object each call, as in real use (ruamel would write one object twice as an anchor).
    monkeypatch.setattr("factcheck.store.now", lambda: NOW.replace(tzinfo=dt.timezone.utc) + dt.timedelta(0))
    monkeypatch.setattr("factcheck.session.today", lambda: NOW.date())


def git(repo: Path, *args: str, when: str = "2024-04-03T12:00:00Z", author: str = "Ann Author") -> str:
    env = {
        "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when,
        "GIT_AUTHOR_NAME": author, "GIT_COMMITTER_NAME": author,
    }
    import os

    proc = subprocess.run(["git", *args], cwd=repo, env={**os.environ, **env}, capture_output=True, text=True, check=True)
    return proc.stdout.strip()


def commit_all(repo: Path, message: str, **kwargs) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, **kwargs)
    return git(repo, "rev-parse", "--short", "HEAD")


def make_repo(tmp_path: Path, claims: dict[str, str] | None = None, branch: str = "main", work: str | None = "work") -> Path:
    """A claims tree in a git repository, committed once on ``branch``, then on a branch
    ``work`` made from it (None: stay on ``branch``); returns claims/."""
    repo = tmp_path / "repo"
    root = make_tree(repo, claims or {"bridges-repaired": BRIDGES, "support-rose": PUBLISHED})
    git(repo, "init", "-q", "-b", branch)
    git(repo, "config", "user.name", "Ann Author")
    git(repo, "config", "user.email", "ann@example.org")
    git(repo, "config", "commit.gpgsign", "false")
    commit_all(repo, "Add claims")
    if work:
        git(repo, "checkout", "-q", "-b", work)
    return root


def claim_path(root: Path, name: str) -> Path:
    return root / "test-article" / f"{name}.yaml"


def test_fixture_claims_are_valid(capsys, tmp_path):
    root = make_tree(tmp_path, {"bridges-repaired": BRIDGES, "support-rose": PUBLISHED})
    assert run(capsys, "validate", root) == (0, "2 claim files checked, no problems\n", "")


# -- factcheck log ---------------------------------------------------------------------


def test_log_shows_hand_edit_between_tool_edits(capsys, tmp_path):
    root = make_repo(tmp_path)
    repo = root.parent
    first = git(repo, "rev-parse", "--short", "HEAD")
    path = claim_path(root, "bridges-repaired")
    path.write_text(path.read_text().replace('claimant: "The mayor"', 'claimant: "The city mayor"'))
    second = commit_all(repo, "Fix the claimant by hand", when="2024-04-05T10:30:00+02:00", author="Bob Builder")
    assert run(capsys, "note", "--root", root, "bridges-repaired", "Called the mayor.")[0] == 0

    code, out, err = run(capsys, "log", "--root", root, "bridges-repaired")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "2024-04-01 09:00  ann: created as new — Extracted from the article.",
        f"2024-04-03 12:00  Ann Author: commit {first} — Add claims",
        f"2024-04-05 08:30  Bob Builder: commit {second} — Fix the claimant by hand",
        "2024-04-06 09:00  tester: note — Called the mayor.",
        "(and changes to the file not committed yet)",
    ]


def test_log_follows_a_renamed_file(capsys, tmp_path):
    root = make_repo(tmp_path)
    repo = root.parent
    first = git(repo, "rev-parse", "--short", "HEAD")
    (root / "test-article").rename(root / "renamed-article")
    second = commit_all(repo, "Rename the article folder", when="2024-04-04T08:00:00Z")
    code, out, _ = run(capsys, "log", "--root", root, "bridges-repaired")
    assert code == 0 and out.splitlines()[1:] == [
        f"2024-04-03 12:00  Ann Author: commit {first} — Add claims",
        f"2024-04-04 08:00  Ann Author: commit {second} — Rename the article folder",
    ]


def test_log_outside_git_shows_history_with_remark(capsys, tmp_path):
    root = make_tree(tmp_path)
    code, out, err = run(capsys, "log", "--root", root, "bridges-repaired")
    folder = root / "test-article"
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"(not in a git repository: {folder / 'bridges-repaired.yaml'}; showing the recorded history only)",
        "2024-04-01 09:00  ann: created as new — Extracted from the article.",
    ]


def test_log_without_git_installed(capsys, tmp_path, monkeypatch):
    root = make_tree(tmp_path)
    (tmp_path / "empty-bin").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    code, out, _ = run(capsys, "log", "--root", root, "bridges-repaired")
    assert code == 0 and out.splitlines()[0] == "(git is not installed or not on PATH; showing the recorded history only)"


def test_log_of_a_file_not_committed_yet(capsys, tmp_path):
    root = make_repo(tmp_path)
    assert run(capsys, "new", "--root", root, "test-article", "--quote", "Critics disagree.")[0] == 0
    code, out, _ = run(capsys, "log", "--root", root, "critics-disagree")
    assert code == 0 and out.splitlines() == [
        "(no commit has this file yet; showing the recorded history only)",
        "2024-04-06 09:00  tester: created as new — Scaffolded with factcheck new.",
    ]


def test_log_unknown_id(capsys, tree):
    assert run(capsys, "log", "--root", tree, "bridges-repaird") == (
        1, "", "factcheck: no claim with id 'bridges-repaird' (did you mean 'bridges-repaired'?)\n"
    )


# -- validate --base -------------------------------------------------------------------


def test_base_reports_a_deleted_published_claim(capsys, tmp_path, monkeypatch):
    root = make_repo(tmp_path)
    claim_path(root, "support-rose").unlink()
    monkeypatch.chdir(root.parent)
    code, out, err = run(capsys, "validate", "--base", "main", "claims")
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        "claims/test-article/article.yaml:1:1: error [published-deleted] published claim 'support-rose' "
        "(support-rose.yaml) was deleted since main; a published claim is corrected, not removed",
        "1 problem in 1 file (1 claim files checked)",
    ]


def test_base_reports_deleted_article_folder_at_the_old_path(capsys, tmp_path, monkeypatch):
    root = make_repo(tmp_path)
    for file in (root / "test-article").iterdir():
        file.unlink()
    (root / "test-article").rmdir()
    monkeypatch.chdir(root.parent)
    code, out, _ = run(capsys, "validate", "--base", "HEAD", "claims")
    assert code == 1 and out.splitlines()[0] == (
        "claims/test-article/support-rose.yaml:1:1: error [published-deleted] published claim 'support-rose' "
        "(support-rose.yaml) was deleted since HEAD; a published claim is corrected, not removed"
    )


def test_base_a_moved_published_claim_is_not_deleted(capsys, tmp_path):
    root = make_repo(tmp_path)
    (root / "test-article").rename(root / "renamed-article")
    assert run(capsys, "validate", "--base", "main", root) == (0, "2 claim files checked, no problems\n", "")


def test_base_reports_a_verdict_flipped_without_correction(capsys, tmp_path):
    root = make_repo(tmp_path)
    path = claim_path(root, "support-rose")
    path.write_text(path.read_text().replace("verdict: accurate", "verdict: mixed"))
    code, out, _ = run(capsys, "validate", "--base", "main", root)
    assert code == 1
    assert out.splitlines() == [
        f"{path}:7:1: error [correction-missing] verdict of a published claim changed (accurate → mixed) "
        "without a new entry in corrections",
        "1 problem in 1 file (2 claim files checked)",
    ]


def test_base_accepts_a_verdict_change_with_correction(capsys, tmp_path):
    root = make_repo(tmp_path)
    path = claim_path(root, "support-rose")
    before = path.read_bytes()
    code, out, err = run(capsys, "set-status", "--root", root, "support-rose", "published", "--verdict", "mixed", "--note", "n")
    assert code == 1 and out == "" and "--correction" in err and path.read_bytes() == before
    code, out, _ = run(capsys, "set-status", "--root", root, "support-rose", "published", "--verdict", "mixed",
                       "--note", "n", "--correction", "The 2017 figure is from another poll.")
    assert code == 0, out
    assert run(capsys, "validate", "--base", "main", root) == (0, "2 claim files checked, no problems\n", "")


def test_unpublishing_needs_a_correction_and_base_checks_it(capsys, tmp_path):
    root = make_repo(tmp_path)
    path = claim_path(root, "support-rose")
    before = path.read_bytes()
    code, out, err = run(capsys, "set-status", "--root", root, "support-rose", "in-review", "--note", "Reopened.")
    assert code == 1 and out == "" and "leaves 'published' only with a correction" in err and path.read_bytes() == before
    hand = before.decode().replace("status: published", "status: in-review").replace("    after: published\n", "    after: in-review\n")
    path.write_text(hand)
    code, out, _ = run(capsys, "validate", "--base", "main", root)
    assert code == 1
    assert out.splitlines()[0] == (
        f"{path}:6:1: error [correction-missing] a published claim was moved back to in-review without a new entry in corrections"
    )
    path.write_bytes(before)
    code, out, _ = run(capsys, "set-status", "--root", root, "support-rose", "in-review", "--note", "Reopened.",
                       "--correction", "The 2021 figure is being checked again.")
    assert code == 0, out
    text = path.read_text()
    assert "corrections:\n  - date: 2024-04-06\n    change: status published → in-review\n    reason: The 2021 figure is being checked again.\n" in text
    assert run(capsys, "validate", "--base", "main", root) == (0, "2 claim files checked, no problems\n", "")


def test_base_reports_a_source_removed_by_hand(capsys, tmp_path):
    root = make_repo(tmp_path)
    path = claim_path(root, "support-rose")
    path.write_text(path.read_text().replace(SECOND_SOURCE, ""))
    code, out, _ = run(capsys, "validate", "--format", "parsable", "--base", "main", root)
    assert (code, out) == (1, (
        f"{path}:11:1: error [correction-missing] source https://example.org/poll removed from a published "
        "claim without a new entry in corrections\n"
    ))


def test_base_ignores_claims_not_published(capsys, tmp_path):
    root = make_repo(tmp_path)
    claim_path(root, "bridges-repaired").unlink()
    assert run(capsys, "validate", "--base", "main", root) == (0, "1 claim file checked, no problems\n", "")


def test_base_bad_revision_and_no_repository_exit_2(capsys, tmp_path):
    root = make_repo(tmp_path)
    assert run(capsys, "validate", "--base", "no-such-branch", root) == (2, "", "factcheck: unknown git revision 'no-such-branch'\n")
    assert run(capsys, "validate", "--base=--output=x", root) == (2, "", "factcheck: unknown git revision '--output=x'\n")
    plain = make_tree(tmp_path / "plain")
    assert run(capsys, "validate", "--base", "main", plain) == (2, "", f"factcheck: not in a git repository: {plain}\n")


# -- remove-source on a published claim ---------------------------------------------


def test_remove_source_of_published_claim_needs_correction(capsys, tmp_path):
    root = make_tree(tmp_path, {"bridges-repaired": BRIDGES, "support-rose": PUBLISHED})
    path = claim_path(root, "support-rose")
    before = path.read_bytes()
    code, out, err = run(capsys, "remove-source", "--root", root, "support-rose", "https://example.org/poll", "--note", "Dead link.")
    assert (code, out, err) == (1, "", "factcheck: refused: a source of a published claim is removed only with a correction saying why (--correction)\n")
    assert path.read_bytes() == before

    code, out, _ = run(capsys, "remove-source", "--root", root, "support-rose", "https://example.org/poll",
                       "--note", "Dead link.", "--correction", "The poll page was withdrawn.")
    assert (code, out) == (0, f"{path}: source-removed recorded\n")
    expected = PUBLISHED.replace(SECOND_SOURCE, "").replace("corrections: []\n", """\
corrections:
  - date: 2024-04-06
    change: 'source removed: https://example.org/poll'
    reason: The poll page was withdrawn.
""") + """\
  - at: 2024-04-06T09:00:00Z
    by: tester
    action: source-removed
    field: sources
    before: https://example.org/poll
    note: Dead link.
"""
    assert path.read_text() == expected


def test_remove_source_of_unpublished_claim_needs_no_correction(capsys, tree):
    path = claim_path(tree, "support-rose")
    code, out, _ = run(capsys, "remove-source", "--root", tree, "support-rose", "https://example.org/survey", "--note", "Wrong year.")
    assert (code, out) == (0, f"{path}: source-removed recorded\n")
    assert "corrections: []\n" in path.read_text() and "sources: []\n" in path.read_text()


# -- factcheck diff ---------------------------------------------------------------------


def _branch_changes(capsys, root: Path) -> None:
    """A contributor's branch: a source added, a status moved, a correction, a new claim."""
    steps = [
        ("add-source", "bridges-repaired", "--url", "https://example.org/bridges", "--title", "Bridges [2023] report",
         "--publisher", "City Works", "--stance", "supports", "--excerpt", "24 bridges", "--accessed", "2024-04-05"),
        ("set-status", "bridges-repaired", "to-check", "--note", "Worth checking."),
        ("remove-source", "support-rose", "https://example.org/poll", "--note", "Dead link.",
         "--correction", "The poll page was withdrawn."),
        ("new", "test-article", "--quote", "Critics disagree.", "--kind", "opinion"),
        ("add-source", "critics-disagree", "--url", "https://example.org/critics", "--title", "Critics of *the* plan",
         "--publisher", "Example_News", "--stance", "context", "--excerpt", "critics", "--accessed", "2024-04-05"),
    ]
    for command, *rest in steps:
        assert run(capsys, command, "--root", root, *rest)[0] == 0


def test_diff_markdown(capsys, tmp_path):
    root = make_repo(tmp_path)
    base = git(root.parent, "rev-parse", "--short", "HEAD")
    _branch_changes(capsys, root)
    code, out, err = run(capsys, "diff", "--root", root)
    assert (code, err) == (0, "")
    assert out == f"""\
## Claim record changes since the merge base with main (`{base}`)

**Claims:** 1 added, 0 removed, 2 changed · **Sources:** 2 added, 1 removed · **Corrections:** 1 added

### New claims

- `critics-disagree` (new): Critics disagree.
  - source, context: [Critics of \\*the\\* plan](<https://example.org/critics>), Example\\_News

### Changed claims

- `bridges-repaired`
  - status: new → to-check
  - source added, supports: [Bridges \\[2023\\] report](<https://example.org/bridges>), City Works
  - 2 history entries added
- `support-rose`
  - source removed, supports: [Poll 2017](<https://example.org/poll>), Example Polls
  - correction (2024-04-06): source removed: https://example.org/poll. Reason: The poll page was withdrawn.
  - 1 history entry added
"""


def test_diff_json_and_removed_and_hand_edited_claims(capsys, tmp_path):
    root = make_repo(tmp_path, work=None)
    repo = root.parent
    full = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "work")
    claim_path(root, "bridges-repaired").unlink()
    path = claim_path(root, "support-rose")
    path.write_text(path.read_text().replace("verdict: accurate", "verdict: mixed").replace("The city's survey", "The survey"))
    commit_all(repo, "Hand edits", when="2024-04-05T08:00:00Z")
    code, out, _ = run(capsys, "diff", "--root", root, "main", "--format", "json")
    assert code == 0
    assert json.loads(out) == {
        "base": "main",
        "commit": full,
        "counts": {"claims_added": 0, "claims_removed": 1, "claims_changed": 1, "sources_added": 0,
                   "sources_removed": 0, "corrections_added": 0, "dismissals_added": 0, "dismissals_removed": 0,
                   "articles_added": 0, "articles_removed": 0, "articles_changed": 0},
        "added": [],
        "removed": [{"id": "bridges-repaired", "path": "claims/test-article/bridges-repaired.yaml", "status": "new",
                     "verdict": None, "text": "The mayor said 24 bridges were repaired in 2023."}],
        "changed": [{
            "id": "support-rose", "path": "claims/test-article/support-rose.yaml", "moved_from": None,
            "status": None, "verdict": {"before": "accurate", "after": "mixed"},
            "sources_added": [], "sources_removed": [], "corrections_added": [],
            "quantities_added": [], "quantities_removed": [],
            "history_added": 0, "other_fields": [], "summary": "The survey shows it.",
        }],
        "invalid": [],
        "dismissed": [],
        "undismissed": [],
        "articles_added": [],
        "articles_removed": [],
        "articles_changed": [],
    }
    code, out, _ = run(capsys, "diff", "--root", root, "main")
    assert out.splitlines()[4:] == [
        "### Removed claims",
        "",
        "- `bridges-repaired` (new): The mayor said 24 bridges were repaired in 2023.",
        "",
        "### Changed claims",
        "",
        "- `support-rose`",
        "  - verdict: accurate → mixed",
        "  - summary now: The survey shows it.",
    ]


def test_diff_json_lists_sources_and_corrections(capsys, tmp_path):
    root = make_repo(tmp_path)
    _branch_changes(capsys, root)
    code, out, _ = run(capsys, "diff", "--root", root, "--format", "json")
    data = json.loads(out)
    assert code == 0 and [c["id"] for c in data["changed"]] == ["bridges-repaired", "support-rose"]
    assert data["changed"][0]["sources_added"] == [{
        "url": "https://example.org/bridges", "title": "Bridges [2023] report", "publisher": "City Works",
        "published": None, "accessed": "2024-04-05", "excerpt": "24 bridges", "stance": "supports",
    }]
    assert data["changed"][1]["corrections_added"] == [
        {"date": "2024-04-06", "change": "source removed: https://example.org/poll", "reason": "The poll page was withdrawn."}
    ]
    assert [(c["id"], [s["url"] for s in c["sources"]]) for c in data["added"]] == [("critics-disagree", ["https://example.org/critics"])]
    assert data["counts"] == {"claims_added": 1, "claims_removed": 0, "claims_changed": 2, "sources_added": 2,
                              "sources_removed": 1, "corrections_added": 1, "dismissals_added": 0, "dismissals_removed": 0,
                              "articles_added": 0, "articles_removed": 0, "articles_changed": 0}


def test_diff_lists_files_that_are_not_valid(capsys, tmp_path):
    root = make_repo(tmp_path)
    path = claim_path(root, "bridges-repaired")
    path.write_text(path.read_text().replace("kind: quantity", "kind: 7"))
    code, out, _ = run(capsys, "diff", "--root", root)
    assert code == 0 and out.splitlines()[2:] == [
        "**Claims:** 0 added, 0 removed, 0 changed · **Sources:** 0 added, 0 removed · **Corrections:** 0 added",
        "",
        "### Files that are not valid (run `factcheck validate`)",
        "",
        "- `claims/test-article/bridges-repaired.yaml`",
    ]


def test_diff_reports_sentences_dismissed_and_dismissals_taken_back(capsys, tmp_path):
    root = make_repo(tmp_path)
    folder = root / "test-article"
    (folder / "dismissed.yaml").write_text(
        'dismissed:\n  - sentence: "Critics disagree."\n    by: ann\n    at: 2024-04-02T10:00:00Z\n', encoding="utf-8"
    )
    commit_all(root.parent, "Dismiss a sentence")
    base = git(root.parent, "rev-parse", "HEAD")
    # On the branch: that dismissal taken back, another sentence dismissed (curly quotes and spacing aside, the same)
    sentence = next(line for line in (folder / "article.txt").read_text().splitlines() if line.strip() and "Critics" not in line).strip()
    (folder / "dismissed.yaml").write_text(
        f'dismissed:\n  - sentence: "{sentence}"\n    by: bob\n    at: 2024-04-03T10:00:00Z\n    reason: "Background *only*."\n', encoding="utf-8"
    )
    code, out, _ = run(capsys, "diff", "--root", root, base)
    assert code == 0
    lines = out.splitlines()
    assert lines[2].endswith("· **Dismissed sentences:** 1 added, 1 taken back")
    assert lines[4:] == [
        "### Sentences dismissed (not worth a claim)",
        "",
        f'- `claims/test-article`: "{sentence}" (by bob). Reason: Background \\*only\\*.',
        "",
        "### Dismissals taken back",
        "",
        '- `claims/test-article`: "Critics disagree." (by ann).',
    ]
    data = json.loads(run(capsys, "diff", "--root", root, base, "--format", "json")[1])
    assert (data["counts"]["dismissals_added"], data["counts"]["dismissals_removed"]) == (1, 1)
    assert data["dismissed"] == [
        {"folder": "claims/test-article", "sentence": sentence, "by": "bob", "at": "2024-04-03T10:00:00+00:00", "reason": "Background *only*."}
    ]
    # Nothing dismissed or taken back: nothing to report; a broken file is listed
    (folder / "dismissed.yaml").write_text(
        'dismissed:\n  - sentence: "Critics  disagree."\n    by: ann\n    at: 2024-04-02T10:00:00Z\n', encoding="utf-8"
    )
    assert run(capsys, "diff", "--root", root, base) == (0, f"No changes to the claim record since `{base[:7]}`.\n{GIVE_A_BASE}\n", "")
    (folder / "dismissed.yaml").write_text("dismissed:\n  - sentence: 7\n", encoding="utf-8")
    out = run(capsys, "diff", "--root", root, base)[1]
    assert out.splitlines()[-1] == "- `claims/test-article/dismissed.yaml`"

def test_diff_without_changes_says_its_base_and_how_to_give_one(capsys, tmp_path):
    root = make_repo(tmp_path)
    base = git(root.parent, "rev-parse", "--short", "HEAD")
    assert run(capsys, "diff", "--root", root) == (0, f"No changes to the claim record since the merge base with main (`{base}`).\n{GIVE_A_BASE}\n", "")
    assert GIVE_A_BASE.startswith("To compare with another revision, name it: factcheck diff REV")


def test_diff_falls_back_to_master(capsys, tmp_path):
    root = make_repo(tmp_path, branch="master")
    assert run(capsys, "diff", "--root", root)[1].startswith("No changes to the claim record since the merge base with master (`")


def test_diff_errors_exit_2(capsys, tmp_path):
    repo = tmp_path / "empty"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "trunk")
    root = make_tree(repo)  # never committed: no base at all
    code, out, err = run(capsys, "diff", "--root", root)
    assert (code, out) == (2, "") and err == (
        "factcheck: no base to compare with: no main or master branch to compare with, no upstream, and no commit changed claims/ yet; "
        "name a revision, e.g. factcheck diff HEAD~1\n"
    )
    assert run(capsys, "diff", "--root", root, "v9") == (2, "", "factcheck: unknown git revision 'v9'\n")
    plain = make_tree(tmp_path / "plain")
    assert run(capsys, "diff", "--root", plain, "HEAD") == (2, "", f"factcheck: not in a git repository: {plain}\n")



def _second_article(root: Path) -> None:
    """A second article folder with one claim, as article add and triage leave it."""
    folder = root / "boeing-order"
    folder.mkdir()
    (folder / "article.yaml").write_text(
        'title: "Emirates orders Boeing jets"\npublisher: "Example News"\nurl: https://example.org/boeing\n'
        "published: 2024-03-27\nlanguage: en\ntext: article.txt\n", encoding="utf-8"
    )
    (folder / "article.txt").write_text("Emirates orders Boeing jets\n\nThe mayor said that 24 bridges were repaired in 2023.\n", encoding="utf-8")
    (folder / "bridges-again.yaml").write_text(claim_path(root, "bridges-repaired").read_text().replace("id: bridges-repaired", "id: bridges-again"))


def test_diff_on_main_after_committing_compares_with_the_commit_before_and_names_it(capsys, tmp_path):
    root = make_repo(tmp_path, work=None)
    repo = root.parent
    before = git(repo, "rev-parse", "--short", "HEAD")
    _second_article(root)
    last = commit_all(repo, "A second article")
    (repo / "README").write_text("not claims\n")
    commit_all(repo, "Unrelated")  # the last commit that changed claims/ is the one before
    code, out, err = run(capsys, "diff", "--root", root)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"## Claim record changes since the commit before {last}, the last commit that changed claims/ (`{before}`)"
    assert lines[2].endswith(" · **Articles:** 1 added, 0 removed, 0 changed") and lines[2].startswith("**Claims:** 1 added")
    assert lines[4:9] == [
        "### New articles",
        "",
        "- `claims/boeing-order`: Emirates orders Boeing jets, Example News, 2024-03-27",
        "  - <https://example.org/boeing>",
        "",
    ]
    assert out.count(before) == 1  # the base once
    data = json.loads(run(capsys, "diff", "--root", root, "--format", "json")[1])
    assert data["base"] == f"the commit before {last}, the last commit that changed claims/"
    assert data["articles_added"][0]["folder"] == "claims/boeing-order" and data["articles_added"][0]["url"] == "https://example.org/boeing"


def test_diff_on_main_with_an_upstream_compares_with_it(capsys, tmp_path):
    root = make_repo(tmp_path, work=None)
    repo = root.parent
    git(tmp_path, "init", "-q", "--bare", "-b", "main", "remote.git")
    git(repo, "remote", "add", "origin", str(tmp_path / "remote.git"))
    git(repo, "push", "-q", "-u", "origin", "main")
    pushed = git(repo, "rev-parse", "--short", "HEAD")
    _second_article(root)
    commit_all(repo, "A second article")
    out = run(capsys, "diff", "--root", root)[1]
    assert out.splitlines()[0] == f"## Claim record changes since the upstream branch origin/main (`{pushed}`)"
    assert "- `claims/boeing-order`: Emirates orders Boeing jets" in out


def test_diff_reports_articles_changed_and_removed_and_names_a_given_base_once(capsys, tmp_path):
    root = make_repo(tmp_path)
    repo = root.parent
    _second_article(root)
    commit_all(repo, "A second article")
    base = git(repo, "rev-parse", "--short", "HEAD")
    article = root / "test-article" / "article.yaml"
    text = article.read_text().replace('title: "A Test Article"', 'title: "A Test Article, corrected"')
    article.write_text(text.replace("published: 2024-03-28", "published: 2024-03-27"))
    (root / "test-article" / "article.txt").write_text((root / "test-article" / "article.txt").read_text() + "\nA paragraph added.\n")
    for name in ("article.yaml", "article.txt", "bridges-again.yaml"):
        (root / "boeing-order" / name).unlink()
    (root / "boeing-order").rmdir()
    code, out, _ = run(capsys, "diff", "--root", root, base)
    lines = out.splitlines()
    assert lines[0] == f"## Claim record changes since `{base}`"
    assert "### Removed articles\n\n- `claims/boeing-order`: Emirates orders Boeing jets, Example News, 2024-03-27\n" in out
    assert "\n".join([
        "### Changed articles",
        "",
        "- `claims/test-article`: A Test Article, corrected",
        "  - title: A Test Article → A Test Article, corrected",
        "  - published: 2024-03-28 → 2024-03-27",
        "  - text changed (`article.txt`)",
    ]) in out
    assert run(capsys, "diff", "--root", root, "HEAD")[1].splitlines()[0] == f"## Claim record changes since `HEAD` (`{base}`)"
    data = json.loads(run(capsys, "diff", "--root", root, base, "--format", "json")[1])
    assert data["articles_changed"] == [{
        "folder": "claims/test-article", "title": "A Test Article, corrected", "url": "https://example.org/article", "text_changed": True,
        "fields": [{"field": "title", "before": "A Test Article", "after": "A Test Article, corrected"},
                   {"field": "published", "before": "2024-03-28", "after": "2024-03-27"}],
    }]
    assert [a["folder"] for a in data["articles_removed"]] == ["claims/boeing-order"]

# -- factcheck links --------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    PAGES = {"/ok": 200, "/nohead": 200}

    def do_HEAD(self) -> None:
        self._answer(405 if self.path == "/nohead" else self.PAGES.get(self.path, 404))

    def do_GET(self) -> None:
        self._answer(self.PAGES.get(self.path, 404))

    def _answer(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:  # keep the test output clean
        pass


@pytest.fixture
def server(monkeypatch):
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "*")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _links_tree(tmp_path: Path, server: str, refused: str) -> Path:
    survey = OTHER_YAML.replace(
        "https://example.org/survey\n",
        f"{server}/ok\n    archive_url: https://web.archive.org/web/2024/{server}/ok\n",
    ).replace("corrections: []\n", SECOND_SOURCE.replace("https://example.org/poll", f"{server}/gone") + "corrections: []\n")
    bridges = BRIDGES.replace("sources: []\n", "sources:\n" + SECOND_SOURCE.replace("https://example.org/poll", f"{server}/nohead")
                              + SECOND_SOURCE.replace("https://example.org/poll", refused))
    return make_tree(tmp_path, {"bridges-repaired": bridges, "support-rose": survey})


def test_links_lists_sources_without_archive(capsys, tmp_path, server):
    refused = f"http://127.0.0.1:{_closed_port()}/x"
    root = _links_tree(tmp_path, server, refused)
    code, out, err = run(capsys, "links", "--root", root)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "3 of 4 sources have no archive_url:",
        f"bridges-repaired: {server}/nohead",
        f"bridges-repaired: {refused}",
        f"support-rose: {server}/gone",
    ]


def test_links_check_reports_dead_links(capsys, tmp_path, server):
    refused = f"http://127.0.0.1:{_closed_port()}/x"
    root = _links_tree(tmp_path, server, refused)
    code, out, err = run(capsys, "links", "--root", root, "--check", "--timeout", "5", "--allow-private")
    assert (code, err) == (1, "")
    assert out.splitlines()[4:] == [
        "2 of 4 sources have a dead link:",
        f"bridges-repaired: {refused}: Connection refused",
        f"support-rose: {server}/gone: HTTP 404 Not Found",
    ]


def test_links_check_all_alive(capsys, tmp_path, server):
    survey = OTHER_YAML.replace("https://example.org/survey", f"{server}/ok")
    root = make_tree(tmp_path, {"bridges-repaired": BRIDGES, "support-rose": survey})
    assert run(capsys, "links", "--root", root, "--check", "--timeout", "5", "--allow-private") == (
        0, "1 of 1 source has no archive_url:\n" f"support-rose: {server}/ok\n" "1 source URL checked, none dead\n", ""
    )


def test_links_rejects_a_timeout_of_zero(capsys, tree):
    assert run(capsys, "links", "--root", tree, "--timeout", "0") == (
        2, "", "factcheck links: argument --timeout: '0' is not a number of seconds more than 0, e.g. 10\ntry 'factcheck links --help'\n"
    )


def test_quantities_show_up_in_diff_and_need_no_correction(capsys, tmp_path):
    root = make_repo(tmp_path, work=None)
    repo = root.parent
    base = git(repo, "rev-parse", "--short", "HEAD")
    git(repo, "checkout", "-q", "-b", "work")
    assert run(capsys, "set-quantities", "--root", root, "support-rose", "--from-quote")[0] == 0
    code, out, _ = run(capsys, "validate", "--base", "main", root)
    assert code == 0, out  # quantities are metadata of the quote: no correction needed
    code, out, _ = run(capsys, "diff", "--root", root)
    assert code == 0
    assert out.splitlines()[6:] == [
        "- `support-rose`",
        "  - quantity added: 57 percent (as of 2017) — “57 percent”",
        "  - quantity added: 68 percent (as of 2021) — “68 percent”",
        "  - 1 history entry added",
    ]
    commit_all(repo, "Quantities", when="2024-04-06T10:00:00Z")
    path = claim_path(root, "support-rose")
    path.write_text(path.read_text().replace("  - value: 68\n    unit: percent\n    text: 68 percent\n    as_of: 2021\n", "").replace(
        "text: 57 percent\n", "text: 57 percent\n    label: support for the plan\n"))
    code, out, _ = run(capsys, "diff", "--root", root, "HEAD", "--format", "json")
    changed = json.loads(out)["changed"][0]
    assert code == 0 and changed["history_added"] == 0 and changed["other_fields"] == []
    assert changed["quantities_added"] == [{"value": 57, "unit": "percent", "text": "57 percent", "as_of": 2017, "label": "support for the plan"}]
    assert changed["quantities_removed"] == [
        {"value": 57, "unit": "percent", "text": "57 percent", "as_of": 2017},
        {"value": 68, "unit": "percent", "text": "68 percent", "as_of": 2021},
    ]
    code, out, _ = run(capsys, "diff", "--root", root, "main")
    assert f"(`{base}`)" in out and "  - quantity added: 57 percent (as of 2017), support for the plan — “57 percent”" in out
