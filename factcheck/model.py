"""The claim record: attrs classes and vocabularies. No I/O here.

YAML keys are the attribute names, so a cattrs error path such as
``$.sources[0].url`` maps straight back to a key in the file.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from enum import Enum
from typing import Any

import attrs

_SPACE = re.compile(r"\s")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ID_LENGTH = 80


class Vocabulary(str, Enum):
    """A closed set of words; none of them is a YAML 1.2 boolean or null."""

    def __str__(self) -> str:
        return self.value

    @classmethod
    def words(cls) -> list[str]:
        return [member.value for member in cls]


class Status(Vocabulary):
    NEW = "new"
    TO_CHECK = "to-check"
    RESEARCHING = "researching"
    IN_REVIEW = "in-review"
    PUBLISHED = "published"
    DISMISSED = "dismissed"


class Verdict(Vocabulary):
    ACCURATE = "accurate"
    MOSTLY_ACCURATE = "mostly-accurate"
    MIXED = "mixed"
    MISLEADING = "misleading"
    MOSTLY_INACCURATE = "mostly-inaccurate"
    INACCURATE = "inaccurate"
    UNPROVEN = "unproven"


class Kind(Vocabulary):
    QUANTITY = "quantity"
    EVENT = "event"
    ATTRIBUTION = "attribution"
    CAUSAL = "causal"
    CHARACTERIZATION = "characterization"
    PREDICTION = "prediction"
    OPINION = "opinion"


class ClaimantType(Vocabulary):
    """What a claimant is; ClaimReview types its author so (``Person``, ``Organization``)."""

    PERSON = "person"
    ORGANIZATION = "organization"


class Stance(Vocabulary):
    SUPPORTS = "supports"
    REFUTES = "refutes"
    CONTEXT = "context"



class Action(Vocabulary):
    """What a history entry records."""

    CREATED = "created"
    STATUS = "status"
    VERDICT = "verdict"
    SUMMARY = "summary"
    SOURCE_ADDED = "source-added"
    SOURCE_REMOVED = "source-removed"
    SOURCE_CHANGED = "source-changed"
    NOTE = "note"
    TAGS = "tags"
    RELATED = "related"
    CORRECTION = "correction"
    UNDO = "undo"
    EDITED = "edited"
    ASSIGNED = "assigned"
    QUANTITIES = "quantities"


#: Verdicts that need a source of a given stance.
VERDICT_NEEDS_STANCE: dict[Verdict, Stance] = {
    Verdict.ACCURATE: Stance.SUPPORTS,
    Verdict.MOSTLY_ACCURATE: Stance.SUPPORTS,
    Verdict.INACCURATE: Stance.REFUTES,
    Verdict.MOSTLY_INACCURATE: Stance.REFUTES,
}

#: The usual next step of each status, for "advance" in the UI.
STATUS_FLOW: tuple[Status, ...] = (
    Status.NEW,
    Status.TO_CHECK,
    Status.RESEARCHING,
    Status.IN_REVIEW,
    Status.PUBLISHED,
)


def _non_empty(instance, attribute, value) -> None:
    if isinstance(value, str) and not value.strip():
        raise ValueError(f"{attribute.name} must not be empty", attribute.name)


def _slug(instance, attribute, value) -> None:
    if not SLUG_RE.match(value) or len(value) > MAX_ID_LENGTH:
        raise ValueError(
            f"{attribute.name} {value!r} is not a lowercase slug "
            f"(letters a-z, digits, single hyphens, at most {MAX_ID_LENGTH} characters)",
            attribute.name,
        )


def _http_url(instance, attribute, value) -> None:
    if value is None:
        return
    scheme, sep, rest = value.partition("://")
    host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if scheme.lower() not in ("http", "https") or not sep or not host or _SPACE.search(value):
        raise ValueError(
            f"{attribute.name} must be an http or https URL, got {value!r}", attribute.name
        )


def _unique_items(instance, attribute, value) -> None:
    seen: set[str] = set()
    for item in value:
        if item in seen:
            raise ValueError(f"{attribute.name} lists {item!r} twice", attribute.name)
        seen.add(item)


def _tag_words(instance, attribute, value) -> None:
    for item in value:
        if not SLUG_RE.match(item):
            raise ValueError(
                f"{attribute.name} entry {item!r} is not a lowercase slug", attribute.name
            )


#: A unit: a short word such as ``percent``, ``people``, ``USD`` (letters, digits, hyphens).
UNIT_RE = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*$")
MAX_UNIT_LENGTH = 40
#: The years an ``as_of`` may name.
FIRST_YEAR, LAST_YEAR = 1000, 9999


def _unit(instance, attribute, value) -> None:
    if not UNIT_RE.match(value) or len(value) > MAX_UNIT_LENGTH:
        raise ValueError(
            f"{attribute.name} {value!r} is not a unit word (letters, digits and single hyphens, "
            f"at most {MAX_UNIT_LENGTH} characters, e.g. percent, people, USD)",
            attribute.name,
        )


def _finite(instance, attribute, value) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{attribute.name} must be a finite number, got {value!r}", attribute.name)


def _year_or_date(instance, attribute, value) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and not FIRST_YEAR <= value <= LAST_YEAR:
        raise ValueError(
            f"{attribute.name} {value} is not a year: write a year (YYYY) or a date (YYYY-MM-DD)", attribute.name
        )


#: A Wikidata item id: Q and a number without leading zeros (Q7747).
WIKIDATA_RE = re.compile(r"^Q[1-9][0-9]*$")


def _wikidata(instance, attribute, value) -> None:
    if value is not None and not WIKIDATA_RE.match(value):
        raise ValueError(f"{attribute.name} {value!r} is not a Wikidata item id (Q and a number, e.g. Q7747)", attribute.name)


def _names(instance, attribute, value) -> None:
    for item in value:
        if isinstance(item, str) and not item.strip():
            raise ValueError(f"{attribute.name} entries must not be empty", attribute.name)


class TooLong(ValueError):
    """A text longer than its field's limit (problem code ``too-long``)."""

    code = "too-long"


def _all(*validators: Any) -> Any:
    """Several field validators, for attrs (typed loosely: they are functions and objects)."""
    return list(validators)


@attrs.frozen
class MaxLength:
    """A field validator: at most ``limit`` characters.

    ``about`` is the length the guides ask for, named in the message; ``lines`` says
    whether the text may hold line breaks and tabs (the ``control-char`` rule reads it).
    """

    limit: int
    about: int | None = None
    lines: bool = False

    def __call__(self, instance, attribute, value) -> None:
        if isinstance(value, str) and len(value) > self.limit:
            aim = f" (aim for about {self.about})" if self.about else ""
            raise TooLong(
                f"{attribute.name} is {len(value)} characters long; at most {self.limit}{aim}",
                attribute.name,
            )

    @property
    def constraints(self) -> dict:
        return {"max_length": self.limit}


@attrs.frozen
class ItemMaxLength:
    """A field validator: every item of a list of strings at most ``limit`` characters."""

    limit: int

    def __call__(self, instance, attribute, value) -> None:
        for item in value:
            if isinstance(item, str) and len(item) > self.limit:
                raise TooLong(
                    f"{attribute.name} entry {item[:20]!r}… is {len(item)} characters long; at most {self.limit}",
                    attribute.name,
                )

    @property
    def constraints(self) -> dict:
        return {"item_max_length": self.limit}


#: The length limits of the text fields: one number per field, used by ``validate``,
#: the edit commands, the review screen's form and the JSON Schema.
EXCERPT = MaxLength(400, about=300, lines=True)
TITLE = MaxLength(300)
PUBLISHER = MaxLength(200)
CLAIMANT = MaxLength(200)
CLAIM_TEXT = MaxLength(500, lines=True)
QUOTE = MaxLength(1000, lines=True)
SUMMARY = MaxLength(2000, lines=True)
NOTE = MaxLength(2000, lines=True)
CHANGE = MaxLength(600, lines=True)
REASON = MaxLength(1000, lines=True)
TAG = ItemMaxLength(40)
QUANTITY_TEXT = MaxLength(200)
LABEL = MaxLength(200)
#: History ``before`` / ``after`` hold old and new values, summaries among them.
VALUE = MaxLength(2 * SUMMARY.limit, lines=True)

#: An http(s) URL with a host and no whitespace, as :func:`_http_url` checks it.
HTTP_URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]\S*$"

#: A string that is not blank (not whitespace only, as ``str.strip`` sees it) holds a match.
NOT_BLANK = r"\S"

#: A snapshot's file: a relative POSIX path of plain names (none starting with a dot, so
#: no ``..``, no hidden folder, no absolute path) ending in ``<sha256>.warc.gz``.
SNAPSHOT_PATH_RE = re.compile(r"^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*/)*[0-9a-f]{64}\.warc\.gz$")
#: A sha256 as hex: 64 lowercase hex digits.
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
#: The HTTP status codes a response may carry.
FIRST_STATUS, LAST_STATUS = 100, 599


def _snapshot_path(instance, attribute, value) -> None:
    if not isinstance(value, str) or not SNAPSHOT_PATH_RE.fullmatch(value):
        raise ValueError(
            f"{attribute.name} {value!r} is not a snapshot file: a relative path inside the evidence folder "
            "(plain names, no '..', '/' between them) ending in <sha256>.warc.gz",
            attribute.name,
        )


def _sha256(instance, attribute, value) -> None:
    if not isinstance(value, str) or not SHA256_RE.fullmatch(value):
        raise ValueError(f"{attribute.name} {value!r} is not a sha256 (64 lowercase hex digits)", attribute.name)


def _http_status(instance, attribute, value) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and not FIRST_STATUS <= value <= LAST_STATUS:
        raise ValueError(f"{attribute.name} {value} is not an HTTP status ({FIRST_STATUS}-{LAST_STATUS})", attribute.name)


#: What each field validator checks, as constraints that other readers of the model
#: use (the JSON Schema, the fast checker): ``pattern`` (searched), ``min_length``,
#: ``max_length``, ``unique`` (list items), ``item_pattern`` (each list item).
VALIDATOR_CONSTRAINTS: dict = {
    _non_empty: {"min_length": 1, "pattern": NOT_BLANK},
    _slug: {"pattern": SLUG_RE.pattern, "max_length": MAX_ID_LENGTH},
    _http_url: {"pattern": HTTP_URL_PATTERN},
    _unique_items: {"unique": True},
    _tag_words: {"item_pattern": SLUG_RE.pattern},
    _unit: {"pattern": UNIT_RE.pattern, "max_length": MAX_UNIT_LENGTH},
    _finite: {"finite": True},
    _year_or_date: {"minimum": FIRST_YEAR, "maximum": LAST_YEAR},
    _wikidata: {"pattern": WIKIDATA_RE.pattern},
    _names: {"item_pattern": NOT_BLANK},
    _snapshot_path: {"pattern": SNAPSHOT_PATH_RE.pattern},
    _sha256: {"pattern": SHA256_RE.pattern},
    _http_status: {"minimum": FIRST_STATUS, "maximum": LAST_STATUS},
}


def field_constraints(field: attrs.Attribute) -> dict:
    """The constraints of all validators of an attrs field, merged."""
    validator = field.validator
    out: dict = {}
    for v in getattr(validator, "_validators", [validator] if validator else []):
        known = VALIDATOR_CONSTRAINTS.get(v) if not isinstance(v, (MaxLength, ItemMaxLength)) else v.constraints
        if known is None:
            raise TypeError(f"no constraints known for validator {v!r} of field {field.name!r}")
        out.update(known)
    return out


#: Field metadata: an optional key left out of the file (and of exports) while unset.
OMIT_IF_DEFAULT = {"omit_if_default": True}


#: Field metadata: on a published claim, a change of this field needs a correction (the
#: workflow's correction table, :mod:`factcheck.workflow`, is read from it). A field
#: without it changes freely.
CORRECTED = {"correction": True}
#: Field metadata of a list of records, for the correction table: removing an entry of a
#: published claim needs a correction, and each entry's fields follow its own class.
CORRECTED_ITEMS = {"items": "corrected"}
#: Field metadata of a list of records that only grows: entries are appended, never
#: changed or removed (no correction allows it).
APPEND_ONLY = {"items": "append-only"}
#: Field metadata of a list of records whose entries come and go freely.
FREE_ITEMS = {"items": "free"}


def omitted_if_default(field: attrs.Attribute) -> bool:
    return bool(field.metadata.get("omit_if_default"))


def text_limit(cls: type, name: str) -> MaxLength | None:
    """The length limit of a text field of ``cls``, if it has one."""
    validator = attrs.fields_dict(cls)[name].validator
    for v in getattr(validator, "_validators", [validator] if validator else []):
        if isinstance(v, MaxLength):
            return v
    return None


def allows_line_breaks(cls: type, name: str) -> bool:
    """Whether a text field may hold newlines and tabs (long prose does; names, ids and URLs do not)."""
    limit = text_limit(cls, name)
    return bool(limit and limit.lines)


def help_text(field: attrs.Attribute) -> str:
    """A field's one-line help for people adding a record (command-line options, forms)."""
    text = str(field.metadata.get("help", ""))
    return f"{text} (default: today)" if defaults_to_today(field) else text


def defaults_to_today(field: attrs.Attribute) -> bool:
    """A date a person may leave out when adding a record: it is today."""
    return field.metadata.get("default") == "today"


def when_missing(cls: type, name: str) -> str:
    """What to write when a required key of ``cls`` is left out ('' if nothing to add)."""
    return attrs.fields_dict(cls)[name].metadata.get("when_missing", "")


@attrs.frozen
class Snapshot:
    """A copy of a source's page kept in the evidence folder: one WARC file named by its sha256."""

    path: str = attrs.field(validator=_snapshot_path, metadata={"help": "the WARC file, relative to the repository root"})
    sha256: str = attrs.field(validator=_sha256, metadata={"help": "sha256 of the file's bytes (64 lowercase hex digits)"})
    captured: dt.datetime = attrs.field(metadata={"help": "when the page was fetched (UTC, ending in Z)"})
    status: int = attrs.field(validator=_http_status, metadata={"help": "HTTP status of the final response"})
    final_url: str = attrs.field(validator=_http_url, metadata={"help": "the page's address after redirects"})


@attrs.frozen
class Source:
    """A page that bears on a claim."""

    url: str = attrs.field(validator=_http_url, metadata={**CORRECTED, "help": "the page's address, as you read it"})
    title: str = attrs.field(validator=_all(_non_empty, TITLE), metadata={"help": "the page's own headline"})
    publisher: str = attrs.field(validator=_all(_non_empty, PUBLISHER), metadata={"help": "who published the page (name a copy's original publisher too)"})
    published: dt.date | None = attrs.field(
        metadata={"when_missing": "write 'published: null' when the page shows no date", "help": "YYYY-MM-DD, if the page shows one"}
    )
    accessed: dt.date = attrs.field(metadata={"help": "YYYY-MM-DD you read it", "default": "today"})
    excerpt: str = attrs.field(
        validator=_all(_non_empty, EXCERPT), metadata={**CORRECTED, "help": "a short verbatim passage of the page"}
    )
    stance: Stance = attrs.field(metadata={**CORRECTED, "help": "what the page does to the claim"})
    archive_url: str | None = attrs.field(default=None, validator=_http_url, metadata={**OMIT_IF_DEFAULT, "help": "an archived copy of the page"})
    archived: dt.date | None = attrs.field(default=None, metadata={**OMIT_IF_DEFAULT, "help": "YYYY-MM-DD of the archived copy"})
    snapshots: list[Snapshot] = attrs.field(factory=list, metadata={**OMIT_IF_DEFAULT, **APPEND_ONLY, "help": "kept copies of the page (archive)"})


@attrs.frozen
class HistoryEntry:
    """One append-only line of a claim's history: who changed what, when and why."""

    at: dt.datetime
    by: str = attrs.field(validator=_non_empty)
    action: Action
    field: str | None = attrs.field(default=None, metadata=OMIT_IF_DEFAULT)
    before: str | None = attrs.field(default=None, validator=VALUE, metadata=OMIT_IF_DEFAULT)
    after: str | None = attrs.field(default=None, validator=VALUE, metadata=OMIT_IF_DEFAULT)
    note: str | None = attrs.field(default=None, validator=NOTE, metadata=OMIT_IF_DEFAULT)
    #: True: the note is for the desk only (how a claim was found, a reminder); the public site never shows it.
    internal: bool = attrs.field(default=False, metadata=OMIT_IF_DEFAULT)


@attrs.frozen
class Correction:
    """A change to a published claim, recorded as the IFCN code asks."""

    date: dt.date
    change: str = attrs.field(validator=_all(_non_empty, CHANGE))
    reason: str = attrs.field(validator=_all(_non_empty, REASON))


@attrs.frozen
class Quantity:
    """A number a claim states, as the quote words it: what a checker compares with the sources."""

    value: int | float = attrs.field(validator=_finite, metadata={"help": "the number, in full (5 billion: 5000000000; 57%: 57)"})
    unit: str = attrs.field(validator=_unit, metadata={"help": "what is counted or measured, one word: percent, people, countries, USD, years"})
    text: str = attrs.field(validator=_all(_non_empty, QUANTITY_TEXT), metadata={"help": "the words of the quote the number comes from, verbatim"})
    as_of: int | dt.date | None = attrs.field(
        default=None, validator=_year_or_date, metadata={**OMIT_IF_DEFAULT, "help": "the year (YYYY) or date (YYYY-MM-DD) the number is for"}
    )
    label: str | None = attrs.field(
        default=None, validator=LABEL, metadata={**OMIT_IF_DEFAULT, "help": "what the number measures, when the unit alone does not say"}
    )


@attrs.frozen
class Claim:
    """One checkable assertion of an article."""

    id: str = attrs.field(validator=_slug)
    text: str = attrs.field(
        validator=_all(_non_empty, CLAIM_TEXT), metadata={**CORRECTED, "help": "the assertion as one checkable proposition", "label": "Claim"}
    )
    quote: str = attrs.field(validator=_all(_non_empty, QUOTE), metadata={**CORRECTED, "help": "the article's words that make the claim, verbatim"})
    claimant: str = attrs.field(validator=_all(_non_empty, CLAIMANT), metadata={**CORRECTED, "help": "the author, or who the article says asserts it"})
    kind: Kind = attrs.field(metadata=CORRECTED)
    status: Status = attrs.field(metadata=CORRECTED)  # a published claim leaves 'published' only with a correction
    verdict: Verdict | None = attrs.field(default=None, metadata=CORRECTED)
    summary: str | None = attrs.field(default=None, validator=SUMMARY)
    tags: list[str] = attrs.field(factory=list, validator=_all(_unique_items, _tag_words, TAG))
    related: list[str] = attrs.field(factory=list, validator=_unique_items)
    quantities: list[Quantity] = attrs.field(factory=list, metadata={**OMIT_IF_DEFAULT, **FREE_ITEMS, "help": "the numbers the quote states"})
    sources: list[Source] = attrs.field(factory=list, metadata=CORRECTED_ITEMS)
    corrections: list[Correction] = attrs.field(factory=list, metadata=APPEND_ONLY)
    history: list[HistoryEntry] = attrs.field(factory=list, metadata=APPEND_ONLY)

    def stance_counts(self) -> dict[Stance, int]:
        return stance_counts(self.sources)


def slugged(text: str) -> str:
    """``text`` as a lowercase slug: 'Crocus City attack' → 'crocus-city-attack', 'ISIS-K' → 'isis-k'."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join(re.findall(r"[a-z0-9]+", plain))


def canonical_url(url: str) -> str:
    """A URL for duplicate detection: scheme and host lowercased, no fragment or trailing slash."""
    scheme, sep, rest = url.strip().partition("://")
    host, slash, path = rest.partition("/")
    path = path.split("#", 1)[0].rstrip("/")
    return f"{scheme.lower()}{sep}{host.lower()}{slash if path else ''}{path}"


def assignee_of(history) -> str | None:
    """Who a claim is assigned to: the last ``assigned`` entry of its history (None: nobody).

    Kept in the history rather than as a key of its own, so that every file's layout and
    the fast checker stay as they are, and each assignment says who made it and when.
    """
    for entry in reversed(history):
        if entry.action is Action.ASSIGNED:
            return entry.after
    return None


def stance_counts(sources) -> dict[Stance, int]:
    counts = {stance: 0 for stance in Stance}
    for source in sources:
        counts[source.stance] += 1
    return counts


@attrs.frozen
class Article:
    """The article a folder of claims comes from."""

    title: str = attrs.field(validator=_all(_non_empty, TITLE))
    publisher: str = attrs.field(validator=_all(_non_empty, PUBLISHER))
    url: str = attrs.field(validator=_http_url)
    published: dt.date
    language: str = attrs.field(validator=_non_empty)
    text: str = attrs.field(validator=_non_empty)
    outlet: str | None = None
    authors: list[str] = attrs.field(factory=list)


@attrs.frozen
class Dismissal:
    """A sentence of an article an editor judged not worth a claim, so it is not proposed again."""

    sentence: str = attrs.field(validator=_all(_non_empty, QUOTE), metadata={"help": "the article's sentence, verbatim"})
    by: str = attrs.field(validator=_non_empty, metadata={"help": "who dismissed it"})
    at: dt.datetime = attrs.field(metadata={"help": "when (UTC, ending in Z)"})
    reason: str | None = attrs.field(default=None, validator=NOTE, metadata={**OMIT_IF_DEFAULT, "help": "why it is not worth checking"})


@attrs.frozen
class Dismissals:
    """The dismissals file of an article folder (``dismissed.yaml``)."""

    dismissed: list[Dismissal]


@attrs.frozen
class Claimant:
    """Who makes claims, once for the whole tree: the name claims give, what it is, and where it is known."""

    name: str = attrs.field(validator=_all(_non_empty, CLAIMANT), metadata={"help": "the name claims give as their claimant"})
    type: ClaimantType = attrs.field(metadata={"help": "person or organization"})
    wikidata: str | None = attrs.field(
        default=None, validator=_wikidata, metadata={**OMIT_IF_DEFAULT, "help": "the Wikidata item id (Q...), only when verified"}
    )
    url: str | None = attrs.field(default=None, validator=_http_url, metadata={**OMIT_IF_DEFAULT, "help": "the claimant's own page"})
    aliases: list[str] = attrs.field(
        factory=list, validator=_all(_unique_items, _names, ItemMaxLength(CLAIMANT.limit)),
        metadata={**OMIT_IF_DEFAULT, "help": "other names claims may give"},
    )


@attrs.frozen
class Claimants:
    """The claimant registry of a claims tree (``claimants.yaml`` at its root)."""

    claimants: list[Claimant]


#: Key order of the canonical layout (also the order of attributes).
CLAIM_KEYS: tuple[str, ...] = tuple(a.name for a in attrs.fields(Claim))
SOURCE_KEYS: tuple[str, ...] = tuple(a.name for a in attrs.fields(Source))
SNAPSHOT_KEYS: tuple[str, ...] = tuple(a.name for a in attrs.fields(Snapshot))
HISTORY_KEYS: tuple[str, ...] = tuple(a.name for a in attrs.fields(HistoryEntry))
CORRECTION_KEYS: tuple[str, ...] = tuple(a.name for a in attrs.fields(Correction))
QUANTITY_KEYS: tuple[str, ...] = tuple(a.name for a in attrs.fields(Quantity))
ARTICLE_KEYS: tuple[str, ...] = tuple(a.name for a in attrs.fields(Article))
