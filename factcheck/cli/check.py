"""Reading commands: validate, fmt, list, show, export, schema."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path as FsPath
from typing import TYPE_CHECKING

from factcheck.cli.args import Command, claim_id, one_line, positive_int, root_arg
from factcheck.cli.common import NO_ROOT, accepted_for, claims_root, one_claim, open_store, show_arg, shown
from factcheck.cli.errors import EXIT_OK, EXIT_PROBLEMS, fail, usage
from factcheck.model import Claim, Kind, Status, Verdict
from factcheck.problems import Problem
from factcheck.report import FORMATS, parsable, render
from factcheck.textsafe import escape, escape_line

if TYPE_CHECKING:
    from factcheck.store import ClaimStore
    from factcheck.validate import TreeResult
    from factcheck.yaml.roundtrip import Loaded


def _validate_command(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", help="files or folders (default: claims/)")
    p.add_argument("--format", choices=FORMATS, default="auto")
    p.add_argument("--no-cache", action="store_true", help="parse every file again")
    p.add_argument("--jobs", type=positive_int, default=None, help="processes to use (default: 2)")
    p.add_argument("--base", metavar="REV", help="also compare with a git revision: published claims deleted, or changed without a correction")
    p.add_argument("--strict", action="store_true", help="warnings fail the run too (exit 1), except those the config accepts")
    show_arg(p)


def _fmt_command(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", help="files or folders (default: claims/)")
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file is not canonical")
    p.add_argument("--diff", action="store_true", help="change nothing; print a unified diff of what fmt would change (exit 1 if any)")
    p.add_argument("--schema-line", metavar="URL", type=one_line, help="add a '# yaml-language-server: $schema=URL' first line")
    p.add_argument("--format", choices=FORMATS, default=None, help="with --check: report as validate does (auto: GitHub annotations under GitHub Actions)")


def _list_command(p: argparse.ArgumentParser) -> None:
    root_arg(p)
    p.add_argument("--status", choices=Status.words())
    p.add_argument("--verdict", choices=Verdict.words())
    p.add_argument("--kind", choices=Kind.words())


def _show_command(p: argparse.ArgumentParser) -> None:
    root_arg(p)
    p.add_argument("id", type=claim_id)


def _export_command(p: argparse.ArgumentParser) -> None:
    root_arg(p)
    p.add_argument("--format", choices=("json", "claimreview"), default="json")
    p.add_argument("--base-url", help="claimreview: the site's URL, for each review's url (default: base_url of the config)")


def _schema_command(p: argparse.ArgumentParser) -> None:
    which = p.add_mutually_exclusive_group()
    which.add_argument("--article", action="store_true", help="the schema of article.yaml instead")
    which.add_argument("--dismissed", action="store_true", help="the schema of an article folder's dismissed.yaml instead")
    which.add_argument("--claimants", action="store_true", help="the schema of a claims tree's claimant registry (claimants.yaml) instead")


def _check_paths(args: argparse.Namespace, paths: list[str]) -> None:
    """Every path given to validate or fmt exists and is a folder or a .yaml file (raises UsageError)."""
    for path in paths:
        if not os.path.exists(path):
            raise usage(args, f"{path}: no such file or folder; expected a claims folder, an article folder or .yaml claim files")
        if not os.path.isdir(path) and not path.endswith(".yaml"):
            raise usage(args, f"{path} is a file but not a .yaml claim file; expected a claims folder, an article folder or .yaml claim files")


def _default_paths(paths: list[str]) -> list[str] | None:
    from factcheck.store import find_root

    if paths:
        return paths
    found = find_root()
    return [shown(found)] if found else None


def validate(args: argparse.Namespace) -> int:
    from factcheck.validate import check_tree

    paths = _default_paths(args.paths)
    if paths is None:
        return fail(NO_ROOT)
    _check_paths(args, paths)
    # The caches are written while the report is made and printed.
    result = check_tree(paths, use_cache=not args.no_cache, jobs=args.jobs, wait=False)
    try:
        return _report(args, paths, result)
    finally:
        result.wait_saved()


def _report(args: argparse.Namespace, paths: list[str], result: TreeResult) -> int:
    problems = list(result.problems)
    if args.base:
        from factcheck.provenance.base import check_against_base
        from factcheck.provenance.git import BaseError

        try:
            problems += check_against_base(paths, args.base)
        except BaseError as exc:
            return fail(str(exc))
        problems.sort(key=Problem.sort_key)
    accepted, found = accepted_for(paths)
    problems += [p for p in found if p not in problems]
    shown_in_full = frozenset() if args.show == "accepted" else accepted
    sys.stdout.write(render(problems, args.format, result.files, shown_in_full, "factcheck validate --show accepted"))
    failing = [p for p in problems if p.severity == "error" or (args.strict and p.code not in accepted)]
    return EXIT_PROBLEMS if failing else EXIT_OK


def canonical_bytes(loaded: Loaded, schema_line: str | None = None) -> bytes | None:
    """The canonical layout of a loaded claim file, or None if it is not a valid claim."""
    from factcheck.convert import structure, unstructure
    from factcheck.yaml.render import dump, merge, reorder
    from factcheck.yaml.roundtrip import to_plain

    claim, errors = structure(to_plain(loaded.doc), Claim)
    if claim is None:
        return None
    doc = merge(loaded.doc, unstructure(claim))
    reorder(doc)
    text = dump(doc)
    if schema_line:
        first = f"# yaml-language-server: $schema={schema_line}\n"
        lines = text.splitlines(keepends=True)
        if lines and lines[0].startswith("# yaml-language-server:"):
            lines[0] = first
        else:
            lines.insert(0, first)
        text = "".join(lines)
    return text.encode("utf-8")


def fmt(args: argparse.Namespace) -> int:
    from factcheck.fsio import write_atomic
    from factcheck.store import discover
    from factcheck.yaml.roundtrip import load_roundtrip

    paths = _default_paths(args.paths)
    if paths is None:
        return fail(NO_ROOT)
    _check_paths(args, paths)
    if args.format is not None and not args.check:
        raise usage(args, "--format goes with --check (it lays out the report of what is not canonical)")
    tree = discover(paths)
    problems: list[Problem] = []
    changed = 0
    for path in tree.claims + tree.strays:
        raw = FsPath(path).read_bytes()
        loaded = load_roundtrip(path, raw)
        if loaded.problems:
            problems += loaded.problems
            continue
        new = canonical_bytes(loaded, args.schema_line)
        if new is None:
            problems.append(Problem(path, 1, 1, "invalid", "not a valid claim; run 'factcheck validate' and fix it first"))
            continue
        if new != raw:
            changed += 1
            if args.diff:
                sys.stdout.write(unified_diff(path, raw, new))
            elif args.check:
                problems.append(
                    Problem(
                        path,
                        _first_difference(raw, new),
                        1,
                        "not-canonical",
                        "not in the canonical layout (the first difference is on this line); "
                        "'factcheck fmt --diff' shows what would change, 'factcheck fmt' changes it",
                    )
                )
            else:
                write_atomic(path, new)
                print(f"formatted {escape_line(path)}")
    if args.format is not None:
        sys.stdout.write(render(sorted(problems), args.format, len(tree.claims)))
        return EXIT_PROBLEMS if problems else EXIT_OK
    for problem in sorted(problems):  # with --diff, stdout holds the patch only
        print(parsable(problem), file=sys.stderr if args.diff else sys.stdout)
    if args.diff:
        return EXIT_PROBLEMS if problems or changed else EXIT_OK
    if not problems:
        done = "in the canonical layout" if args.check else f"checked, {changed} reformatted"
        print(f"{len(tree.claims)} claim files {done}")
    return EXIT_PROBLEMS if problems else EXIT_OK


def _first_difference(old: bytes, new: bytes) -> int:
    """The 1-based number of the first line where ``old`` and ``new`` differ."""
    for number, (a, b) in enumerate(zip(old.splitlines(), new.splitlines(), strict=False), 1):
        if a != b:
            return number
    return min(len(old.splitlines()), len(new.splitlines())) + 1


def unified_diff(path: str, old: bytes, new: bytes) -> str:
    """The unified diff from ``old`` to ``new`` bytes of a file, control characters escaped."""
    import difflib

    name = escape_line(path)
    lines = difflib.unified_diff(
        old.decode("utf-8").splitlines(keepends=True),
        new.decode("utf-8").splitlines(keepends=True),
        fromfile=f"a/{name}",
        tofile=f"b/{name}",
    )
    out = []
    for line in lines:
        body = line.rstrip("\n")
        out.append(escape(body) + "\n")
        if not line.endswith("\n"):
            out.append("\\ No newline at end of file\n")
    return "".join(out)


def list_(args: argparse.Namespace) -> int:
    """One line per claim, in file order, printed as soon as the claims before it are known."""
    from factcheck.store import stem
    from factcheck.validate import check_tree

    root = claims_root(args)
    if root is None:
        return fail(NO_ROOT)
    from factcheck.tree import claim_names

    order = sorted(claim_names([root]))  # names only: the checking below looks at each file
    known: dict[str, tuple | None] = {}
    shown = 0
    printed = 0

    def line(result) -> tuple | None:
        listed = result.line
        if listed is None:
            return (escape_line(stem(result.path)), "invalid", "", "", f"{len(result.problems)} problems: run factcheck validate")
        if (args.status and listed.status != args.status) or (args.verdict and listed.verdict != args.verdict) or (args.kind and listed.kind != args.kind):
            return None
        return (listed.id, listed.status, listed.verdict or "-", str(listed.sources), escape_line(listed.text))

    def show(entry: tuple | None) -> None:
        nonlocal printed
        if entry is not None:
            print(f"{entry[0]:<40}  {entry[1]:<11}  {entry[2]:<17}  {entry[3]:>2}  {entry[4]}")
            printed += 1

    def flush(everything: bool = False) -> None:
        nonlocal shown
        while shown < len(order) and (everything or order[shown] in known):
            show(known.pop(order[shown], None))
            shown += 1
        if everything:  # anything not named at first (a file that appeared meanwhile)
            for path in sorted(known):
                show(known.pop(path))
        sys.stdout.flush()

    def arrived(results) -> None:
        for result in results:
            known[result.path] = line(result)
        flush()

    check_tree([root], lines=True, on_rows=arrived)
    flush(everything=True)
    if not printed:
        print("no claims match")
    return EXIT_OK


def show(args: argparse.Namespace) -> int:
    from factcheck.present import format_claim

    record = one_claim(args)
    if isinstance(record, int):
        return record
    print(escape(format_claim(record)))
    return EXIT_OK if record.claim is not None else EXIT_PROBLEMS


def export(args: argparse.Namespace) -> int:
    """Every claim as one JSON array, written claim by claim (the JSON the cache keeps for each)."""
    import msgspec

    from factcheck.store import stem

    if args.format == "claimreview":
        store = open_store(args, data=True)
        return _export_claimreview(store, args.base_url) if store is not None else fail(NO_ROOT)
    root = claims_root(args)
    if root is None:
        return fail(NO_ROOT)
    from factcheck.validate import check_tree

    result = check_tree([root], data=True, lines=True)  # the claims' JSON (cached), not the review screen's rows
    out = sys.stdout.buffer
    paths = sorted(result.data)
    out.write(b"[")
    for n, path in enumerate(paths):
        blob = result.data[path]
        article = result.articles.get(os.path.dirname(path) or ".")
        extra = msgspec.json.encode({"article": article.slug if article else None, "path": shown(path)})
        if blob:
            item = blob[:-1] + b"," + extra[1:]
        else:
            line = result.lines.get(path)
            item = b'{"id":' + msgspec.json.encode(line.id if line else stem(path)) + b"," + extra[1:]
        out.write(b"\n" if n == 0 else b",\n")
        out.write(item)
    out.write(b"\n]\n")
    out.flush()
    unreadable = [path for path in paths if not result.data[path]]
    if unreadable:  # the JSON on stdout stays clean for scripts; the warning goes to stderr
        names = ", ".join(shown(path) for path in unreadable[:5]) + (" …" if len(unreadable) > 5 else "")
        print(
            f"factcheck: {len(unreadable)} claim file(s) could not be read and are exported with id, article and path only: {names}; run factcheck validate",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    return EXIT_OK


def _export_claimreview(store: ClaimStore, base_url: str | None) -> int:
    from factcheck.site.build import BuildError, claim_reviews

    try:
        document, warnings = claim_reviews(store, base_url)
    except BuildError as exc:
        return fail(str(exc))
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=1) + "\n")
    for problem in warnings:
        print(parsable(problem), file=sys.stderr)
    return EXIT_PROBLEMS if any(p.severity == "error" for p in warnings) else EXIT_OK


def schema(args: argparse.Namespace) -> int:
    from factcheck.model import Article, Claimants, Dismissals
    from factcheck.schema import json_schema

    cls = Article if args.article else Dismissals if args.dismissed else Claimants if args.claimants else Claim
    print(json.dumps(json_schema(cls), indent=2, ensure_ascii=False))
    return EXIT_OK


#: Each command of the group: what adds its arguments, and what runs it.
COMMANDS: dict[str, Command] = {
    "validate": (_validate_command, validate),
    "fmt": (_fmt_command, fmt),
    "list": (_list_command, list_),
    "show": (_show_command, show),
    "export": (_export_command, export),
    "schema": (_schema_command, schema),
}
