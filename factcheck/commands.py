"""What each CLI command does, given parsed arguments. Returns an exit code."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path as FsPath
from typing import TYPE_CHECKING

import attrs

from factcheck import yamlio
from factcheck.convert import unstructure
from factcheck.model import Claim, Kind, Source, Stance, Status, Verdict
from factcheck.problems import Problem
from factcheck.report import parsable, render
from factcheck.store import (
    ClaimStore,
    EditRefused,
    discover,
    editor_name,
    find_root,
    stem,
    today,
)
from factcheck.textsafe import escape, escape_line, json_safe

if TYPE_CHECKING:
    from factcheck.validate import TreeResult

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"factcheck: {escape_line(message)}", file=sys.stderr if code == EXIT_USAGE else sys.stdout)
    return code


def _usage(args: argparse.Namespace, message: str) -> Exception:
    from factcheck.cli import UsageError

    prog = f"factcheck {args.command}" if getattr(args, "command", None) else "factcheck"
    return UsageError(f"{prog}: {message}", prog)


def _folder_problem(path: str, what: str) -> str | None:
    """Why ``path`` is not a claims folder, saying what was given and what is expected."""
    if not os.path.exists(path):
        return f"{what} {path}: no such folder; expected the claims folder (it holds one folder per article)"
    if not os.path.isdir(path):
        return f"{what} {path} is a file; expected the claims folder (it holds one folder per article)"
    return None


def _root(args: argparse.Namespace) -> str | None:
    given = getattr(args, "root", None)
    if given:
        problem = _folder_problem(given, "--root")
        if problem:
            raise _usage(args, problem)
        return given
    found = find_root()
    return str(found) if found else None


def _check_paths(args: argparse.Namespace, paths: list[str]) -> None:
    """Every path given to validate or fmt exists and is a folder or a .yaml file (raises UsageError)."""
    for path in paths:
        if not os.path.exists(path):
            raise _usage(args, f"{path}: no such file or folder; expected a claims folder, an article folder or .yaml claim files")
        if not os.path.isdir(path) and not path.endswith(".yaml"):
            raise _usage(args, f"{path} is a file but not a .yaml claim file; expected a claims folder, an article folder or .yaml claim files")


def _shown(path) -> str:
    """A path as the user would write it: relative when it is under the current folder."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def _default_paths(paths: list[str]) -> list[str] | None:
    if paths:
        return paths
    found = find_root()
    return [_shown(found)] if found else None


def _store(args: argparse.Namespace, data: bool = False) -> ClaimStore | None:
    root = _root(args)
    return ClaimStore.open(root, data=data) if root else None


def _claim_store(args: argparse.Namespace) -> ClaimStore | None:
    """The store opened for the one claim ``args.id`` names: no other claim file is parsed."""
    root = _root(args)
    return ClaimStore.open_claim(root, args.id) if root else None


NO_ROOT = (
    "no claims/ folder found from here: run inside a project that has one, or give its path (factcheck review PATH, factcheck validate PATH, or --root PATH)"
)


# -- validate / fmt ---------------------------------------------------------------


def validate(args: argparse.Namespace) -> int:
    from factcheck.validate import check_tree

    paths = _default_paths(args.paths)
    if paths is None:
        return _fail(NO_ROOT)
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
            return _fail(str(exc))
        problems.sort(key=Problem.sort_key)
    sys.stdout.write(render(problems, args.format, result.files))
    failing = [p for p in problems if p.severity == "error" or args.strict]
    return EXIT_PROBLEMS if failing else EXIT_OK


def canonical_bytes(loaded: yamlio.Loaded, schema_line: str | None = None) -> bytes | None:
    """The canonical layout of a loaded claim file, or None if it is not a valid claim."""
    from factcheck.convert import structure

    claim, errors = structure(yamlio.to_plain(loaded.doc), Claim)
    if claim is None:
        return None
    doc = yamlio.merge(loaded.doc, unstructure(claim))
    yamlio.reorder(doc)
    text = yamlio.dump(doc)
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
    paths = _default_paths(args.paths)
    if paths is None:
        return _fail(NO_ROOT)
    _check_paths(args, paths)
    tree = discover(paths)
    problems: list[Problem] = []
    changed = 0
    for path in tree.claims + tree.strays:
        raw = FsPath(path).read_bytes()
        loaded = yamlio.load_roundtrip(path, raw)
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
                yamlio.write_atomic(path, new)
                print(f"formatted {escape_line(path)}")
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


# -- reading ---------------------------------------------------------------------


def _claim_dict(record) -> dict:
    data = unstructure(record.claim) if record.claim else {"id": record.id}
    data = json.loads(json.dumps(data, default=_json_default))
    data["article"] = record.article.slug if record.article else None
    data["path"] = _shown(record.path)
    return data


def _json_default(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def list_(args: argparse.Namespace) -> int:
    """One line per claim, in file order, printed as soon as the claims before it are known."""
    from factcheck.validate import check_tree

    root = _root(args)
    if root is None:
        return _fail(NO_ROOT)
    from factcheck.reading import claim_names

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


def _one_claim(args: argparse.Namespace):
    """The record of the claim ``args.id`` names (its file alone read), or the exit code of why not."""
    store = _claim_store(args)
    if store is None:
        return _fail(NO_ROOT)
    record = store.find(args.id)
    if record is None:
        from factcheck.problems import did_you_mean

        return _fail(f"no claim with id {args.id!r}{did_you_mean(args.id, store.ids())}", EXIT_PROBLEMS)
    return record


def show(args: argparse.Namespace) -> int:
    from factcheck.present import format_claim

    record = _one_claim(args)
    if isinstance(record, int):
        return record
    print(escape(format_claim(record)))
    return EXIT_OK if record.claim is not None else EXIT_PROBLEMS


def export(args: argparse.Namespace) -> int:
    """Every claim as one JSON array, written claim by claim (the JSON the cache keeps for each)."""
    import msgspec

    if args.format == "claimreview":
        store = _store(args, data=True)
        return _export_claimreview(store, args.base_url) if store is not None else _fail(NO_ROOT)
    root = _root(args)
    if root is None:
        return _fail(NO_ROOT)
    from factcheck.validate import check_tree

    result = check_tree([root], data=True, lines=True)  # the claims' JSON (cached), not the review screen's rows
    out = sys.stdout.buffer
    paths = sorted(result.data)
    out.write(b"[")
    for n, path in enumerate(paths):
        blob = result.data[path]
        article = result.articles.get(os.path.dirname(path) or ".")
        extra = msgspec.json.encode({"article": article.slug if article else None, "path": _shown(path)})
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
        names = ", ".join(_shown(path) for path in unreadable[:5]) + (" …" if len(unreadable) > 5 else "")
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
        return _fail(str(exc))
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=1) + "\n")
    for problem in warnings:
        print(parsable(problem), file=sys.stderr)
    return EXIT_PROBLEMS if any(p.severity == "error" for p in warnings) else EXIT_OK


def build(args: argparse.Namespace) -> int:
    from factcheck.site import build as build_site
    from factcheck.site.build import BuildError

    root = args.path or (str(find_root()) if find_root() else None)
    if root is None or not os.path.isdir(root):
        return _fail(NO_ROOT if root is None else f"not a folder: {root}")
    out = args.out or os.path.join(os.path.dirname(os.path.abspath(root)), "site")
    try:
        result = build_site(root, out, base_url=args.base_url, drafts=args.drafts, repo_url=args.repo_url, force=args.force)
    except BuildError as exc:
        return _fail(str(exc))
    for problem in result.problems + result.invalid:
        print(parsable(problem), file=sys.stderr)
    if result.left_out:
        advice = "" if args.skip_invalid else "; fix them, or build with --skip-invalid to publish the rest"
        print(f"factcheck: {len(result.left_out)} claim file(s) left out of the site: validate finds errors in them (above){advice}", file=sys.stderr)
    print(f"{_shown(out)}: {result.pages} pages, {len(result.written)} written, {len(result.removed)} removed")
    failed = any(p.severity == "error" for p in result.problems) or (result.left_out and not args.skip_invalid)
    return EXIT_PROBLEMS if failed else EXIT_OK


def review(args: argparse.Namespace) -> int:
    root = args.path or (str(find_root()) if find_root() else None)
    if root is None:
        return _fail(NO_ROOT)
    problem = _folder_problem(root, "PATH")
    if problem:
        raise _usage(args, problem)
    try:
        from factcheck.tui.app import run_app
    except ImportError as exc:  # textual missing from a broken install
        return _fail(f"the review screen needs textual: {exc}", EXIT_PROBLEMS)
    return run_app(root, editor_name(args.editor))


# -- edits -----------------------------------------------------------------------


def _date(value: dt.date | str | None, name: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise EditRefused(f"--{name} must be a date YYYY-MM-DD, got {value!r}") from None


#: What gives the core what a refused change needs, on the command line.
NEED_FLAGS = {
    "correction": "--correction", "note": "--note", "verdict": "--verdict", "summary": "--summary", "source": "add-source",
    "in-review": "factcheck set-status {id} in-review",
}


def _refused(exc: EditRefused, claim_id: str = "ID") -> int:
    hint = ", ".join(NEED_FLAGS[n].format(id=claim_id) for n in exc.needs if n in NEED_FLAGS)
    print(f"factcheck: refused: {escape_line(exc.message)}" + (f" ({hint})" if hint else ""))
    for p in exc.problems:
        if p.line:
            print(f"  {parsable(p)}")
    return EXIT_PROBLEMS


def _edit(args: argparse.Namespace, change) -> int:
    from factcheck.session import refusing

    store = _claim_store(args)
    if store is None:
        return _fail(NO_ROOT)
    try:
        # From the command line the change applies to the claim as it is on disk when
        # the lock is taken, so two edits at once both land, one after the other.
        record = store.edit(args.id, refusing(change), rebase=True)
    except EditRefused as exc:
        return _refused(exc, args.id)
    written = record.claim
    print(f"{escape_line(record.path)}: {written.history[-1].action.value if written else 'change'} recorded")
    return EXIT_OK


def record_text(cls: type, args: argparse.Namespace) -> dict[str, str | None]:
    """The text of each option :func:`factcheck.cli.record_arguments` made for ``cls``
    (None: not given)."""
    return {field.name: getattr(args, field.name, None) for field in attrs.fields(cls)}


def add_source(args: argparse.Namespace) -> int:
    from factcheck.forms import source_from_text
    from factcheck.session import with_source

    by = editor_name(args.editor)
    values = record_text(Source, args)

    def change(claim: Claim) -> Claim:
        source, errors = source_from_text(values, [s.url for s in claim.sources], today())
        if source is None:
            raise EditRefused("; ".join(errors.values()))
        return with_source(claim, source, by, args.note)

    return _edit(args, change)


def remove_source(args: argparse.Namespace) -> int:
    from factcheck.session import without_source

    by = editor_name(args.editor)
    return _edit(args, lambda claim: without_source(claim, args.url, by, args.note, args.correction))


def set_source(args: argparse.Namespace) -> int:
    from factcheck.session import with_source_changed

    by = editor_name(args.editor)
    changes: dict = {}
    try:
        if args.published is not None:
            changes["published"] = None if args.published.strip().lower() == "none" else _date(args.published, "published")
    except EditRefused as exc:
        print(f"factcheck: refused: {exc.message}")
        return EXIT_PROBLEMS
    if args.stance is not None:
        changes["stance"] = Stance(args.stance)
    for name, value in (("title", args.title), ("publisher", args.publisher), ("url", args.new_url), ("excerpt", args.excerpt)):
        if value is not None:
            changes[name] = value
    if not changes:
        return _fail("set-source: say what to change (--published, --stance, --title, --publisher, --new-url, --excerpt)")
    return _edit(args, lambda claim: with_source_changed(claim, args.url, by, changes, args.note, args.correction))


def set_status(args: argparse.Namespace) -> int:
    from factcheck.session import KEEP, concluded

    by = editor_name(args.editor)

    def change(claim: Claim) -> Claim:
        return concluded(
            claim,
            by,
            status=Status(args.status),
            verdict=Verdict(args.verdict) if args.verdict else KEEP,
            summary=args.summary if args.summary is not None else KEEP,
            note=args.note,
            correction=args.correction,
        )

    return _edit(args, change)


def correct(args: argparse.Namespace) -> int:
    from factcheck.session import with_correction

    by = editor_name(args.editor)
    return _edit(args, lambda claim: with_correction(claim, by, args.change, args.reason))


def note(args: argparse.Namespace) -> int:
    from factcheck.session import with_note

    by = editor_name(args.editor)
    return _edit(args, lambda claim: with_note(claim, by, args.text))


def assign(args: argparse.Namespace) -> int:
    from factcheck.session import with_assignee

    by = editor_name(args.editor)
    return _edit(args, lambda claim: with_assignee(claim, by, None if args.clear else args.handle))


def set_quantities(args: argparse.Namespace) -> int:
    from factcheck.present import quantity_line
    from factcheck.quantities import extract
    from factcheck.session import with_quantities

    by = editor_name(args.editor)
    chosen: list = []

    def change(claim: Claim) -> Claim:
        chosen[:] = [] if args.clear else extract(claim.quote)
        return with_quantities(claim, by, chosen, args.note)

    code = _edit(args, change)
    if code == EXIT_OK:
        for quantity in chosen:
            print(escape_line(f"  {quantity_line(quantity)}"))
    return code


def find_article(store: ClaimStore, name: str):
    """The readable article a folder path or slug names, or why there is none."""
    article = store.articles.get(name) or store.articles.get(os.path.join(store.root, name))
    if article is None:
        matches = [a for a in store.articles.values() if a.slug == name.rstrip("/").split("/")[-1]]
        article = matches[0] if matches else None
    if article is None or article.article is None or article.text is None:
        slugs = ", ".join(sorted(a.slug for a in store.articles.values())) or "none"
        return f"no readable article {name!r} (articles: {slugs})"
    return article


def new(args: argparse.Namespace) -> int:
    from factcheck.rules import QuoteIndex, closest_passage

    root = _root(args)
    store = ClaimStore.open_articles(root) if root else None
    if store is None:
        return _fail(NO_ROOT)
    article = find_article(store, args.article)
    if isinstance(article, str):
        print(escape_line(f"factcheck: refused: {article}"))
        return EXIT_PROBLEMS
    if not QuoteIndex(article.text).contains(args.quote):
        print(escape_line(f'factcheck: refused: the quote does not occur in the article; closest passage: "{closest_passage(args.quote, article.text)}"'))
        return EXIT_PROBLEMS
    from factcheck.triage import create_claim, default_claimant

    try:
        record = create_claim(
            store, article, quote=args.quote, text=args.text or args.quote, claimant=args.claimant or default_claimant(article.article),
            kind=Kind(args.kind), by=editor_name(args.editor), note="Scaffolded with factcheck new.", claim_id=args.id,
        )
    except EditRefused as exc:
        return _refused(exc)
    print(f"created {escape_line(record.path)}")
    return EXIT_OK


def suggest(args: argparse.Namespace) -> int:
    from factcheck.frontdoor import suggest as run

    return run(args)


def dismiss(args: argparse.Namespace) -> int:
    from factcheck.frontdoor import dismiss as run

    return run(args)


def article(args: argparse.Namespace) -> int:
    from factcheck.frontdoor import article_add

    return article_add(args)


# -- provenance (factcheck.provenance) ---------------------------------------------


def log(args: argparse.Namespace) -> int:
    from factcheck.provenance.log import claim_log

    record = _one_claim(args)
    if isinstance(record, int):
        return record
    for line in claim_log(record):
        print(escape_line(line))
    return EXIT_OK


def diff(args: argparse.Namespace) -> int:
    from factcheck.provenance.diff import diff_against
    from factcheck.provenance.git import BaseError
    from factcheck.provenance.render import render as render_diff

    root = _root(args)
    if root is None:
        return _fail(NO_ROOT)
    try:
        out = render_diff(*diff_against(root, args.base), args.format)
        sys.stdout.write(json_safe(out) if args.format == "json" else out)
    except BaseError as exc:
        return _fail(str(exc))
    return EXIT_OK


def links(args: argparse.Namespace) -> int:
    from factcheck.netpolicy import Policy
    from factcheck.provenance.links import check_links

    if not args.timeout > 0:
        return _fail("--timeout must be more than 0 seconds")
    store = _store(args, data=True)
    if store is None:
        return _fail(NO_ROOT)
    return check_links(store, args.check, args.timeout, args.ids, args.jobs, Policy(allow_private=args.allow_private))


def schema(args: argparse.Namespace) -> int:
    from factcheck.model import Article, Dismissals
    from factcheck.schema import json_schema

    cls = Article if args.article else Dismissals if args.dismissed else Claim
    print(json.dumps(json_schema(cls), indent=2, ensure_ascii=False))
    return EXIT_OK
