"""Checks beyond the schema: one claim against its article, and claims against each other.

Every rule returns :class:`~factcheck.convert.FieldError` values: a code, a plain
message and the path of the key or value at fault. Positions are found later, from
the round-trip document, only for files that have problems.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import operator
import re
import typing
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from factcheck.convert import FieldError
from factcheck.model import Action, Claim, Source, Stance, Status, allows_line_breaks, canonical_url
from factcheck.textsafe import char_name, escape_line, first_control, json_may_hold_controls
from factcheck.workflow import publish_gaps, review_round, stance_gap

_QUOTE_MAP = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00a0": " ", "\u2009": " ", "\u202f": " ",
    }
)
#: :data:`_QUOTE_MAP` as (character, replacement) pairs: ``str.replace`` of the few that
#: occur is a hundred times faster than ``str.translate`` (a look-up per character) on
#: an article's text.
_QUOTE_PAIRS = tuple((chr(code), straight) for code, straight in _QUOTE_MAP.items())


def normalize(text: str) -> str:
    """Text with curly quotes made straight and every run of whitespace one space."""
    if not text.isascii():
        for curly, straight in _QUOTE_PAIRS:
            if curly in text:
                text = text.replace(curly, straight)
    return " ".join(text.split())  # str.split's whitespace is that of \s


@functools.lru_cache(maxsize=64)
def _normalized_with_positions(article_text: str) -> tuple[str, tuple[int, ...]]:
    """The article normalized as :func:`normalize` does, and each character's original index."""
    index_map: list[int] = []
    chars: list[str] = []
    previous_space = True
    for index, ch in enumerate(article_text):
        ch = ch.translate(_QUOTE_MAP)
        if ch.isspace():
            if previous_space:
                continue
            ch = " "
            previous_space = True
        else:
            previous_space = False
        chars.append(ch)
        index_map.append(index)
    return "".join(chars), tuple(index_map)


def find_quote(quote: str, article_text: str) -> tuple[int, int] | None:
    """Character span of ``quote`` in the article, forgiving whitespace and curly quotes."""
    norm_quote = normalize(quote)
    if not norm_quote:
        return None
    norm_article, index_map = _normalized_with_positions(article_text)
    start = norm_article.find(norm_quote)
    if start < 0:
        return None
    end = start + len(norm_quote) - 1
    return index_map[start], index_map[end] + 1


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"\w+")


def closest_passage(quote: str, article_text: str) -> str:
    """The passage of the article most like ``quote``: a run of sentences about its length.

    Candidates are ranked by shared words first; only the best few are compared
    character by character.
    """
    norm_quote = normalize(quote)
    sentences = [s for s in _SENTENCE_END.split(normalize(article_text)) if s]
    if not sentences:
        return ""
    quote_words = set(_WORD.findall(norm_quote.lower()))
    candidates = []
    for start in range(len(sentences)):
        passage = sentences[start]
        end = start + 1
        while len(passage) < len(norm_quote) and end < len(sentences):
            passage = f"{passage} {sentences[end]}"
            end += 1
        words = set(_WORD.findall(passage.lower()))
        overlap = len(quote_words & words) / (len(quote_words | words) or 1)
        candidates.append((overlap, passage))
    candidates.sort(key=lambda c: c[0], reverse=True)
    import difflib

    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(norm_quote)
    best, best_ratio = candidates[0][1], -1.0
    for _, passage in candidates[:3]:
        matcher.set_seq1(passage)
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = passage, ratio
    return best


class QuoteIndex:
    """An article's normalized text, prepared once for many quote look-ups, and its date."""

    def __init__(self, text: str, published: dt.date | None = None):
        self.text = text
        self.normalized = normalize(text)
        self.published = published

    def contains(self, quote: str) -> bool:
        return normalize(quote) in self.normalized


#: An ``@`` in the authority: after the first ``://`` and before the path, query or fragment.
_CREDENTIALS = re.compile(r"(?>.*?://)[^/?#]*@", re.DOTALL)


def has_credentials(url: str) -> bool:
    """Whether ``url`` carries a user name or password (``https://user:pass@host/``)."""
    return _CREDENTIALS.match(url) is not None


# -- review by a second person: the round is the workflow's (factcheck.workflow) -------------


@attrs.frozen
class ReviewPolicy:
    """Since when a publication that breaks the second-person rule is an error.

    ``since`` None: always (no config). Publications before ``since`` are reported as
    warnings, so records made before the rule stay visible without failing a run.
    """

    since: dt.datetime | None = None

    def key(self) -> str:
        """What the results of checking depend on, for the validation cache."""
        return "review:" + (self.since.astimezone(dt.timezone.utc).isoformat() if self.since else "always")


@attrs.frozen
class ClaimantNames:
    """The names and aliases of a claims tree's claimant registry, as the claimant rule asks them.

    ``path``: the registry file, named in the problem. Made by :mod:`factcheck.claimants`;
    a tree without a registry has none, and its claimants are not checked.
    """

    path: str
    names: frozenset[str]

    def key(self) -> str:
        """What the results of checking depend on, for the validation cache."""
        import hashlib

        return "claimants:" + hashlib.blake2b("\n".join(sorted(self.names)).encode("utf-8"), digest_size=16).hexdigest()


#: From these statuses on, a claim's claimant must be in the registry (an error): what
#: goes to review and to readers names a registered claimant. Before, an unregistered
#: one is a warning, so a new article's sentences can be triaged before their
#: claimants are registered.
CLAIMANT_REGISTERED_FROM = frozenset({Status.IN_REVIEW, Status.PUBLISHED})


def claimant_rule(claimant: str, known: ClaimantNames | None, status: Status | None = None) -> list[FieldError]:
    """A claim's claimant must be a name or alias of the tree's claimant registry (if it has
    one): an error from review on (or when ``status`` is not given), a warning before."""
    if known is None or claimant in known.names:
        return []
    from factcheck.problems import did_you_mean

    hint = did_you_mean(claimant, known.names)
    code = "unknown-claimant" if status is None or status in CLAIMANT_REGISTERED_FROM else "unregistered-claimant"
    return [FieldError(
        code,
        f"claimant {escape_line(repr(claimant))} is not in the claimant registry {known.path}{hint}; "
        "add it there (factcheck register-claimant NAME --type person|organization) or use a registered name",
        ("claimant",),
    )]


@functools.lru_cache(maxsize=4096)
def _stamp(at: dt.datetime) -> str:
    return at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def review_findings(claim: Any, policy: ReviewPolicy, changes: Iterable[tuple[int, Any]] | None = None) -> list[FieldError]:
    """A published claim whose publication (its history entry) broke the second-person rule.

    ``changes``: the (index, entry) of each history entry that sets the status, when the caller has them.
    """
    if claim.status is not Status.PUBLISHED:
        return []
    state = review_round(claim.history, changes)
    if state.status != Status.PUBLISHED.value or state.published_at is None or state.fault is None:
        return []
    entry = claim.history[state.published_at]
    if state.fault == "self-published":
        message = f"published by {entry.by} at {_stamp(entry.at)}, who also moved it to in-review; a second editor must publish it"
    else:
        message = f"published by {entry.by} at {_stamp(entry.at)} without passing through in-review first"
    code = state.fault
    if policy.since is not None and entry.at < policy.since:
        code += "-before-policy"
        message += f" (before the second-person rule took effect at {_stamp(policy.since)})"
    return [FieldError(code, message, ("history", state.published_at, "by"))]


@functools.cache
def _text_plan(cls: type) -> tuple[tuple[str, str, bool, Any], ...]:
    """(name, "str" / "list" / "records", line breaks allowed, record class) of each text-bearing field."""
    hints = typing.get_type_hints(cls)
    plan: list[tuple[str, str, bool, Any]] = []
    for field in attrs.fields(cls):
        tp = hints[field.name]
        args = typing.get_args(tp)
        if typing.get_origin(tp) is list:
            if attrs.has(args[0]):
                plan.append((field.name, "records", False, args[0]))
            else:
                plan.append((field.name, "list", False, None))
        elif tp is str or str in args or (isinstance(tp, type) and issubclass(tp, str)):
            plan.append((field.name, "str", allows_line_breaks(cls, field.name), None))
    return tuple(plan)


_CHAR_NAMES = {"\x1b": "ESC", "\x07": "BEL", "\x08": "BACKSPACE", "\x0d": "carriage return", "\x0a": "a line break", "\x09": "a tab", "\x00": "NUL"}


def _control_message(name: str, text: str, match: re.Match) -> str:
    import unicodedata

    ch = match.group()
    shown = char_name(ch)
    label = _CHAR_NAMES.get(ch) or unicodedata.name(ch, "") or "a control character"
    where = f"character {match.start() + 1}" if len(text) > 1 else "its only character"
    if ch in "\n\t":
        return f"{name} holds {label} ({shown}) at {where}; this value is one line"
    if ord(ch) > 0x9F:
        return f"{name} holds the bidi control {shown} ({label}) at {where}; it changes how the text around it reads: remove it"
    return f"{name} holds the control character {shown} ({label}) at {where}; terminals act on it: remove it"


def control_chars(record: object, cls: type, path: tuple = ()) -> list[FieldError]:
    """Control and bidi characters in every text field of a record (code ``control-char``).

    Newlines and tabs are allowed only in fields of long prose (see
    :func:`factcheck.model.allows_line_breaks`). Works on the attrs classes and the
    fast checker's structs alike.
    """
    out: list[FieldError] = []
    for name, kind, lines, item_cls in _text_plan(cls):
        value = getattr(record, name)
        if value is None:
            continue
        if kind == "str":
            match = first_control(value, lines)
            if match:
                out.append(FieldError("control-char", _control_message(name, value, match), path + (name,)))
        elif kind == "list":
            for index, item in enumerate(value):
                match = first_control(item) if isinstance(item, str) else None
                if match:
                    out.append(FieldError("control-char", _control_message(f"{name} entry {index + 1}", item, match), path + (name, index)))
        else:
            for index, item in enumerate(value):
                out.extend(control_chars(item, item_cls, path + (name, index)))
    return out


#: Words with which a summary says that its evidence came after the article.
_SAYS_LATER = re.compile(
    r"\b(later|after the article|after it was published|after publication|since (?:the article|then)|subsequent(?:ly)?|afterwards|postdat\w*)\b", re.I
)


@functools.cache
def _fields_of_kind(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the date fields, the URL fields) of ``cls``, from the model."""
    from factcheck.model import HTTP_URL_PATTERN, field_constraints

    hints = typing.get_type_hints(cls)
    dates = tuple(f.name for f in attrs.fields(cls) if dt.date in (hints[f.name], *typing.get_args(hints[f.name])))
    urls = tuple(f.name for f in attrs.fields(cls) if f.validator is not None and field_constraints(f).get("pattern") == HTTP_URL_PATTERN)
    return dates, urls


def source_rules(
    source: Any, today: dt.date, cited: Mapping[str, int], cls: type = Source, path: tuple = (), canonical: str | None = None
) -> list[FieldError]:
    """The rules one source of a claim follows, with paths within the source: no date in
    the future, not accessed before it was published, no credentials in a URL, no URL
    ``cited`` already (canonical URL -> index of the source that cites it).

    ``source`` may be an attrs record, the fast checker's struct, or the fields of a form
    that parsed (any other is None): a rule runs where its fields have values.
    ``canonical``: its URL's :func:`canonical_url`, when the caller has it.
    """
    out: list[FieldError] = []
    dates, urls = _fields_of_kind(cls)
    for name in dates:
        value = getattr(source, name, None)
        if isinstance(value, dt.date) and value > today:
            out.append(FieldError("future-date", f"{name} {value.isoformat()} is in the future", (*path, name)))
    published, accessed = getattr(source, "published", None), getattr(source, "accessed", None)
    if isinstance(published, dt.date) and isinstance(accessed, dt.date) and accessed < published:
        out.append(FieldError("accessed-before-published", f"accessed {accessed.isoformat()} is before published {published.isoformat()}", (*path, "accessed")))
    for name in urls:
        value = getattr(source, name, None)
        if isinstance(value, str) and has_credentials(value):
            out.append(FieldError("url-credentials", "credentials do not belong in a claim file (user or password in the URL)", (*path, name)))
    url = getattr(source, "url", None)
    if isinstance(url, str) and cited:
        first = cited.get(canonical if canonical is not None else canonical_url(url))
        if first is not None:
            out.append(FieldError("duplicate-source", f"this URL is already source {first + 1} of this claim", (*path, "url")))
    return out


def evidence_warnings(claim: Claim, article_date: dt.date | None) -> list[FieldError]:
    """Warnings about a published claim's evidence: all of it undated, or all of it later than the article."""
    if claim.status is not Status.PUBLISHED:
        return []
    evidence = [s for s in claim.sources if s.stance is not Stance.CONTEXT]
    if not evidence:
        return []
    if all(s.published is None for s in evidence):
        return [
            FieldError(
                "undated-evidence", "every supports/refutes source of this published claim lacks a published date; add the dates the pages show", ("sources",)
            )
        ]
    if article_date is not None and all(s.published is not None and s.published > article_date for s in evidence):
        if not _SAYS_LATER.search(claim.summary or ""):
            return [
                FieldError(
                    "later-evidence",
                    f"every supports/refutes source is dated after the article ({article_date.isoformat()}); the summary should say the evidence came later",
                    ("summary",),
                )
            ]
    return []


def quantity_rules(claim: Claim) -> list[FieldError]:
    """Each quantity's ``text`` occurs in the claim's quote (whitespace and curly quotes forgiven)."""
    if not claim.quantities:
        return []
    quote = normalize(claim.quote)
    out = []
    for index, quantity in enumerate(claim.quantities):
        if normalize(quantity.text) not in quote:
            out.append(FieldError(
                "quantity-not-in-quote",
                f"quantity text {quantity.text!r} does not occur in the quote; copy the words the number comes from",
                ("quantities", index, "text"),
            ))
    return out


def claim_rules(
    claim: Claim,
    file_stem: str,
    article: QuoteIndex | None,
    today: dt.date,
    json: bytes | None = None,
    review: ReviewPolicy = ReviewPolicy(),
    claimants: ClaimantNames | None = None,
) -> list[FieldError]:
    """Every rule that looks at one claim (and its article's text).

    ``json``: JSON that the claim was decoded from (rapidyaml's, or msgspec's), when the
    caller has it; if it shows no control or bidi character, the fields are not looked
    at one by one. ``review``:
    since when the second-person rule fails a publication (default: always).
    ``claimants``: the tree's claimant registry (None: the tree has none).
    """
    if json is not None and not json_may_hold_controls(json):
        out: list[FieldError] = []
    else:
        out = control_chars(claim, Claim)
    if claim.id != file_stem:
        out.append(FieldError("id-mismatch", f"id {claim.id!r} differs from the file name {file_stem!r}.yaml", ("id",)))
    if claim.id in claim.related:
        out.append(FieldError("related-self", "a claim cannot be related to itself", ("related", claim.related.index(claim.id))))
    if claimants is not None and claim.claimant not in claimants.names:
        out += claimant_rule(claim.claimant, claimants, claim.status)

    if article is not None and not article.contains(claim.quote):
        passage = closest_passage(claim.quote, article.text)
        hint = f'; closest passage: "{passage}"' if passage else ""
        out.append(FieldError("quote-not-found", f"quote does not occur in the article text{hint}", ("quote",)))

    out += quantity_rules(claim)

    if claim.status is Status.PUBLISHED:
        out += [FieldError("published-incomplete", why, ("status",)) for _, why in publish_gaps(claim.verdict, claim.summary, claim.sources)]
    gap = stance_gap(claim.verdict, claim.sources)
    if gap is not None:
        out.append(FieldError("verdict-needs-source", gap, ("verdict",)))

    seen_urls: dict[str, int] = {}
    for index, source in enumerate(claim.sources):
        canonical = canonical_url(source.url)
        out += source_rules(source, today, seen_urls, path=("sources", index), canonical=canonical)
        seen_urls.setdefault(canonical, index)

    for index, correction in enumerate(claim.corrections):
        if correction.date > today:
            out.append(FieldError("future-date", f"date {correction.date.isoformat()} is in the future", ("corrections", index, "date")))

    out += history_rules(claim, today, review)
    out += evidence_warnings(claim, article.published if article is not None else None)
    return out


def history_rules(claim: Claim, today: dt.date, review: ReviewPolicy = ReviewPolicy()) -> list[FieldError]:
    """A claim's history: not empty, oldest first, none in the future, its last status change
    the claim's status, and its publication by a second person (see :func:`review_findings`)."""
    out: list[FieldError] = []
    if not claim.history:
        out.append(FieldError("history-missing", "history is empty; a claim starts with a 'created' entry", ("history",)))
    history = claim.history
    times = [entry.at for entry in history]
    # In order and none in the future, as nearly every history is: two steps in C.
    if times and (max(map(dt.datetime.date, times)) > today or not all(map(operator.le, times, times[1:]))):
        previous: dt.datetime | None = None
        for index, at in enumerate(times):
            if at.date() > today:
                out.append(FieldError("future-date", f"history time {at.isoformat()} is in the future", ("history", index, "at")))
            if previous is not None and at < previous:
                message = "history entry is earlier than the one before it; history is append-only, oldest first"
                out.append(FieldError("history-order", message, ("history", index, "at")))
            previous = at
    if any(map(dt.datetime.utcoffset, times)):
        out += _offset_times(times)
    created, status_action = Action.CREATED, Action.STATUS
    changes = [  # (index, entry) of each entry that sets the status (sets_status, inline)
        (index, entry) for index, entry in enumerate(history)
        if entry.after is not None and (entry.action is created or entry.field == "status" or entry.action is status_action)
    ]
    if claim.history and not changes:
        out.append(FieldError("history-status", f"history records no status; its last status change must be {claim.status.value!r}", ("history",)))
    elif changes and changes[-1][1].after != claim.status._value_:  # .value, without the enum's descriptor (each claim)
        after = changes[-1][1].after
        out.append(FieldError("history-status", f"status is {claim.status.value!r} but the last status change in history is to {after!r}", ("status",)))
    elif changes:
        out += review_findings(claim, review, changes)
    return out


def _offset_times(times: Sequence[dt.datetime]) -> list[FieldError]:
    """A warning for each history time written with an offset: times are UTC ending in Z
    (the instant is right, so the file still validates; the writer writes it in UTC)."""
    out = []
    for index, at in enumerate(times):
        offset = at.utcoffset()
        if offset:
            sign, minutes = ("-", -offset) if offset < dt.timedelta(0) else ("+", offset)
            hours, rest = divmod(int(minutes.total_seconds()) // 60, 60)
            message = f"a time with an offset ({sign}{hours:02d}:{rest:02d}); times are UTC ending in Z: {_stamp(at)} ('factcheck fmt' writes it so)"
            out.append(FieldError("datetime-offset", message, ("history", index, "at")))
    return out


def _duplicate_id(claim_id: str, first: str) -> FieldError:
    return FieldError("duplicate-id", f"id {claim_id!r} is already used by {first}", ("id",))


def _related_missing(other: str, index: int, candidates: Iterable[str]) -> FieldError:
    from factcheck.problems import did_you_mean

    hint = did_you_mean(other, candidates)
    return FieldError("related-missing", f"related claim {other!r} does not exist{hint}", ("related", index))


def cross_rules(ids_by_path: Mapping[str, str | None], related_by_path: Mapping[str, Sequence[str]]) -> dict[str, list[FieldError]]:
    """Rules across claims: unique ids, and related ids that exist.

    A tree where every id is unique and every related id exists (nearly every run) is
    told apart with sets, in C; the claims are gone through one by one only otherwise.
    """
    out: dict[str, list[FieldError]] = {}
    given = list(ids_by_path.values())
    known: set[str] = set(given)  # type: ignore[arg-type]  # None is taken out next
    known.discard(None)  # type: ignore[arg-type]
    if len(known) != len(given) - given.count(None):
        first_path: dict[str, str] = {}
        for path in sorted(ids_by_path):
            claim_id = ids_by_path[path]
            if claim_id is None:
                continue
            if claim_id in first_path:
                out.setdefault(path, []).append(_duplicate_id(claim_id, first_path[claim_id]))
            else:
                first_path[claim_id] = path
    missing = set(itertools.chain.from_iterable(related_by_path.values())) - known
    if not missing:
        return out
    by_prefix: dict[str, list[str]] = {}  # hint candidates: ids with the same first letters
    for claim_id in known:
        by_prefix.setdefault(claim_id[:3], []).append(claim_id)
    for path, related in related_by_path.items():
        if missing.isdisjoint(related):
            continue
        for index, other in enumerate(related):
            if other in missing:
                out.setdefault(path, []).append(_related_missing(other, index, by_prefix.get(other[:3], [])))
    return out


def cross_rules_for(path: str, claim_id: str, related: Iterable[str], paths_by_id: Mapping[str, list[str]]) -> list[FieldError]:
    """:func:`cross_rules` for one claim, given the paths of every other claim by id (cheap in a large tree)."""
    out: list[FieldError] = []
    earlier = sorted(p for p in paths_by_id.get(claim_id, ()) if p != path and p < path)
    if earlier:
        out.append(_duplicate_id(claim_id, earlier[0]))
    for index, other in enumerate(related):
        if other not in paths_by_id and other != claim_id:
            out.append(_related_missing(other, index, [i for i in paths_by_id if i[:3] == other[:3]]))
    return out

