"""Bringing an article in: read a saved page, a text file or a URL; extract its text and
metadata; write its folder in one step.

Metadata comes only from what the page states: JSON-LD (``NewsArticle`` and kin), then
OpenGraph, then other meta tags, then ``<title>`` and ``<html lang>``. What is not found
stays missing (the caller asks or refuses); nothing is guessed. The main text is
extracted with trafilatura. A URL is fetched under the link check's address policy
(:mod:`factcheck.netpolicy`): non-public addresses are refused unless allowed, checked
again on every redirect. Failures are returned as strings, never raised.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import stat
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from typing import Any

import attrs

from factcheck.model import ARTICLE_KEYS, SLUG_RE, Article, field_constraints
from factcheck.netpolicy import Failure, Policy, redact, request
from factcheck.pagetext import charset_of, decode_body, extract_text
from factcheck.textsafe import escape_line

USER_AGENT = "Mozilla/5.0 (compatible; factcheck article add)"
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
TEXT_SUFFIXES = (".txt", ".md", ".markdown")
#: The fields of article.yaml a page can give, in the order they are asked for.
FIELDS = ("title", "publisher", "url", "published", "language", "authors", "outlet")
#: Fewer words than this extracted from a page is not an article (a menu, a cookie notice).
MIN_WORDS = 10
REQUIRED = ("title", "publisher", "url", "published", "language")


@attrs.frozen
class Page:
    """What a source gave: its bytes, whether they are HTML, its URL (if fetched) and charset."""

    body: bytes
    html: bool
    url: str | None = None
    charset: str | None = None
    name: str = ""  # a file's name, for messages and the text file's suffix


# -- reading a source -------------------------------------------------------------------


def is_url(source: str) -> bool:
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", source))


def read_source(source: str, timeout: float, max_bytes: int, policy: Policy) -> Page | str:
    """The page a SOURCE names (a file or an http(s) URL), or why it cannot be read."""
    if is_url(source):
        return fetch_page(source, timeout, max_bytes, policy)
    suffix = os.path.splitext(source)[1].lower()
    if suffix not in HTML_SUFFIXES + TEXT_SUFFIXES:
        return f"{source}: not a saved page (.html, .htm), a text file (.txt, .md) or an http(s) URL"
    try:
        fd = os.open(source, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        return f"cannot read {source}: {exc.strerror}"
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # a folder, a FIFO, a device: never read
        os.close(fd)
        return f"{source} is not a regular file"
    with os.fdopen(fd, "rb") as handle:
        body = handle.read(max_bytes + 1)
    if len(body) > max_bytes:
        return f"{source} is larger than {max_bytes} bytes (--max-bytes)"
    return Page(body, suffix in HTML_SUFFIXES, name=os.path.basename(source))


_HEADERS = (
    ("User-Agent", USER_AGENT), ("Accept", "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1"), ("Accept-Encoding", "identity"),
)


def fetch_page(url: str, timeout: float, max_bytes: int, policy: Policy) -> Page | str:
    """The page at ``url`` (redirects followed, each target checked), within ``timeout`` seconds in all."""
    got = request(url, "GET", time.monotonic() + timeout, policy, headers=_HEADERS, max_body=max_bytes)
    if isinstance(got, Failure):
        if got.too_large:
            return f"cannot fetch {escape_line(redact(got.url))}: the page is larger than {max_bytes} bytes (--max-bytes)"
        return f"cannot fetch {escape_line(redact(got.url))}: {got.reason}"
    shown = escape_line(redact(got.url))
    if not 200 <= got.status < 300:
        return f"cannot fetch {shown}: HTTP {got.status}"
    content_type = got.header("content-type")
    kind = (content_type or "text/html").split(";", 1)[0].strip().lower()
    if kind not in ("text/html", "application/xhtml+xml", "text/plain", "text/markdown"):
        return f"cannot use {shown}: it is {escape_line(kind)}, not a web page or text"
    return Page(got.body, kind != "text/plain" and kind != "text/markdown", url=got.url, charset=charset_of(content_type))


# -- decoding ---------------------------------------------------------------------------

def decode(page: Page) -> str | None:
    """The page's text: the charset the server or the page states, else UTF-8; None if neither fits."""
    return decode_body(page.body, page.charset, page.html)


# -- metadata ----------------------------------------------------------------------------

ARTICLE_TYPES = ("NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle", "BackgroundNewsArticle",
                 "Article", "BlogPosting", "Report", "ScholarlyArticle", "SocialMediaPosting")


@attrs.frozen
class Found:
    value: object
    origin: str  # where it was found: "JSON-LD", "OpenGraph", "meta", "<title>", "option", ...


def _text(value) -> str | None:
    if isinstance(value, str):
        value = " ".join(value.split())
        return value or None
    if isinstance(value, dict):
        return _text(value.get("name"))
    if isinstance(value, list) and value:
        return _text(value[0])
    return None


def _names(value) -> list[str]:
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        name = _text(item)
        if name and not is_url(name) and name not in out:
            out.append(name)
    return out


def _date(value) -> dt.date | None:
    text = _text(value)
    match = re.match(r"^\s*(\d{4}-\d{2}-\d{2})", text or "")
    if not match:
        return None
    try:
        return dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None


def _language(value) -> str | None:
    text = _text(value)
    match = re.match(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*$", text or "")
    return match.group(1).lower() if match else None


def _http(value, base: str | None) -> str | None:
    text = _text(value)
    if not text:
        return None
    url = urllib.parse.urljoin(base, text) if base else text
    return url if re.match(r"^https?://[^\s/?#]+\S*$", url, re.I) else None


#: JSON-LD nested deeper than this is not read (json.loads would recurse into it).
MAX_JSON_DEPTH = 100
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def json_depth_within(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the arrays and objects of JSON ``text`` nest at most ``limit`` deep (strings skipped)."""
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token == "[" or token == "{":
            depth += 1
            if depth > limit:
                return False
        elif token == "]" or token == "}":
            depth -= 1
    return True


def _json_ld_objects(tree) -> list[dict]:
    found: list[dict] = []

    def walk(node) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            found.append(node)
            walk(node.get("@graph", []))

    for script in tree.xpath('//script[@type="application/ld+json"]'):
        text = script.text_content() or "null"
        if not json_depth_within(text):
            continue
        try:
            walk(json.loads(text))
        except (ValueError, RecursionError):
            continue
    return found


def _types(obj: dict) -> list[str]:
    kind = obj.get("@type", [])
    return [kind] if isinstance(kind, str) else [k for k in kind if isinstance(k, str)] if isinstance(kind, list) else []


def html_metadata(html: str, base: str | None) -> dict[str, Found]:
    """What the page states about itself, field by field, each with where it was found."""
    import lxml.html

    try:
        tree = lxml.html.document_fromstring(html)
    except Exception:  # lxml raises ParserError and ValueError on empty or odd documents
        return {}
    found: dict[str, Found] = {}

    def put(field: str, value, origin: str) -> None:
        if field not in found and value not in (None, "", []):
            found[field] = Found(value, origin)

    articles = [o for o in _json_ld_objects(tree) if set(_types(o)) & set(ARTICLE_TYPES)]
    articles.sort(key=lambda o: min(ARTICLE_TYPES.index(t) for t in _types(o) if t in ARTICLE_TYPES))
    for obj in articles:
        put("title", _text(obj.get("headline")) or _text(obj.get("name")), "JSON-LD")
        put("publisher", _text(obj.get("publisher")), "JSON-LD")
        put("authors", _names(obj.get("author", [])), "JSON-LD")
        put("published", _date(obj.get("datePublished")), "JSON-LD")
        main = obj.get("mainEntityOfPage")
        put("url", _http(obj.get("url"), base) or _http(main.get("@id") if isinstance(main, dict) else main, base), "JSON-LD")
        put("language", _language(obj.get("inLanguage")), "JSON-LD")

    meta: dict[str, list[str]] = {}
    for node in tree.xpath("//meta[@content]"):
        key = (node.get("property") or node.get("name") or node.get("http-equiv") or "").strip().lower()
        if key:
            meta.setdefault(key, []).append(node.get("content"))

    def first(*keys: str) -> str | None:
        for key in keys:
            for value in meta.get(key, []):
                if _text(value):
                    return _text(value)
        return None

    put("title", first("og:title"), "OpenGraph")
    put("publisher", first("og:site_name"), "OpenGraph")
    put("url", _http(first("og:url"), base), "OpenGraph")
    put("published", _date(first("article:published_time")), "OpenGraph")
    put("authors", _names(meta.get("article:author", [])), "OpenGraph")
    put("language", _language(first("og:locale")), "OpenGraph")

    put("title", first("citation_title", "dc.title", "twitter:title"), "meta")
    put("publisher", first("citation_publisher", "dc.publisher", "publisher", "application-name"), "meta")
    put("authors", _names(meta.get("author", []) + meta.get("citation_author", []) + meta.get("dc.creator", [])), "meta")
    put("published", _date(first("citation_publication_date", "dc.date", "date", "pubdate", "publish-date", "article.published")), "meta")
    put("language", _language(first("content-language", "dc.language", "language")), "meta")
    canonical = tree.xpath('//link[@rel="canonical"]/@href')
    put("url", _http(canonical[0], base) if canonical else None, "canonical link")
    titles = tree.xpath("//title")
    put("title", _text(titles[0].text_content()) if titles else None, "<title>")
    put("language", _language(tree.getroot().get("lang") if hasattr(tree, "getroot") else tree.get("lang")), "<html lang>")
    if base:
        put("url", _http(base, None), "the fetched URL")
    return found


def text_metadata(text: str, markdown: bool) -> dict[str, Found]:
    """A Markdown file's title is its first-level heading, when it opens with one."""
    match = re.match(r"\s*#\s+(.+?)\s*#*\s*$", text.split("\n", 1)[0]) if markdown else None
    return {"title": Found(match.group(1), "the first heading")} if match else {}


# -- the main text ---------------------------------------------------------------------


@attrs.frozen
class Extracted:
    text: str
    found: dict[str, Found]
    suffix: str  # of the text file: ".txt" or ".md"


def extract(page: Page) -> Extracted | str:
    """The page's main text and metadata, or why there is none."""
    decoded = decode(page)
    where = page.url or page.name or "the page"
    if decoded is None:
        return f"{where}: the text is neither in the charset it states nor UTF-8"
    if not decoded.strip():
        return f"{where} is empty"
    if not page.html:
        markdown = page.name.lower().endswith((".md", ".markdown"))
        plain = decoded.replace("\r\n", "\n")
        return Extracted(plain if plain.endswith("\n") else plain + "\n", text_metadata(plain, markdown), ".md" if markdown else ".txt")
    text = extract_text(decoded)
    if text is None or len(text.split()) < MIN_WORDS:
        return f"{where}: no article text found in the page"
    return Extracted(text, html_metadata(decoded, page.url), ".txt")


# -- the article folder ------------------------------------------------------------------


def limit_of(field: str) -> int | None:
    """The most characters the model allows in ``field`` of article.yaml (None: no limit)."""
    attribute = getattr(attrs.fields(Article), field, None)
    return field_constraints(attribute).get("max_length") if attribute is not None else None


def parse_field(field: str, value: str) -> object | str:
    """An option's or answer's text as a field value, or why it is not one (a string starting 'error:')."""
    value = value.strip()
    if field == "published":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return f"error: published must be a date YYYY-MM-DD, got {value!r}"
    if field == "authors":
        return [a.strip() for a in value.split(";") if a.strip()]
    if field == "language":
        return _language(value) or f"error: language must be a language code such as en, got {value!r}"
    if field == "url" and not _http(value, None):
        return f"error: url must be an http(s) URL, got {value!r}"
    limit = limit_of(field)
    if limit is not None and len(value) > limit:
        return f"error: {field} is {len(value)} characters long; at most {limit}"
    return value or "error: must not be empty"


def resolve_fields(found: dict[str, Found], options: dict[str, object], ask: Callable[[str], object] | None) -> dict[str, Found] | list[str]:
    """The article's fields: options first, then what was found, then answers; or the missing fields.

    ``ask(field)`` returns a value :func:`parse_field` accepted (it asks until it has one).
    """
    fields = dict(found)
    for name, value in options.items():
        if value not in (None, []):
            fields[name] = Found(value, "option")
    missing = [name for name in REQUIRED if name not in fields]
    if missing and ask is None:
        return missing
    for name in missing:
        assert ask is not None
        fields[name] = Found(ask(name), "answer")
    return fields


def fit_to_limits(fields: dict[str, Found]) -> tuple[dict[str, Found], list[str]]:
    """Values found in the page cut to the model's limits, and a notice for each one cut.

    Only what the page gave is cut: an option or answer over its limit is refused by
    :func:`parse_field` before it gets here.
    """
    fitted, notices = dict(fields), []
    for name, found in fields.items():
        limit = limit_of(name)
        if limit is None or not isinstance(found.value, str) or len(found.value) <= limit or found.origin in ("option", "answer"):
            continue
        fitted[name] = Found(found.value[: limit - 1].rstrip() + "…", found.origin)
        notices.append(f"the {name} found in the page ({found.origin}) is {len(found.value)} characters long; cut to the limit of {limit}")
    return fitted, notices


def article_from(fields: dict[str, Found], suffix: str) -> Article | str:
    """The article.yaml record of the resolved ``fields``, or why the model refuses it."""
    values: dict[str, Any] = {name: found.value for name, found in fields.items()}
    try:
        return Article(
            title=values["title"], publisher=values["publisher"], url=values["url"], published=values["published"],
            language=values["language"], text=f"article{suffix}", outlet=values.get("outlet"), authors=list(values.get("authors") or []),
        )
    except (ValueError, TypeError) as exc:
        return str(exc.args[0] if exc.args else exc)


def slug_for(title: str) -> str:
    from factcheck.triage import slug_from

    return slug_from(title, limit=8)[:80].strip("-") or "article"


#: The name of a temporary article folder: ``.SLUG.XXXXXXXX.new`` (as :func:`tempfile.mkdtemp` makes it).
_TEMP_NAME = re.compile(r"^\.[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9_]{8}\.new$")
#: A temporary folder nobody has locked or touched for this long belongs to a run that died.
LEFTOVER_AGE = 10.0


def _hold(folder: str) -> int | None:
    """A descriptor holding an exclusive lock on ``folder``; None if a live run holds it."""
    import fcntl

    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def clear_leftovers(root: str) -> list[str]:
    """Remove what runs of ``article add`` that died mid-write (``kill -9``) left in ``root``.

    Only folders named as :func:`write_article` names its temporary folder, real folders
    (not symlinks) of this user, that no live run holds locked (a run holds its folder
    locked until it is renamed) and that nobody touched for :data:`LEFTOVER_AGE` seconds.
    Returns the folders removed.
    """
    removed = []
    with contextlib.suppress(OSError), os.scandir(root) as entries:
        for entry in entries:
            if not _TEMP_NAME.match(entry.name) or not entry.is_dir(follow_symlinks=False):
                continue
            with contextlib.suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                if info.st_uid != os.getuid() or time.time() - info.st_mtime < LEFTOVER_AGE:
                    continue
                fd = _hold(entry.path)
                if fd is None:
                    continue
                try:
                    shutil.rmtree(entry.path)
                    removed.append(entry.path)
                finally:
                    os.close(fd)
    return removed


@attrs.frozen
class Written:
    folder: str
    article: Article


def write_article(root: str, slug: str, article: Article, text: str) -> Written | str:
    """Create ``root/slug`` with article.yaml and the text, all at once; refused if it exists or is invalid."""
    from factcheck.convert import unstructure
    from factcheck.fsio import folder_lock, sync_folder
    from factcheck.reading import load_article
    from factcheck.tree import ARTICLE_FILE
    from factcheck.yaml.render import render_new

    if not SLUG_RE.match(slug) or len(slug) > 80:
        return f"{slug!r} is not a folder slug (lowercase letters, digits, single hyphens)"
    final = os.path.join(root, slug)
    if os.path.lexists(final):
        return f"{final} already exists; an article folder is never overwritten (choose another --slug)"
    try:
        os.makedirs(root, exist_ok=True)
        clear_leftovers(root)
        temp = tempfile.mkdtemp(prefix=f".{slug}.", suffix=".new", dir=root)
    except OSError as exc:
        return f"cannot write {final}: {exc.strerror or exc}"
    held = _hold(temp)  # until the folder is renamed or removed: clear_leftovers leaves it alone
    try:
        with open(os.path.join(temp, article.text), "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        data = {k: v for k, v in unstructure(article).items() if k in ARTICLE_KEYS}
        with open(os.path.join(temp, ARTICLE_FILE), "wb") as handle:
            handle.write(render_new(data))
            handle.flush()
            os.fsync(handle.fileno())
        checked = load_article(temp, os.path.join(temp, ARTICLE_FILE))
        if checked.problems or checked.article is None:
            return "the article would not be valid: " + "; ".join(f"[{p.code}] {p.message}" for p in checked.problems)
        os.chmod(temp, 0o755)
        with folder_lock(root, 10.0):
            if os.path.lexists(final):
                return f"{final} already exists; an article folder is never overwritten (choose another --slug)"
            os.rename(temp, final)
        sync_folder(root)
        return Written(final, article)
    except OSError as exc:
        return f"cannot write {final}: {exc.strerror or exc}"
    finally:
        with contextlib.suppress(OSError):
            if os.path.isdir(temp):
                shutil.rmtree(temp)
        if held is not None:
            os.close(held)
