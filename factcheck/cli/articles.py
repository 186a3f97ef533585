"""Article commands: article add, suggest and dismiss.

The work is in :mod:`factcheck.suggest`, :mod:`factcheck.triage` and :mod:`factcheck.ingest`;
this module reads arguments, prints, and writes through the store.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from factcheck.cli.args import Command, Parser, editor_arg, positive, root_arg, seconds
from factcheck.cli.common import NO_ROOT, claims_root, find_article
from factcheck.cli.errors import EXIT_OK, EXIT_PROBLEMS, fail
from factcheck.cli.inputs import read_lines
from factcheck.pagetext import MAX_PAGE_BYTES
from factcheck.textsafe import escape_line, json_dumps


def _suggest_command(p: argparse.ArgumentParser) -> None:
    root_arg(p)
    editor_arg(p)
    p.add_argument("article", nargs="?", help="article folder or its slug")
    p.add_argument("--write", action="store_true", help="create claim files (status new) for the top candidates not yet claimed")
    p.add_argument("--top", type=positive, help="with --write: at most N claims (default 10 unless --min-score is given)")
    p.add_argument("--min-score", type=float, help="with --write: only sentences scoring at least S (0 to 1)")
    p.add_argument("--sentences", metavar="FILE", help="score the lines of FILE ('-': stdin) as given, one sentence a line, in input order")
    p.add_argument("--format", choices=("text", "json"), default="text")


def _dismiss_command(p: argparse.ArgumentParser) -> None:
    root_arg(p)
    editor_arg(p)
    p.add_argument("article", help="article folder or its slug")
    p.add_argument("sentence", help="the sentence's number as factcheck suggest lists it, or its text (whole, verbatim)")
    p.add_argument("--reason", help="why it is not worth checking (kept in dismissed.yaml)")


def _article_command(p: argparse.ArgumentParser) -> None:
    article_sub = p.add_subparsers(dest="article_command", parser_class=Parser, required=True)
    p = article_sub.add_parser("add", help="create an article folder from a saved page, a text or Markdown file, or an http(s) URL")
    root_arg(p)
    p.add_argument("source", help="a .html/.htm file, a .txt/.md file, or an http(s) URL")
    p.add_argument("--slug", help="the folder name (default: from the title)")
    p.add_argument("--title")
    p.add_argument("--publisher")
    p.add_argument("--outlet", help="the publication within the publisher")
    p.add_argument("--author", action="append", dest="authors", metavar="NAME", help="a byline (repeat for several); replaces the bylines found")
    p.add_argument("--published", help="YYYY-MM-DD")
    p.add_argument("--url", help="the article's canonical URL")
    p.add_argument("--language", help="language code, e.g. en")
    p.add_argument("--timeout", type=seconds, default=20.0, help="seconds in all to fetch a URL (default: 20)")
    p.add_argument("--max-bytes", type=positive, default=MAX_PAGE_BYTES, help="largest page fetched or read (default: 5 MiB)")
    p.add_argument("--no-input", action="store_true", help="never ask: a field not found is an error (also when stdin is not a terminal)")
    p.add_argument("--allow-private", action="store_true", help="also fetch from loopback, private and other non-public addresses (refused by default)")


def suggest_sentences(args: argparse.Namespace) -> int:
    from factcheck.suggest import score

    lines = read_lines(args.sentences, "--sentences")
    if isinstance(lines, str):
        print(f"factcheck: {lines}", file=sys.stderr)
        return EXIT_PROBLEMS
    scores = score(lines)
    if args.format == "json":
        items = [{"line": n, "text": t, "score": round(s, 4)} for n, (t, s) in enumerate(zip(lines, scores, strict=False), 1)]
        print(json_dumps(items))
    else:
        for n, (text, value) in enumerate(zip(lines, scores, strict=False), 1):
            print(f"{n}\t{value:.3f}\t{escape_line(text)}")
    return EXIT_OK


def _proposals(args: argparse.Namespace):
    """(store, article, proposals) for the ARTICLE of a command, or an exit code."""
    from factcheck.store import ClaimStore
    from factcheck.triage import proposals

    root = claims_root(args, near=args.article)
    if root is None:
        return fail(NO_ROOT)
    store = ClaimStore.open(root)
    article = find_article(store, args.article)
    if isinstance(article, str):
        print(escape_line(f"factcheck: refused: {article}"), file=sys.stderr)
        return EXIT_PROBLEMS
    found = proposals(store, article)
    if found.problems:
        where = "cannot be read, so no sentence is left out as dismissed" if not found.readable else "has problems"
        print(f"factcheck: {escape_line(found.problems[0].path)} {where}; run factcheck validate", file=sys.stderr)
    return store, article, found


def _checked_before(store, article, chosen: list) -> dict[str, str]:
    """What each sentence to write was checked before (its history note), by text."""
    from factcheck.match.checked import Earlier, history_note

    if not chosen:
        return {}
    earlier = Earlier.load(store)
    for problem in earlier.problems:
        print(f"factcheck: checked before: {escape_line(problem)}", file=sys.stderr)
    texts = [c.text for c in chosen]
    return {text: note for text, match in zip(texts, earlier.best(texts, article.folder), strict=True) if (note := history_note(match))}


def suggest(args: argparse.Namespace) -> int:
    from factcheck.store import EditRefused, editor_name
    from factcheck.suggest import ranked
    from factcheck.triage import accept

    if args.sentences:
        if args.article or args.write:
            return fail("suggest: --sentences scores a list; give no ARTICLE and no --write with it")
        return suggest_sentences(args)
    if not args.article:
        return fail("suggest: give an ARTICLE (folder or slug), or --sentences FILE")
    if (args.top is not None or args.min_score is not None) and not args.write:
        return fail("suggest: --top and --min-score choose what --write writes; add --write")
    got = _proposals(args)
    if isinstance(got, int):
        return got
    store, article, proposed = got
    if args.write and not proposed.readable:
        print("factcheck: refused: --write would propose dismissed sentences again; fix dismissed.yaml first", file=sys.stderr)
        return EXIT_PROBLEMS
    found = ranked(proposed.sentences)
    if args.format == "json":
        items = [
            {"line": c.line, "text": c.text, "score": c.score, "kind": c.kind.value, "claimant": c.claimant, "claimed_by": list(c.claimed_by)}
            for c in found
        ]
        print(json_dumps(items, indent=1))
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
    checked = _checked_before(store, article, chosen)
    for c in chosen:
        if c.text in taken:  # the same sentence twice in one article: one claim
            continue
        taken.add(c.text)
        try:
            record = accept(store, article, c, by, checked=checked.get(c.text))
        except EditRefused as exc:
            print(escape_line(f"factcheck: refused: {c.text[:60]}: {exc.message}"), file=sys.stderr)
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
    from factcheck.store import EditRefused, editor_name
    from factcheck.triage import dismiss as record_dismissal

    if not args.sentence.strip():
        return fail("dismiss: SENTENCE is empty")
    got = _proposals(args)
    if isinstance(got, int):
        return got
    store, article, proposed = got
    if not proposed.readable:
        print("factcheck: refused: dismissed.yaml cannot be read; fix it first", file=sys.stderr)
        return EXIT_PROBLEMS
    wanted = args.sentence.strip()
    if wanted.isdigit():
        matches = [c for c in proposed.sentences if c.line == int(wanted)]
        if not matches:
            print(
                f"factcheck: refused: no sentence {wanted} to dismiss (see the line numbers of factcheck suggest {article.slug}; dismissed ones are left out)",
                file=sys.stderr,
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
                ),
                file=sys.stderr,
            )
            return EXIT_PROBLEMS
    candidate = matches[0]
    try:
        entry = record_dismissal(store, article, candidate, editor_name(args.editor), args.reason)
    except EditRefused as exc:
        print(escape_line(f"factcheck: refused: {exc.message}"), file=sys.stderr)
        return EXIT_PROBLEMS
    print(escape_line(f"dismissed in {os.path.join(article.folder, 'dismissed.yaml')}: {entry.sentence}"))
    return EXIT_OK


_OPTION_OF = {"title": "--title", "publisher": "--publisher", "url": "--url", "published": "--published", "language": "--language"}


def _interactive(args: argparse.Namespace) -> bool:
    return not args.no_input and sys.stdin is not None and sys.stdin.isatty()


def _ask(name: str) -> object:
    """Ask for ``name`` on the terminal until the answer is a valid value of the field."""
    from factcheck.ingest import parse_field

    while True:
        try:
            answer = input(f"{name}{' (YYYY-MM-DD)' if name == 'published' else ''}: ")
        except EOFError:
            answer = ""
        got = parse_field(name, answer)
        if not (isinstance(got, str) and got.startswith("error:")):
            return got
        print(escape_line(got[len("error: "):]), file=sys.stderr)


def article_add(args: argparse.Namespace) -> int:
    from factcheck import ingest
    from factcheck.netpolicy import Policy

    options: dict[str, object] = {"outlet": args.outlet, "authors": args.authors or []}
    for name in ("title", "publisher", "url", "published", "language"):
        given = getattr(args, name)
        if given is not None:
            value = ingest.parse_field(name, given)
            if isinstance(value, str) and value.startswith("error:"):
                return fail(f"article add: {value[len('error: '):]}")
            options[name] = value
    root = claims_root(args, create=True) or "claims"
    page = ingest.read_source(args.source, args.timeout, args.max_bytes, Policy(allow_private=args.allow_private))
    if isinstance(page, str):
        print(escape_line(f"factcheck: {page}"), file=sys.stderr)
        return EXIT_PROBLEMS
    extracted = ingest.extract(page)
    if isinstance(extracted, str):
        print(escape_line(f"factcheck: {extracted}"), file=sys.stderr)
        return EXIT_PROBLEMS
    resolved = ingest.resolve_fields(extracted.found, options, _ask if _interactive(args) else None)
    if isinstance(resolved, list):
        needed = ", ".join(f"{name} ({_OPTION_OF[name]})" for name in resolved)
        print(escape_line(f"factcheck: refused: not found in {args.source}: {needed}; give them as options (nothing is guessed)"), file=sys.stderr)
        return EXIT_PROBLEMS
    fields, notices = ingest.fit_to_limits(resolved)
    article = ingest.article_from(fields, extracted.suffix)
    if isinstance(article, str):
        print(escape_line(f"factcheck: refused: {article}"), file=sys.stderr)
        return EXIT_PROBLEMS
    slug = args.slug or ingest.slug_for(article.title)
    written = ingest.write_article(root, slug, article, extracted.text)
    if isinstance(written, str):
        print(escape_line(f"factcheck: refused: {written}"), file=sys.stderr)
        return EXIT_PROBLEMS
    for notice in notices:
        print(escape_line(f"factcheck: {notice}"))
    print(escape_line(f"created {written.folder}/ (article.yaml, {article.text}: {len(extracted.text.split())} words)"))
    for name in ingest.FIELDS:
        if name in fields:
            found_value: Any = fields[name].value
            shown = ", ".join(found_value) if name == "authors" else found_value
            print(escape_line(f"  {name}: {shown}  ({fields[name].origin})"))
    print(escape_line(f"next: factcheck suggest {slug}"))
    return EXIT_OK


#: Each command of the group: what adds its arguments, and what runs it.
COMMANDS: dict[str, Command] = {
    "suggest": (_suggest_command, suggest),
    "dismiss": (_dismiss_command, dismiss),
    "article": (_article_command, article_add),
}
