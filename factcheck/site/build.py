"""Building the site: gather claims, render pages, write only what changed."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import re
import uuid
from collections.abc import Iterable
from pathlib import Path as FsPath
from typing import Any

import attrs
import msgspec

from factcheck import claimreview, siteconfig, workflow
from factcheck.fields import SOURCE_ARCHIVE, SOURCE_LAID_OUT, field_views
from factcheck.model import (
    BEST_RATING,
    STANCE_MEANING,
    STATUS_MEANING,
    VERDICT_NEEDS_STANCE,
    VERDICT_SCALE,
    WORST_RATING,
    Source,
    Status,
    Verdict,
)
from factcheck.present import number
from factcheck.problems import Problem
from factcheck.rules import find_quote

HERE = FsPath(__file__).resolve().parent
#: Changes when anything that shapes the output changes, so no stale page is kept.
FORMAT = 1
#: How many claims the home page and the feed list.
LATEST = 10
FEED_ENTRIES = 50


class BuildError(Exception):
    """The build cannot start (bad options); nothing was written."""


@attrs.define
class BuildResult:
    out: str
    pages: int = 0
    written: list[str] = attrs.field(factory=list)
    removed: list[str] = attrs.field(factory=list)
    rendered: int = 0
    problems: list[Problem] = attrs.field(factory=list)


# -- what the pages show --------------------------------------------------------


def link_url(value: Any) -> str | None:
    """The URL if it may be a link (http or https only), else None: the template shows it as text."""
    return value if siteconfig.is_http_url(value) else None


def verdict_class(verdict: str | None) -> str:
    return verdict if verdict in _VERDICT_WORDS else "none"


_VERDICT_WORDS = set(Verdict.words())


def verdict_label(verdict: str | None) -> str:
    return VERDICT_SCALE[Verdict(verdict)].label if verdict in _VERDICT_WORDS else "No verdict yet"


def status_label(status: str) -> str:
    try:
        return STATUS_MEANING[Status(status)].label
    except ValueError:
        return status


def long_date(value: str | dt.date | None) -> str:
    if not value:
        return ""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return f"{day.day} {day.strftime('%B')} {day.year}"


def stamp(value: str | None) -> str:
    """A recorded UTC time (``2024-04-01T09:00:00Z``) as ``2024-04-01 09:00 UTC``."""
    if not value:
        return ""
    return f"{value[:10]} {value[11:16]} UTC"


def describe_entry(entry: dict) -> tuple[str, str | None]:
    """(what happened, a detail) of a history entry, for the provenance timeline."""
    action = entry.get("action")
    before, after = entry.get("before"), entry.get("after")
    if action == "created":
        return "Claim recorded", None
    if action == "status":
        return f"Status: {status_label(before) if before else '—'} → {status_label(after) if after else '—'}", None
    if action == "verdict":
        return f"Verdict: {verdict_label(before) if before else '—'} → {verdict_label(after) if after else '—'}", None
    if action == "summary":
        return ("Summary written" if not before else "Summary changed"), None
    if action == "source-added":
        return "Source added", after
    if action == "source-removed":
        return "Source removed", before
    if action == "source-changed":
        return f"Source changed ({entry.get('field') or 'a field'})", after
    if action == "correction":
        return "Correction recorded", None
    if action == "undo":
        return "Change undone", None
    if action in ("tags", "related"):
        return f"{action.capitalize()} changed", None
    if action == "quantities":
        return ("Quantities recorded" if not before else "Quantities changed"), after
    return "Note", None


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


@functools.lru_cache(maxsize=64)
def paragraph_spans(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each paragraph (blocks separated by blank lines), trimmed."""
    spans = []
    start = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    out = []
    for a, b in spans:
        chunk = text[a:b]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk.rstrip())
        if trail > lead:
            out.append((a + lead, a + trail))
    return tuple(out)


@attrs.frozen
class Mark:
    id: str
    verdict: str
    label: str
    title: str
    draft: bool


def marked_paragraphs(text: str, marks: list[tuple[int, int, Mark]]) -> list[list[dict]]:
    """The article as paragraphs of pieces: plain text, or a passage with the claims that quote it.

    Overlapping quotes form one passage; every claim keeps exactly one mark.
    """
    clusters: list[list] = []  # [start, end, [marks]]
    for start, end, mark in sorted(marks, key=lambda m: (m[0], -m[1], m[2].id)):
        if clusters and start < clusters[-1][1]:
            clusters[-1][1] = max(clusters[-1][1], end)
            clusters[-1][2].append(mark)
        else:
            clusters.append([start, end, [mark]])
    out: list[list[dict]] = []
    spans = paragraph_spans(text)
    index = 0
    for p_start, p_end in spans:
        pieces: list[dict] = []
        pos = p_start
        while index < len(clusters) and clusters[index][0] < p_end:
            c_start, c_end, c_marks = clusters[index]
            c_start = max(c_start, pos)
            if c_start > pos:
                pieces.append({"text": text[pos:c_start], "marks": None})
            stop = min(c_end, p_end)
            pieces.append({"text": text[c_start:stop], "marks": c_marks})
            pos = max(pos, stop)
            index += 1
        if pos < p_end:
            pieces.append({"text": text[pos:p_end], "marks": None})
        out.append(pieces)
    return out


def quote_in_paragraph(text: str | None, quote: str) -> dict | None:
    """The paragraph of the article that holds the quote, split around it."""
    if not text:
        return None
    span = find_quote(quote, text)
    if span is None:
        return None
    start, end = span
    for p_start, p_end in paragraph_spans(text):
        if p_start <= start < p_end:
            stop = min(end, p_end)
            return {"before": text[p_start:start], "quote": text[start:stop], "after": text[stop:p_end]}
    return None


# -- the build ------------------------------------------------------------------


@attrs.define
class _Item:
    """A claim that goes on the site."""

    record: Any
    blob: bytes | None  # the claim as JSON, when the store was opened with its data
    article: Any  # ArticleRecord
    published: bool
    claim: dict | None = None

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def row(self) -> Any:
        return self.record.row

    def key(self) -> str:
        """What says the claim file is unchanged: its stat and content digest as the store read it."""
        stat, content = self.record.signature
        return _digest(tuple(stat) if stat else None, content)

    def data(self) -> dict:
        """The claim in its export shape (the JSON the store keeps), decoded once."""
        if self.claim is None:
            if self.blob is not None:
                self.claim = msgspec.json.decode(self.blob)
            else:  # a store opened without data: read this claim alone
                from factcheck.convert import unstructure

                self.claim = msgspec.json.decode(msgspec.json.encode(unstructure(self.record.claim), enc_hook=_encode_date))
        return self.claim


def _encode_date(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    raise NotImplementedError(type(value).__name__)


class _Facts(msgspec.Struct, array_like=True):
    """What the pages across claims need of a claim beyond its row, kept between builds."""

    key: str
    published_at: str | None
    modified_at: str | None
    related: list[str]
    corrections: list[tuple[str, str, str]]  # date, change, reason

    @classmethod
    def of(cls, key: str, claim: dict) -> "_Facts":
        return cls(
            key, claimreview.published_at(claim), claimreview.modified_at(claim), list(claim.get("related") or ()),
            [(c["date"], c["change"], c["reason"]) for c in claim.get("corrections") or ()],
        )


class _Manifest(msgspec.Struct):
    format: int
    pages: dict[str, tuple[str, int, int]]  # relative path -> (input key, size, mtime_ns)
    facts: dict[str, _Facts] = {}  # claim file path -> facts


def _digest(*parts: Any) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part if isinstance(part, bytes) else repr(part).encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


def _code_key() -> str:
    """A digest of everything that shapes a page: templates, this package, the model."""
    from factcheck import __version__, model
    from factcheck import claimreview as cr

    files = sorted(p for p in HERE.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    files += [FsPath(cr.__file__), FsPath(model.__file__), FsPath(siteconfig.__file__)]
    return _digest(FORMAT, __version__, *(p.read_bytes() for p in files))


def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("factcheck.site", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        link_url=link_url,
        verdict_class=verdict_class,
        verdict_label=verdict_label,
        status_label=status_label,
        long_date=long_date,
        stamp=stamp,
        number=number,
    )
    # any field of a source the claim page does not lay out itself (a new one of the model), as "label: value"
    env.globals.update(describe_entry=describe_entry, source_more=field_views(Source, SOURCE_LAID_OUT + SOURCE_ARCHIVE))
    return env


def _manifest_path(out: str) -> FsPath:
    from factcheck.cache import cache_dir

    return cache_dir() / f"site-{_digest(os.path.realpath(out))}.json"


def _load_manifest(out: str) -> _Manifest:
    try:
        manifest = msgspec.json.decode(_manifest_path(out).read_bytes(), type=_Manifest)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return _Manifest(FORMAT, {}, {})
    return manifest if manifest.format == FORMAT else _Manifest(FORMAT, {}, {})


def _save_manifest(out: str, manifest: _Manifest) -> None:
    path = _manifest_path(out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        tmp.write_bytes(msgspec.json.encode(manifest))
        os.replace(tmp, path)
    except OSError:
        pass  # the next build renders every page again; the output is the same


class _Writer:
    """Writes pages into the output folder, only those whose bytes differ from what is there."""

    def __init__(self, out: str, result: BuildResult, previous: dict[str, tuple[str, int, int]]):
        self.out = out
        self.result = result
        self.previous = previous
        self.pages: dict[str, tuple[str, int, int]] = {}

    def fresh(self, rel: str, key: str) -> bool:
        """Whether the page at ``rel`` was made from inputs with this key and is untouched since."""
        known = self.previous.get(rel)
        if known is None or known[0] != key:
            return False
        try:
            st = os.stat(os.path.join(self.out, rel))
        except OSError:
            return False
        if (st.st_size, st.st_mtime_ns) != (known[1], known[2]):
            return False
        self.pages[rel] = known
        self.result.pages += 1
        return True

    def put(self, rel: str, data: bytes, key: str = "") -> None:
        path = os.path.join(self.out, rel)
        self.result.pages += 1
        try:
            with open(path, "rb") as handle:
                same = handle.read() == data
        except OSError:
            same = False
        if not same:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            tmp = f"{path}.{os.getpid()}.tmp"
            with open(tmp, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
            self.result.written.append(rel)
        st = os.stat(path)
        self.pages[rel] = (key, st.st_size, st.st_mtime_ns)

    def remove_stale(self, folders: Iterable[str]) -> None:
        """Delete pages of claims and articles that are no longer on the site (only ``*.html`` in our folders)."""
        for folder in folders:
            try:
                names = sorted(os.listdir(os.path.join(self.out, folder)))
            except OSError:
                continue
            for name in names:
                rel = f"{folder}/{name}"
                if name.endswith(".html") and rel not in self.pages:
                    os.remove(os.path.join(self.out, rel))
                    self.result.removed.append(rel)


def _check_out(root: str, out: str) -> None:
    real_root, real_out = os.path.realpath(root), os.path.realpath(out)
    if real_out == real_root or real_root.startswith(real_out + os.sep) or real_out.startswith(real_root + os.sep):
        raise BuildError(f"the output folder {out!r} must not hold the claims tree or lie inside it")
    if os.path.exists(out) and not os.path.isdir(out):
        raise BuildError(f"the output {out!r} exists and is not a folder")


def _normal_base(base_url: str | None) -> str | None:
    if base_url is None:
        return None
    if not siteconfig.is_http_url(base_url):
        raise BuildError(f"the base URL must be an http or https URL, got {base_url!r}")
    return base_url if base_url.endswith("/") else base_url + "/"


def build(
    root: str,
    out: str,
    *,
    base_url: str | None = None,
    drafts: bool = False,
    repo_url: str | None = None,
) -> BuildResult:
    """Build the site of the claims tree at ``root`` into ``out``. Raises BuildError on bad options only."""
    from factcheck.store import ClaimStore

    config, problems = siteconfig.load(root)
    base = _normal_base(base_url or config.base_url)
    repo = repo_url or config.repo_url
    if repo is not None and not siteconfig.is_http_url(repo):
        raise BuildError(f"the repository URL must be an http or https URL, got {repo!r}")
    _check_out(root, out)
    result = BuildResult(out=out, problems=list(problems))
    if base is None:
        message = "no base URL (--base-url or base_url in the config): ClaimReview and the feed carry relative URLs, which search engines ignore"
        result.problems.append(Problem(root, 1, 1, "no-base-url", message, "warning"))
    previous = _load_manifest(out)
    # A first build reads every claim's JSON from the store; later builds read rows only,
    # and the few claims whose files changed one by one.
    store = ClaimStore.open(root, data=not previous.facts)
    os.makedirs(out, exist_ok=True)

    # which claims go on the site
    items: list[_Item] = []
    seen: set[str] = set()
    unreadable = 0
    for record in sorted(store.all(), key=lambda r: r.path):
        row = record.row
        blob = store.data.get(record.path) if store.data else None
        if row is None or (store.data and not blob) or record.article is None or record.article.article is None:
            unreadable += 1
            continue
        published = workflow.is_public(row.status)
        if not (published or drafts):
            continue
        if row.id in seen:
            result.problems.append(Problem(record.path, 1, 1, "duplicate-id", f"another claim has the id {row.id!r}; only the first is published", "warning"))
            continue
        seen.add(row.id)
        items.append(_Item(record, blob, record.article, published))
    if unreadable:
        result.problems.append(
            Problem(root, 1, 1, "unreadable-claims", f"{unreadable} claim file(s) cannot be read as claims and are left out; run factcheck validate", "warning")
        )

    facts: dict[str, _Facts] = {}
    for item in items:
        key = item.key()
        known = previous.facts.get(item.record.path)
        facts[item.id] = known if known is not None and known.key == key else _Facts.of(key, item.data())

    by_id = {item.id: item for item in items}
    articles: dict[str, list[_Item]] = {}
    for item in items:
        articles.setdefault(item.article.folder, []).append(item)
    article_records = sorted(
        (store.articles[folder] for folder in articles),
        key=lambda a: (-a.article.published.toordinal() if a.article else 0, a.slug),
    )

    env = _environment()
    org = claimreview.organization(config.organization, config.organization_url)
    options = _digest(_code_key(), repr(config), base, drafts, repo)
    site = {
        "title": config.title,
        "organization": config.organization,
        "organization_url": link_url(config.organization_url),
        "drafts": drafts,
        "base": base,
    }
    writer = _Writer(out, result, previous.pages)
    article_keys = {a.folder: _digest(repr(a.article), a.text or "") for a in article_records}

    def url_of(rel: str) -> str:
        return (base or "") + rel

    def render(template: str, rel: str, depth: int, **context: Any) -> bytes:
        result.rendered += 1
        return env.get_template(template).render(site=site, root="../" * depth, page=rel, canonical=url_of(rel), **context).encode("utf-8")

    # claim pages
    for item in items:
        rel = claim_page(item.id)
        related = [(r, by_id[r].row.text, by_id[r].row.verdict, by_id[r].published) for r in facts[item.id].related if r in by_id]
        key = _digest(options, facts[item.id].key, article_keys[item.article.folder], related)
        if writer.fresh(rel, key):
            continue
        claim = item.data()
        review = None
        if item.published:
            review = claimreview.claim_review(claim, item.article.article, url_of(rel) if base else rel.rsplit("/", 1)[-1], org)
        yaml_link = None
        if repo and config.repo_root:
            relpath = os.path.relpath(os.path.abspath(item.record.path), config.repo_root).replace(os.sep, "/")
            if not relpath.startswith(".."):
                yaml_link = repo.rstrip("/") + "/" + relpath
        page = render(
            "claim.html",
            rel,
            1,
            claim=claim,
            draft=not item.published,
            article=item.article.article,
            article_slug=item.article.slug,
            passage=quote_in_paragraph(item.article.text, claim["quote"]),
            grade=VERDICT_SCALE.get(Verdict(claim["verdict"])) if claim.get("verdict") else None,
            first_published=facts[item.id].published_at,
            related=[{"id": r, "text": t, "verdict": v, "draft": not p} for r, t, v, p in related],
            jsonld=claimreview.script_json(review) if review else None,
            yaml_link=yaml_link,
        )
        writer.put(rel, page, key)

    # warnings that ClaimReview asks for
    for item in items:
        if item.published:
            warning = claimreview.long_claim(item.record.path, {"text": item.row.text})
            if warning:
                result.problems.append(warning)

    # article pages
    for article in article_records:
        rel = f"articles/{article.slug}.html"
        members = sorted(articles[article.folder], key=lambda i: i.id)
        key = _digest(options, article_keys[article.folder], [(i.id, i.row.status, i.row.verdict, i.row.text, i.row.quote, i.row.claimant) for i in members])
        if writer.fresh(rel, key):
            continue
        marks, unmarked = [], []
        for item in members:
            row = item.row
            span = find_quote(row.quote, article.text) if article.text else None
            mark = Mark(item.id, verdict_class(row.verdict), _mark_label(row, item.published), row.text, not item.published)
            if span is None:
                unmarked.append(item.id)
            else:
                marks.append((span[0], span[1], mark))
        order = {m.id: n for n, (_, _, m) in enumerate(sorted(marks, key=lambda m: (m[0], m[2].id)))}
        listed = sorted(members, key=lambda i: (order.get(i.id, len(order)), i.id))
        page = render(
            "article.html",
            rel,
            1,
            article=article.article,
            slug=article.slug,
            paragraphs=marked_paragraphs(article.text or "", marks),
            claims=[_row_view(i) for i in listed],
            unmarked=unmarked,
            counts=_counts(members),
        )
        writer.put(rel, page, key)

    # pages across all claims: from rows and facts, no claim read
    dated = sorted(
        ((facts[i.id].published_at or facts[i.id].modified_at or "", i) for i in items),
        key=lambda d: (d[0], d[1].id),
        reverse=True,
    )
    latest = [dict(_row_view(i), when=w) for w, i in dated if i.published][:LATEST]
    home_articles = [{"slug": a.slug, "article": a.article, "counts": _counts(articles[a.folder]), "claims": len(articles[a.folder])} for a in article_records]
    writer.put(
        "index.html",
        render(
            "home.html",
            "index.html",
            0,
            articles=home_articles,
            latest=latest,
            drafts_list=[dict(_row_view(i), when=w) for w, i in dated if not i.published][:LATEST],
        ),
    )
    writer.put("methodology.html", render("methodology.html", "methodology.html", 0, **methodology()))
    corrections = sorted(
        ((date, i.id, n, change, reason, i.row.text, not i.published) for i in items for n, (date, change, reason) in enumerate(facts[i.id].corrections)),
        key=lambda c: (c[0], c[1], c[2]),
        reverse=True,
    )
    key = _digest(options, corrections)
    if not writer.fresh("corrections.html", key):
        writer.put(
            "corrections.html",
            render(
                "corrections.html",
                "corrections.html",
                0,
                corrections=[
                    {"date": d, "id": i, "change": change, "reason": reason, "text": text, "draft": draft}
                    for d, i, _, change, reason, text, draft in corrections
                ],
            ),
            key,
        )
    feed = [(w, i) for w, i in dated if i.published][:FEED_ENTRIES]
    writer.put(
        "feed.xml",
        render(
            "feed.xml",
            "feed.xml",
            0,
            feed_id=url_of("feed.xml") if base else _urn("feed"),
            updated=max((facts[i.id].modified_at or w for w, i in feed), default="1970-01-01T00:00:00Z"),
            entries=[_feed_entry(i, w, facts[i.id], url_of(claim_page(i.id)), base is not None) for w, i in feed],
        ),
    )
    writer.put("style.css", (HERE / "style.css").read_bytes())
    writer.remove_stale(("claims", "articles"))
    _save_manifest(out, _Manifest(FORMAT, writer.pages, {i.record.path: facts[i.id] for i in items}))
    return result


def _mark_label(row: Any, published: bool) -> str:
    label = verdict_label(row.verdict)
    return label if published else f"Draft ({status_label(row.status).lower()}): {label}"


def _row_view(item: _Item) -> dict:
    row = item.record.row
    return {"id": row.id, "text": row.text, "verdict": row.verdict, "status": row.status, "claimant": row.claimant, "draft": not item.published}


def _counts(items: list[_Item]) -> list[dict]:
    counts: dict[str, int] = {}
    for item in items:
        if item.published:
            key = item.record.row.verdict or ""
            counts[key] = counts.get(key, 0) + 1
    drafts = sum(1 for i in items if not i.published)
    out = [{"verdict": v.value, "label": VERDICT_SCALE[v].label, "count": counts[v.value]} for v in Verdict if counts.get(v.value)]
    if drafts:
        out.append({"verdict": "none", "label": "Drafts", "count": drafts})
    return out


def _urn(name: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"factcheck:{name}").urn


def _feed_entry(item: _Item, when: str, facts: _Facts, url: str, absolute: bool) -> dict:
    return {
        "id": url if absolute else _urn(f"claim:{item.id}"),
        "url": url,
        "title": item.row.text,
        "published": when,
        "updated": facts.modified_at or when,
        "verdict": item.row.verdict,
        "summary": item.row.summary or "",
    }


def methodology() -> dict:
    """What the methodology page shows, read from the model and the editing rules."""
    from factcheck.workflow import corrected_fields

    source_fields = []
    for field in attrs.fields(Source):
        required = field.default is attrs.NOTHING
        source_fields.append({"name": field.name, "required": required})
    return {
        "statuses": [{"word": s.value, "label": g.label, "definition": g.definition} for s, g in STATUS_MEANING.items()],
        "scale": [
            {
                "word": v.value,
                "label": g.label,
                "definition": g.definition,
                "rating": g.rating,
                "needs": VERDICT_NEEDS_STANCE[v].value if v in VERDICT_NEEDS_STANCE else None,
            }
            for v, g in VERDICT_SCALE.items()
        ],
        "best": BEST_RATING,
        "worst": WORST_RATING,
        "stances": [{"word": s.value, "label": g.label, "definition": g.definition} for s, g in STANCE_MEANING.items()],
        "source_fields": source_fields,
        # from the correction table; the page has always named the url and stance first
        "corrected_source_fields": sorted(corrected_fields(Source), key=lambda name: {"url": 0, "stance": 1}.get(name, 2)),
        "limit": claimreview.CLAIM_REVIEWED_LIMIT,
    }


def claim_page(claim_id: str) -> str:
    """Where a claim's page lies in the site."""
    return f"claims/{claim_id}.html"


def claim_reviews(store: Any, base_url: str | None = None) -> tuple[dict, list[Problem]]:
    """The ClaimReview of every published claim of a store, as one JSON-LD document (the ones the site embeds)."""
    config, problems = siteconfig.load(store.root)
    base = _normal_base(base_url or config.base_url)
    if base is None:
        problems.append(
            Problem(store.root, 1, 1, "no-base-url", "no base URL (--base-url or base_url in the config): each review's url is relative to the site", "warning")
        )
    org = claimreview.organization(config.organization, config.organization_url)
    reviews = []
    seen: set[str] = set()
    for record in sorted(store.all(), key=lambda r: r.path):
        blob = store.data.get(record.path)
        if record.row is None or not blob or not workflow.is_public(record.row.status) or record.row.id in seen:
            continue
        seen.add(record.row.id)
        article = record.article.article if record.article else None
        review = claimreview.claim_review(msgspec.json.decode(blob), article, (base or "") + claim_page(record.row.id), org)
        if review is not None:
            reviews.append(review)
            warning = claimreview.long_claim(record.path, {"text": record.row.text})
            if warning:
                problems.append(warning)
    return claimreview.document(reviews), problems
