"""Rendering ahead of the playhead, on a background thread.

The player asks for segments of up to minutes; the mixer makes them a block
at a time here, so the first block is ready long before the whole segment,
and a paused or cancelled run stops making audio nobody will hear. Blocks
start small and double up to full size: the first sound of a run waits for
a fraction of a second of audio, not for a whole block. (The mixer's output
is a function of the position alone, so block sizes never change a sample.)
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

Render = Callable[[int, int], np.ndarray]
"""``render(start, count)``: samples ``start .. start+count`` as int16 mono."""


class RenderAhead:
    """Renders the session from ``start`` in blocks on a background thread,
    keeping at most ``ahead`` samples that have not been taken yet, in blocks
    of ``first_block`` samples doubling up to ``block``. ``limit()``
    says how far rendering may go now (the end of the session, or of what
    the speech made so far); ``wait_limit(upto, timeout)`` waits for it."""

    def __init__(self, render: Render, start: int, limit: Callable[[], int],
                 wait_limit: Callable[[int, float], object], *, block: int, ahead: int,
                 cond: threading.Condition, first_block: int | None = None):
        self.render, self.limit, self.wait_limit = render, limit, wait_limit
        self.block, self.ahead = block, ahead
        self._size = max(1, min(block, first_block or block))
        """The next block's size."""
        self.cond = cond
        """Shared with the player: notified after every block."""
        self.taken = start
        """Session sample of the first sample not taken yet."""
        self.done_to = start
        """Session sample just past the last rendered block."""
        self.error: BaseException | None = None
        self._blocks: list[np.ndarray] = []
        self._cancelled = False
        self._thread = threading.Thread(target=self._work, name="coach-render", daemon=True)
        self._thread.start()

    def join(self, timeout: float) -> None:
        """Wait (after ``cancel``) for the thread to finish its block."""
        self._thread.join(timeout)

    def _work(self) -> None:
        try:
            while True:
                with self.cond:
                    while not self._cancelled and self.done_to - self.taken >= self.ahead:
                        self.cond.wait()
                    if self._cancelled:
                        return
                    at = self.done_to
                end = self.limit()
                if end <= at:
                    # Nothing more to render yet (the speech is still being
                    # made) or ever (the end of the session): wait and look again.
                    self.wait_limit(at + 1, 0.05)
                    continue
                count = min(self._size, end - at)
                self._size = min(self.block, 2 * self._size)
                samples = np.asarray(self.render(at, count), dtype=np.int16)
                if len(samples) != count:
                    raise ValueError(f"render({at}, {count}) gave {len(samples)} samples")
                with self.cond:
                    if self._cancelled:
                        return
                    self._blocks.append(samples)
                    self.done_to = at + count
                    self.cond.notify_all()
        except BaseException as exc:  # handed to the player thread, which raises it
            with self.cond:
                self.error = exc
                self.cond.notify_all()

    def peek(self, upto: int) -> np.ndarray:
        """Rendered samples ``taken .. upto`` (call with ``cond`` held)."""
        joined = np.concatenate(self._blocks) if self._blocks else np.zeros(0, np.int16)
        self._blocks = [joined] if len(joined) else []
        return joined[: upto - self.taken]

    def take(self, upto: int) -> np.ndarray:
        """Hand over samples ``taken .. upto`` and forget them (``cond`` held)."""
        out = self.peek(upto)
        # A copy, so the big joined array is not kept alive by a small rest.
        rest = self._blocks[0][len(out):].copy() if self._blocks else np.zeros(0, np.int16)
        self._blocks = [rest] if len(rest) else []
        self.taken = upto
        self.cond.notify_all()
        return out

    def cancel(self) -> None:
        with self.cond:
            self._cancelled = True
            self._blocks = []
            self.cond.notify_all()
