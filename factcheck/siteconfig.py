"""The project config: who publishes the fact-checks and where, and the review policy.

Read from ``factcheck.toml`` or from ``[tool.factcheck]`` of a ``pyproject.toml``, in
the first folder at or above the claims tree that has either (a ``factcheck.toml``
wins when both do); the search stops at the repository root (a folder with ``.git``).

    organization = "Example Fact Check"          # the author of every ClaimReview
    organization_url = "https://example.org/"   # optional
    site_title = "Example Fact Check"            # optional, default: the organization
    base_url = "https://example.org/checks/"     # optional, overridden by --base-url
    repo_url = "https://github.com/o/r/blob/main" # optional, overridden by --repo-url
    evidence_dir = "evidence"                    # optional: where factcheck archive keeps snapshots

    [review]
    second_person_since = 2026-11-29T08:00:00Z   # optional: see review_policy

    [match]
    feeds = ["feeds/other-desk.jsonl"]           # optional: factcheck match searches them by default
    threshold = 0.5                              # optional: "checked before" from this score
    duplicate_threshold = 0.8                    # optional: validate's possible-duplicate from this similarity

    [team]
    ann = "Ann Example"                          # optional: the public name the site shows for a handle

    [warnings]
    accepted = ["self-published-before-policy"]  # optional: known warnings summed up in one line, see accepted_warnings
    [archive]
    save_page_now = "https://web.archive.org/save/"  # optional: archive --wayback's endpoint

Problems are values: a config that cannot be read, an unknown key or a bad value is a
:class:`~factcheck.problems.Problem` and the default is used instead. No I/O but
reading it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from typing import Any

import attrs

from factcheck.problems import Problem, did_you_mean
from factcheck.rules import ReviewPolicy
from factcheck.textsafe import escape_line, first_control

CONFIG_FILE = "factcheck.toml"
DEFAULT_ORGANIZATION = "factcheck"


_HTTP_URL = re.compile(r"[Hh][Tt][Tt][Pp][Ss]?://[^/?#\s\x00-\x1f\x7f]+[^\s\x00-\x1f\x7f]*")


def is_http_url(value: object) -> bool:
    """Whether ``value`` is an http(s) URL with a host and no whitespace, control or bidi characters."""
    return isinstance(value, str) and _HTTP_URL.fullmatch(value) is not None and first_control(value) is None


@attrs.frozen
class SiteConfig:
    organization: str = DEFAULT_ORGANIZATION
    organization_url: str | None = None
    site_title: str | None = None
    base_url: str | None = None
    repo_url: str | None = None
    repo_root: str | None = None  # the folder the config was found in (claim file links are relative to it)
    #: ``[team]``: (editing handle, public name) of each editor, as the site names them.
    team: tuple[tuple[str, str], ...] = ()

    @property
    def title(self) -> str:
        return self.site_title or self.organization

    def display_name(self, handle: str) -> str:
        """The public name of an editing handle (the team list's, handles compared as editors are), else the handle."""
        from factcheck.workflow import same_editor

        return next((name for known, name in self.team if same_editor(known, handle)), handle)


_URL_KEYS = ("organization_url", "base_url", "repo_url")
_TEXT_KEYS = ("organization", "site_title")
KEYS = _TEXT_KEYS + _URL_KEYS


def find_config(start: str) -> tuple[str | None, str | None]:
    """(the folder holding the config, the config file) at or above ``start``; (repo root, None) if none."""
    here = os.path.abspath(start)
    if not os.path.isdir(here):
        here = os.path.dirname(here)
    while True:
        own = os.path.join(here, CONFIG_FILE)
        if os.path.isfile(own):
            return here, own
        pyproject = os.path.join(here, "pyproject.toml")
        if os.path.isfile(pyproject) and _has_tool_table(pyproject):
            return here, pyproject
        parent = os.path.dirname(here)
        if os.path.exists(os.path.join(here, ".git")) or parent == here:
            return (here if os.path.exists(os.path.join(here, ".git")) else None), None
        here = parent


def _has_tool_table(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            return "factcheck" in tomllib.load(handle).get("tool", {})
    except (OSError, tomllib.TOMLDecodeError):
        return False


@attrs.frozen
class RawConfig:
    """The config's data as read (``{}`` when there is none), where it was found, and what was wrong."""

    data: dict[str, Any]
    path: str | None  # the file read (a factcheck.toml or a pyproject.toml)
    folder: str | None  # the folder holding it, else the repository root if known
    problems: tuple[Problem, ...] = ()


def read_config(start: str) -> RawConfig:
    """The config for the claims tree at ``start``, as plain TOML data; the general reader."""
    folder, path = find_config(start)
    if path is None:
        return RawConfig({}, None, folder)
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, UnicodeDecodeError) as exc:
        return RawConfig({}, path, folder, (Problem(path, 1, 1, "config", f"cannot read the config: {exc}"),))
    except tomllib.TOMLDecodeError as exc:
        return RawConfig({}, path, folder, (Problem(path, 1, 1, "config", f"not valid TOML: {exc}"),))
    if os.path.basename(path) == "pyproject.toml":
        data = data.get("tool", {}).get("factcheck", {})
    return RawConfig(data if isinstance(data, dict) else {}, path, folder)


def load(start: str) -> tuple[SiteConfig, list[Problem]]:
    """The publishing config for the claims tree at ``start``, and what was wrong with it."""
    raw = read_config(start)
    if raw.problems or raw.path is None:
        return SiteConfig(repo_root=raw.folder), list(raw.problems)
    return from_mapping(raw.data, raw.path, raw.folder)


#: Tables and keys of the config read elsewhere than the site's settings (``evidence_dir``
#: and ``[archive]``: :mod:`factcheck.evidence.folder`).
TABLES = ("review", "match", "team", "warnings", "archive", "evidence_dir")
REVIEW_KEYS = ("second_person_since",)


def _line_of(path: str, key: str) -> int:
    """The line where ``key`` is set in the file at ``path`` (1 if it cannot be found)."""
    try:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if re.match(rf"\s*{re.escape(key)}\s*=", line):
                    return number
    except (OSError, UnicodeDecodeError):
        pass
    return 1


def _timestamp(value: object) -> dt.datetime | None:
    """An RFC 3339 timestamp with its offset (TOML's offset date-time, or such a text), else None."""
    if isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)", text):
            return None
        try:
            value = dt.datetime.fromisoformat(text.replace("z", "Z"))
        except ValueError:
            return None
    if isinstance(value, dt.datetime) and value.tzinfo is not None and value.utcoffset() is not None:
        return value.astimezone(dt.timezone.utc)
    return None


def review_from(raw: RawConfig) -> tuple[ReviewPolicy, list[Problem]]:
    """The review policy of a config read by :func:`read_config`."""
    if raw.path is None or "review" not in raw.data:
        return ReviewPolicy(), list(raw.problems)
    path, table = raw.path, raw.data["review"]
    if not isinstance(table, dict):
        return ReviewPolicy(), [Problem(path, _line_of(path, "review"), 1, "config", "review must be a table ([review])")]
    problems: list[Problem] = []
    since = None
    for key, value in table.items():
        if key not in REVIEW_KEYS:
            problems.append(Problem(path, _line_of(path, key), 1, "config", f"unknown key {key!r} in [review]{did_you_mean(key, REVIEW_KEYS)}"))
            continue
        since = _timestamp(value)
        if since is None:
            why = f"must be a timestamp with its offset, such as 2026-11-29T08:00:00Z; got {value!r}"
        elif since > dt.datetime.now(dt.timezone.utc):
            # A rule that takes effect later would make every publication until then a warning.
            why, since = f"is in the future ({since.strftime('%Y-%m-%dT%H:%M:%SZ')}); it says since when the rule holds, a time already past", None
        else:
            continue
        problems.append(Problem(path, _line_of(path, key), 1, "config", f"review.{key} {why}; the rule applies to every publication until it is fixed"))
    return ReviewPolicy(since), problems


_POLICIES: dict[str, tuple[str | None, tuple | None, float, ReviewPolicy, tuple[Problem, ...]]] = {}
#: How long "no config here" is believed without looking again (a found config is
#: looked at, with one stat, every time).
_NONE_FOR = 2.0


def _signature(path: str | None) -> tuple | None:
    try:
        st = os.stat(path) if path else None
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino) if st else None


def review_policy(start: str, fresh: bool = False) -> tuple[ReviewPolicy, list[Problem]]:
    """Since when a publication by the editor who sent it to review is an error, for the
    claims under ``start`` (``[review] second_person_since``); and the config's problems.

    No config, or no such key: always (:class:`ReviewPolicy` with ``since`` None).
    Unless ``fresh``, remembered per folder while the config file found for it is
    unchanged (and, where none was found, for two seconds).
    """
    import time

    folder = os.path.abspath(start)
    known = _POLICIES.get(folder)
    if not fresh and known is not None:
        path, signature, when, policy, problems = known
        if (path is not None and _signature(path) == signature) or (path is None and time.monotonic() - when < _NONE_FOR):
            return policy, list(problems)
    raw = read_config(start)
    policy, found = review_from(raw)
    _POLICIES[folder] = (raw.path, _signature(raw.path), time.monotonic(), policy, tuple(found))
    return policy, found


def from_mapping(data: dict, path: str, folder: str | None) -> tuple[SiteConfig, list[Problem]]:
    problems: list[Problem] = []
    values: dict[str, str] = {}
    for key, value in data.items():
        if key in TABLES:
            continue
        if key not in KEYS:
            problems.append(Problem(path, 1, 1, "config", f"unknown key {key!r}{did_you_mean(key, KEYS)}"))
        elif not isinstance(value, str) or not value.strip():
            problems.append(Problem(path, 1, 1, "config", f"{key} must be non-empty text"))
        elif first_control(value):  # it would reach every page of the site
            problems.append(Problem(path, 1, 1, "config", f"{key} holds a control or bidi character: {escape_line(value)!r}"))
        elif key in _URL_KEYS and not is_http_url(value):
            problems.append(Problem(path, 1, 1, "config", f"{key} must be an http or https URL, got {escape_line(repr(value))}"))
        else:
            values[key] = value.strip()
    team, found = team_from(data.get("team"), path)
    return SiteConfig(repo_root=folder, team=team, **values), problems + found


def team_from(table: object, path: str) -> tuple[tuple[tuple[str, str], ...], list[Problem]]:
    """``[team]``: each editing handle and the name the site shows for it (``ann = "Ann Example"``)."""
    if table is None:
        return (), []
    if not isinstance(table, dict):
        return (), [Problem(path, _line_of(path, "team"), 1, "config", "team must be a table ([team]) of handle = \"Public Name\"")]
    team, problems = [], []
    for handle, name in table.items():
        if not isinstance(name, str) or not name.strip() or first_control(name) or first_control(handle):
            shown = escape_line(repr(name))
            problems.append(Problem(path, _line_of(path, handle), 1, "config", f"team.{escape_line(handle)} must be a public name on one line, got {shown}"))
        else:
            team.append((handle, name.strip()))
    return tuple(team), problems


#: What ``[match]`` may hold.
MATCH_KEYS = ("feeds", "threshold", "duplicate_threshold")


@attrs.frozen
class MatchConfig:
    """``[match]``: the feeds searched by default, the score from which an earlier check is
    shown as "checked before" (review screen, triage view, site), and the similarity from
    which two claims of the tree are reported as ``possible-duplicate``."""

    feeds: tuple[str, ...] = ()
    threshold: float = 0.5
    duplicate_threshold: float = 0.8


def match_config(start: str) -> tuple[MatchConfig, list[Problem]]:
    """The ``[match]`` table of the config for the tree at ``start`` (feed paths relative to
    the config's folder), and what was wrong with it (a bad value keeps its default)."""
    raw = read_config(start)
    table = raw.data.get("match")
    if raw.path is None or table is None:
        return MatchConfig(), list(raw.problems)
    path = raw.path
    if not isinstance(table, dict):
        return MatchConfig(), [Problem(path, _line_of(path, "match"), 1, "config", "match must be a table ([match])")]
    problems = [
        Problem(path, _line_of(path, k), 1, "config", f"unknown key {k!r} in [match]{did_you_mean(k, MATCH_KEYS)}") for k in table if k not in MATCH_KEYS
    ]
    values: dict[str, Any] = {}
    feeds = table.get("feeds", [])
    if not isinstance(feeds, list) or not all(isinstance(f, str) and f.strip() for f in feeds):
        problems.append(Problem(path, _line_of(path, "feeds"), 1, "config", "match.feeds must be a list of file paths"))
    else:
        values["feeds"] = tuple(os.path.join(os.path.dirname(path), f) for f in feeds)
    for key in ("threshold", "duplicate_threshold"):
        if key not in table:
            continue
        value = table[key]
        if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 1:
            values[key] = float(value)
        else:
            why = f"match.{key} must be a number more than 0 and at most 1, got {escape_line(repr(value))}"
            problems.append(Problem(path, _line_of(path, key), 1, "config", why))
    return MatchConfig(**values), problems


def match_feeds(start: str) -> tuple[list[str], list[Problem]]:
    """The feeds ``factcheck match`` searches by default (``[match] feeds``), and what was wrong with the table."""
    config, problems = match_config(start)
    return list(config.feeds), problems


def accepted_warnings(start: str) -> tuple[frozenset[str], list[Problem]]:
    """The warning codes the project accepts (``[warnings] accepted``), and what was wrong with the table.

    Reports (``validate``, ``build``, CI's annotations) sum an accepted warning up in one
    line with its count instead of printing each one; only warnings can be accepted.
    """
    from factcheck.problems import CODES

    raw = read_config(start)
    table = raw.data.get("warnings")
    if raw.path is None or table is None:
        return frozenset(), []
    path = raw.path
    if not isinstance(table, dict):
        return frozenset(), [Problem(path, _line_of(path, "warnings"), 1, "config", "warnings must be a table ([warnings])")]
    problems = [
        Problem(path, _line_of(path, k), 1, "config", f"unknown key {escape_line(repr(k))} in [warnings]{did_you_mean(k, ('accepted',))}")
        for k in table
        if k != "accepted"
    ]
    codes = table.get("accepted", [])
    where = _line_of(path, "accepted")
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        return frozenset(), [*problems, Problem(path, where, 1, "config", "warnings.accepted must be a list of warning codes")]
    accepted = set()
    for code in codes:
        if CODES.get(code, ("", ""))[0] != "warning":
            why = "is an error: only warnings can be accepted" if code in CODES else f"is not a problem code{did_you_mean(code, list(CODES))}"
            problems.append(Problem(path, where, 1, "config", f"warnings.accepted: {escape_line(repr(code))} {why}"))
        else:
            accepted.add(code)
    return frozenset(accepted), problems
