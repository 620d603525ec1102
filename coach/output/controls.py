"""Hands-free controls in a terminal: single keys without Enter, each a
player Command, and a one-line status for a glance. Without a terminal there
are no keys and the session simply plays."""

from __future__ import annotations

import os
import queue
import select
import sys
import termios
import threading
import tty

from coach.model import BeepKind, CueKind, Phase, Timeline
from coach.output.player import Command
from coach.units import SAMPLE_RATE

HELP = "Keys: space pause/resume · n next exercise · p previous · r repeat the step · q quit · ? these keys"
KEYS = {key: command for letter, command in (
    (" ", Command.PLAY_PAUSE), ("n", Command.NEXT), ("p", Command.PREVIOUS),
    ("r", Command.REPEAT), ("q", Command.STOP)) for key in {letter, letter.upper()}}
"""What each key asks of the player, in either case."""
SHOW_KEYS = "?"


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


def status(timeline: Timeline, sample: int, chapter: int, paused: bool, reps: int = 0, *,
           label: str | None = None, width: int = 200) -> str:
    """A line for a glance, read from the metadata of the cues heard so far
    in this chapter: the exercise (``label`` says which of how many), the
    repetition (of ``reps``), the side, the seconds left (of the hold, if one
    is running, else of the session), the step being done and what comes
    next. Parts are dropped from the least needed until it fits ``width``."""
    if chapter >= len(timeline.chapters):  # nothing laid out yet
        return "[paused]" if paused else ""
    since = timeline.chapters[chapter].start
    title = timeline.chapters[chapter].title
    heard = [c for c in timeline.cues if since <= c.start <= sample]
    head = f"{label}: {title}" if label else title
    parts: list[tuple[int, str]] = [(0, head)]  # (how much it is needed, text); 0 most
    rep = next((c.rep for c in reversed(heard) if c.rep is not None), None)
    if rep is not None:
        parts.append((3, f"repetition {rep} of {reps}" if reps else f"repetition {rep}"))
    side = next((c.side for c in reversed(heard) if c.side is not None), None)
    if side is not None:
        parts.append((2, "both sides" if side == "both" else f"{side} side"))
    last = heard[-1] if heard else None
    if last is not None and last.phase == Phase.HOLD and last.text != BeepKind.HOLD_END.value:
        end = next((c.start for c in timeline.cues
                    if c.start > sample and c.text == BeepKind.HOLD_END.value), sample)
        parts.append((1, f"hold: {(end - sample) // SAMPLE_RATE} s left"))
    else:
        left = max(0, timeline.length - sample) // SAMPLE_RATE
        parts.append((1, f"{left // 60}:{left % 60:02d} left in the session"))
    step = next((c.text for c in reversed(heard)
                 if c.kind == CueKind.SPEECH and c.phase in (Phase.SETUP, Phase.MOVE)), None)
    if step:
        parts.append((5, step.rstrip(".")))
    if chapter + 1 < len(timeline.chapters):
        parts.append((4, f"next: {timeline.chapters[chapter + 1].title}"))
    return fit(("[paused] " if paused else ""), parts, width)


def fit(prefix: str, parts: list[tuple[int, str]], width: int) -> str:
    """``prefix`` and the parts joined by " · ", leaving out the least needed
    parts (highest number) until the line fits ``width``; the last one left
    is cut with an ellipsis if it must be."""
    kept = list(parts)
    while True:
        line = prefix + " · ".join(text for _, text in kept)
        if len(line) <= width or len(kept) == 1:
            break
        kept.remove(max(kept, key=lambda part: part[0]))
    return line if len(line) <= width else line[: max(0, width - 1)] + "…"


class StatusLine:
    """One line on stderr, rewritten in place when it is a terminal; plain
    sentences (``say``) go above it."""

    def __init__(self, quiet: bool, stream=None):
        self.stream = stream or sys.stderr
        self.live = not quiet and self.stream.isatty()
        self.shown = False

    @property
    def width(self) -> int:
        """Characters the line may take: the terminal's width, less one."""
        import shutil

        return max(20, shutil.get_terminal_size((80, 24)).columns - 1)

    def show(self, line: str) -> None:
        if self.live:
            self.stream.write("\r\x1b[2K" + line)
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
