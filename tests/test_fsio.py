"""Reading a file safely, and replacing it only when it is still the file that was read."""

from __future__ import annotations

import os
import time

import pytest

from factcheck import fsio


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs Linux's /proc")
def test_a_file_whose_size_says_nothing_is_read_whole():
    """One read of its size and a byte more sees a claim file's end; a regular file whose
    size says nothing (0, as in /proc) is read on to its end all the same."""
    raw, signature = fsio.read_file("/proc/self/status")
    assert signature.size == 0 and raw.startswith(b"Name:") and raw.endswith(b"\n") and len(raw) > 100


def test_a_file_changed_between_read_and_replace_is_kept(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("a: 1\n")
    seen = fsio.read_seen(str(path))
    path.write_text("a: 1\n# someone else\n")
    with pytest.raises(fsio.ConflictError):
        fsio.replace_unchanged(str(path), seen, b"a: 2\n")
    assert path.read_text().endswith("# someone else\n")


def test_a_change_its_stat_does_not_show_is_seen_in_the_bytes(tmp_path):
    """A write in the same clock tick as the one before the read can leave every number of
    the stat as it was: the file was written moments before it was read, so its bytes are
    compared."""
    path = tmp_path / "c.yaml"
    path.write_text("a: 3\n")
    seen = fsio.Seen(b"a: 1\n", fsio.FileStat.of(os.stat(path)), time.time_ns())  # read as "a: 1", stat as now
    assert not fsio.unchanged(str(path), seen)
    with pytest.raises(fsio.ConflictError):
        fsio.replace_unchanged(str(path), seen, b"a: 2\n")
    assert path.read_text() == "a: 3\n"


def test_a_settled_file_is_known_unchanged_by_its_stat_and_a_change_moves_it(tmp_path, monkeypatch):
    monkeypatch.setattr(fsio, "SETTLED_NS", 20_000_000)
    path = tmp_path / "c.yaml"
    path.write_text("a: 1\n")
    time.sleep(0.05)
    seen = fsio.read_seen(str(path))
    opened: list[str] = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda *a, **k: opened.append(str(a[0])) or real_open(*a, **k))
    assert fsio.unchanged(str(path), seen) and opened == []  # no second read
    with real_open(path, "r+b") as handle:  # the same size, in place: the inode stays
        handle.write(b"a: 9\n")
    assert not fsio.unchanged(str(path), seen)


def test_a_touch_is_no_change(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("a: 1\n")
    seen = fsio.read_seen(str(path))
    os.utime(path, ns=(1, 1))
    fsio.replace_unchanged(str(path), seen, b"a: 2\n")
    assert path.read_text() == "a: 2\n"
