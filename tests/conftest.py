"""Fixture trees built in tmp_path: tests never depend on the built-in claims."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

ARTICLE_TEXT = (
    "A Test Article\n\n"
    "The mayor said that 24 bridges were repaired in 2023. Critics disagree.\n\n"
    "Support for the plan rose from 57 percent in 2017 to 68 percent in 2021, "
    "according to the city’s “annual survey.”\n"
)

ARTICLE_YAML = """\
title: "A Test Article"
publisher: "Test Publisher"
url: https://example.org/article
published: 2024-03-28
language: en
text: article.txt
outlet: "Test Outlet"
authors:
  - "Ann Author"
"""

CLAIM_YAML = """\
# A claim used by the tests.
id: bridges-repaired
text: "The mayor said 24 bridges were repaired in 2023."
quote: "The mayor said that 24 bridges were repaired in 2023."
claimant: "The mayor"
kind: quantity
status: new
verdict: null
summary: null
tags:
  - infrastructure
related:
  - support-rose
sources: []
corrections: []
history:
  - at: 2024-04-01T09:00:00Z
    by: ann
    action: created
    after: new
    note: "Extracted from the article."
"""

OTHER_YAML = """\
id: support-rose
text: "Support for the plan rose from 57% in 2017 to 68% in 2021."
quote: "Support for the plan rose from 57 percent in 2017 to 68 percent in 2021, according to the city's \\"annual survey.\\""
claimant: "City survey"
kind: quantity
status: researching
verdict: null
summary: null
tags: []
related: []
sources:
  - url: https://example.org/survey
    title: "Annual survey 2021"
    publisher: "City of Example"
    published: 2021-12-01
    accessed: 2024-04-02
    excerpt: "68 percent support the plan"
    stance: supports
corrections: []
history:
  - at: 2024-04-01T09:00:00Z
    by: ann
    action: created
    after: new
  - at: 2024-04-02T10:00:00Z
    by: ann
    action: status
    field: status
    before: new
    after: researching
    note: "Looking for the survey."
"""


#: A history entry sending a researching claim to review, by ann.
SENT_TO_REVIEW = """\
  - at: 2024-04-03T09:00:00Z
    by: ann
    action: status
    field: status
    before: researching
    after: in-review
    note: "Ready for review."
"""

#: The history entries of a publication by a second person: ann sends the claim to
#: review, bo publishes it (append to a history whose last status is researching).
REVIEWED = SENT_TO_REVIEW + """\
  - at: 2024-04-03T10:00:00Z
    by: bo
    action: status
    field: status
    before: in-review
    after: published
    note: "Reviewed."
"""

#: support-rose sent to review by ann: any other editor may publish it once it has a verdict and summary.
OTHER_IN_REVIEW = OTHER_YAML.replace("status: researching\n", "status: in-review\n") + SENT_TO_REVIEW


def make_tree(root: Path, claims: dict[str, str] | None = None) -> Path:
    """A claims tree with one article and the given claim files (name -> YAML)."""
    folder = root / "claims" / "test-article"
    folder.mkdir(parents=True)
    (folder / "article.yaml").write_text(ARTICLE_YAML, encoding="utf-8")
    (folder / "article.txt").write_text(ARTICLE_TEXT, encoding="utf-8")
    if claims is None:
        claims = {"bridges-repaired": CLAIM_YAML, "support-rose": OTHER_YAML}
    for name, text in claims.items():
        data = text if isinstance(text, bytes) else textwrap.dedent(text).encode("utf-8")
        (folder / f"{name}.yaml").write_bytes(data)
    return root / "claims"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return make_tree(tmp_path)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTCHECK_CACHE_DIR", str(tmp_path / ".cache"))
    monkeypatch.setenv("FACTCHECK_EDITOR", "tester")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / ".config"))  # never the user's own config
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture
def isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Git sees no repository above tmp_path and none of the user's settings."""
    (tmp_path / "gitconfig").write_text("")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


#: The quantities of ``support-rose``, in the canonical layout (between related and sources).
QUANTITIES_BLOCK = """\
quantities:
  - value: 57
    unit: percent
    text: 57 percent
    as_of: 2017
    label: support for the plan
  - value: 68
    unit: percent
    text: 68 percent
    as_of: 2021-12-01
"""
OTHER_WITH_QUANTITIES = OTHER_YAML.replace("related: []\n", "related: []\n" + QUANTITIES_BLOCK, 1)
