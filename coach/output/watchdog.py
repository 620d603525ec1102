"""Is the sound device still taking samples? A child process, ``python -m
coach.output.watchdog``, plays 20 ms of silence about once a second and
writes one byte to stdout each time the device has played it.

Why: simpleaudio cannot say how far a stream got. When the sink is suspended
(``pactl suspend-sink``) or the server freezes, a stream simply stays
"playing" forever, and opening a new one can block the opener for many
seconds, GIL and all. A child that stops beating shows both, and can be
killed. Silence mixed into the session changes nothing that is heard.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

BEAT_S = 1.0
"""Seconds between heartbeats."""
STALL_S = 3.5
"""No heartbeat for this long while playing: the device stopped taking samples."""


class Watchdog:
    """Runs the child and keeps the time of its last heartbeat."""

    def __init__(self) -> None:
        self.last = time.monotonic()
        """``time.monotonic()`` of the last heartbeat (or of the start)."""
        self.failed = False
        """True once the child could not open the device at all."""
        self._proc = subprocess.Popen([sys.executable, "-m", "coach.output.watchdog"],
                                      stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=subprocess.DEVNULL)
        threading.Thread(target=self._read, name="coach-watchdog", daemon=True).start()

    def _read(self) -> None:
        while beat := self._proc.stdout.read(1):
            if beat == b"x":
                self.failed = True
            self.last = time.monotonic()

    def silent_for(self) -> float:
        """Seconds since the last heartbeat."""
        return time.monotonic() - self.last

    def close(self) -> None:
        """End the child at once (it may be stuck in a frozen server)."""
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait(1)
        self._proc.stdout.close()


def main() -> None:
    import simpleaudio

    parent = os.getppid()
    silence = bytes(2 * 441)  # 20 ms at 22,050 Hz, 16-bit mono
    while os.getppid() == parent:  # a new parent: ours died, so go too
        try:
            stream = simpleaudio.play_buffer(silence, 1, 2, 22050)
            while stream.is_playing():
                if os.getppid() != parent:
                    os._exit(0)
                time.sleep(0.01)
        except Exception:  # the server went away: say so, and stop
            os.write(1, b"x")
            os._exit(1)
        os.write(1, b".")
        time.sleep(BEAT_S)
    os._exit(0)


if __name__ == "__main__":
    main()
