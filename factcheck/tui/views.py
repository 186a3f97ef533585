"""The article and triage views, opened from the queue."""

from __future__ import annotations

from collections import Counter
from functools import partial
from typing import TYPE_CHECKING

from factcheck.store import ClaimRecord
from factcheck.textsafe import escape_line
from factcheck.tui.flow import unless_cancelled
from factcheck.tui.screens import ArticleScreen, ChooseScreen, TriageScreen
from factcheck.tui.state import ARTICLE_FILTER, article_choice, newest_first

if TYPE_CHECKING:
    from factcheck.tui.app import FactcheckApp


def open_article(app: FactcheckApp) -> None:
    """The current claim's article, every claimed passage coloured; enter selects a claim."""
    record = app.current
    article = record.article if record else None
    if article is None and app.store and app.store.articles:
        article = newest_first(app.store.articles.values())[0]
    if article is None or article.text is None:
        app.notify("No readable article text", severity="error")
        return
    records = [r for r in app.all_records if r.article is article]
    title = article.article.title if article.article else article.slug
    app.push_screen(ArticleScreen(title, article.text, records, record), unless_cancelled(app.select_claim))


def choose_triage(app: FactcheckApp) -> None:
    """The triage view of an article, asked for when the tree has several: the newest
    first and chosen (the one the quick filter shows, if it shows one)."""
    if app.store is None:
        app.notify("Still loading the claims; try again in a moment", severity="warning")
        return
    articles = newest_first(a for a in app.store.articles.values() if a.text is not None and a.article is not None)
    if not articles:
        app.notify("No article with a readable text and article.yaml", severity="error")
        return
    if len(articles) == 1:
        open_triage(app, articles[0].folder)
        return
    claims = Counter(r.article.folder for r in app.all_records if r.article is not None)
    choices = [(a.folder, article_choice(escape_line(a.slug), claims[a.folder], a)) for a in articles]
    quick = app.state.quick
    filtered = quick[len(ARTICLE_FILTER):] if quick.startswith(ARTICLE_FILTER) else None
    start = filtered if filtered in {a.folder for a in articles} else articles[0].folder
    app.push_screen(ChooseScreen("Triage which article? (newest first)", choices, start), unless_cancelled(partial(open_triage, app)))


def open_triage(app: FactcheckApp, folder: str) -> None:
    from factcheck import triage

    store = app.loaded_store
    article = store.articles[folder]
    if article.article is None:
        app.notify(f"{article.slug}: article.yaml cannot be read", severity="error")
        return

    def accept(candidate, accepted) -> str:
        record: ClaimRecord = triage.accept(
            store, article, candidate, app.editor, accepted.text, how="Accepted in the triage view",
            claimant=accepted.claimant, kind=accepted.kind, claim_id=accepted.claim_id,
        )
        app.added(record)
        return record.id

    def dismiss(candidate, reason: str) -> None:
        triage.dismiss(store, article, candidate, app.editor, reason)

    def check(texts: list[str]) -> list:
        from factcheck.match.checked import Earlier

        earlier = app.checked.earlier or Earlier.load(store)  # in the triage view's worker
        return earlier.best(texts, folder)

    title = f"Triage · {escape_line(article.article.title)} ({article.slug})"
    claimants = [*triage.known_claimants(store), triage.default_claimant(article.article)]
    screen = TriageScreen(
        title, partial(triage.proposals, store, article), accept, dismiss, app.flow.drafts,
        guess=partial(triage.guess, store, article), claimants=claimants, check=check,
    )
    app.push_screen(screen, unless_cancelled(app.select_claim))


def ask_handle(app: FactcheckApp, first_run: bool = False) -> None:
    """Ask who is editing and keep it in the user's config (never in the repository).

    On a first run (no handle from --editor, FACTCHECK_EDITOR or the user config) it is
    asked before anything else; esc keeps the handle shown for this session only.
    """
    from factcheck import identity

    path = identity.user_config_path()

    def submit(value: str) -> str | None:
        try:
            identity.save_handle(value, path)
        except ValueError as exc:
            return str(exc).capitalize()
        except (identity.UserConfigError, OSError) as exc:
            return f"Not saved: {escape_line(str(exc))}"
        app.set_editor(value.strip())
        app.notify(f"Editing as {escape_line(value.strip())}; saved in {escape_line(path)}", timeout=5)
        return None

    def closed(value: str | None) -> None:
        if value is None and first_run:
            app.notify(f"Editing as {escape_line(app.editor)} for this session only; press W to save a handle", severity="warning", timeout=8)

    title = "Who are you? Your handle signs every change you make" if first_run else "Your editing handle"
    hint = (
        f"Saved in {escape_line(path)}, not in the repository. --editor and FACTCHECK_EDITOR still win. "
        "The site shows the public name the team list in factcheck.toml gives it."
    )
    app.push_screen(identity_screen(title, app.editor, hint, submit, identity.handle_problem), closed)


def identity_screen(title: str, value: str, hint: str, submit, check):
    from factcheck.tui.screens import LineScreen

    return LineScreen(title, value, hint, check=lambda text: check(text) if text else None, submit=submit)
