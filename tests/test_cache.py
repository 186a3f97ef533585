"""The validation caches: a cache file that is not what it seems is ignored and replaced."""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from factcheck import cache
from factcheck.cli import main
from factcheck.validate import check_tree


class Hung(BaseException):
    """Raised by :func:`deadline` (not an OSError, which the code under test may catch)."""


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail instead of hanging: an alarm raises :class:`Hung` in this thread."""

    def expired(signum, frame):
        raise Hung(f"still waiting after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def validate_cache(tree: Path) -> Path:
    return Path(cache.path_for([str(tree)], "validate"))


@pytest.mark.parametrize("command", ["validate", "list"])
def test_a_fifo_in_place_of_the_cache_is_ignored_and_replaced(tree, capsys, command):
    assert main(["validate", str(tree)]) == 0
    expected = capsys.readouterr().out
    path = validate_cache(tree)
    assert path.is_file()
    path.unlink()
    os.mkfifo(path)
    with deadline(10):
        code = main([command, str(tree)] if command == "validate" else [command, "--root", str(tree)])
    out = capsys.readouterr().out
    assert code == 0
    if command == "validate":
        assert out == expected
    else:
        assert "bridges-repaired" in out and "support-rose" in out
    assert stat.S_ISREG(os.lstat(path).st_mode)  # replaced by a real cache
    assert check_tree([tree]).parsed == 0  # which the next run uses


def test_a_huge_sparse_cache_file_is_not_read(tree):
    check_tree([tree])
    path = validate_cache(tree)
    path.unlink()
    with open(path, "wb") as handle:
        handle.truncate(4 << 30)  # 4 GiB of nothing: sparse, takes no disk
    tracemalloc.start()
    try:
        started = time.perf_counter()
        result = check_tree([tree])
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.problems == [] and result.parsed == 2
    assert peak < 64 << 20, f"{peak} bytes allocated"
    assert elapsed < 10
    assert path.stat().st_size < 1 << 20  # replaced by the real cache
    assert check_tree([tree]).parsed == 0


def test_read_regular_refuses_what_is_not_a_small_regular_file(tmp_path):
    regular = tmp_path / "regular"
    regular.write_bytes(b"abc")
    assert cache.read_regular(regular) == b"abc"
    assert cache.read_regular(regular, limit=2) is None
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with deadline(5):
        assert cache.read_regular(fifo) is None
    link = tmp_path / "link"
    link.symlink_to(regular)
    assert cache.read_regular(link) is None
    assert cache.read_regular(tmp_path) is None
    assert cache.read_regular(tmp_path / "missing") is None


def test_a_fifo_in_place_of_the_signing_key_does_not_hang(tree, tmp_path, monkeypatch):
    state = tmp_path / "state"
    state.mkdir()
    os.mkfifo(state / "cache-key")
    monkeypatch.setenv("FACTCHECK_STATE_DIR", str(state))
    with deadline(10):
        result = check_tree([tree])
    assert result.problems == [] and result.parsed == 2
