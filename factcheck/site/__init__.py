"""The static fact-check site: plain HTML pages, one CSS file and an Atom feed.

    build(root, out, base_url=..., drafts=False, repo_url=None, force=False) -> BuildResult

Layout of the output folder::

    index.html            the articles (newest first, counts by verdict) and the latest claims
    articles/<slug>.html  an article's text with every claimed passage marked by verdict
    claims/<id>.html      one claim: verdict, quote in its paragraph, sources, corrections, history
    methodology.html      statuses, verdict scale, rating values, source and correction rules
    corrections.html      every correction, newest first
    feed.xml              Atom feed of published claims
    style.css
    .factcheck-site.json  the files the build wrote (the only ones it ever deletes)

Only what validates is published: the claims are read and checked by the same code
as ``factcheck validate`` (through the store), and a claim with an error, or whose
article has one, is left out (:mod:`factcheck.site.build`). The output folder is the
build's own: it refuses places it must not write, follows no symbolic link inside it,
and deletes only files it listed as written (``.factcheck-site.json``,
:mod:`factcheck.site.output`). What the pages show: :mod:`factcheck.site.pages`.

Claims are read through the store's one reading path (the cached JSON of each claim).
Every link between pages is relative, so the site works from any folder or sub-path.
The output depends only on the tree, the config and the options (no clock is read),
and a page is written only when its bytes change. Pages whose inputs are unchanged
since the last build (recorded in the cache folder with each page's size and mtime)
are not even rendered again.
"""

from __future__ import annotations

from factcheck.site.build import BuildResult, build  # noqa: F401
