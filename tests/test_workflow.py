"""The workflow core: one correction table, asked by ``validate --base`` and by the session alike.

The git tests copy the built-in claims into a repository in tmp_path, edit a published
claim as a pull request would, commit, and run ``validate --base HEAD~1``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import typing
from pathlib import Path

import attrs
import pytest

from factcheck import workflow
from factcheck.cli import main
from factcheck.model import Claim, Correction, HistoryEntry, Kind, Quantity, Snapshot, Source, Stance, Status, Verdict
from factcheck.session import EditSession, with_source_changed
from factcheck.store import ClaimStore, EditRefused

BUILT_IN = Path(__file__).resolve().parent.parent / "claims"
ARTICLE = "moscow-attack-russia-tajikistan"
#: A published claim of the built-in set with a correction, four sources and sixteen history entries.
CLAIM = "khalimov-trained-in-us-and-russia"
FIRST_SOURCE = "https://www.rferl.org/a/tajikistan-is/27045624.html"


@pytest.fixture(autouse=True)
def _git_env(isolated_git):
    """Git sees no repository above tmp_path and none of the user's settings (conftest)."""


def git(repo: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "Ann", "GIT_COMMITTER_NAME": "Ann", "GIT_AUTHOR_EMAIL": "a@example.org", "GIT_COMMITTER_EMAIL": "a@example.org"}
    return subprocess.run(["git", *args], cwd=repo, env={**os.environ, **env}, capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture
def repo(tmp_path) -> Path:
    """The built-in claims in a git repository, committed once; returns the claims folder."""
    root = tmp_path / "repo"
    shutil.copytree(BUILT_IN, root / "claims", ignore=shutil.ignore_patterns(".factcheck*"))
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "commit.gpgsign", "false")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "claims")
    return root / "claims"


def base_findings(capsys, root: Path, rev: str = "HEAD") -> list[str]:
    """The ``correction-missing`` lines ``validate --base`` prints for the tree."""
    main(["validate", "--format", "parsable", "--base", rev, str(root)])
    out = capsys.readouterr().out
    return [line for line in out.splitlines() if "[correction-missing]" in line or "[published-deleted]" in line]


def _drop_entry(text: str, marker: str, number: int) -> str:
    """``text`` without the ``number``-th list entry (1-based) that starts with ``marker``."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.startswith(marker)]
    start = starts[number - 1]
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith("    ")), len(lines))
    return "".join(lines[:start] + lines[end:])


#: Hand edits to a published claim, none with a correction: (name, edit of the file's text).
HAND_EDITS = {
    "a source's url": lambda t: t.replace(FIRST_SOURCE, "https://www.rferl.org/a/tajikistan-is/27045625.html", 1),
    "a source's stance": lambda t: t.replace("    stance: supports\n", "    stance: refutes\n", 1),
    "a source's excerpt": lambda t: t.replace("Jhunjhunwala said.", "Jhunjhunwala said again.", 1),
    "the claim's text": lambda t: t.replace("had received training in", "had been trained in", 1),
    "the claim's quote": lambda t: t.replace("quote: \"he’d also been trained", "quote: \"he had also been trained", 1),
    "the claimant": lambda t: t.replace('claimant: "Carnegie Politika"', 'claimant: "Someone else"', 1),
    "the kind": lambda t: t.replace("kind: event\n", "kind: attribution\n", 1),
    "the verdict": lambda t: t.replace("verdict: accurate\n", "verdict: mixed\n", 1),
    "a history entry deleted": lambda t: _drop_entry(t, "  - at:", 3),
    "a history entry's author rewritten": lambda t: t.replace("    by: factcheck-desk\n", "    by: someone-else\n", 2).replace(
        "    by: someone-else\n", "    by: factcheck-desk\n", 1),
    "a correction deleted": lambda t: _drop_entry(t, "  - date:", 1).replace("corrections:\nhistory:", "corrections: []\nhistory:"),
}


@pytest.mark.parametrize("name", list(HAND_EDITS))
def test_every_hand_edit_of_a_published_claim_is_flagged_by_base(capsys, repo, name):
    path = repo / ARTICLE / f"{CLAIM}.yaml"
    text = path.read_text(encoding="utf-8")
    edited = HAND_EDITS[name](text)
    assert edited != text, "the edit must change the file"
    path.write_text(edited, encoding="utf-8")
    git(repo.parent, "commit", "-q", "-am", name)
    found = base_findings(capsys, repo, "HEAD~1")
    assert len(found) >= 1 and all(f.startswith(f"{path}:") for f in found), found


def test_an_untouched_tree_and_a_free_edit_pass_base(capsys, repo):
    assert base_findings(capsys, repo, "HEAD") == []
    path = repo / ARTICLE / f"{CLAIM}.yaml"
    path.write_text(path.read_text().replace("    title: Tajikistani SWAT", "    title: A Tajikistani SWAT", 1))
    assert base_findings(capsys, repo, "HEAD") == []


def test_the_messages_say_what_changed(capsys, repo):
    path = repo / ARTICLE / f"{CLAIM}.yaml"
    path.write_text(HAND_EDITS["a source's stance"](path.read_text()))
    assert base_findings(capsys, repo) == [
        f"{path}:21:5: error [correction-missing] stance of source 1 of a published claim changed (supports → refutes) without a new entry in corrections"
    ]
    path.write_text(HAND_EDITS["a correction deleted"](path.read_text()))
    found = base_findings(capsys, repo)
    assert len(found) == 2 and "correction 1 of a published claim was deleted; corrections only grow" in found[1]


def test_a_correction_excuses_a_change_but_not_a_rewritten_record(capsys, repo):
    path = repo / ARTICLE / f"{CLAIM}.yaml"
    text = path.read_text()
    fixed = "    reason: Another source.\n  - date: 2026-11-26\n    change: verdict accurate → mixed\n    reason: Why.\nhistory:"
    with_correction = text.replace("verdict: accurate\n", "verdict: mixed\n", 1)
    with_correction = with_correction.replace("history:", fixed.split("\n", 1)[1], 1)
    path.write_text(with_correction)
    assert base_findings(capsys, repo) == []
    path.write_text(HAND_EDITS["a history entry deleted"](with_correction))
    found = base_findings(capsys, repo)
    assert len(found) == 1 and "history entry 3 of a published claim was deleted; history only grows" in found[0]


# -- every field of the model: --base and the session give the same answer ----------------


def _changed(cls: type, name: str, value: typing.Any) -> typing.Any:
    """Another valid value for field ``name`` of ``cls`` (whose value is ``value``)."""
    if cls is Quantity and name == "text":
        return "About " + value  # still words of the quote
    if isinstance(value, bool):
        return not value
    if isinstance(value, Verdict):
        return Verdict.MIXED if value is not Verdict.MIXED else Verdict.ACCURATE
    if isinstance(value, Stance):
        return Stance.REFUTES if value is not Stance.REFUTES else Stance.CONTEXT
    if isinstance(value, Kind):
        return Kind.ATTRIBUTION if value is not Kind.ATTRIBUTION else Kind.EVENT
    if isinstance(value, dt.datetime):
        return value - dt.timedelta(minutes=1)
    if isinstance(value, dt.date) or (value is None and name in ("published", "archived", "as_of")):
        return dt.date(2015, 1, 2)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value + 1
    if name in ("url", "archive_url", "final_url"):
        return "https://example.org/changed"
    if name == "sha256":
        return "1" * 64
    if name == "path":
        return f"evidence/{'1' * 64}.warc.gz"
    if name == "related":
        return []
    if name == "tags":
        return [*value, "changed"]
    if name == "action":
        return value  # an entry's action is checked with its other fields
    return (value or "") + " changed" if name != "unit" else "changed"


def _walk() -> list[tuple[str, str, typing.Callable[[Claim], Claim]]]:
    """(label, session command, change of the claim) for every field of the claim and its records."""
    out = []
    for field in attrs.fields(Claim):
        if field.name in ("id", "sources", "quantities", "corrections", "history", "status"):
            continue
        out.append((f"claim.{field.name}", field.name, lambda c, n=field.name: attrs.evolve(c, **{n: _changed(Claim, n, getattr(c, n))})))
    out.append(("claim.status", "status", lambda c: attrs.evolve(c, status=Status.IN_REVIEW)))
    for cls, list_name in ((Source, "sources"), (Quantity, "quantities"), (Correction, "corrections"), (HistoryEntry, "history")):
        for field in attrs.fields(cls):
            if field.name in ("action", "snapshots"):
                continue

            def change(c, n=field.name, ln=list_name, k=cls):
                items = list(getattr(c, ln))
                items[0] = attrs.evolve(items[0], **{n: _changed(k, n, getattr(items[0], n))})
                return attrs.evolve(c, **{ln: items})

            out.append((f"{list_name}[0].{field.name}", list_name, change))
        out.append((f"{list_name}: first removed", list_name, lambda c, ln=list_name: attrs.evolve(c, **{ln: list(getattr(c, ln))[1:]})))
    return out + _snapshot_walk()


def _with_snapshots(claim: Claim, change: typing.Callable[[list[Snapshot]], list[Snapshot]]) -> Claim:
    first = claim.sources[0]
    return attrs.evolve(claim, sources=[attrs.evolve(first, snapshots=change(list(first.snapshots))), *claim.sources[1:]])


def _snapshot_walk() -> list[tuple[str, str, typing.Callable[[Claim], Claim]]]:
    """A snapshot of the first source added, each field of its first one changed, the first one removed."""
    out = [("sources[0].snapshots: one added", "snapshot-add", lambda c: _with_snapshots(c, lambda s: [*s, SECOND_SNAPSHOT]))]
    for field in attrs.fields(Snapshot):
        def rewrite(items, n=field.name):
            return [attrs.evolve(items[0], **{n: _changed(Snapshot, n, getattr(items[0], n))}), *items[1:]]

        out.append((f"sources[0].snapshots[0].{field.name}", "snapshots", lambda c, r=rewrite: _with_snapshots(c, r)))
    out.append(("sources[0].snapshots: first removed", "snapshots", lambda c: _with_snapshots(c, lambda s: s[1:])))
    return out


FIRST_SNAPSHOT = Snapshot(f"evidence/{'a' * 64}.warc.gz", "a" * 64, dt.datetime(2026, 12, 5, 1, 0, tzinfo=dt.timezone.utc), 200, FIRST_SOURCE)
SECOND_SNAPSHOT = Snapshot(f"evidence/{'b' * 64}.warc.gz", "b" * 64, dt.datetime(2026, 12, 6, 1, 0, tzinfo=dt.timezone.utc), 404, FIRST_SOURCE)


def _through_session(session: EditSession, before: Claim, after: Claim, command: str) -> str:
    """'refused-correction', 'refused-record', 'refused' or 'ok': the change through the session's commands."""
    cid = before.id
    try:
        if command in ("text", "quote", "claimant", "kind"):
            session.set_fields(cid, {command: str(getattr(after, command).value if command == "kind" else getattr(after, command))})
        elif command == "status":
            session.set_status(cid, after.status, note="n")
        elif command == "verdict":
            session.set_verdict(cid, after.verdict, note="n")
        elif command == "summary":
            session.set_summary(cid, after.summary)
        elif command in ("tags", "related"):
            getattr(session, f"set_{command}")(cid, getattr(after, command))
        elif command == "quantities":
            session.set_quantities(cid, after.quantities)
        elif command == "snapshot-add":
            session.add_snapshot(cid, before.sources[0].url, after.sources[0].snapshots[-1])
        elif command == "snapshots":  # no command rewrites or removes a snapshot: through the one writer
            session._apply(cid, lambda c: attrs.evolve(c, sources=after.sources), "snapshots rewritten")
        elif command == "sources" and len(after.sources) < len(before.sources):
            session.remove_source(cid, before.sources[0].url, note="n")
        elif command == "sources":
            old, new = before.sources[0], after.sources[0]
            changes = {f.name: getattr(new, f.name) for f in attrs.fields(Source) if getattr(new, f.name) != getattr(old, f.name)}
            session._apply(cid, lambda c: with_source_changed(c, before.sources[0].url, session.editor, changes, "n"), "source changed")
        else:  # corrections and history: no command rewrites them; any change goes through the one writer
            session._apply(cid, lambda c: attrs.evolve(c, **{command: getattr(after, command)}), "record rewritten")
    except EditRefused as exc:
        if "correction" in exc.needs:
            return "refused-correction"
        return "refused-record" if "only grows" in exc.message else f"refused: {exc.message}"
    return "ok"


def test_base_and_the_session_agree_on_every_field(capsys, repo, monkeypatch):
    """Each field of a published claim (and of its sources, quantities, corrections and
    history entries), changed by hand and caught or not by ``--base``, and changed
    through the session's commands and refused for a correction or not: the same answer."""
    claim_id = "tajikistan-70-percent-rural"  # published, with sources and a correction
    path = repo / ARTICLE / f"{claim_id}.yaml"
    from factcheck.convert import unstructure
    from factcheck.yaml.render import render_merged
    from factcheck.yaml.roundtrip import load_roundtrip

    quantities = [Quantity(70, "percent", "70 percent"), Quantity(7, "percent", "70 percent", label="a second one")]
    EditSession(ClaimStore.open(repo), "ann").set_quantities(claim_id, quantities)  # no correction needed
    first_url = ClaimStore.open(repo).find(claim_id).claim.sources[0].url
    EditSession(ClaimStore.open(repo), "ann").add_snapshot(claim_id, first_url, attrs.evolve(FIRST_SNAPSHOT, final_url=first_url))  # nor here
    git(repo.parent, "commit", "-q", "-am", "quantities")
    original = path.read_bytes()
    before = ClaimStore.open(repo).find(claim_id).claim
    assert before.status is Status.PUBLISHED and before.quantities and before.corrections and len(before.sources) > 1
    walked = _walk()
    assert {label.split(".")[0].split("[")[0] for label, _, _ in walked} >= {"claim", "sources", "quantities", "corrections", "history"}
    answers = {}
    for label, command, change in walked:
        after = change(before)
        assert after != before, label
        path.write_bytes(original)
        loaded = load_roundtrip(str(path), original)
        path.write_bytes(render_merged(loaded, unstructure(after)))
        by_hand = bool(base_findings(capsys, repo))
        path.write_bytes(original)
        session = EditSession(ClaimStore.open(repo), "someone-else", committed=lambda p: None)
        through = _through_session(session, before, after, command)
        assert not through.startswith("refused:"), (label, through)
        answers[label] = (by_hand, through != "ok")
        assert by_hand == (through != "ok"), (label, by_hand, through)
    # the table as the model declares it
    assert answers["claim.verdict"] == (True, True) and answers["claim.summary"] == (False, False)
    assert answers["sources[0].stance"] == (True, True) and answers["sources[0].title"] == (False, False)
    assert answers["quantities[0].value"] == (False, False) and answers["history[0].by"] == (True, True)
    assert answers["history[0].internal"] == (True, True)  # a note made internal (or public) afterwards is a rewrite
    assert answers["corrections: first removed"] == (True, True)
    assert answers["sources[0].snapshots: one added"] == (False, False)
    assert answers["sources[0].snapshots[0].sha256"] == (True, True) and answers["sources[0].snapshots: first removed"] == (True, True)


def test_the_table_is_read_from_the_model():
    assert workflow.corrected_fields(Claim) == ("text", "quote", "claimant", "kind", "status", "verdict")
    assert workflow.corrected_fields(Source) == ("url", "excerpt", "stance")
    rules = {r.name: r.items for r in workflow.table(Claim) if r.items}
    assert rules == {"quantities": "free", "sources": "corrected", "corrections": "append-only", "history": "append-only"}
    assert {r.name: r.items for r in workflow.table(Source) if r.items} == {"snapshots": "append-only"}


def test_what_is_public_and_first_published():
    assert workflow.is_public(Status.PUBLISHED) and workflow.is_public("published")
    assert not workflow.is_public("in-review") and not workflow.is_public(None)
    history = [{"action": "status", "after": "in-review", "at": "a"}, {"action": "status", "after": "published", "at": "b"},
               {"action": "status", "after": "published", "at": "c"}]
    assert workflow.first_published_at(history) == "b"
    assert workflow.next_status(Status.IN_REVIEW) is Status.PUBLISHED and workflow.next_status(Status.PUBLISHED) is None


def _published() -> Claim:
    return ClaimStore.open_claim(BUILT_IN, CLAIM).find(CLAIM).claim


def test_records_only_grow_at_the_end():
    claim = _published()
    history = claim.history
    appended = attrs.evolve(claim, history=[*history, history[-1]])
    assert workflow.uncorrected(claim, appended) == []
    put_first = attrs.evolve(claim, history=[history[-1], *history])
    found = workflow.uncorrected(claim, put_first)
    assert [f.record for f in found] == [True] and "put before older entries" in found[0].message
    dropped = attrs.evolve(claim, history=history[:2] + history[4:])
    assert [f.message for f in workflow.uncorrected(claim, dropped)] == [
        "history entries 3–4 of a published claim were deleted; history only grows"
    ]
    rewritten = attrs.evolve(claim, history=[attrs.evolve(history[0], note="x"), *history[1:]])
    assert [(f.path, f.record) for f in workflow.uncorrected(claim, rewritten)] == [(("history", 0, "note"), True)]


def test_nothing_is_asked_of_a_claim_that_was_not_published():
    claim = attrs.evolve(_published(), status=Status.IN_REVIEW)
    assert workflow.uncorrected(claim, attrs.evolve(claim, verdict=Verdict.MIXED, history=[])) == []


def test_a_new_correction_excuses_changes_but_not_a_rewritten_record():
    claim = _published()
    fix = Correction(dt.date(2026, 11, 26), "verdict accurate → mixed", "Why.")
    changed = attrs.evolve(claim, verdict=Verdict.MIXED, corrections=[*claim.corrections, fix])
    assert workflow.uncorrected(claim, changed) == []
    swapped = attrs.evolve(claim, verdict=Verdict.MIXED, corrections=[fix, *claim.corrections[1:]])  # the first correction replaced
    assert [f.path for f in workflow.uncorrected(claim, swapped)] == [("corrections", 0, "date"), ("corrections", 0, "change"), ("corrections", 0, "reason")]
