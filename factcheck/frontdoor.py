"""What ``factcheck suggest`` and ``factcheck article add`` do, given parsed arguments.

The work is in :mod:`factcheck.suggest` and :mod:`factcheck.ingest`; this module reads
arguments, prints, and writes through the store. Returns exit codes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from factcheck.store import ClaimStore, EditRefused, editor_name, find_root
from factcheck.textsafe import escape_line

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _usage(message: str) -> int:
    print(f"factcheck: {message}", file=sys.stderr)
    return EXIT_USAGE


def _root(args: argparse.Namespace) -> str | None:
    if getattr(args, "root", None):
        return args.root if os.path.isdir(args.root) else None
    found = find_root()
    return str(found) if found else None


# -- suggest -------------------------------------------------------------------------


def _read_lines(path: str) -> list[str] | str:
    try:
        if path == "-":
            return sys.stdin.read().splitlines()
        with open(path, encoding="utf-8") as handle:
            return handle.read().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        return f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}"


def suggest_sentences(args: argparse.Namespace) -> int:
    from factcheck.suggest import score

    lines = _read_lines(args.sentences)
    if isinstance(lines, str):
        print(f"factcheck: {lines}")
        return EXIT_PROBLEMS
    scores = score(lines)
    if args.format == "json":
        items = [{"line": n, "text": t, "score": round(s, 4)} for n, (t, s) in enumerate(zip(lines, scores, strict=False), 1)]
        print(json.dumps(items, ensure_ascii=False))
    else:
        for n, (text, value) in enumerate(zip(lines, scores, strict=False), 1):
            print(f"{n}\t{value:.3f}\t{text}")
    return EXIT_OK


def _proposals(args: argparse.Namespace):
    """(store, article, proposals) for the ARTICLE of a command, or an exit code."""
    from factcheck.commands import NO_ROOT, find_article
    from factcheck.triage import proposals

    root = _root(args)
    if root is None:
        return _usage(NO_ROOT)
    store = ClaimStore.open(root)
    article = find_article(store, args.article)
    if isinstance(article, str):
        print(escape_line(f"factcheck: refused: {article}"))
        return EXIT_PROBLEMS
    found = proposals(store, article)
    if found.problems:
        where = "cannot be read, so no sentence is left out as dismissed" if not found.readable else "has problems"
        print(f"factcheck: {escape_line(found.problems[0].path)} {where}; run factcheck validate", file=sys.stderr)
    return store, article, found


def suggest(args: argparse.Namespace) -> int:
    from factcheck.suggest import ranked
    from factcheck.triage import accept

    if args.sentences:
        if args.article or args.write:
            return _usage("suggest: --sentences scores a list; give no ARTICLE and no --write with it")
        return suggest_sentences(args)
    if not args.article:
        return _usage("suggest: give an ARTICLE (folder or slug), or --sentences FILE")
    if (args.top is not None or args.min_score is not None) and not args.write:
        return _usage("suggest: --top and --min-score choose what --write writes; add --write")
    got = _proposals(args)
    if isinstance(got, int):
        return got
    store, article, proposed = got
    if args.write and not proposed.readable:
        print("factcheck: refused: --write would propose dismissed sentences again; fix dismissed.yaml first")
        return EXIT_PROBLEMS
    found = ranked(proposed.sentences)
    if args.format == "json":
        items = [
            {"line": c.line, "text": c.text, "score": c.score, "kind": c.kind.value, "claimant": c.claimant, "claimed_by": list(c.claimed_by)}
            for c in found
        ]
        print(json.dumps(items, ensure_ascii=False, indent=1))
    elif not args.write:
        for c in found:
            mark = f"  [claimed: {', '.join(c.claimed_by)}]" if c.claimed_by else ""
            who = f"  claimant: {c.claimant}" if c.claimant else ""
            print(escape_line(f"{c.line:>3}  {c.score:.2f}  {c.kind.value:<16}  {c.text}{who}{mark}"))
        dismissed = f", {proposed.dismissed} dismissed left out" if proposed.dismissed else ""
        print(f"{len(found)} sentences, {sum(1 for c in found if c.claimed_by)} already claimed{dismissed}")
    if not args.write:
        return EXIT_OK

    chosen = [c for c in found if not c.claimed_by]
    if args.min_score is not None:
        chosen = [c for c in chosen if c.score >= args.min_score]
    if args.top is not None or args.min_score is None:
        chosen = chosen[: args.top if args.top is not None else 10]
    by = editor_name(args.editor)
    written, failed = 0, 0
    taken = set()
    for c in chosen:
        if c.text in taken:  # the same sentence twice in one article: one claim
            continue
        taken.add(c.text)
        try:
            record = accept(store, article, c, by)
        except EditRefused as exc:
            print(escape_line(f"factcheck: refused: {c.text[:60]}: {exc.message}"))
            failed += 1
            continue
        written += 1
        print(escape_line(f"created {record.path}  ({c.score:.2f})"))
    skipped = sum(1 for c in found if c.claimed_by)
    dismissed = f" and {proposed.dismissed} dismissed" if proposed.dismissed else ""
    print(f"{written} claims written; {skipped} sentences already claimed{dismissed} were left alone")
    return EXIT_PROBLEMS if failed else EXIT_OK


def dismiss(args: argparse.Namespace) -> int:
    """``factcheck dismiss ARTICLE SENTENCE``: SENTENCE is its line number in ``suggest`` or its text."""
    from factcheck.rules import closest_passage, normalize
    from factcheck.triage import dismiss as record_dismissal

    if not args.sentence.strip():
        return _usage("dismiss: SENTENCE is empty")
    got = _proposals(args)
    if isinstance(got, int):
        return got
    store, article, proposed = got
    if not proposed.readable:
        print("factcheck: refused: dismissed.yaml cannot be read; fix it first")
        return EXIT_PROBLEMS
    wanted = args.sentence.strip()
    if wanted.isdigit():
        matches = [c for c in proposed.sentences if c.line == int(wanted)]
        if not matches:
            print(
                f"factcheck: refused: no sentence {wanted} to dismiss (see the line numbers of factcheck suggest {article.slug}; dismissed ones are left out)"
            )
            return EXIT_PROBLEMS
    else:
        matches = [c for c in proposed.sentences if normalize(c.text) == normalize(wanted)]
        if not matches:
            near = closest_passage(wanted, "\n\n".join(c.text for c in proposed.sentences))
            print(
                escape_line(
                    f"factcheck: refused: not one of the sentences suggest proposes for {article.slug} "
                    f'(whole sentences only; dismissed ones are left out); closest: "{near}"'
                )
            )
            return EXIT_PROBLEMS
    candidate = matches[0]
    try:
        entry = record_dismissal(store, article, candidate, editor_name(args.editor), args.reason)
    except EditRefused as exc:
        print(escape_line(f"factcheck: refused: {exc.message}"))
        return EXIT_PROBLEMS
    print(escape_line(f"dismissed in {os.path.join(article.folder, 'dismissed.yaml')}: {entry.sentence}"))
    return EXIT_OK


# -- article add -----------------------------------------------------------------------

_OPTION_OF = {"title": "--title", "publisher": "--publisher", "url": "--url", "published": "--published", "language": "--language"}


def _interactive(args: argparse.Namespace) -> bool:
    return not args.no_input and sys.stdin is not None and sys.stdin.isatty()


def _ask(name: str, hint: str) -> str:
    try:
        return input(f"{name}{f' ({hint})' if hint else ''}: ")
    except EOFError:
        return ""


def article_add(args: argparse.Namespace) -> int:
    from factcheck import ingest
    from factcheck.model import Article
    from factcheck.netpolicy import Policy

    if not args.timeout > 0:
        return _usage("--timeout must be more than 0 seconds")
    options: dict[str, object] = {"outlet": args.outlet, "authors": args.authors or []}
    for name in ("title", "publisher", "url", "published", "language"):
        given = getattr(args, name)
        if given is not None:
            value = ingest.parse_field(name, given)
            if isinstance(value, str) and value.startswith("error:"):
                return _usage(f"article add: {value[len('error: '):]}")
            options[name] = value
    page = ingest.read_source(args.source, args.timeout, args.max_bytes, Policy(allow_private=args.allow_private))
    if isinstance(page, str):
        print(f"factcheck: {page}")
        return EXIT_PROBLEMS
    extracted = ingest.extract(page)
    if isinstance(extracted, str):
        print(f"factcheck: {extracted}")
        return EXIT_PROBLEMS
    fields = ingest.resolve_fields(extracted.found, options, _ask if _interactive(args) else None)
    if isinstance(fields, list):
        needed = ", ".join(f"{name} ({_OPTION_OF[name]})" for name in fields)
        print(f"factcheck: refused: not found in {args.source}: {needed}; give them as options (nothing is guessed)")
        return EXIT_PROBLEMS
    values: dict[str, Any] = {name: found.value for name, found in fields.items()}
    article = Article(
        title=values["title"], publisher=values["publisher"], url=values["url"], published=values["published"],
        language=values["language"], text=f"article{extracted.suffix}", outlet=values.get("outlet"), authors=list(values.get("authors") or []),
    )
    root = args.root or (str(find_root()) if find_root() else "claims")
    slug = args.slug or ingest.slug_for(article.title)
    written = ingest.write_article(root, slug, article, extracted.text)
    if isinstance(written, str):
        print(f"factcheck: refused: {written}")
        return EXIT_PROBLEMS
    print(f"created {written.folder}/ (article.yaml, {article.text}: {len(extracted.text.split())} words)")
    for name in ingest.FIELDS:
        if name in fields:
            found_value: Any = fields[name].value
            shown = ", ".join(found_value) if name == "authors" else found_value
            print(f"  {name}: {shown}  ({fields[name].origin})")
    print(f"next: factcheck suggest {slug}")
    return EXIT_OK
