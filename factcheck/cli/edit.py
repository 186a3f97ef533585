"""Edit commands: add-source, remove-source, set-source, set-status, correct, note, assign,
set-quantities and new. Each goes through the one writer (``ClaimStore.edit``)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

import attrs

from factcheck.cli.args import FROM_FILE, FROM_FILE_HELP, Command, claim_id, editor_arg, record_arguments, root_arg, url_arg
from factcheck.cli.common import NO_ROOT, claim_store, claims_root, find_article, refused
from factcheck.cli.errors import EXIT_OK, EXIT_PROBLEMS, fail
from factcheck.forms import change_options
from factcheck.model import Claim, ClaimantType, Kind, Source, Status, Verdict
from factcheck.textsafe import escape_line
from factcheck.workflow import corrected_fields


def _add_source_command(p: argparse.ArgumentParser) -> None:
    root_arg(p)
    editor_arg(p)
    p.add_argument("id", type=claim_id)
    FROM_FILE["add-source"] = (*record_arguments(p, Source), "note")  # every field of a source, from the model
    p.add_argument("--note", help="why this source" + FROM_FILE_HELP)


def _remove_source_command(p: argparse.ArgumentParser) -> None:
    root_arg(p)
    editor_arg(p)
    p.add_argument("id", type=claim_id)
    p.add_argument("url", type=url_arg)
    p.add_argument("--note", required=True, help="why" + FROM_FILE_HELP)
    p.add_argument("--correction", help="for a published claim: why the source is removed (recorded in corrections)")


#: The options of ``set-source``: one per field of a source (``--new-url`` for its url).
SOURCE_CHANGES = change_options(Source, key="url")


def _set_source_command(p: argparse.ArgumentParser) -> None:
    root_arg(p)
    editor_arg(p)
    p.add_argument("id")
    p.add_argument("url", help="the source's current URL")
    for option in SOURCE_CHANGES:  # a field of a source each, from the model
        p.add_argument(option.option, dest=option.dest, choices=option.choices or None, help=option.help)
    p.add_argument("--note", required=True, help="why")
    corrected = corrected_fields(Source)  # from the workflow's correction table
    words = f"{', '.join(corrected[:-1])} or {corrected[-1]}" if len(corrected) > 1 else "".join(corrected)
    p.add_argument("--correction", help=f"for a published claim whose source changes its {words}: why (recorded in corrections)")


def _set_status_command(p: argparse.ArgumentParser) -> None:
    root_arg(p)
    editor_arg(p)
    p.add_argument("id", type=claim_id)
    p.add_argument("status", choices=Status.words())
    p.add_argument("--verdict", choices=Verdict.words())
    p.add_argument("--summary", help="two to five sentences ('' removes the summary)" + FROM_FILE_HELP)
    p.add_argument("--note", required=True, help="why" + FROM_FILE_HELP)
    p.add_argument("--correction", help="for a published claim whose verdict changes: why (recorded in corrections)")


def _correct_command(p: argparse.ArgumentParser) -> None:
    root_arg(p)
    editor_arg(p)
    p.add_argument("id", type=claim_id)
    p.add_argument("--change", required=True, help="what changed, e.g. 'source removed: URL'")
    p.add_argument("--reason", required=True, help="why")


def _note_command(p: argparse.ArgumentParser) -> None:
    root_arg(p)
    editor_arg(p)
    p.add_argument("id", type=claim_id)
    p.add_argument("text", help="the note" + FROM_FILE_HELP)
    p.add_argument("--internal", action="store_true", help="for the desk only: kept in the history, never shown on the public site")


def _assign_command(p: argparse.ArgumentParser) -> None:
    root_arg(p)
    editor_arg(p)
    p.add_argument("id", type=claim_id)
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("handle", nargs="?", help="the editor's handle, as they edit (FACTCHECK_EDITOR, git user.name)")
    who.add_argument("--clear", action="store_true", help="assign it to nobody")


def _set_quantities_command(p: argparse.ArgumentParser) -> None:
    root_arg(p)
    editor_arg(p)
    p.add_argument("id", type=claim_id)
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--from-quote", action="store_true", help="read them from the quote (percentages, counts, money, years as as_of)")
    how.add_argument("--clear", action="store_true", help="remove every quantity")
    p.add_argument("--note", help="why (kept in the history)" + FROM_FILE_HELP)


def _new_command(p: argparse.ArgumentParser) -> None:
    root_arg(p)
    editor_arg(p)
    p.add_argument("article", help="article folder or its slug")
    p.add_argument("--quote", required=True)
    p.add_argument("--text", help="the claim as one checkable proposition (default: the quote)")
    p.add_argument(
        "--claimant",
        help="who makes the claim, a name or alias of the claimant registry (default: the one the sentence attributes it to, else the article's author)",
    )
    p.add_argument("--claimant-type", choices=ClaimantType.words(), help="add the claimant to the registry (claimants.yaml) first, as this, if it is not there")
    p.add_argument("--kind", choices=Kind.words(), help="the kind of claim (default: guessed from the quote)")
    p.add_argument("--id", type=claim_id, help="claim id (default: from the words of --text, else of the quote)")


def _date(value: dt.date | str | None, name: str) -> dt.date | None:
    from factcheck.store import EditRefused

    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise EditRefused(f"--{name} must be a date YYYY-MM-DD, got {value!r}") from None


def _edit(args: argparse.Namespace, change) -> int:
    from factcheck.session import refusing
    from factcheck.store import EditRefused

    store = claim_store(args)
    if store is None:
        return fail(NO_ROOT)
    try:
        # From the command line the change applies to the claim as it is on disk when
        # the lock is taken, so two edits at once both land, one after the other.
        record = store.edit(args.id, refusing(change), rebase=True)
    except EditRefused as exc:
        return refused(exc, args.id)
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
    from factcheck.store import EditRefused, editor_name, today

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
    from factcheck.store import editor_name

    by = editor_name(args.editor)
    return _edit(args, lambda claim: without_source(claim, args.url, by, args.note, args.correction))


def set_source(args: argparse.Namespace) -> int:
    from factcheck.forms import changes_from_text
    from factcheck.session import with_source_changed
    from factcheck.store import editor_name

    by = editor_name(args.editor)
    changes, error = changes_from_text(Source, {o.name: getattr(args, o.dest) for o in SOURCE_CHANGES}, SOURCE_CHANGES)
    if error is not None:
        print(f"factcheck: refused: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    if not changes:
        return fail(f"set-source: say what to change ({', '.join(o.option for o in SOURCE_CHANGES)})")
    return _edit(args, lambda claim: with_source_changed(claim, args.url, by, changes, args.note, args.correction))


def set_status(args: argparse.Namespace) -> int:
    from factcheck.session import KEEP, concluded
    from factcheck.store import editor_name

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
    from factcheck.store import editor_name

    by = editor_name(args.editor)
    return _edit(args, lambda claim: with_correction(claim, by, args.change, args.reason))


def note(args: argparse.Namespace) -> int:
    from factcheck.session import with_note
    from factcheck.store import editor_name

    by = editor_name(args.editor)
    return _edit(args, lambda claim: with_note(claim, by, args.text, args.internal))


def assign(args: argparse.Namespace) -> int:
    from factcheck.session import with_assignee
    from factcheck.store import editor_name

    by = editor_name(args.editor)
    return _edit(args, lambda claim: with_assignee(claim, by, None if args.clear else args.handle))


def set_quantities(args: argparse.Namespace) -> int:
    from factcheck.present import quantity_line
    from factcheck.quantities import extract
    from factcheck.session import with_quantities
    from factcheck.store import EditRefused, editor_name

    by = editor_name(args.editor)
    chosen: list = []

    def change(claim: Claim) -> Claim:
        chosen[:] = [] if args.clear else extract(claim.quote)
        if not chosen and not claim.quantities and not args.clear:
            raise EditRefused(
                f"nothing to change: found no quantity in the quote of {claim.id}, and it has none"
                " (a quantity is a number with a unit the extractor can name: '24 bridges', '68 percent', '$5 billion')"
            )
        return with_quantities(claim, by, chosen, args.note)

    code = _edit(args, change)
    if code == EXIT_OK:
        for quantity in chosen:
            print(escape_line(f"  {quantity_line(quantity)}"))
    return code


def new(args: argparse.Namespace) -> int:
    from factcheck.rules import QuoteIndex, closest_passage
    from factcheck.store import ClaimStore, EditRefused, editor_name

    root = claims_root(args)
    store = ClaimStore.open_articles(root) if root else None
    if store is None:
        return fail(NO_ROOT)
    article = find_article(store, args.article)
    if isinstance(article, str):
        print(escape_line(f"factcheck: refused: {article}"), file=sys.stderr)
        return EXIT_PROBLEMS
    if not QuoteIndex(article.text).contains(args.quote):
        closest = closest_passage(args.quote, article.text)
        print(escape_line(f'factcheck: refused: the quote does not occur in the article; closest passage: "{closest}"'), file=sys.stderr)
        return EXIT_PROBLEMS
    from factcheck.triage import create_claim, guess_for_quote

    guessed = guess_for_quote(store, article, args.quote, args.text)
    claimant = args.claimant or guessed.claimant
    code = _register_claimant(store.root, claimant, ClaimantType(args.claimant_type)) if args.claimant_type else _registered(store.root, claimant)
    if code != EXIT_OK:
        return code
    try:
        record = create_claim(
            store, article, quote=args.quote, text=args.text or args.quote, claimant=claimant,
            kind=Kind(args.kind) if args.kind else guessed.kind, by=editor_name(args.editor), note="Scaffolded with factcheck new.",
            claim_id=args.id or guessed.claim_id,
        )
    except EditRefused as exc:
        return refused(exc)
    print(f"created {escape_line(record.path)}")
    return EXIT_OK


def _register_claimant_command(p: argparse.ArgumentParser) -> None:
    root_arg(p)
    p.add_argument("name", help="the claimant's name as claims give it")
    p.add_argument("--type", dest="claimant_type", required=True, choices=ClaimantType.words(), help="a person or an organization")
    p.add_argument("--alias", action="append", default=[], help="another name claims may give (repeatable)")
    p.add_argument("--url", help="the claimant's own page, once verified")
    p.add_argument("--wikidata", help="the Wikidata item id (Q…), once verified")


def register_claimant(args: argparse.Namespace) -> int:
    root = claims_root(args)
    if root is None:
        return fail(NO_ROOT)
    return _register_claimant(root, args.name, ClaimantType(args.claimant_type), wikidata=args.wikidata, url=args.url, aliases=args.alias)


def _registered(root: str, name: str) -> int:
    """A claimant typed (or defaulted) for ``new`` must be registered, or be registered with
    ``--claimant-type``: a typo is caught here, where it is made (triage may leave it for later)."""
    from factcheck.claimants import names_for
    from factcheck.rules import claimant_rule

    found = claimant_rule(name, names_for(root))
    if found:
        print(escape_line(f"factcheck: refused: {found[0].message} (or give --claimant-type)"), file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK


def _register_claimant(root: str, name: str, kind: ClaimantType, **more) -> int:
    """Add ``name`` to the claimant registry of the tree at ``root`` unless it is there (as
    ``kind``); ``more``: its ``wikidata``, ``url`` and ``aliases``."""
    from factcheck.claimants import ClaimantRefused, add_claimant, load_registry, path_in
    from factcheck.report import parsable

    known = load_registry(root).lookup(name)
    if known is not None and known.type is not kind:
        print(escape_line(f"factcheck: refused: {name!r} is registered as {known.type.value} (claimant {known.name!r}), not {kind.value}"), file=sys.stderr)
        return EXIT_PROBLEMS
    if known is not None:
        return EXIT_OK
    try:
        add_claimant(root, name, kind, **more)
    except ClaimantRefused as exc:
        print(escape_line(f"factcheck: refused: {exc.message}"), file=sys.stderr)
        for problem in exc.problems:
            print(f"  {parsable(problem)}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(escape_line(f"registered {name} ({kind.value}) in {path_in(root)}"))
    return EXIT_OK


#: Each command of the group: what adds its arguments, and what runs it.
COMMANDS: dict[str, Command] = {
    "add-source": (_add_source_command, add_source),
    "remove-source": (_remove_source_command, remove_source),
    "set-source": (_set_source_command, set_source),
    "set-status": (_set_status_command, set_status),
    "correct": (_correct_command, correct),
    "note": (_note_command, note),
    "assign": (_assign_command, assign),
    "set-quantities": (_set_quantities_command, set_quantities),
    "new": (_new_command, new),
    "register-claimant": (_register_claimant_command, register_claimant),
}
