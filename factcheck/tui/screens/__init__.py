"""The review screen's dialogs, one module each; each answers with its result (``dismiss``)
or, while it stays open, with the reason a ``submit`` callback gives for refusing."""

from factcheck.tui.screens.accept import Accepted, AcceptScreen
from factcheck.tui.screens.article import ArticleScreen, Highlight, article_highlights
from factcheck.tui.screens.choose import ChooseScreen
from factcheck.tui.screens.claim_form import ClaimForm
from factcheck.tui.screens.help import HELP_TEXT, HelpScreen
from factcheck.tui.screens.line import LineScreen, ListSuggester
from factcheck.tui.screens.matches import MatchesScreen
from factcheck.tui.screens.source_form import FORM_FIELDS, SOURCE_FIELDS, SourceForm
from factcheck.tui.screens.text import TextScreen
from factcheck.tui.screens.triage import TriageScreen

__all__ = [
    "FORM_FIELDS",
    "HELP_TEXT",
    "SOURCE_FIELDS",
    "AcceptScreen",
    "Accepted",
    "ArticleScreen",
    "ChooseScreen",
    "ClaimForm",
    "HelpScreen",
    "Highlight",
    "LineScreen",
    "ListSuggester",
    "MatchesScreen",
    "SourceForm",
    "TextScreen",
    "TriageScreen",
    "article_highlights",
]
