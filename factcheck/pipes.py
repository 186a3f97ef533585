"""Answers from forked helper processes: framed on a pipe each, read by a thread as they come.

A helper writes each answer as a frame (:data:`FRAME`: the batch's number and the
length of its pickled results, then the results); :class:`Inbox` reads every helper's
pipe in a thread (waiting and reading release the interpreter's lock) and cuts what
has come into whole answers. No I/O but the pipes it is given.
"""

from __future__ import annotations

import os
import pickle
import select
import struct
import threading

#: A helper's answer to one batch: the batch's number and the length of its pickled results.
FRAME = struct.Struct("<II")


class Inbox:
    """What the helpers have written, read by a thread as it comes and cut into answers."""

    def __init__(self) -> None:
        self.fds: list[int] = []
        self._buffers: dict[int, bytearray] = {}
        self._open = 0
        self._changed = threading.Condition()

    def add(self, fd: int) -> None:
        """A helper's pipe, to be read (before :meth:`pump` starts)."""
        self.fds.append(fd)
        self._buffers[fd] = bytearray()
        self._open += 1

    def pump(self) -> None:
        """Read every helper's pipe until each one ends (runs in a thread: waiting and
        reading release the interpreter's lock)."""
        waiting = list(self.fds)
        try:
            while waiting:
                for fd in select.select(waiting, [], [])[0]:
                    chunk = os.read(fd, 1 << 20)
                    with self._changed:
                        if chunk:
                            self._buffers[fd] += chunk
                        else:
                            waiting.remove(fd)
                            self._open -= 1
                        self._changed.notify()
        finally:  # whatever stopped it, nothing more will come: no one waits for it
            with self._changed:
                self._open = 0
                self._changed.notify()

    def take(self, block: bool) -> tuple[list[tuple[int, list[tuple]]], bool]:
        """The whole answers come so far (waiting for one if ``block``), and whether more may come."""
        frames: list[tuple[int, bytes]] = []
        with self._changed:
            while True:
                for buffer in self._buffers.values():
                    at = 0
                    while len(buffer) - at >= FRAME.size:
                        index, size = FRAME.unpack_from(buffer, at)
                        if len(buffer) - at - FRAME.size < size:
                            break
                        start = at + FRAME.size
                        frames.append((index, bytes(buffer[start : start + size])))
                        at = start + size
                    del buffer[:at]
                if frames or not block or not self._open:
                    break
                self._changed.wait()
            # Every whole answer is taken each time: once no helper is left, nothing more
            # will come (what is left of a helper that died while writing is dropped).
            more = self._open > 0
        return [(index, pickle.loads(payload)) for index, payload in frames], more or bool(frames)
