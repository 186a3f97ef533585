"""What checking a tree adds to checking each file on its own.

The review policy of each article folder, the dismissals files, unique ids and related
ids across every claim of the tree, near-duplicate claims, and each problem once in
report order. Used by
:func:`factcheck.validate.check_tree`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
import os
from collections.abc import Callable
from typing import Any

from factcheck.problems import Problem
from factcheck.reading import ArticleRecord, FileResult, stem
from factcheck.rules import ClaimantNames, ReviewPolicy, cross_rules
from factcheck.tree import claim_names, tree_root


def sorted_once(problems: list[Problem]) -> list[Problem]:
    """Each problem once, in report order (problems are tuples: hashed and compared in C)."""
    return sorted(dict.fromkeys(problems))


def review_policies(articles: dict[str, ArticleRecord], problems: list[Problem]) -> dict[str, ReviewPolicy]:
    """The review policy of each article folder (its config, read afresh), its problems added to ``problems``."""
    from factcheck.siteconfig import review_policy

    out = {}
    for folder in articles:
        policy, found = review_policy(folder, fresh=True)
        out[folder] = policy
        problems += [p for p in found if p not in problems]
    return out


def claimant_registries(articles: dict[str, ArticleRecord], found: list[str], problems: list[Problem]) -> dict[str, ClaimantNames | None]:
    """The claimant registry each article folder's claims answer to (``claimants.yaml`` at the
    root of its tree; None: the tree has none), every registry's problems added to ``problems``.

    ``found``: registry files the paths given named or held (read even with no article folder)."""
    from factcheck.claimants import load_registry

    roots = {folder: os.path.normpath(os.path.join(folder, os.pardir)) for folder in articles}
    given: dict[str, str] = {}
    for root in [*roots.values(), *(os.path.dirname(p) or "." for p in found)]:
        given.setdefault(os.path.abspath(root), root)
    names: dict[str, ClaimantNames | None] = {}
    for absolute, root in sorted(given.items()):
        registry = load_registry(root)
        names[absolute] = registry.rule_names()
        problems += [p for p in registry.problems if p not in problems]
    return {folder: names[os.path.abspath(root)] for folder, root in roots.items()}


def dismissal_problems(found: dict[str, str], articles: dict[str, ArticleRecord], day: dt.date) -> list[Problem]:
    """Every problem of the dismissals files (one small file per article folder at most)."""
    from factcheck import dismissals

    out: list[Problem] = []
    for folder, path in found.items():
        article = articles.get(folder)
        if article is None:
            out.append(Problem(path, 1, 1, "no-article", f"dismissals file is not in an article folder (no {os.path.join(folder, 'article.yaml')})"))
        else:
            out += dismissals.load(path, article.text, day).problems
    return out


_CLAIM_ID = operator.attrgetter("claim_id")
_RELATED = operator.attrgetter("related")


def cross_problems(paths: list[str], checked: list[str], results: dict[str, FileResult]) -> list[Problem]:
    """Unique ids and related ids, over the whole tree the checked files belong to.

    Checking some files of a tree (a pre-commit hook passes only the changed ones)
    still sees every other claim of the tree; those answer to their file names, which
    their ids must equal. Only the checked files' problems are reported.
    """
    # An unreadable file still answers to its file name, so claims that relate to it
    # are not reported as well.
    ids = dict(zip(results, map(_CLAIM_ID, results.values()), strict=True))
    for path in list(itertools.compress(ids, map(operator.not_, ids.values()))):  # no id: its file name
        ids[path] = stem(path)
    related = dict(zip(results, map(_RELATED, results.values()), strict=True))
    partial = [p for p in paths if os.path.exists(p) and os.path.abspath(p) != tree_root(p)]
    if partial:
        known = {os.path.abspath(p) for p in ids}
        for other in claim_names(sorted({tree_root(p) for p in partial})):
            if os.path.abspath(other) not in known:
                ids[other] = stem(other)
                related[other] = []
    findings = cross_rules(ids, related)
    out: list[Problem] = []
    for path, found in findings.items():
        if path not in results:
            continue
        out += _locate(path, found)
    return out


def _locate(path: str, findings: list) -> list[Problem]:
    from factcheck.fsio import read_file
    from factcheck.reading import parse

    got = read_file(path)
    if isinstance(got, Problem):
        return [Problem(path, 1, 1, f.code, f.message) for f in findings]
    return parse(path, got[0]).locate(findings)


def duplicate_problems(
    given: list[str], results: dict[str, FileResult], stats: dict[str, object], line_of: Callable[[str], Any], use_cache: bool = True
) -> list[Problem]:
    """``possible-duplicate``: claims among those checked whose words mostly coincide and
    that are not related to each other (:mod:`factcheck.similar`; threshold
    ``[match] duplicate_threshold``), and the ``[match]`` table's problems.

    ``line_of(path)``: a checked file's :class:`~factcheck.rows.ListLine` (None: not a valid
    claim), asked only when some claim file changed since the warnings were cached.
    """
    from factcheck import similar
    from factcheck.model import Status
    from factcheck.siteconfig import match_config

    if not results or not given:
        return []
    config, problems = match_config(given[0])
    dismissed = Status.DISMISSED.value

    def claims() -> list:
        out = []
        for path in sorted(results):
            line = line_of(path)
            if line is not None and line.status != dismissed:
                out.append(similar.Claimed(path, line.id, line.text, tuple(results[path].related)))
        return out

    return problems + similar.tree_problems({p: stats.get(p) for p in results}, claims, config.duplicate_threshold, _text_key, use_cache)


def _text_key(path: str) -> tuple[int, int]:
    from factcheck.convert import FieldError

    found = _locate(path, [FieldError("possible-duplicate", "", ("text",))])
    return (found[0].line, found[0].col) if found else (1, 1)
