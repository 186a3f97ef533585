"""Claims trees for the site tests: published claims, a draft, and a hostile tree."""

from __future__ import annotations

from pathlib import Path

from conftest import make_tree

PUBLISHED_YAML = """\
id: support-rose
text: "Support for the plan rose from 57% in 2017 to 68% in 2021."
quote: "Support for the plan rose from 57 percent in 2017 to 68 percent in 2021, according to the city's \\"annual survey.\\""
claimant: "City survey"
kind: quantity
status: published
verdict: mostly-accurate
summary: "The 2021 survey shows 68 percent; the 2017 figure comes from an earlier poll."
tags: []
related:
  - bridges-repaired
sources:
  - url: https://example.org/survey
    title: "Annual survey 2021"
    publisher: "City of Example"
    published: 2021-12-01
    accessed: 2024-04-02
    excerpt: "68 percent support the plan"
    stance: supports
    archive_url: https://web.archive.org/web/2024/https://example.org/survey
    archived: 2024-04-02
corrections:
  - date: 2024-04-05
    change: "verdict changed from accurate to mostly-accurate"
    reason: "The 2017 figure is from a different poll."
history:
  - at: 2024-04-01T09:00:00Z
    by: ann
    action: created
    after: new
  - at: 2024-04-02T10:00:00Z
    by: ann
    action: status
    field: status
    before: new
    after: in-review
  - at: 2024-04-02T10:00:00Z
    by: bo
    action: status
    field: status
    before: in-review
    after: published
    note: "Reviewed."
  - at: 2024-04-05T10:00:00Z
    by: bob
    action: correction
    field: corrections
    note: "verdict changed"
"""

BRIDGES_PUBLISHED = """\
id: bridges-repaired
text: "The mayor said 24 bridges were repaired in 2023."
quote: "The mayor said that 24 bridges were repaired in 2023."
claimant: "The mayor"
kind: quantity
status: published
verdict: inaccurate
summary: "The city's report lists 12 repaired bridges."
tags: []
related: []
sources:
  - url: https://example.org/report
    title: "Bridge report 2023"
    publisher: "City of Example"
    published: 2024-01-15
    accessed: 2024-04-02
    excerpt: "In 2023 the city repaired 12 bridges."
    stance: refutes
corrections: []
history:
  - at: 2024-04-01T09:00:00Z
    by: ann
    action: created
    after: new
  - at: 2024-04-03T10:00:00Z
    by: ann
    action: status
    field: status
    before: new
    after: in-review
  - at: 2024-04-03T10:00:00Z
    by: bo
    action: status
    field: status
    before: in-review
    after: published
"""

DRAFT_YAML = """\
id: critics-disagree
text: "Critics disagree with the mayor."
quote: "Critics disagree."
claimant: "Test Article"
kind: attribution
status: researching
verdict: null
summary: null
tags: []
related: []
sources: []
corrections: []
history:
  - at: 2024-04-01T09:00:00Z
    by: ann
    action: created
    after: new
  - at: 2024-04-02T09:00:00Z
    by: ann
    action: status
    field: status
    before: new
    after: researching
"""


def published_tree(root: Path) -> Path:
    """Two published claims (one corrected) and one draft."""
    return make_tree(root, {"bridges-repaired": BRIDGES_PUBLISHED, "support-rose": PUBLISHED_YAML, "critics-disagree": DRAFT_YAML})


HOSTILE_TEXT = (
    "Hostile Article\n\n"
    'The council said <script>window.pwned = "quote"</script> and "><img src=x onerror="window.pwned=1"> happened.\n\n'
    "A second paragraph with javascript:alert(1) in it.\n"
)

HOSTILE_CLAIM = """\
id: hostile
text: "</script><script>window.pwned = 'text'</script> \\"><img src=x onerror=\\"window.pwned='img'\\">"
quote: "The council said <script>window.pwned = \\"quote\\"</script> and \\"><img src=x onerror=\\"window.pwned=1\\"> happened."
claimant: "<b onmouseover=\\"window.pwned='claimant'\\">council</b>"
kind: event
status: published
verdict: misleading
summary: "javascript:window.pwned='summary' <iframe src=\\"javascript:window.pwned='iframe'\\"></iframe>"
tags: []
related: []
sources:
  - url: https://example.org/x?a=<script>
    title: "<script>window.pwned='title'</script>"
    publisher: "<svg onload=\\"window.pwned='publisher'\\">"
    published: null
    accessed: 2024-04-02
    excerpt: "javascript:window.pwned='excerpt'"
    stance: context
corrections:
  - date: 2024-04-05
    change: "<a href=\\"javascript:window.pwned='change'\\">click</a>"
    reason: "<script>window.pwned='reason'</script>"
history:
  - at: 2024-04-01T09:00:00Z
    by: "<script>window.pwned='by'</script>"
    action: created
    after: new
    note: "<img src=x onerror=\\"window.pwned='note'\\">"
  - at: 2024-04-02T10:00:00Z
    by: ann
    action: status
    field: status
    before: new
    after: in-review
  - at: 2024-04-02T10:00:00Z
    by: bo
    action: status
    field: status
    before: in-review
    after: published
"""

HOSTILE_ARTICLE = """\
title: "</title><script>window.pwned='article'</script>"
publisher: "<img src=x onerror=\\"window.pwned='pub'\\">"
url: https://example.org/a?<script>
published: 2024-03-28
language: en
text: article.txt
outlet: null
authors: []
"""


def hostile_tree(root: Path) -> Path:
    claims = make_tree(root, {"hostile": HOSTILE_CLAIM})
    folder = claims / "test-article"
    (folder / "article.yaml").write_text(HOSTILE_ARTICLE, encoding="utf-8")
    (folder / "article.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    (root / "factcheck.toml").write_text(
        'organization = "<script>window.pwned=\'org\'</script>"\norganization_url = "javascript:alert(1)"\n', encoding="utf-8"
    )
    return claims


SNAPSHOT_PAGE = (
    "<html><head><title>Annual survey 2021</title></head><body><article><h1>Annual survey 2021</h1>"
    "<p>The city asked two thousand residents what they think of the plan for the river banks this year.</p>"
    "<p>In the survey of 2021, 68 percent support the plan, up from 57 percent four years before.</p>"
    "<p>A note from the office: <script>window.pwned = 'kept'</script> &lt;b&gt;bold&lt;/b&gt; \u202eevil.</p>"
    "</article></body></html>"
)


def keep_snapshot(root: Path, url: str, page: str = SNAPSHOT_PAGE, kind: str = "text/html") -> tuple[str, str]:
    """A WARC file of ``page`` at ``url`` in ``root``/evidence (the repository is ``root``):
    its sha256 and the snapshot's YAML, indented for a source."""
    import datetime as dt
    import hashlib
    from unittest import mock

    from warcio.recordbuilder import RecordBuilder

    from factcheck.evidence import warc_bytes
    from factcheck.netpolicy import Response

    response = Response(200, "OK", url, (("content-type", f"{kind}; charset=utf-8"),), page.encode("utf-8"))
    ids = (f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>" for n in range(100))
    with mock.patch.object(RecordBuilder, "_make_warc_id", classmethod(lambda cls, *args: next(ids))):  # the same bytes every run
        data = warc_bytes(response, (("User-Agent", "test"),), dt.datetime(2026, 12, 1, 10, tzinfo=dt.timezone.utc))
    sha = hashlib.sha256(data).hexdigest()
    (root / "evidence").mkdir(exist_ok=True)
    (root / "evidence" / f"{sha}.warc.gz").write_bytes(data)
    block = (
        "    snapshots:\n"
        f"      - path: evidence/{sha}.warc.gz\n        sha256: {sha}\n        captured: 2026-12-01T10:00:00Z\n"
        f"        status: 200\n        final_url: {url}\n"
    )
    return sha, block


def snapshot_tree(root: Path, page: str = SNAPSHOT_PAGE, kind: str = "text/html") -> tuple[Path, str]:
    """The published tree, support-rose's source with a snapshot kept: the tree and the sha256."""
    sha, block = keep_snapshot(root, "https://example.org/survey", page, kind)
    published = PUBLISHED_YAML.replace("    archived: 2024-04-02\n", "    archived: 2024-04-02\n" + block, 1)
    return make_tree(root, {"bridges-repaired": BRIDGES_PUBLISHED, "support-rose": published, "critics-disagree": DRAFT_YAML}), sha
