"""Accepted warnings: a known class summed up in one line, anything else printed in full, JSON complete.

Run as a user runs them: the installed command, in a fresh process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_tree
from sitetrees import BRIDGES_PUBLISHED, PUBLISHED_YAML

REVIEW = "[review]\nsecond_person_since = 2025-01-01T00:00:00Z\n"
ACCEPTED = REVIEW + '\n[warnings]\naccepted = ["self-published-before-policy"]\n'
SELF = "claims/test-article/bridges-repaired.yaml:32:9: warning [self-published-before-policy] "
UNDATED = "claims/test-article/support-rose.yaml:"
SUMMED = (
    "1 accepted warning not shown (1 self-published-before-policy; [warnings] accepted in the config): "
    "factcheck validate --show accepted lists them"
)


def _factcheck(cwd: Path, *argv: str) -> subprocess.CompletedProcess:
    env = {**os.environ}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run([sys.executable, "-m", "factcheck", *argv], capture_output=True, text=True, cwd=cwd, env=env)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """bridges-repaired self-published before the policy (the accepted class); support-rose's evidence undated (not accepted)."""
    undated = PUBLISHED_YAML.replace("    published: 2021-12-01\n", "    published: null\n")
    make_tree(tmp_path, {"bridges-repaired": BRIDGES_PUBLISHED.replace("    by: bo\n", "    by: ann\n"), "support-rose": undated})
    (tmp_path / ".git").mkdir()
    (tmp_path / "factcheck.toml").write_text(ACCEPTED)
    return tmp_path


def test_validate_sums_up_the_accepted_class_and_prints_the_rest(project):
    run = _factcheck(project, "validate", "claims")
    lines = run.stdout.splitlines()
    assert run.returncode == 0 and run.stderr == ""
    assert not any(line.startswith(SELF) for line in lines)
    assert lines[0].startswith(UNDATED) and "warning [undated-evidence]" in lines[0]
    assert lines[1:] == [SUMMED, "1 warning in 1 file (2 claim files checked)"]
    shown = _factcheck(project, "validate", "claims", "--show", "accepted").stdout.splitlines()
    assert any(line.startswith(SELF) for line in shown) and shown[-1] == "2 warnings in 2 files (2 claim files checked)"
    (project / "factcheck.toml").write_text(REVIEW)  # nothing accepted: everything in full, as before
    assert _factcheck(project, "validate", "claims").stdout.splitlines() == shown


def test_json_stays_complete_and_github_says_what_it_left_out(project):
    data = json.loads(_factcheck(project, "validate", "claims", "--format", "json").stdout)
    assert [(p["code"], p.get("accepted", False)) for p in data] == [("self-published-before-policy", True), ("undated-evidence", False)]
    github = _factcheck(project, "validate", "claims", "--format", "github").stdout.splitlines()
    assert len(github) == 2 and github[0].startswith("::warning file=claims/test-article/support-rose.yaml,")
    assert github[1] == f"::notice title=factcheck accepted warnings::{SUMMED}"
    parsable = _factcheck(project, "validate", "claims", "--format", "parsable").stdout.splitlines()
    assert len(parsable) == 2 and parsable[0].startswith(SELF)  # one line per problem, every one


def test_strict_fails_on_new_warnings_only(project):
    assert _factcheck(project, "validate", "--strict", "claims").returncode == 1  # the undated evidence
    dated = project / "claims" / "test-article" / "support-rose.yaml"
    dated.write_text(dated.read_text().replace("    published: null\n", "    published: 2021-12-01\n"))
    run = _factcheck(project, "validate", "--strict", "claims")
    assert (run.returncode, run.stdout) == (0, f"{SUMMED}\n2 claim files checked, no other problems\n")


def test_build_sums_up_the_accepted_class(project):
    (project / "factcheck.toml").write_text(REVIEW + '\n[warnings]\naccepted = ["no-base-url"]\n')
    run = _factcheck(project, "build", "claims", "--out", str(project / "site"))
    assert run.returncode == 0
    lines = run.stderr.splitlines()
    # A warning not accepted still prints in full; the accepted one is summed up.
    assert lines[0].startswith("claims:1:1: warning [no-organization-url] ") and lines[1:] == [
        "1 accepted warning not shown (1 no-base-url; [warnings] accepted in the config): factcheck build --show accepted lists them"
    ]
    run = _factcheck(project, "build", "claims", "--out", str(project / "site"), "--show", "accepted")
    assert run.stderr.startswith("claims:1:1: warning [no-base-url] ")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('accepted = ["syntax"]', "warnings.accepted: 'syntax' is an error: only warnings can be accepted"),
        ('accepted = ["self-publishd-before-policy"]', "warnings.accepted: 'self-publishd-before-policy' is not a problem code (did you mean"),
        ("accepted = \"undated-evidence\"", "warnings.accepted must be a list of warning codes"),
        ("acepted = []", "unknown key 'acepted' in [warnings] (did you mean 'accepted'?)"),
    ],
)
def test_a_bad_accepted_list_is_a_config_error_with_its_line(project, table, message):
    (project / "factcheck.toml").write_text(REVIEW + "\n[warnings]\n" + table + "\n")
    run = _factcheck(project, "validate", "claims")
    assert run.returncode == 1
    assert f"factcheck.toml:5:1: error [config] {message}" in run.stdout
    assert any(line.startswith(SELF) for line in run.stdout.splitlines())  # nothing is accepted until it is fixed
