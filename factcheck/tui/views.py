"""The article and triage views, opened from the queue."""

from __future__ import annotations

from collections import Counter
from functools import partial
from typing import TYPE_CHECKING

from factcheck.store import ClaimRecord
from factcheck.textsafe import escape_line
from factcheck.tui.flow import unless_cancelled
from factcheck.tui.screens import ArticleScreen, ChooseScreen, TriageScreen

if TYPE_CHECKING:
    from factcheck.tui.app import FactcheckApp


def open_article(app: FactcheckApp) -> None:
    """The current claim's article, every claimed passage coloured; enter selects a claim."""
    record = app.current
    article = record.article if record else None
    if article is None and app.store and app.store.articles:
        article = next(iter(app.store.articles.values()))
    if article is None or article.text is None:
        app.notify("No readable article text", severity="error")
        return
    records = [r for r in app.all_records if r.article is article]
    title = article.article.title if article.article else article.slug
    app.push_screen(ArticleScreen(title, article.text, records, record), unless_cancelled(app.select_claim))


def choose_triage(app: FactcheckApp) -> None:
    """The triage view of the current claim's article (asked for when the tree has several)."""
    if app.store is None:
        app.notify("Still loading the claims; try again in a moment", severity="warning")
        return
    articles = sorted((a for a in app.store.articles.values() if a.text is not None and a.article is not None), key=lambda a: a.slug)
    if not articles:
        app.notify("No article with a readable text and article.yaml", severity="error")
        return
    record = app.current
    here = record.article.folder if record is not None and record.article is not None else None
    if len(articles) == 1:
        open_triage(app, articles[0].folder)
        return
    claims = Counter(r.article.folder for r in app.all_records if r.article is not None)
    choices = [(a.folder, f"{a.slug}  ({claims[a.folder]} claims) · {escape_line(a.article.title if a.article else a.slug)}") for a in articles]
    app.push_screen(ChooseScreen("Triage which article?", choices, here), unless_cancelled(partial(open_triage, app)))


def open_triage(app: FactcheckApp, folder: str) -> None:
    from factcheck import triage

    store = app.loaded_store
    article = store.articles[folder]
    if article.article is None:
        app.notify(f"{article.slug}: article.yaml cannot be read", severity="error")
        return

    def accept(candidate, text: str) -> str:
        record: ClaimRecord = triage.accept(store, article, candidate, app.editor, text, how="Accepted in the triage view")
        app.added(record)
        return record.id

    def dismiss(candidate, reason: str) -> None:
        triage.dismiss(store, article, candidate, app.editor, reason)

    def check(texts: list[str]) -> list:
        from factcheck.match.checked import Earlier

        earlier = app.checked.earlier or Earlier.load(store)  # in the triage view's worker
        return earlier.best(texts, folder)

    title = f"Triage · {escape_line(article.article.title)} ({article.slug})"
    claimant = triage.default_claimant(article.article)
    screen = TriageScreen(title, partial(triage.proposals, store, article), accept, dismiss, app.flow.drafts, claimant, check=check)
    app.push_screen(screen, unless_cancelled(app.select_claim))
