"""The static fact-check site: plain HTML pages, one CSS file and an Atom feed.

    build(root, out, base_url=..., drafts=False, repo_url=None) -> BuildResult

Layout of the output folder::

    index.html            the articles (newest first, counts by verdict) and the latest claims
    articles/<slug>.html  an article's text with every claimed passage marked by verdict
    claims/<id>.html      one claim: verdict, quote in its paragraph, sources, corrections, history
    methodology.html      statuses, verdict scale, rating values, source and correction rules
    corrections.html      every correction, newest first
    feed.xml              Atom feed of published claims
    style.css

Claims are read through the store's one reading path (the cached JSON of each claim).
Every link between pages is relative, so the site works from any folder or sub-path.
The output depends only on the tree, the config and the options (no clock is read),
and a page is written only when its bytes change. Pages whose inputs are unchanged
since the last build (recorded in the cache folder with each page's size and mtime)
are not even rendered again.
"""

from __future__ import annotations

from factcheck.site.build import BuildResult, build  # noqa: F401
