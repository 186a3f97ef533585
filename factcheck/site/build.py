"""Building the site: gather the claims that validate, render pages, write only what changed.

What goes on the site is decided in :func:`_select`: a claim that is public (published,
or any claim with ``drafts``) and in which ``validate``'s rules (run by the same
:func:`factcheck.validate.check_tree` that ``validate`` runs, through the store) find no
error. Everything else is left out, with its errors in :attr:`BuildResult.left_out`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable
from pathlib import Path as FsPath
from typing import Any

import attrs
import msgspec

from factcheck import claimreview, siteconfig, workflow
from factcheck.cache import cache_dir, read_regular
from factcheck.claimants import load_registry
from factcheck.model import Verdict
from factcheck.problems import Problem
from factcheck.rules import find_quote
from factcheck.scales import VERDICT_SCALE
from factcheck.site.claimants import scorecards, write_pages
from factcheck.site.evidence import evidence_files
from factcheck.site.output import BuildError, Output
from factcheck.site.pages import (
    Mark,
    article_text_clean,
    claim_page,
    counts,
    environment,
    feed_entry,
    link_url,
    mark_label,
    marked_paragraphs,
    methodology,
    quote_in_paragraph,
    row_view,
    urn,
    verdict_class,
)
from factcheck.textsafe import escape_line, json_safe

__all__ = ["BuildError", "BuildResult", "build", "claim_reviews"]

HERE = FsPath(__file__).resolve().parent
#: Changes when anything that shapes the output changes, so no stale page is kept.
FORMAT = 2
#: How many claims the home page and the feed list.
LATEST = 10
FEED_ENTRIES = 50


@attrs.define
class BuildResult:
    out: str
    pages: int = 0
    written: list[str] = attrs.field(factory=list)
    removed: list[str] = attrs.field(factory=list)
    rendered: int = 0
    problems: list[Problem] = attrs.field(factory=list)
    #: The claim files left out because validate finds an error in them (or in their article).
    left_out: list[str] = attrs.field(factory=list)
    #: Those errors, each once, in report order.
    invalid: list[Problem] = attrs.field(factory=list)


# -- the claims -----------------------------------------------------------------


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
    snapshots: list[tuple[dict, str, str]] = []  # each snapshot of a source (as in the claim's JSON), the source's url and title

    @classmethod
    def of(cls, key: str, claim: dict) -> "_Facts":
        return cls(
            key, claimreview.published_at(claim), claimreview.modified_at(claim), list(claim.get("related") or ()),
            [(c["date"], c["change"], c["reason"]) for c in claim.get("corrections") or ()],
            [(k, s["url"], s["title"]) for s in claim.get("sources") or () for k in s.get("snapshots") or ()],
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



def _manifest_path(out: str) -> FsPath:
    return cache_dir() / f"site-{_digest(os.path.realpath(out))}.json"


def _load_manifest(out: str) -> _Manifest:
    data = read_regular(_manifest_path(out))  # a FIFO or a huge file there is ignored, never waited on
    if data is None:
        return _Manifest(FORMAT, {}, {})
    try:
        manifest = msgspec.json.decode(data, type=_Manifest)
    except (msgspec.DecodeError, msgspec.ValidationError):
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

    def __init__(self, output: Output, result: BuildResult, previous: dict[str, tuple[str, int, int]]):
        self.output = output
        self.result = result
        self.previous = previous
        self.pages: dict[str, tuple[str, int, int]] = {}

    def fresh(self, rel: str, key: str) -> bool:
        """Whether the page at ``rel`` was made from inputs with this key and is untouched since."""
        known = self.previous.get(rel)
        if known is None or known[0] != key:
            return False
        st = self.output.stat(rel)
        if st is None or (st.st_size, st.st_mtime_ns) != (known[1], known[2]):
            return False
        self.pages[rel] = known
        self.result.pages += 1
        return True

    def put(self, rel: str, data: bytes, key: str = "") -> None:
        self.result.pages += 1
        st = self.output.stat(rel) if self.output.read(rel) == data else None
        if st is None:
            st = self.output.write(rel, data)
            self.result.written.append(rel)
        self.pages[rel] = (key, st.st_size, st.st_mtime_ns)


def _normal_base(base_url: str | None) -> str | None:
    if base_url is None:
        return None
    if not siteconfig.is_http_url(base_url):
        raise BuildError(f"the base URL must be an http or https URL, got {escape_line(repr(base_url))}")
    return base_url if base_url.endswith("/") else base_url + "/"


def _errors(record: Any) -> list[Problem]:
    """The errors validate finds in a claim's file and in its article."""
    found = [p for p in record.problems if p.severity == "error"]
    if record.article is not None:
        found += [p for p in record.article.problems if p.severity == "error"]
    return found


def _select(store: Any, drafts: bool, result: BuildResult) -> list[_Item]:
    """The claims that go on the site, in file order; the others' errors go to ``result``.

    What is public: a published claim, and with ``drafts`` every claim (shown as a
    draft). Of those, a claim with an error (its own or its article's) is left out, and
    so is a file that cannot be read as a claim (whether it is public cannot be known).
    """
    items: list[_Item] = []
    invalid: set[Problem] = set()
    for record in sorted(store.all(), key=lambda r: r.path):
        row = record.row
        blob = store.data.get(record.path) if store.data else None
        readable = row is not None and not (store.data and not blob) and record.article is not None and record.article.article is not None
        published = readable and workflow.is_public(row.status)
        if readable and not (published or drafts):
            continue  # not public
        errors = _errors(record)
        if errors or not readable:
            result.left_out.append(record.path)
            invalid.update(errors)
            continue
        items.append(_Item(record, blob, record.article, published))
    result.invalid = sorted(invalid)
    return items


# -- the pages ------------------------------------------------------------------


@attrs.define
class _Site:
    """What every page of one build is made from."""

    config: siteconfig.SiteConfig
    base: str | None
    repo: str | None
    drafts: bool
    items: list[_Item]
    facts: dict[str, _Facts]
    writer: _Writer
    result: BuildResult
    env: Any = attrs.field(factory=environment)
    options: str = ""
    by_id: dict[str, _Item] = attrs.field(factory=dict)
    articles: dict[str, list[_Item]] = attrs.field(factory=dict)  # folder -> its claims on the site
    article_records: list[Any] = attrs.field(factory=list)  # newest first
    article_keys: dict[str, str] = attrs.field(factory=dict)
    clean: dict[str, bool] = attrs.field(factory=dict)  # folder -> its text holds no control character
    slugs: dict[str, str] = attrs.field(factory=dict)  # folder -> its pages' name
    org: dict = attrs.field(factory=dict)  # the ClaimReview author
    registry: Any = None  # the tree's claimant registry (factcheck.claimants.Registry)
    claimant_slugs: dict[str, str] = attrs.field(factory=dict)  # a claim's claimant -> its page's name
    shared: dict = attrs.field(factory=dict)  # what every template is given as ``site``
    checks: Any = None  # what lists a claim page's related fact-checks (see build)

    def __attrs_post_init__(self) -> None:
        config = self.config
        self.options = _digest(_code_key(), repr(config), self.base, self.drafts, self.repo, repr(self.registry.entries) if self.registry else None)
        self.org = claimreview.organization(config.organization, config.organization_url or self.base)
        self.shared = {
            "title": config.title,
            "organization": config.organization,
            "organization_url": link_url(config.organization_url),
            "drafts": self.drafts,
            "base": self.base,
        }
        self.by_id = {item.id: item for item in self.items}
        for item in self.items:
            self.articles.setdefault(item.article.folder, []).append(item)
        self.article_records = sorted(
            (item.article for item in {id(i.article): i for i in self.items}.values()),
            key=lambda a: (-a.article.published.toordinal() if a.article else 0, a.slug),
        )
        for a in self.article_records:
            self.article_keys[a.folder] = _digest(repr(a.article), a.text or "")
            self.clean[a.folder] = article_text_clean(a.text)
            self.slugs[a.folder] = escape_line(a.slug)

    def url_of(self, rel: str) -> str:
        return (self.base or "") + rel

    def render(self, template: str, rel: str, depth: int, **context: Any) -> bytes:
        self.result.rendered += 1
        page = self.env.get_template(template).render(site=self.shared, root="../" * depth, page=rel, canonical=self.url_of(rel), **context)
        return page.encode("utf-8")


def _options(root: str, base_url: str | None, repo_url: str | None) -> tuple[siteconfig.SiteConfig, list[Problem], str | None, str | None]:
    config, problems = siteconfig.load(root)
    base = _normal_base(base_url or config.base_url)
    repo = repo_url or config.repo_url
    if repo is not None and not siteconfig.is_http_url(repo):
        raise BuildError(f"the repository URL must be an http or https URL, got {escape_line(repr(repo))}")
    if base is None:
        message = "no base URL (--base-url or base_url in the config): ClaimReview and the feed carry relative URLs, which search engines ignore"
        problems.append(Problem(root, 1, 1, "no-base-url", message, "warning"))
    warning = claimreview.organization_warning(root, claimreview.organization(config.organization, config.organization_url or base))
    return config, problems + ([warning] if warning else []), base, repo


def build(
    root: str,
    out: str,
    *,
    base_url: str | None = None,
    drafts: bool = False,
    repo_url: str | None = None,
    force: bool = False,
    checked_before: Callable[[Any], Any] | None = None,
) -> BuildResult:
    """Build the site of the claims tree at ``root`` into ``out``.

    Raises BuildError on bad options, a place the build must not write, or a write that
    fails; a claim that does not validate is left out (see :func:`_select`).
    ``force``: build into a folder that is not empty and was not made by a build.
    ``checked_before(store)``: what lists each claim page's related fact-checks (an object
    with ``signature`` and ``find(text, folder) -> [dict]``, as
    :func:`factcheck.match.checked.site_checks` makes); None: no such list.
    """
    from factcheck.store import ClaimStore

    config, problems, base, repo = _options(root, base_url, repo_url)
    output = Output.open(out, root, force)
    try:
        result = BuildResult(out=out, problems=problems)
        previous = _load_manifest(out)
        # A first build reads every claim's JSON from the store; later builds read rows only,
        # and the few claims whose files changed one by one.
        store = ClaimStore.open(root, data=not previous.facts)
        result.problems += [p for p in store.general if p.code == "config" and p not in result.problems]  # the review policy
        items = _select(store, drafts, result)
        facts: dict[str, _Facts] = {}
        for item in items:
            key = item.key()
            known = previous.facts.get(item.record.path)
            facts[item.id] = known if known is not None and known.key == key else _Facts.of(key, item.data())
        writer = _Writer(output, result, previous.pages)
        site = _Site(config, base, repo, drafts, items, facts, writer, result, registry=load_registry(root))
        cards, site.claimant_slugs = scorecards(items, site.registry)
        if checked_before is not None:
            site.checks = checked_before(store)
            result.problems += [Problem(root, 1, 1, "config", f"related fact-checks: {escape_line(p)}", "warning") for p in site.checks.problems]
        _claim_pages(site)
        evidence_files(site, root, _digest)
        _article_pages(site)
        _site_pages(site)
        write_pages(site, cards, _digest, link_url)
        result.removed = output.remove_stale(writer.pages)
        output.save(writer.pages)
        _save_manifest(out, _Manifest(FORMAT, writer.pages, {i.record.path: facts[i.id] for i in items}))
    except OSError as exc:
        where = f" ({escape_line(str(exc.filename))})" if exc.filename else ""
        raise BuildError(f"cannot write the site into {out!r}{where}: {exc.strerror or exc}") from None
    finally:
        output.close()
    return result


def _claim_pages(site: _Site) -> None:
    stale = []
    for item in site.items:
        rel = claim_page(item.id)
        facts = site.facts[item.id]
        related = [(r, site.by_id[r].row.text, site.by_id[r].row.verdict, site.by_id[r].published) for r in facts.related if r in site.by_id]
        checks = site.checks.signature if site.checks is not None else None
        key = _digest(site.options, facts.key, site.article_keys[item.article.folder], related, checks)
        if not site.writer.fresh(rel, key):
            stale.append((item, rel, related, key))
    found = _related_checks(site, [item for item, *_ in stale])  # all at once: one index of the tree
    for (item, rel, related, key), checks_of in zip(stale, found, strict=True):
        site.writer.put(rel, _claim_page(site, item, rel, related, checks_of), key)
    for item in site.items:  # warnings that ClaimReview asks for
        if item.published:
            warning = claimreview.long_claim(item.record.path, {"text": item.row.text})
            if warning:
                site.result.problems.append(warning)


def _related_checks(site: _Site, items: list[_Item]) -> list[list[dict]]:
    """The related fact-checks of claims' pages: other fact-checkers' reviews, and the claims
    of the tree's other articles that this site publishes (a draft only on a site of drafts)."""
    if site.checks is None or not items:
        return [[] for _ in items]
    out = []
    for item, found_all in zip(items, site.checks.find([(i.row.text, i.article.folder) for i in items]), strict=True):
        kept = []
        for found in found_all:
            other = site.by_id.get(found["id"]) if found["id"] else None
            if found["id"] and (other is None or other.id == item.id):
                continue
            shown = {k: escape_line(found[k]) if isinstance(found[k], str) else found[k] for k in ("claim", "rating", "publisher", "date")}
            href = claim_page(other.id).rsplit("/", 1)[-1] if other else link_url(found["url"])
            kept.append({**shown, "id": found["id"], "draft": other is not None and not other.published, "href": href})
        out.append(kept)
    return out


def _claim_page(site: _Site, item: _Item, rel: str, related: list[tuple], checks: list[dict]) -> bytes:
    claim = item.data()
    review = None
    if item.published:
        here = site.url_of(rel) if site.base else rel.rsplit("/", 1)[-1]
        review = claimreview.claim_review(claim, item.article.article, here, site.org, site.registry.lookup(claim["claimant"]))
    yaml_link = None
    if site.repo and site.config.repo_root:
        relpath = os.path.relpath(os.path.abspath(item.record.path), site.config.repo_root).replace(os.sep, "/")
        if not relpath.startswith(".."):
            yaml_link = site.repo.rstrip("/") + "/" + relpath
    folder = item.article.folder
    return site.render(
        "claim.html",
        rel,
        1,
        claim=claim,
        draft=not item.published,
        article=item.article.article,
        article_slug=site.slugs[folder],
        passage=quote_in_paragraph(item.article.text, claim["quote"], site.clean[folder]),
        grade=VERDICT_SCALE.get(Verdict(claim["verdict"])) if claim.get("verdict") else None,
        first_published=site.facts[item.id].published_at,
        related=[{"id": r, "text": t, "verdict": v, "draft": not p} for r, t, v, p in related],
        checks=checks,
        jsonld=json_safe(claimreview.script_json(review)) if review else None,
        yaml_link=yaml_link,
        claimant_slug=site.claimant_slugs.get(claim["claimant"]),
        timeline=[{**h, "by": site.config.display_name(h["by"])} for h in workflow.public_history(claim.get("history", ()))],
    )


def _article_pages(site: _Site) -> None:
    for article in site.article_records:
        folder = article.folder
        rel = f"articles/{site.slugs[folder]}.html"
        members = sorted(site.articles[folder], key=lambda i: i.id)
        key = _digest(site.options, site.article_keys[folder], [(i.id, i.row.status, i.row.verdict, i.row.text, i.row.quote, i.row.claimant) for i in members])
        if site.writer.fresh(rel, key):
            continue
        marks, unmarked = [], []
        for item in members:
            row = item.row
            span = find_quote(row.quote, article.text) if article.text else None
            mark = Mark(item.id, verdict_class(row.verdict), mark_label(row, item.published), row.text, not item.published)
            if span is None:
                unmarked.append(item.id)
            else:
                marks.append((span[0], span[1], mark))
        order = {m.id: n for n, (_, _, m) in enumerate(sorted(marks, key=lambda m: (m[0], m[2].id)))}
        listed = sorted(members, key=lambda i: (order.get(i.id, len(order)), i.id))
        page = site.render(
            "article.html",
            rel,
            1,
            article=article.article,
            slug=site.slugs[folder],
            paragraphs=marked_paragraphs(article.text or "", marks, site.clean[folder]),
            claims=[row_view(i) for i in listed],
            unmarked=unmarked,
            counts=counts(members),
        )
        site.writer.put(rel, page, key)


def _site_pages(site: _Site) -> None:
    """The pages across all claims: from rows and facts, no claim read."""
    facts, writer = site.facts, site.writer
    dated = sorted(
        ((facts[i.id].published_at or facts[i.id].modified_at or "", i) for i in site.items),
        key=lambda d: (d[0], d[1].id),
        reverse=True,
    )
    latest = [dict(row_view(i), when=w) for w, i in dated if i.published][:LATEST]
    home_articles = [
        {"slug": site.slugs[a.folder], "article": a.article, "counts": counts(site.articles[a.folder]), "claims": len(site.articles[a.folder])}
        for a in site.article_records
    ]
    drafts_list = [dict(row_view(i), when=w) for w, i in dated if not i.published][:LATEST]
    writer.put("index.html", site.render("home.html", "index.html", 0, articles=home_articles, latest=latest, drafts_list=drafts_list))
    writer.put("methodology.html", site.render("methodology.html", "methodology.html", 0, **methodology()))
    _corrections_page(site)
    feed = [(w, i) for w, i in dated if i.published][:FEED_ENTRIES]
    writer.put(
        "feed.xml",
        site.render(
            "feed.xml",
            "feed.xml",
            0,
            feed_id=site.url_of("feed.xml") if site.base else urn("feed"),
            updated=max((facts[i.id].modified_at or w for w, i in feed), default="1970-01-01T00:00:00Z"),
            entries=[feed_entry(i, w, facts[i.id], site.url_of(claim_page(i.id)), site.base is not None) for w, i in feed],
        ),
    )
    writer.put("style.css", (HERE / "style.css").read_bytes())


def _corrections_page(site: _Site) -> None:
    corrections = sorted(
        (
            (date, i.id, n, change, reason, i.row.text, not i.published)
            for i in site.items
            for n, (date, change, reason) in enumerate(site.facts[i.id].corrections)
        ),
        key=lambda c: (c[0], c[1], c[2]),
        reverse=True,
    )
    key = _digest(site.options, corrections)
    if site.writer.fresh("corrections.html", key):
        return
    shown = [{"date": d, "id": i, "change": change, "reason": reason, "text": text, "draft": draft} for d, i, _, change, reason, text, draft in corrections]
    site.writer.put("corrections.html", site.render("corrections.html", "corrections.html", 0, corrections=shown), key)


def claim_reviews(store: Any, base_url: str | None = None) -> tuple[dict, list[Problem]]:
    """The ClaimReview of every published claim of a store that validates, as one JSON-LD
    document (the ones the site embeds); the problems, the errors of the claims left out among them."""
    config, problems = siteconfig.load(store.root)
    base = _normal_base(base_url or config.base_url)
    if base is None:
        problems.append(
            Problem(store.root, 1, 1, "no-base-url", "no base URL (--base-url or base_url in the config): each review's url is relative to the site", "warning")
        )
    org = claimreview.organization(config.organization, config.organization_url or base)
    warning = claimreview.organization_warning(store.root, org)
    problems += [warning] if warning else []
    registry = load_registry(store.root)
    result = BuildResult(out="")
    reviews = []
    for item in _select(store, False, result):
        claim = item.data()
        review = claimreview.claim_review(claim, item.article.article, (base or "") + claim_page(item.id), org, registry.lookup(claim["claimant"]))
        if review is not None:
            reviews.append(review)
            warning = claimreview.long_claim(item.record.path, {"text": item.row.text})
            if warning:
                problems.append(warning)
    return claimreview.document(reviews), problems + result.invalid
