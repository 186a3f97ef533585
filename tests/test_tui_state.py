"""The review screen's state and edit flow as plain Python: no app, no terminal."""

from __future__ import annotations

import subprocess
import sys

import pytest

from factcheck.model import Kind, Status, Verdict
from factcheck.problems import Problem
from factcheck.reading import ClaimRow
from factcheck.session import Need
from factcheck.store import ClaimRecord, EditRefused
from factcheck.tui.state import QUICK_FILTERS, LoadingState, PaletteIndex, QueueState, disk_report, matches_quick, sort_key
from factcheck.tui.summary import COUNTED, summary_bar


def row(claim_id: str, status: str = "new", verdict: str | None = None, **kw) -> ClaimRow:
    fields = dict(
        id=claim_id, status=status, verdict=verdict, kind="event", claimant="The mayor", text=f"{claim_id} text", quote="q",
        summary=None, supports=0, refutes=0, context=0, sources="", tags=(),
    )
    return ClaimRow(**{**fields, **kw})


def record(claim_id: str, status: str = "new", verdict: str | None = None, problems: tuple[str, ...] = (), **kw) -> ClaimRecord:
    found = [Problem(f"/t/{claim_id}.yaml", 1, 1, "x", "broken", severity) for severity in problems]
    return ClaimRecord(f"/t/{claim_id}.yaml", None, row(claim_id, status, verdict, **kw), found)


def unreadable(name: str) -> ClaimRecord:
    return ClaimRecord(f"/t/{name}.yaml", None, None, [Problem(f"/t/{name}.yaml", 1, 1, "yaml-syntax", "bad", "error")])


@pytest.fixture
def state() -> QueueState:
    state = QueueState("ann")
    state.replace([
        record("b-published", "published", "accurate", supports=1),
        record("a-new", "new", assignee="ann", tags=("budget",)),
        record("c-review", "in-review", "mixed", problems=("warning",), assignee="bo", tags=("roads", "budget")),
        unreadable("d-broken"),
    ])
    return state


def ids(records: list[ClaimRecord]) -> list[str]:
    return [r.id for r in records]


# -- the queue: filters, sort, counts ---------------------------------------------------------


def test_counts_per_status_problems_and_warnings(state):
    assert state.counts == {"published": 1, "new": 1, "in-review": 1, "unreadable": 1}
    assert (state.problem_count, state.warning_count) == (1, 1)


def test_records_are_kept_in_path_order_and_shown_by_id(state):
    assert ids(state.records) == ["a-new", "b-published", "c-review", "d-broken"]
    assert ids(state.apply()) == ["a-new", "b-published", "c-review", "d-broken"] == ids(state.shown)


@pytest.mark.parametrize(
    ("quick", "expected"),
    [
        ("all", ["a-new", "b-published", "c-review", "d-broken"]),
        ("mine", ["a-new"]),
        ("unassigned", ["b-published"]),
        ("open", ["a-new", "c-review"]),
        ("status:in-review", ["c-review"]),
        ("verdict:none", ["a-new"]),
        ("verdict:accurate", ["b-published"]),
        ("problems", ["c-review", "d-broken"]),
        ("no-sources", ["a-new", "c-review"]),
        ("kind:event", ["a-new", "b-published", "c-review"]),
    ],
)
def test_quick_filters(state, quick, expected):
    state.quick = quick
    assert ids(state.apply()) == expected
    assert state.filters() == ([] if quick == "all" else [quick])


def test_quick_filters_offer_every_word_of_the_model():
    offered = {value for value, _ in QUICK_FILTERS}
    assert {f"status:{s}" for s in Status.words()} <= offered
    assert {f"verdict:{v}" for v in Verdict.words()} <= offered
    assert {f"kind:{k}" for k in Kind.words()} <= offered


def test_every_word_typed_must_be_found_in_the_search_text(state):
    state.query = "BUDGET roads"
    assert ids(state.apply()) == ["c-review"]
    state.query = "budget"
    assert ids(state.apply()) == ["a-new", "c-review"]
    state.query = "d-broken"  # a file that is not a claim is found by its name
    assert ids(state.apply()) == ["d-broken"]
    assert state.filters() == ['"d-broken"']


def test_sort_by_status_follows_the_workflow_and_a_second_click_reverses(state):
    state.sort_by("status")
    assert ids(state.apply()) == ["a-new", "c-review", "b-published", "d-broken"]
    state.sort_by("status")
    assert state.reverse and ids(state.apply()) == ["d-broken", "b-published", "c-review", "a-new"]
    state.sort_by("verdict")
    assert not state.reverse and ids(state.apply()) == ["b-published", "c-review", "a-new", "d-broken"]


def test_sort_key_orders_statuses_as_the_model_lists_them():
    records = [record(f"x{i}", status) for i, status in enumerate(reversed(Status.words()))]
    assert [r.row.status for r in sorted(records, key=sort_key("status"))] == Status.words()


def test_next_sort_cycles_through_the_columns_on_screen(state):
    assert state.next_sort(["problems", "id", "status"]) == "status"
    assert state.next_sort(["problems", "id", "status"]) == "problems"
    state.sort_column = "claimant"  # not on a narrow screen: it still leads to the next one
    assert state.next_sort(["id", "status"]) == "id"


def test_an_edit_changes_the_counts_the_order_and_the_search_text(state):
    state.sort_by("status")
    state.apply()
    edited = state.records[0]
    edited.row = edited.row._replace(status="published", text="now about tunnels")
    state.edited(edited)
    assert state.counts["published"] == 2 and state.counts["new"] == 0
    assert ids(state.apply())[:2] == ["c-review", "a-new"]
    state.query = "tunnels"
    assert ids(state.apply()) == ["a-new"]


def test_search_texts_made_elsewhere_are_kept_only_for_records_still_current(state):
    first, second = state.records[:2]
    stale = second.row
    second.row = stale._replace(text="edited meanwhile")
    state.indexed([(first, first.row, "made in the thread"), (second, stale, "stale")], lambda r: True)
    assert state.made_text(first) == "made in the thread"
    assert state.made_text(second) is None  # its row changed since: made again when needed
    assert "edited meanwhile" in state.text(second)


def test_marks_and_what_the_dialogs_offer(state):
    state.marked |= {state.records[0].path, state.records[2].path}
    assert ids(state.marked_records()) == ["a-new", "c-review"]
    assert state.known_assignees() == ["ann", "bo"]
    assert state.known_tags() == ["budget", "roads"]


def test_palette_ranks_id_prefix_then_id_then_text():
    index = PaletteIndex([record("roads-budget"), record("budget-roads"), record("other", text="the budget of roads")])
    words = ["budget"]
    found = index.matching(words, 0, 10)
    assert [index.records[i].id for i in index.ranked(words, found)] == ["budget-roads", "roads-budget", "other"]
    assert index.matching(["budget", "nothing"], 0, 10) == []


def test_palette_index_is_made_again_after_a_change(state):
    first = state.palette()
    assert state.palette() is first
    state.edited(state.records[0])
    assert state.palette() is not first


def test_summary_bar_counts_every_status_of_the_model_once(state):
    assert set(COUNTED) | {"published"} == set(Status.words()) and len(COUNTED) == len(Status) - 1
    state.marked.add(state.records[0].path)
    state.quick = "open"
    state.apply()
    assert summary_bar(state).plain == (
        "editing as ann  ·  showing 2 (open)  ·  1 marked (s, @, t act on all; esc unmarks)  ·  1 of 4 published  ·  1 with problems"
        "  ·  1 with warnings  ·  1 in-review  ·  1 new"
    )


def test_matches_quick_on_an_unreadable_file():
    broken = unreadable("x")
    assert matches_quick(broken, "problems") and not matches_quick(broken, "open") and not matches_quick(broken, "mine", "ann")


def test_loading_hands_over_rows_in_batches():
    loading = LoadingState()
    assert loading.arrived([1, 2, 3]) is True and loading.arrived([4]) is False
    loading.progress(4, 10)
    assert loading.take(2) == ([1, 2], 4, 10)
    assert loading.take(None) == ([3, 4], 4, 10)
    loading.arrived([5])
    loading.finished()
    assert loading.take(None) == ([], 4, 10)


def test_disk_report_names_a_few_of_each():
    assert disk_report(["a"], [], ["b", "c", "d", "e"]) == "added: a; reloaded: b, c, d and 1 more"


def test_state_imports_no_textual():
    code = "import sys, factcheck.tui.state; print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- the one edit flow, with a stand-in for the app ----------------------------------------------


class FakeApp:
    def __init__(self) -> None:
        self.current = None
        self.notified: list[str] = []
        self.screens: list = []
        self.refreshed: list = []

    def notify(self, message, **kw) -> None:
        self.notified.append(message)

    def push_screen(self, screen, callback=None) -> None:
        self.screens.append((screen, callback))

    def refresh_current(self, record) -> None:
        self.refreshed.append(record)

    def apply_view(self) -> None:
        pass


@pytest.fixture
def flow():
    from factcheck.tui.flow import EditFlow

    return EditFlow(FakeApp())  # type: ignore[arg-type]


def prompt(need: Need):
    from factcheck.tui.flow import Prompt

    return Prompt(("c", need.what), f"asked: {need.reason}", "help")


def test_flow_refuses_what_must_come_first_without_asking(flow):
    from factcheck.tui.flow import Change

    acted = []
    flow.change(Change([Need("verdict", "a published claim needs a verdict"), Need("note", "n")], lambda *a: acted.append(a), "done", prompt, "Cannot: "))
    assert acted == [] and flow.app.screens == []
    assert flow.app.notified == ["Cannot: a published claim needs a verdict (press v to set a verdict)"]


def test_flow_acts_at_once_when_nothing_is_asked(flow):
    from factcheck.tui.flow import Change

    acted = []
    flow.change(Change([], lambda *a: acted.append(a), "c: done", prompt))
    assert acted == [(None, None)] and flow.app.screens == [] and flow.app.notified == ["c: done"]


def test_flow_asks_for_a_correction_and_gives_it_as_the_note_too(flow):
    from factcheck.tui.flow import Change

    acted = []
    flow.change(Change([Need("correction", "why it changes"), Need("note", "n")], lambda *a: acted.append(a), "c: done", prompt))
    screen, _ = flow.app.screens[0]
    assert screen.title_text == "asked: why it changes"
    assert screen.submit("   ") == "Write a reason first (esc cancels)" and acted == []
    assert screen.submit(" Wrong figure ") is None
    assert acted == [("Wrong figure", "Wrong figure")] and flow.app.notified == ["c: done, correction recorded"]


def test_flow_keeps_the_dialog_open_with_the_reason_when_the_session_refuses(flow):
    from factcheck.tui.flow import Change

    def act(note, correction):
        raise EditRefused("x.yaml changed on disk since it was loaded", needs=("note",))

    flow.change(Change([Need("note", "say why")], act, "done", prompt))
    screen, _ = flow.app.screens[0]
    assert screen.submit("because") == "x.yaml changed on disk since it was loaded (say why in the note)"
    assert flow.app.notified == []


def test_flow_for_marked_claims_asks_once_and_reports_each_refusal(flow):
    from factcheck.tui.flow import Change, Prompt

    acted = []
    records = [record("a"), record("b"), record("c")]

    def change_of(r: ClaimRecord) -> Change | str:
        if r.id == "c":
            return "does not validate"
        found = [Need("note", "why")] + ([Need("in-review", "b must pass through in-review first")] if r.id == "b" else [])
        return Change(found, lambda note, correction, r=r: acted.append((r.id, note, correction)), "")

    flow.change_many("status x", records, change_of, lambda asked: Prompt(("bulk",), f"{len(asked)} asked", ""))
    screen, _ = flow.app.screens[0]
    assert screen.title_text == "1 asked"
    assert screen.submit("Reviewed") is None
    assert acted == [("a", "Reviewed", None)]
    assert flow.app.notified == [
        "status x: 1 of 3 claims changed; refused: b: b must pass through in-review first (press s to move it to in-review); c: does not validate"
    ]


def test_a_text_closed_unsaved_is_offered_back_on_its_own(flow):
    from factcheck.tui.flow import Prompt

    flow.edit_text(Prompt(("c", "note"), "Note", "help"), "", lambda text: None)
    screen, closed = flow.app.screens[0]
    assert not screen.offered
    screen.query_one = lambda *a: type("Area", (), {"text": "Called the mayor"})()
    closed(None)
    assert flow.drafts == {("c", "note"): "Called the mayor"}
    flow.edit_text(Prompt(("c", "note"), "Note", "help"), "", lambda text: None)
    again, _ = flow.app.screens[1]
    assert again.initial == "Called the mayor" and again.offered  # selected: what is typed replaces it
    assert again.help_text == "Your unsaved text from before, selected: ctrl+s saves it, typing replaces it."
    flow.edit_text(Prompt(("c", "summary"), "Summary", "help"), "Their summary", lambda text: None)
    assert not flow.app.screens[2][0].offered  # a text being edited is not replaced by a key


def test_related_ids_are_checked_in_the_rules_words():
    from factcheck.tui.actions import related_problem

    me = record("bridges-repaired")
    known = {"bridges-closed": [], "support-rose": []}
    assert related_problem(me, known, "support-rose") is None
    assert related_problem(me, known, "support-rose, bridges-repaired") == "a claim cannot be related to itself"
    assert related_problem(me, known, "bridges-close") == "related claim 'bridges-close' does not exist (did you mean 'bridges-closed'?)"
