"""Hands-free controls in a terminal: single keys without Enter, each a
player Command, and a one-line status for a glance. Without a terminal there
are no keys and the session simply plays."""

from __future__ import annotations

import os
import queue
import re
import select
import sys
import termios
import threading
import tty

from coach.model import BeepKind, CueKind, Timeline
from coach.output.player import Command
from coach.units import SAMPLE_RATE

HELP = "space pause/resume · n next · p previous · r repeat · q quit"
KEYS = {" ": Command.PLAY_PAUSE, "n": Command.NEXT, "p": Command.PREVIOUS,
        "r": Command.REPEAT, "q": Command.STOP, "Q": Command.STOP}
"""What each key asks of the player."""


class Keys:
    """Context manager: reads single keys from stdin in cbreak mode on a
    background thread; restores the terminal on exit, whatever happened."""

    def __init__(self) -> None:
        self.fd = sys.stdin.fileno() if sys.stdin and sys.stdin.isatty() else None
        self.keys: queue.Queue[str] = queue.Queue()
        self._saved = None
        self._stop = threading.Event()

    @property
    def active(self) -> bool:
        return self.fd is not None

    def __enter__(self) -> "Keys":
        if self.fd is not None:
            self._saved = termios.tcgetattr(self.fd)
            tty.setcbreak(self.fd)
            threading.Thread(target=self._read, name="coach-keys", daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._saved is not None:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)

    def _read(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.fd], [], [], 0.1)
            if ready:
                data = os.read(self.fd, 16)
                if not data:
                    return
                for char in data.decode(errors="ignore"):
                    self.keys.put(char)

    def get(self) -> str | None:
        """The next key pressed, or None."""
        try:
            return self.keys.get_nowait()
        except queue.Empty:
            return None


def last_said(timeline: Timeline, sample: int, pattern: str, since: int) -> re.Match | None:
    """The last speech cue matching ``pattern`` between ``since`` and ``sample``."""
    found = None
    for cue in timeline.cues:
        if cue.start > sample:
            break
        if cue.start >= since and cue.kind == CueKind.SPEECH:
            found = re.match(pattern, cue.text) or found
    return found


def status(timeline: Timeline, sample: int, chapter: int, paused: bool) -> str:
    """Exercise, repetition, side, and seconds left (of the hold, if one is
    running, else of the session)."""
    since = timeline.chapters[chapter].start
    parts = [timeline.chapters[chapter].title]
    rep = last_said(timeline, sample, r"Repetition (\w+) of (\w+)\.", since)
    if rep:
        parts.append(f"repetition {rep.group(1)} of {rep.group(2)}")
    side = last_said(timeline, sample, r"Now the (\w+) side\.", since)
    if side:
        parts.append(f"{side.group(1)} side")
    # In a hold when the last hold tone heard is the start tone.
    tones = [c for c in timeline.cues if c.text in (BeepKind.HOLD_START.value, BeepKind.HOLD_END.value)]
    heard = [c for c in tones if c.start <= sample]
    if heard and heard[-1].text == BeepKind.HOLD_START.value:
        end = next(c.start for c in tones if c.start > sample)
        parts.append(f"hold: {(end - sample) // SAMPLE_RATE} s left")
    else:
        left = max(0, timeline.length - sample) // SAMPLE_RATE
        parts.append(f"{left // 60}:{left % 60:02d} left in the session")
    return ("[paused] " if paused else "") + " · ".join(parts)


class StatusLine:
    """One line on stderr, rewritten in place when it is a terminal; plain
    sentences (``say``) go above it."""

    def __init__(self, quiet: bool, stream=None):
        self.stream = stream or sys.stderr
        self.live = not quiet and self.stream.isatty()
        self.shown = False

    def show(self, line: str) -> None:
        if self.live:
            self.stream.write("\r\x1b[2K" + line[:200])
            self.stream.flush()
            self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self.shown = False

    def say(self, text: str) -> None:
        self.clear()
        print(text, file=self.stream, flush=True)
