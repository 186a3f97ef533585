"""The publishing config: who publishes the fact-checks, and where. No I/O but reading it.

Read from ``factcheck.toml`` or from ``[tool.factcheck]`` of a ``pyproject.toml``, in
the first folder at or above the claims tree that has either (a ``factcheck.toml``
wins when both do); the search stops at the repository root (a folder with ``.git``).

    organization = "Example Fact Check"          # the author of every ClaimReview
    organization_url = "https://example.org/"   # optional
    site_title = "Example Fact Check"            # optional, default: the organization
    base_url = "https://example.org/checks/"     # optional, overridden by --base-url
    repo_url = "https://github.com/o/r/blob/main" # optional, overridden by --repo-url

Problems are values: a config that cannot be read, an unknown key or a bad URL is a
:class:`~factcheck.problems.Problem` and the default is used instead.
"""

from __future__ import annotations

import os
import re
import tomllib

import attrs

from factcheck.problems import Problem, did_you_mean

CONFIG_FILE = "factcheck.toml"
DEFAULT_ORGANIZATION = "factcheck"


_HTTP_URL = re.compile(r"[Hh][Tt][Tt][Pp][Ss]?://[^/?#\s\x00-\x1f\x7f]+[^\s\x00-\x1f\x7f]*")


def is_http_url(value: object) -> bool:
    """Whether ``value`` is an http(s) URL with a host and no whitespace or control characters."""
    return isinstance(value, str) and _HTTP_URL.fullmatch(value) is not None


@attrs.frozen
class SiteConfig:
    organization: str = DEFAULT_ORGANIZATION
    organization_url: str | None = None
    site_title: str | None = None
    base_url: str | None = None
    repo_url: str | None = None
    repo_root: str | None = None  # the folder the config was found in (claim file links are relative to it)

    @property
    def title(self) -> str:
        return self.site_title or self.organization


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


def load(start: str) -> tuple[SiteConfig, list[Problem]]:
    """The config for the claims tree at ``start``, and what was wrong with it."""
    folder, path = find_config(start)
    if path is None:
        return SiteConfig(repo_root=folder), []
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, UnicodeDecodeError) as exc:
        return SiteConfig(repo_root=folder), [Problem(path, 1, 1, "config", f"cannot read the config: {exc}")]
    except tomllib.TOMLDecodeError as exc:
        return SiteConfig(repo_root=folder), [Problem(path, 1, 1, "config", f"not valid TOML: {exc}")]
    if os.path.basename(path) == "pyproject.toml":
        data = data.get("tool", {}).get("factcheck", {})
    return from_mapping(data, path, folder)


def from_mapping(data: dict, path: str, folder: str | None) -> tuple[SiteConfig, list[Problem]]:
    problems: list[Problem] = []
    values: dict[str, str] = {}
    for key, value in data.items():
        if key not in KEYS:
            problems.append(Problem(path, 1, 1, "config", f"unknown key {key!r}{did_you_mean(key, KEYS)}"))
        elif not isinstance(value, str) or not value.strip():
            problems.append(Problem(path, 1, 1, "config", f"{key} must be non-empty text"))
        elif key in _URL_KEYS and not is_http_url(value):
            problems.append(Problem(path, 1, 1, "config", f"{key} must be an http or https URL, got {value!r}"))
        else:
            values[key] = value.strip()
    return SiteConfig(repo_root=folder, **values), problems
