"""A source's snapshots: the model's checks, both readers, the writer, the schema, show and export."""

from __future__ import annotations

import datetime as dt
import json

import attrs
import pytest
from conftest import OTHER_YAML, make_tree

from factcheck.cli import main
from factcheck.convert import structure, unstructure
from factcheck.fastcheck import struct_for
from factcheck.forms import change_options, form_fields
from factcheck.model import Claim, Snapshot, Source
from factcheck.schema import json_schema
from factcheck.session import EditSession
from factcheck.store import ClaimStore, EditRefused

SHA = "0123456789abcdef" * 4
SNAPSHOT_YAML = f"""\
    snapshots:
      - path: evidence/{SHA}.warc.gz
        sha256: {SHA}
        captured: 2026-12-05T00:40:00Z
        status: 200
        final_url: https://example.org/survey/2021
"""
URL = "https://example.org/survey"


def with_snapshot_yaml(text: str = SNAPSHOT_YAML) -> str:
    return OTHER_YAML.replace("    stance: supports\n", "    stance: supports\n" + text, 1)


def snapshot(**changes) -> Snapshot:
    values = dict(path=f"evidence/{SHA}.warc.gz", sha256=SHA, captured=dt.datetime(2026, 12, 5, 0, 40, tzinfo=dt.timezone.utc),
                  status=200, final_url="https://example.org/survey/2021")
    return Snapshot(**{**values, **changes})


@pytest.mark.parametrize("path", [
    f"/evidence/{SHA}.warc.gz", f"../evidence/{SHA}.warc.gz", f"evidence/../{SHA}.warc.gz", f"evidence/./{SHA}.warc.gz",
    f"evidence\\{SHA}.warc.gz", f"evidence//{SHA}.warc.gz", f"evidence/{SHA}.warc", "evidence/x.warc.gz", f"evidence/{SHA.upper()}.warc.gz",
    f".evidence/{SHA}.warc.gz", f"evidence/{SHA}.warc.gz\n", "",
])
def test_a_path_is_a_plain_relative_name_of_a_warc_file(path):
    with pytest.raises(ValueError, match="is not a snapshot file"):
        snapshot(path=path)


def test_the_sha256_and_status_are_checked():
    assert snapshot(path=f"a/b-c/{SHA}.warc.gz").path.startswith("a/")
    for bad in (SHA.upper(), SHA[:-1], SHA + "0", "g" * 64):
        with pytest.raises(ValueError, match="is not a sha256"):
            snapshot(sha256=bad)
    for bad in (99, 600, -1):
        with pytest.raises(ValueError, match="is not an HTTP status"):
            snapshot(status=bad)
    with pytest.raises(ValueError, match="http or https"):
        snapshot(final_url="file:///etc/passwd")


def test_a_claim_with_a_snapshot_validates_and_round_trips(tmp_path, capsys):
    root = make_tree(tmp_path, {"support-rose": with_snapshot_yaml()})
    assert main(["validate", "--no-cache", str(root)]) == 1  # the model takes it; its file is not there (test_archive)
    out = capsys.readouterr().out
    assert "[snapshot-missing]" in out and out.endswith("1 problem in 1 file (1 claim files checked)\n"), out
    assert main(["fmt", "--check", str(root)]) == 0
    claim = ClaimStore.open(root).find("support-rose").claim
    assert claim.sources[0].snapshots == [snapshot()]
    data = unstructure(claim)
    assert data["sources"][0]["snapshots"][0]["status"] == 200
    assert structure(data, Claim) == (claim, [])
    assert "snapshots" not in unstructure(attrs.evolve(claim.sources[0], snapshots=[]))  # omitted when empty


@pytest.mark.parametrize(("value", "at", "message"), [
    ("status: '200'", "5:17", "expected a whole number, got a string"),
    ("status: true", "5:17", "expected a whole number, got a boolean"),
    ("status: 700", "5:17", "status 700 is not an HTTP status"),
    ("sha256: abc", "3:17", "sha256 'abc' is not a sha256"),
    (f"path: ../{SHA}.warc.gz", "2:15", "is not a snapshot file"),
])
def test_bad_values_are_reported_at_their_place_by_both_readers(tmp_path, capsys, value, at, message):
    key = value.split(":")[0]
    lines = [line if not line.strip().lstrip("- ").startswith(key + ":") else line.split(key)[0] + value for line in SNAPSHOT_YAML.splitlines()]
    root = make_tree(tmp_path, {"support-rose": with_snapshot_yaml("\n".join(lines) + "\n")})
    first_line = 19  # "    snapshots:" is line 19 of the file
    row, col = at.split(":")
    for extra in ([], ["--no-cache"]):
        assert main(["validate", "--format", "parsable", *extra, str(root)]) == 1
        out = capsys.readouterr().out
        assert f"support-rose.yaml:{first_line + int(row) - 1}:{col}: error" in out and message in out, out


def test_the_writer_adds_a_snapshot_with_a_history_entry_and_keeps_the_rest(tmp_path):
    root = make_tree(tmp_path)
    path = root / "test-article" / "support-rose.yaml"
    before = path.read_text()
    EditSession(ClaimStore.open(root), "ann").add_snapshot("support-rose", URL, snapshot())
    after = path.read_text()
    assert after.startswith(before.split("    stance: supports\n")[0])
    assert "    stance: supports\n" + SNAPSHOT_YAML.replace("2026-12-05T00:40:00Z", "2026-12-05T00:40:00Z") in after
    entry = ClaimStore.open(root).find("support-rose").claim.history[-1]
    assert (entry.field, entry.after, entry.by) == ("sources[0].snapshots", f"evidence/{SHA}.warc.gz", "ann")
    assert "HTTP 200 from https://example.org/survey/2021" in (entry.note or "")
    with pytest.raises(EditRefused, match="has no source"):
        EditSession(ClaimStore.open(root), "ann").add_snapshot("support-rose", "https://example.org/other", snapshot())


def test_surfaces_cope(tmp_path, capsys):
    root = make_tree(tmp_path, {"support-rose": with_snapshot_yaml()})
    assert "snapshots" not in [f.name for f in form_fields(Source)]
    assert "snapshots" not in [o.name for o in change_options(Source, "url")]
    main(["show", "--root", str(root), "support-rose"])
    out = capsys.readouterr().out
    assert f"     Snapshot: 2026-12-05 00:40 UTC, HTTP 200, https://example.org/survey/2021, evidence/{SHA}.warc.gz\n" in out
    main(["export", "--root", str(root)])
    exported = json.loads(capsys.readouterr().out)
    assert exported[-1]["sources"][0]["snapshots"][0]["sha256"] == SHA
    schema = json_schema()["$defs"]
    assert schema["Source"]["properties"]["snapshots"]["items"] == {"$ref": "#/$defs/Snapshot"}
    assert schema["Snapshot"]["required"] == ["path", "sha256", "captured", "status", "final_url"]
    assert schema["Snapshot"]["properties"]["status"] == {"type": "integer", "minimum": 100, "maximum": 599}
    assert "snapshots" in struct_for(Source).__struct_fields__
