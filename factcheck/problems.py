"""Problems are values: every check returns them, reporters print them."""

from __future__ import annotations

from typing import NamedTuple

#: Every problem code: (severity, what it means). The one list: reporters take the
#: severity from it, the README's table is made from it (``python -m factcheck.problems``)
#: and a test checks that every code the code base uses is here.
CODES: dict[str, tuple[str, str]] = {
    # reading a file
    "missing-path": ("error", "a path given on the command line does not exist"),
    "unreadable": ("error", "a file or folder cannot be read (permissions, a broken link)"),
    "not-a-file": ("error", "a FIFO, socket or device where a claim file should be; never opened"),
    "symlink": ("error", "a symbolic link that leads out of the claims tree; never read"),
    "too-large": ("error", "a claim file over 1 MiB"),
    "encoding": ("error", "a file that is not UTF-8"),
    "empty-file": ("error", "a file with no content (or only comments)"),
    "tab": ("error", "a tab character (YAML indents with spaces)"),
    "too-deep": ("error", "values nested too deep"),
    "syntax": ("error", "malformed YAML (an unclosed quote is named as the likely cause)"),
    "duplicate-key": ("error", "a key given twice in one mapping"),
    "key": ("error", "a key that is a list or mapping; keys are plain words"),
    "not-a-mapping": ("error", "a file that holds a list or a single value, not one mapping"),
    "multiple-documents": ("error", "more than one YAML document in a file"),
    "directive": ("error", "a %YAML or %TAG directive"),
    "tag": ("error", "an explicit tag such as !!python/object/apply"),
    "anchor": ("error", "an anchor (&name); claim files need none, which also stops alias bombs"),
    "alias": ("error", "an alias (*name)"),
    "internal-error": ("error", "factcheck itself failed on this file: a bug, reported with the exception's name"),
    # the schema
    "missing-key": ("error", "a required key is missing (with what to write, e.g. 'published: null')"),
    "unknown-key": ("error", "a key the schema does not have (with a 'did you mean' hint)"),
    "type": ("error", "a value of the wrong type (a number is never read as text)"),
    "enum": ("error", "a word not in the field's vocabulary (with a 'did you mean' hint)"),
    "date": ("error", "not a date YYYY-MM-DD (a quantity's as_of may also be a year YYYY)"),
    "datetime": ("error", "not a timestamp in UTC ending in Z"),
    "datetime-offset": ("warning", "a time with an offset such as +01:00: times are UTC ending in Z ('factcheck fmt' rewrites it so)"),
    "value": ("error", "a value the field does not accept (an empty text, a bad URL or slug, a repeated item)"),
    "too-long": ("error", "a text over its field's limit (excerpts: 400 characters, aim for about 300)"),
    "control-char": ("error", "a control character (ESC, BEL, C1) or bidi control in a text field; newlines and tabs only in prose"),
    "url-credentials": ("error", "a user name or password in a source's url or archive_url"),
    # rules on one claim
    "id-mismatch": ("error", "the id differs from the file name"),
    "related-self": ("error", "a claim related to itself"),
    "quote-not-found": ("error", "the quote does not occur in the article text (whitespace and curly quotes forgiven); the closest passage is named"),
    "quantity-not-in-quote": ("error", "a quantity's text does not occur in the claim's quote (whitespace and curly quotes forgiven)"),
    "published-incomplete": ("error", "a published claim without a verdict, a summary or a source"),
    "verdict-needs-source": ("error", "accurate/mostly-accurate without a supports source, inaccurate/mostly-inaccurate without a refutes one"),
    "future-date": ("error", "a date in the future"),
    "accessed-before-published": ("error", "a source read before it was published"),
    "duplicate-source": ("error", "the same URL twice in one claim"),
    "history-missing": ("error", "an empty history (a claim starts with a 'created' entry)"),
    "history-order": ("error", "a history entry earlier than the one before it"),
    "history-status": ("error", "the last status change in the history differs from status"),
    "not-reviewed": ("error", "a published claim whose publication did not come straight from in-review (the history entry that published it is named)"),
    "self-published": ("error", "a published claim published by the editor who moved it to in-review; a second editor publishes"),
    "not-reviewed-before-policy": ("warning", "not-reviewed, for a publication before [review] second_person_since of the config"),
    "self-published-before-policy": ("warning", "self-published, for a publication before [review] second_person_since of the config"),
    "undated-evidence": ("warning", "a published claim whose every supports/refutes source has no published date"),
    "later-evidence": ("warning", "a published claim resting only on sources dated after its article, and its summary does not say so"),
    # rules across claims and files
    "duplicate-id": ("error", "an id used by two claim files"),
    "related-missing": ("error", "a related id that no claim has (with a 'did you mean' hint)"),
    "no-article": ("error", "a claim file (or a dismissed.yaml) outside an article folder"),
    "possible-duplicate": (
        "warning",
        "a claim whose words mostly coincide with another claim's of the tree (similarity at least [match] duplicate_threshold) "
        "and the two are not related; at the claim's text",
    ),
    "article-text": ("error", "the article's text file is missing, unreadable, outside its folder or a link out of it"),
    "unknown-claimant": ("error", "a claim in review or published names a claimant not in the tree's claimant registry (claimants.yaml, with a hint)"),
    "unregistered-claimant": ("warning", "a claim not yet in review names a claimant that is not in the claimant registry (it must be before review)"),
    # the claimant registry (claimants.yaml at the root of a claims tree)
    "duplicate-claimant": ("error", "claimants.yaml: a name or alias given twice (also as another claimant's name or alias)"),
    # a source's snapshots in the evidence folder (factcheck archive)
    "snapshot-missing": ("error", "a snapshot file a source names is not in the evidence folder (or is not a regular file there)"),
    "snapshot-tampered": ("error", "a snapshot file's bytes no longer match its recorded sha256"),
    "snapshot-outside": ("error", "a snapshot path outside the evidence folder (evidence_dir of factcheck.toml), or the folder outside the repository"),
    "snapshot-unreadable": ("warning", "a snapshot file that is not a WARC file with a response factcheck can read"),
    "excerpt-not-in-snapshot": ("warning", "a source's excerpt does not occur in the main text of its latest snapshot (whitespace and curly quotes forgiven)"),
    # an article folder's dismissed.yaml
    "dismissal-not-found": ("warning", "dismissed.yaml: a dismissed sentence that does not occur in the article text (it hides nothing)"),
    "duplicate-dismissal": ("warning", "dismissed.yaml: the same sentence dismissed twice"),
    # with --base REV, and fmt --check
    "published-deleted": ("error", "with --base: a claim published at REV no longer exists"),
    "correction-missing": (
        "error",
        "with --base: a published claim changed where the correction table asks for one with no new corrections entry, "
        "or its history or corrections rewritten",
    ),
    "not-canonical": ("error", "fmt --check: the file is not in the canonical layout"),
    "invalid": ("error", "fmt: the file is not a valid claim, so it cannot be laid out"),
    # factcheck build and ClaimReview
    "config": ("error", "build, validate: the config (factcheck.toml or [tool.factcheck]) cannot be read, or has a bad key or value"),
    "no-base-url": ("warning", "build: no base URL, so ClaimReview and the feed carry relative URLs"),
    "no-organization-url": ("warning", "build, export: the ClaimReview author (the organization) has no url: no organization_url and no base URL"),
    "unreadable-claims": ("warning", "build: claim files that cannot be read are left out of the site"),
    "claim-reviewed-long": ("warning", "ClaimReview: the claim's text is over 75 characters (published whole)"),
}


def severity_of(code: str) -> str:
    return CODES.get(code, ("error", ""))[0]


def codes_table() -> str:
    """The README's table of problem codes."""
    lines = ["| code | severity | meaning |", "| --- | --- | --- |"]
    lines += [f"| `{code}` | {severity} | {meaning} |" for code, (severity, meaning) in CODES.items()]
    return "\n".join(lines) + "\n"


class _ProblemFields(NamedTuple):
    path: str
    line: int
    col: int
    code: str
    message: str
    severity: str


class Problem(_ProblemFields):
    """One thing wrong with one file, at a 1-based line and column.

    A named tuple: problems compare, sort and hash as the plain tuples they are, in C
    (a run sorts and de-duplicates thousands of them). The severity, when not given, is
    the code's.
    """

    __slots__ = ()

    def __new__(cls, path: str, line: int, col: int, code: str, message: str, severity: str | None = None) -> "Problem":
        return tuple.__new__(cls, (path, line, col, code, message, severity_of(code) if severity is None else severity))

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        """The order of ``<`` as a plain tuple."""
        return tuple.__new__(tuple, self)  # type: ignore[return-value]

    def as_dict(self) -> dict[str, object]:
        return dict(zip(self._fields, self, strict=True))

    def as_tuple(self) -> tuple:
        return tuple.__new__(tuple, self)


def did_you_mean(word: str, choices) -> str:
    """A ' (did you mean X?)' hint, or '' when nothing is close."""
    import difflib
    import os

    choices = list(choices)
    if len(choices) > 50:  # keep the hint cheap in large trees: the names that begin most alike
        same = [c for c in choices if c[:3] == word[:3]]
        if len(same) > 50:
            same.sort(key=lambda c: len(os.path.commonprefix((c, word))), reverse=True)
        choices = same[:50]
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


if __name__ == "__main__":
    print(codes_table(), end="")
