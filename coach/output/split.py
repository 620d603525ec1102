"""A whole session written into a file by two processes at once: this one
renders blocks from the start, a forked helper from the end, each writing
its blocks where they belong (``os.pwrite``), until they meet. On an idle
two-core machine the export takes about half the time.

Every block is a pure function of its position, so the file is the same
byte for byte however the work falls. Nobody waits for the helper: this
process renders every block the helper has not finished, so a helper that
gets no CPU, fails or dies costs nothing but its fork; where both render
the same block, both write the same bytes. The helper touches nothing but
its blocks of the file (it closes every other descriptor), dies with the
default action on a signal and with its parent (PR_SET_PDEATHSIG), and is
killed and reaped before this returns, so no write of it can land after.
"""

from __future__ import annotations

import mmap
import os
import signal
from collections.abc import Callable

import numpy as np

WRITEBACK = 8 << 20
"""Bytes between two requests to start writing the file to the disk, so
the closing fsync only waits for the last stretch (POSIX_FADV_DONTNEED
starts the write-back of dirty pages; the data stays in the file)."""


def _cores() -> int:
    """CPUs this process may run on."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else os.cpu_count() or 1


def fill(fd: int, offset: int, render: Callable[[int, int], np.ndarray], length: int, size: int,
         progress: Callable[[int], None] | None = None) -> None:
    """Write samples ``0 .. length`` of ``render(start, count)`` (int16) to
    ``fd`` from byte ``offset`` on, ``size`` samples at a time. ``progress``
    gets increments of samples written. OSError comes from this process's
    writes (the helper's are only ever a head start)."""
    blocks = -(-length // size)
    out = _Blocks(fd, offset, render, length, size)
    pid = -1
    if blocks >= 4 and hasattr(os, "fork") and _cores() >= 2:
        # shared[0]: the block this process is at; shared[1]: the lowest block
        # the helper has written (each writes one, the other only reads it).
        shared = np.frombuffer(mmap.mmap(-1, 16), np.int64)
        shared[:] = (-1, blocks)
        parent = os.getpid()
        try:
            pid = os.fork()
        except OSError:
            pid = -1  # no room for a helper (memory, process limit): one process does it all
    if pid < 0:
        for block in range(blocks):
            out.write(block, progress)
        return
    if pid == 0:
        try:
            for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                signal.signal(sig, signal.SIG_DFL)
            _die_with(parent)
            os.closerange(0, fd)
            os.closerange(fd + 1, os.sysconf("SC_OPEN_MAX"))
            block = blocks - 1
            while block > shared[0]:  # this process has not come to it yet
                out.write(block)
                shared[1] = block
                block -= 1
        finally:
            os._exit(0)
    try:
        for block in range(blocks):
            if block >= shared[1]:  # the helper wrote this one and the rest
                break
            shared[0] = block
            out.write(block, progress)
    finally:
        os.kill(pid, signal.SIGKILL)  # done or not: nothing of it lands after this
        os.waitpid(pid, 0)
    if progress:
        progress(length - out.written)


def _die_with(parent: int) -> None:
    """Have the system kill this helper when its parent ends, however it
    ends (even by SIGKILL, which leaves it no time to stop the helper)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):
        pass  # elsewhere: the helper stops at the latest when it has written every block
    if os.getppid() != parent:  # the parent ended before that took hold
        os._exit(0)


class _Blocks:
    """Renders blocks and writes each where it belongs, starting the
    write-back of every WRITEBACK bytes written next to each other."""

    def __init__(self, fd: int, offset: int, render: Callable[[int, int], np.ndarray], length: int, size: int):
        self.fd, self.offset, self.render, self.length, self.size = fd, offset, render, length, size
        self.written = 0
        """Samples written by this process."""
        self.pending: tuple[int, int] | None = None
        """Bytes written whose write-back is not started yet."""

    def write(self, block: int, progress: Callable[[int], None] | None = None) -> None:
        start = block * self.size
        samples = self.render(start, min(self.size, self.length - start))
        data = memoryview(np.ascontiguousarray(samples, "<i2")).cast("B")
        low = at = self.offset + 2 * start
        while data:
            sent = os.pwrite(self.fd, data, at)
            data, at = data[sent:], at + sent
        self.pending = (low, at) if self.pending is None else (min(low, self.pending[0]), max(at, self.pending[1]))
        if self.pending[1] - self.pending[0] >= WRITEBACK and hasattr(os, "posix_fadvise"):
            os.posix_fadvise(self.fd, self.pending[0], self.pending[1] - self.pending[0], os.POSIX_FADV_DONTNEED)
            self.pending = None
        self.written += len(samples)
        if progress:
            progress(len(samples))
