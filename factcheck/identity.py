"""Who is editing: the one resolver of the editing handle, and the user's config that keeps it.

Every command that records a change and the review screen ask :func:`resolve`. The
handle comes from the first of these that gives one:

1. ``--editor HANDLE`` (the option of the command, or of ``factcheck`` itself);
2. the ``FACTCHECK_EDITOR`` environment variable;
3. ``editor = "HANDLE"`` in the user's config file, :func:`user_config_path`
   (``$XDG_CONFIG_HOME/factcheck/config.toml``, else ``~/.config/factcheck/config.toml``);
   the review screen writes it there when it asks on a first run. It is never kept in
   the repository: a handle says who edits, and a clone is shared;
4. ``git config user.name``;
5. the operating system's user name.

The first three are *configured*: the review screen asks for a handle when none of them
gives one. No Textual and no printing here.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import tomllib

import attrs

from factcheck import fsio
from factcheck.textsafe import escape_line, first_control

ENV = "FACTCHECK_EDITOR"
KEY = "editor"

#: Where a handle comes from, in the order they are asked.
OPTION, ENVIRONMENT, USER_CONFIG, GIT, OS_USER = "--editor", ENV, "user config", "git user.name", "OS user"
CONFIGURED = (OPTION, ENVIRONMENT, USER_CONFIG)
MAX_HANDLE = 100


class UserConfigError(Exception):
    """The user's config file cannot be read, or its handle is not a handle (the message names file:line:col)."""


@attrs.frozen
class Editor:
    """An editing handle and where it came from (one of :data:`CONFIGURED`, :data:`GIT`, :data:`OS_USER`)."""

    handle: str
    source: str

    @property
    def configured(self) -> bool:
        """Whether the handle was chosen for factcheck (an option, the environment, the user config)."""
        return self.source in CONFIGURED


def user_config_path() -> str:
    """The user's config file: ``$XDG_CONFIG_HOME/factcheck/config.toml`` (an absolute
    ``XDG_CONFIG_HOME`` only, as the XDG spec says), else ``~/.config/factcheck/config.toml``."""
    base = os.environ.get("XDG_CONFIG_HOME", "")
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".config")
    return os.path.join(base, "factcheck", "config.toml")


def handle_problem(handle: str) -> str | None:
    """Why ``handle`` cannot be an editing handle, or None."""
    if not handle.strip():
        return "a handle must not be empty"
    if first_control(handle):
        return f"'{escape_line(handle)}' holds a line break or control character"
    if len(handle) > MAX_HANDLE:
        return f"a handle is at most {MAX_HANDLE} characters"
    return None


def _key_line(text: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(rf"\s*{KEY}\s*=", line):
            return number
    return 1


def configured_handle(path: str | None = None) -> str | None:
    """The handle the user's config file sets (None: no file, or no ``editor`` key).

    Raises :class:`UserConfigError` for a file that cannot be read, is not TOML, or whose
    ``editor`` is not a one-line text.
    """
    path = path or user_config_path()
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UserConfigError(f"{escape_line(path)}:1:1: cannot read the user config: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise UserConfigError(f"{escape_line(path)}:1:1: the user config is not UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        where = f"{found.group(1)}:{found.group(2)}" if found else "1:1"
        raise UserConfigError(f"{escape_line(path)}:{where}: the user config is not valid TOML: {escape_line(str(exc))}") from None
    value = data.get(KEY)
    if value is None:
        return None
    why = "must be text" if not isinstance(value, str) else handle_problem(value)
    if why:
        raise UserConfigError(f"{escape_line(path)}:{_key_line(text)}:1: {KEY} {why} (fix it, or remove the line and give a handle again)")
    return value.strip()


def save_handle(handle: str, path: str | None = None) -> str:
    """Write ``editor = "HANDLE"`` into the user's config file (its other lines kept), atomically; the path.

    Raises :class:`ValueError` for a handle :func:`handle_problem` refuses, and
    :class:`UserConfigError` when the file there cannot be read as a config.
    """
    why = handle_problem(handle)
    if why:
        raise ValueError(why)
    path = path or user_config_path()
    configured_handle(path)  # a broken file is reported, not overwritten
    try:
        with open(path, encoding="utf-8") as existing:
            lines = existing.read().splitlines()
    except FileNotFoundError:
        lines = []
    line = f"{KEY} = {json.dumps(handle.strip(), ensure_ascii=False)}"  # a JSON string is a TOML basic string
    kept = [x for x in lines if not re.match(rf"\s*{KEY}\s*=", x)]
    first_table = next((i for i, x in enumerate(kept) if x.lstrip().startswith("[")), len(kept))
    kept.insert(first_table, line)  # a top-level key goes before any table
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fsio.write_atomic(path, ("\n".join(kept) + "\n").encode("utf-8"))
    return path


def _git_user() -> str | None:
    import subprocess

    try:
        out = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    name = out.stdout.strip() if out.returncode == 0 else ""
    return name if name and handle_problem(name) is None else None


def resolve(explicit: str | None = None) -> Editor:
    """Who is editing, by the precedence of this module's docstring.

    Raises :class:`UserConfigError` when the user's config must be read and cannot be.
    """
    if explicit:
        return Editor(explicit, OPTION)
    env = os.environ.get(ENV)
    if env and env.strip():
        return Editor(env, ENVIRONMENT)
    saved = configured_handle()
    if saved:
        return Editor(saved, USER_CONFIG)
    git = _git_user()
    if git:
        return Editor(git, GIT)
    try:
        return Editor(getpass.getuser(), OS_USER)
    except Exception:  # getpass raises various errors when no user is known
        return Editor("unknown", OS_USER)
