"""Review by a second person: the session, the writer, the command line, validate and its policy.

A claim is published straight from ``in-review`` by an editor other than the one who
moved it there (``factcheck.rules.review_round``); ``needs`` and ``concluded`` refuse
anything else, undo included, and ``validate`` reports a published claim whose
publication broke the rule: an error from ``[review] second_person_since`` on, a
warning before it. The core rule itself is tested in test_session.py.
"""

from __future__ import annotations

import datetime as dt
import json

import attrs
import pytest
from builders import other_yaml, reviewed, sent_to_review
from conftest import CLAIM_YAML, OTHER_YAML, SENT_TO_REVIEW, make_tree

from factcheck.cli import main
from factcheck.model import Action, Claim, HistoryEntry, Status, Verdict
from factcheck.rules import review_round
from factcheck.session import EditSession
from factcheck.store import ClaimStore, EditRefused

#: support-rose sent to review by ann, with a verdict and summary: another editor may publish it.
READY = other_yaml(status=Status.IN_REVIEW, verdict=Verdict.ACCURATE, summary="The survey shows it.", then=sent_to_review())
#: support-rose sent to review by ann and published by bo.
PUBLISHED = other_yaml(status=Status.PUBLISHED, verdict=Verdict.ACCURATE, summary="The survey shows it.", then=reviewed())


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


# -- the session (the review screen's actions) and the writer --------------------------------


def test_session_refuses_the_same_editor_and_writes_nothing(tmp_path):
    tree = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": READY})
    path = tree / "test-article" / "support-rose.yaml"
    store = ClaimStore.open(tree)
    before = path.read_bytes()
    with pytest.raises(EditRefused, match="moved to in-review by ann; a second editor must publish it"):
        EditSession(store, "ann").set_status("support-rose", Status.PUBLISHED, note="Reviewed.")
    assert path.read_bytes() == before
    EditSession(store, "bo").set_status("support-rose", Status.PUBLISHED, note="Reviewed.")
    assert "status: published\n" in path.read_text() and store.find("support-rose").problems == []


def test_undo_is_no_back_door_into_published(tmp_path):
    tree = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": PUBLISHED})
    path = tree / "test-article" / "support-rose.yaml"
    store = ClaimStore.open(tree)
    carl = EditSession(store, "carl", committed=lambda _: None)
    carl.set_status("support-rose", Status.IN_REVIEW, correction="The 2017 figure is disputed.")
    # meanwhile dee sends it back to research (another process, so not in carl's undo stack)
    EditSession(store, "dee").set_status("support-rose", Status.RESEARCHING, note="Needs the 2017 poll.")
    before = path.read_bytes()
    with pytest.raises(EditRefused, match="cannot undo into 'published': support-rose must pass through in-review first"):
        carl.undo()
    assert path.read_bytes() == before


def test_undo_of_an_unpublication_brings_back_the_reviewed_publication(tmp_path):
    tree = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": PUBLISHED})
    store = ClaimStore.open(tree)
    ann = EditSession(store, "ann", committed=lambda _: None)  # ann sent it to review; bo published it
    ann.set_status("support-rose", Status.IN_REVIEW, correction="The 2017 figure is disputed.")
    record, _ = ann.undo()
    assert record.claim.status is Status.PUBLISHED and record.problems == []
    assert record.claim.history[-1].action is Action.UNDO
    assert review_round(record.claim.history).published_at == 3  # bo's publication, not the undo


def test_the_writer_refuses_a_self_publication_made_around_the_core(tmp_path):
    tree = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": READY})
    path = tree / "test-article" / "support-rose.yaml"
    store = ClaimStore.open(tree)
    before = path.read_bytes()

    def by_hand(claim: Claim) -> Claim:
        entry = HistoryEntry(
            at=dt.datetime.now(dt.timezone.utc).replace(microsecond=0), by="ann", action=Action.STATUS, field="status", before="in-review", after="published"
        )
        return attrs.evolve(claim, status=Status.PUBLISHED, history=[*claim.history, entry])

    with pytest.raises(EditRefused, match="who also moved it to in-review"):
        store.edit("support-rose", by_hand)
    assert path.read_bytes() == before


# -- the command line -------------------------------------------------------------------


def test_set_status_published_by_the_sender_is_refused_byte_for_byte(capsys, tmp_path, monkeypatch):
    tree = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": READY})
    path = tree / "test-article" / "support-rose.yaml"
    before = path.read_bytes()
    code, out, err = run(capsys, "set-status", "--root", tree, "support-rose", "published", "--note", "Reviewed.", "--editor", "ann")
    how = (
        "the other editor runs factcheck set-status support-rose published --note TEXT with --editor THEIR-HANDLE"
        " or FACTCHECK_EDITOR=THEIR-HANDLE, or presses P in their own review screen"
    )
    assert (code, out, err) == (1, "", f"factcheck: refused: support-rose was moved to in-review by ann; a second editor must publish it ({how})\n")
    assert path.read_bytes() == before
    monkeypatch.setenv("FACTCHECK_EDITOR", "ann")  # the editor from the environment is the same one
    code, out, err = run(capsys, "set-status", "--root", tree, "support-rose", "published", "--note", "Reviewed.")
    assert code == 1 and out == "" and "moved to in-review by ann" in err and path.read_bytes() == before
    code, out, _ = run(capsys, "set-status", "--root", tree, "support-rose", "published", "--note", "Reviewed.", "--editor", "bo")
    assert code == 0, out
    assert "    by: bo\n    action: status\n    field: status\n    before: in-review\n    after: published\n" in path.read_text()
    assert run(capsys, "validate", tree)[0] == 0


def test_set_status_published_without_review_names_the_command_that_fixes_it(capsys, tmp_path):
    ready = OTHER_YAML.replace("verdict: null\nsummary: null\n", "verdict: accurate\nsummary: The survey shows it.\n")
    tree = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": ready})
    path = tree / "test-article" / "support-rose.yaml"
    before = path.read_bytes()
    code, out, err = run(capsys, "set-status", "--root", tree, "support-rose", "published", "--note", "Reviewed.", "--editor", "bo")
    assert code == 1 and out == "" and path.read_bytes() == before
    assert err == ("factcheck: refused: support-rose must pass through in-review first; a second editor then publishes it"
                   " (factcheck set-status support-rose in-review)\n")


# -- validate and the policy --------------------------------------------------------------

SELF_PUBLISHED = (
    OTHER_YAML.replace("status: researching\nverdict: null\nsummary: null\n", "status: published\nverdict: accurate\nsummary: The survey shows it.\n")
    + SENT_TO_REVIEW
    + """\
  - at: 2024-04-03T10:00:00Z
    by: ann
    action: status
    field: status
    before: in-review
    after: published
"""
)
NEVER_REVIEWED = (
    OTHER_YAML.replace("status: researching\nverdict: null\nsummary: null\n", "status: published\nverdict: accurate\nsummary: The survey shows it.\n")
    + """\
  - at: 2024-04-03T10:00:00Z
    by: bo
    action: status
    field: status
    before: researching
    after: published
"""
)


def policy(tmp_path, since: str) -> None:
    (tmp_path / "factcheck.toml").write_text(f'organization = "Example"\n\n[review]\nsecond_person_since = {since}\n', encoding="utf-8")


def test_validate_without_config_reports_every_broken_publication_as_an_error(capsys, tmp_path):
    tree = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML.replace("related:\n  - support-rose\n", "related: []\n"), "support-rose": SELF_PUBLISHED})
    code, out, _ = run(capsys, "validate", "--format", "parsable", tree)
    path = tree / "test-article" / "support-rose.yaml"
    line = len(path.read_text().splitlines()) - 4  # the by of the last entry, the publication
    assert path.read_text().splitlines()[line - 1] == "    by: ann" and line == 40
    assert (code, out) == (1, f"{path}:{line}:9: error [self-published] published by ann at 2024-04-03T10:00:00Z, "
                              "who also moved it to in-review; a second editor must publish it\n")
    path.write_text(NEVER_REVIEWED)
    code, out, _ = run(capsys, "validate", "--format", "parsable", tree)
    assert (code, out) == (1, f"{path}:33:9: error [not-reviewed] published by bo at 2024-04-03T10:00:00Z without passing through in-review first\n")
    path.write_text(PUBLISHED)
    assert run(capsys, "validate", tree) == (0, "2 claim files checked, no problems\n", "")


def test_publications_before_the_policy_are_warnings_after_it_errors(capsys, tmp_path):
    tree = make_tree(tmp_path, {"support-rose": SELF_PUBLISHED})
    policy(tmp_path, "2024-04-03T10:00:01Z")  # one second after the publication
    code, out, _ = run(capsys, "validate", "--format", "parsable", tree)
    assert code == 0 and out.endswith(
        ":40:9: warning [self-published-before-policy] published by ann at 2024-04-03T10:00:00Z, who also moved it to "
        "in-review; a second editor must publish it (before the second-person rule took effect at 2024-04-03T10:00:01Z)\n")
    assert run(capsys, "validate", "--strict", tree)[0] == 1
    policy(tmp_path, "2024-04-03T10:00:00Z")  # at the instant of the publication: the rule holds
    code, out, _ = run(capsys, "validate", "--format", "parsable", tree)
    assert code == 1 and ":40:9: error [self-published] " in out
    policy(tmp_path, '"2024-04-03T12:00:00+02:00"')  # a text with an offset: 10:00Z
    assert ":40:9: error [self-published] " in run(capsys, "validate", "--format", "parsable", tree)[1]


def test_a_changed_policy_is_never_hidden_by_the_cache(capsys, tmp_path):
    tree = make_tree(tmp_path, {"support-rose": NEVER_REVIEWED})
    policy(tmp_path, "2025-01-01T00:00:00Z")
    code, out, _ = run(capsys, "validate", "--format", "json", tree)
    assert code == 0 and [p["code"] for p in json.loads(out)] == ["not-reviewed-before-policy"]
    code, out, _ = run(capsys, "validate", "--format", "json", tree)  # from the cache
    assert code == 0 and [p["code"] for p in json.loads(out)] == ["not-reviewed-before-policy"]
    policy(tmp_path, "2020-01-01T00:00:00Z")
    code, out, _ = run(capsys, "validate", "--format", "json", tree)
    assert code == 1 and [p["code"] for p in json.loads(out)] == ["not-reviewed"]
    (tmp_path / "factcheck.toml").unlink()
    code, out, _ = run(capsys, "validate", "--format", "json", tree)
    assert code == 1 and [p["code"] for p in json.loads(out)] == ["not-reviewed"]


def test_a_bad_policy_is_a_config_problem_and_the_rule_still_holds(capsys, tmp_path):
    tree = make_tree(tmp_path, {"support-rose": NEVER_REVIEWED})
    policy(tmp_path, "2024-04-03")
    code, out, _ = run(capsys, "validate", "--format", "parsable", tree)
    assert code == 1
    assert f"{tmp_path / 'factcheck.toml'}:4:1: error [config] review.second_person_since must be a timestamp with its offset" in out
    assert "error [not-reviewed]" in out
    (tmp_path / "factcheck.toml").write_text("[review]\nsecond_person_snce = 2024-04-03T00:00:00Z\n")
    out = run(capsys, "validate", "--format", "parsable", tree)[1]
    assert ":2:1: error [config] unknown key 'second_person_snce' in [review] (did you mean 'second_person_since'?)" in out


def test_the_policy_can_live_in_pyproject_and_the_site_build_ignores_it(capsys, tmp_path):
    tree = make_tree(tmp_path, {"support-rose": NEVER_REVIEWED})
    (tmp_path / "pyproject.toml").write_text(
        '[tool.factcheck]\norganization = "Example"\n\n[tool.factcheck.review]\nsecond_person_since = 2025-01-01T00:00:00Z\n'
    )
    code, out, _ = run(capsys, "validate", "--format", "parsable", tree)
    assert code == 0 and "warning [not-reviewed-before-policy]" in out
    code, out, err = run(capsys, "build", tree, "--out", tmp_path / "site", "--base-url", "https://example.org/")
    assert code == 0 and "config" not in err


# -- the review screen --------------------------------------------------------------------


async def test_the_screen_refuses_a_publication_by_the_sender_and_changes_nothing(tmp_path):
    from tui_pilot import SIZE, choose, notifications, started

    from factcheck.tui.app import FactcheckApp
    from factcheck.tui.screens import TextScreen

    tree = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": READY})
    path = tree / "test-article" / "support-rose.yaml"
    before = path.read_bytes()
    app = FactcheckApp(str(tree), "ann")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("down", "s")
        await choose(pilot, "published")
        assert not isinstance(app.screen, TextScreen)  # refused before any note is asked for
        assert notifications(app)[-1] == (
            "Cannot move support-rose to published yet: support-rose was moved to in-review by ann; a second editor must publish it"
            " (the other editor presses P in their own review screen, or opens it with factcheck --editor THEIR-HANDLE)"
        )
        await pilot.press("right_square_bracket")  # the next status along the workflow: the same answer
        await pilot.pause()
        assert not isinstance(app.screen, TextScreen) and "moved to in-review by ann" in notifications(app)[-1]
        assert app.current.claim.status is Status.IN_REVIEW
        assert "in-review" in app.query_one("#detail").plain
    assert path.read_bytes() == before


async def test_a_review_note_refused_by_the_rule_is_kept_with_the_key_that_fixes_it(tmp_path):
    from tui_pilot import SIZE, choose, shown_text, started

    from factcheck.tui.app import FactcheckApp
    from factcheck.tui.screens import TextScreen

    tree = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": READY})
    path = tree / "test-article" / "support-rose.yaml"
    app = FactcheckApp(str(tree), "bo")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        app._watcher.stop()  # the change below reaches the screen through the writer's own guard
        await pilot.pause(0.2)
        await pilot.press("down", "s")
        await choose(pilot, "published")
        assert isinstance(app.screen, TextScreen)
        await pilot.press(*"The survey holds")
        # meanwhile a colleague sends it back to research
        theirs = path.read_text().replace("status: in-review\n", "status: researching\n") + (
            "  - at: 2024-04-03T11:00:00Z\n    by: carl\n    action: status\n    field: status\n"
            "    before: in-review\n    after: researching\n    note: The 2017 figure needs its own source.\n")
        path.write_text(theirs)
        await pilot.press("ctrl+s")  # refused: changed on disk, reloaded
        await pilot.pause()
        await pilot.press("ctrl+s")  # refused by the rule, on the claim as it is now
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TextScreen) and screen.typed == "The survey holds"
        error = shown_text(screen, "#text-error")
        assert "support-rose must pass through in-review first" in error and "press s to move it to in-review" in error
    assert path.read_text() == theirs


async def test_a_bulk_publication_publishes_what_the_rule_allows_and_names_each_refusal(tmp_path):
    from tui_pilot import SIZE, choose, notifications, started

    from factcheck.tui.app import FactcheckApp
    from factcheck.tui.screens import TextScreen

    mine = READY.replace("id: support-rose", "id: support-rose-2").replace(
        "    by: ann\n    action: status\n    field: status\n    before: researching\n    after: in-review",
        "    by: bo\n    action: status\n    field: status\n    before: researching\n    after: in-review",
    )
    tree = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": READY, "support-rose-2": mine})
    app = FactcheckApp(str(tree), "bo")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("down", "space", "down", "space")
        await pilot.press("s")
        await choose(pilot, "published")
        assert isinstance(app.screen, TextScreen)  # one note, for the claims that can take it
        await pilot.press(*"Reviewed", "ctrl+s")
        await pilot.pause()
        message = notifications(app)[-1]
        assert "1 of 2 claims changed" in message
        assert "refused: support-rose-2: support-rose-2 was moved to in-review by bo; a second editor must publish it" in message
    assert "status: published\n" in (tree / "test-article" / "support-rose.yaml").read_text()
    assert "status: in-review\n" in (tree / "test-article" / "support-rose-2.yaml").read_text()


async def test_a_second_editor_publishes_from_the_screen_with_p(tmp_path):
    """P, in the palette and the help, publishes through the one status change: the review note asked, bo signs it."""
    from tui_pilot import SIZE, started

    from factcheck.tui.app import FactcheckApp
    from factcheck.tui.screens import HelpScreen, TextScreen

    tree = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": READY})
    path = tree / "test-article" / "support-rose.yaml"
    app = FactcheckApp(str(tree), "bo")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        assert ("Publish", "key: P") in [(c.title, c.help) for c in app.get_system_commands(app.screen)]
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen) and ("P", "Publish") in list(app.screen.keys)
        await pilot.press("escape", "down")
        assert "Sent to review by ann: press P to publish it" in app.query_one("#detail").plain
        await pilot.press("P")
        await pilot.pause()
        assert isinstance(app.screen, TextScreen)  # the review note
        await pilot.press(*"Reviewed against the survey.", "ctrl+s")
        await pilot.pause()
    text = path.read_text()
    assert "status: published\n" in text
    entry = "    by: bo\n    action: status\n    field: status\n    before: in-review\n    after: published\n    note: Reviewed against the survey.\n"
    assert text.endswith(entry)


async def test_the_sender_is_told_how_another_editor_publishes(tmp_path):
    from tui_pilot import SIZE, notifications, started

    from factcheck.tui.app import FactcheckApp
    from factcheck.tui.screens import TextScreen

    tree = make_tree(tmp_path, {"bridges-repaired": CLAIM_YAML, "support-rose": READY})
    path = tree / "test-article" / "support-rose.yaml"
    before = path.read_bytes()
    app = FactcheckApp(str(tree), "ann")
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("down")
        assert "Sent to review by ann: another editor publishes it" in app.query_one("#detail").plain
        await pilot.press("P")
        await pilot.pause()
        assert not isinstance(app.screen, TextScreen)
        assert "the other editor presses P in their own review screen, or opens it with factcheck --editor THEIR-HANDLE" in notifications(app)[-1]
    assert path.read_bytes() == before
