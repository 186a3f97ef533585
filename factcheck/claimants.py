"""The claimant registry of a claims tree (``claimants.yaml`` at its root): read, checked,
looked up, added to.

Every claim names who makes it (``claimant``); the registry says once, for the whole
tree, who each of them is::

    claimants:
      - name: Vladimir Putin
        type: person
        aliases:
          - President Putin
      - name: Levada Center
        type: organization
        url: https://www.levada.ru/en/

A claim's claimant must be a name or an alias of it (the rule is
:func:`factcheck.rules.claimant_rule`, asked by ``validate``, the writer, the hook and
CI alike); ClaimReview types the claimant's ``author`` from it, and the site gives each
claimant a page. A tree without the file has no registry, and its claimants are not checked.

The file is read through the one reading path (:func:`factcheck.reading.read_record`:
the strict reader, every problem with its line and column, all at once) and written
only by :func:`add_claimant` (the folder's lock, merged into the loaded document so that
untouched bytes stay, checked, replaced atomically). Other code uses
:func:`load_registry`, :meth:`Registry.names` and :meth:`Registry.lookup`.
"""

from __future__ import annotations

import os
import unicodedata

import attrs

from factcheck import fsio
from factcheck.convert import FieldError
from factcheck.model import Claimant, Claimants, ClaimantType
from factcheck.problems import Problem, did_you_mean
from factcheck.reading import internal_error, read_record
from factcheck.rules import ClaimantNames, control_chars
from factcheck.tree import CLAIMANTS_FILE, inside

#: How long a writer waits for the tree folder's lock.
LOCK_TIMEOUT = 10.0


class ClaimantRefused(Exception):
    """A claimant that cannot be added (nothing is written); the message says why."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = problems or []


def _key(name: str) -> str:
    """A name as duplicates are compared: case, width and runs of spaces forgiven."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


@attrs.define
class Registry:
    """A tree's claimant registry as read: its entries (none when it cannot be read) and its problems."""

    path: str
    claimants: Claimants | None
    problems: list[Problem] = attrs.field(factory=list)
    exists: bool = True
    _index: dict[str, Claimant] | None = None

    @property
    def entries(self) -> list[Claimant]:
        return list(self.claimants.claimants) if self.claimants is not None else []

    def names(self) -> list[str]:
        """The registered names (not the aliases), in the file's order."""
        return [c.name for c in self.entries]

    def all_names(self) -> list[str]:
        """Every name and alias, in the file's order (what a claim may give as its claimant)."""
        return [n for c in self.entries for n in (c.name, *c.aliases)]

    def lookup(self, name: str) -> Claimant | None:
        """The claimant a claim naming ``name`` means (by its name or an alias), or None."""
        if self._index is None:
            self._index = {}
            for claimant in self.entries:
                for known in (claimant.name, *claimant.aliases):
                    self._index.setdefault(known, claimant)
        return self._index.get(name)

    def hint(self, name: str) -> str:
        """A ' (did you mean X?)' for a name the registry does not have, or ''."""
        return did_you_mean(name, self.all_names())

    def rule_names(self) -> ClaimantNames | None:
        """What the claimant rule checks claims against: None when there is no registry, or
        while it cannot be read (its own problems are reported instead)."""
        if not self.exists or self.claimants is None:
            return None
        return ClaimantNames(self.path, frozenset(self.all_names()))


def names_for(root: str | os.PathLike) -> ClaimantNames | None:
    """What the claimant rule checks the claims of the tree at ``root`` against (read afresh)."""
    return load_registry(root).rule_names()


def path_in(root: str) -> str:
    """Where the registry of the claims tree at ``root`` is."""
    return os.path.join(root, CLAIMANTS_FILE)


def rules(registry: Claimants) -> list[FieldError]:
    """The checks of a registry beyond its schema: no control characters, each name and alias once."""
    out = control_chars(registry, Claimants)
    seen: dict[str, str] = {}
    for index, claimant in enumerate(registry.claimants):
        given: list[tuple[tuple[str | int, ...], str]] = [(("claimants", index, "name"), claimant.name)]
        given += [(("claimants", index, "aliases", n), alias) for n, alias in enumerate(claimant.aliases)]
        for where, name in given:
            key = _key(name)
            if key in seen:
                out.append(FieldError("duplicate-claimant", f"{name!r} is already given above (as {seen[key]!r}); each name and alias once", where))
            else:
                seen[key] = name
    return out


def check_bytes(path: str, raw: bytes) -> Registry:
    """Read and check the bytes of a registry file; never raises."""
    try:
        found, _, problems = read_record(path, raw, Claimants, rules)
    except Exception as exc:  # noqa: BLE001 - any failure is reported, never raised
        return Registry(path, None, [internal_error(path, exc)])
    errors = [p for p in problems if p.severity == "error"]
    return Registry(path, found if not errors else None, problems)


def load_registry(root: str | os.PathLike) -> Registry:
    """The claimant registry of the claims tree at ``root`` (an empty one, not checked against, when it has none)."""
    folder = os.fspath(root)
    path = path_in(folder)
    if not os.path.lexists(path):
        return Registry(path, Claimants([]), [], exists=False)
    if not inside(path, (os.path.realpath(folder),)):
        return Registry(path, None, [Problem(path, 1, 1, "symlink", "a symbolic link that leads out of the claims tree; it is not read")])
    got = fsio.read_file(path)
    if isinstance(got, Problem):
        return Registry(path, None, [got])
    return check_bytes(path, got[0])


def add_claimant(root: str | os.PathLike, name: str, kind: ClaimantType | str, wikidata: str | None = None, url: str | None = None,
                 aliases: list[str] | tuple[str, ...] = ()) -> Claimant:
    """Add a claimant to the registry of the tree at ``root`` (the file is made if there is none).

    The writer's way: under the tree folder's lock the file is read as it is now, the
    entry appended with every other line and comment kept, the result checked as
    ``validate`` checks it, and written atomically. Refused (:class:`ClaimantRefused`,
    nothing written) when the entry is invalid, a name is registered already, or the
    file has problems of its own.
    """
    from factcheck.convert import field_errors, unstructure, unvalidated
    from factcheck.yaml.render import render_merged, render_new
    from factcheck.yaml.roundtrip import load_roundtrip

    try:
        kind = ClaimantType(kind)
    except ValueError:
        raise ClaimantRefused(f"type must be one of {', '.join(ClaimantType.words())}, got {kind!r}") from None
    entry = unvalidated(Claimant, name=name, type=kind, wikidata=wikidata or None, url=url or None, aliases=list(aliases))
    errors = field_errors(entry)
    if errors:
        raise ClaimantRefused("; ".join(e.message for e in errors))
    folder = os.fspath(root)
    path = path_in(folder)
    try:
        with fsio.folder_lock(folder, LOCK_TIMEOUT):
            current = load_registry(folder)
            if current.problems and any(p.severity == "error" for p in current.problems):
                raise ClaimantRefused(f"{path} cannot be changed until its problems are fixed (factcheck validate)", current.problems)
            for given in (entry.name, *entry.aliases):
                taken = next((c for c in current.entries if _key(given) in {_key(n) for n in (c.name, *c.aliases)}), None)
                if taken is not None:
                    raise ClaimantRefused(f"{given!r} is already registered (claimant {taken.name!r})")
            new = unstructure(Claimants([*current.entries, entry]))
            seen: fsio.Seen | None = None
            if not current.exists:
                new_bytes = render_new(new)
            else:
                got = fsio.read_seen(path, limit=False)
                if isinstance(got, Problem):
                    raise ClaimantRefused(f"{path}: {got.message}", [got])
                seen = got
                loaded = load_roundtrip(path, seen.raw, limit_size=False)
                if loaded.problems:
                    raise ClaimantRefused(f"{path} cannot be changed until its problems are fixed (factcheck validate)", loaded.problems)
                new_bytes = render_merged(loaded, new)
            added = check_bytes(path, new_bytes).problems
            if added:
                raise ClaimantRefused("; ".join(p.message for p in added), added)
            fsio.write_seen(path, seen, new_bytes)
    except (fsio.ConflictError, fsio.LockTimeout) as exc:
        raise ClaimantRefused(str(exc)) from None
    return entry
