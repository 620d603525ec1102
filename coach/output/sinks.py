"""Where the player's samples go.

    Sink (protocol)    open / play / stop / playing
     ├── SimpleaudioSink   the speaker: one ALSA stream per ``play``
     └── RecordingSink     a fake speaker for tests: remembers, plays nothing

Streams started while another plays are mixed: that is how the player hands
one segment over to the next.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from coach.errors import AudioError
from coach.output.alsa import quiet_errors
from coach.output.probe import BUSY, EXPORT_HINT, NO_DEVICE, probe  # noqa: F401  (re-exported)
from coach.output.watchdog import STALL_S, Watchdog
from coach.units import SAMPLE_RATE

LOST = "Playback stopped because the sound device or its audio server went away."
STALLED = ("Playback stopped because the sound device stopped taking sound (suspended,"
           " or its audio server is not answering).")


class Sink(Protocol):
    """Where samples go. ``play`` starts a stream at once and returns."""

    def open(self) -> None:
        """Check that playing is possible; raise AudioError within seconds if not."""

    def play(self, samples: np.ndarray, start: int, lead: int = 0) -> None:
        """Start playing int16 mono ``samples`` at SAMPLE_RATE now. The first
        ``lead`` samples are lead-in; ``samples[lead]`` is session sample
        ``start``."""

    def stop(self) -> None:
        """Silence every stream this sink started."""

    def playing(self) -> bool:
        """True while any stream is still sounding."""

    def check(self) -> None:
        """Raise AudioError if the device stopped taking samples (called
        often while playing; must be quick)."""

    def close(self) -> None:
        """Stop everything and end any helper process."""


@dataclass(frozen=True)
class Played:
    """One stream a RecordingSink was asked to play."""

    start: int
    """Session sample of ``samples[lead]``."""
    lead: int
    """Lead-in samples at the head of ``samples``."""
    samples: np.ndarray
    time: float
    """Clock time of the ``play`` call, seconds."""

    @property
    def end(self) -> int:
        """Session sample just past the stream."""
        return self.start + len(self.samples) - self.lead

    @property
    def body(self) -> np.ndarray:
        """The session samples, without the lead-in."""
        return self.samples[self.lead:]


class RecordingSink:
    """A fake speaker for tests: remembers what it was asked to play, when by
    ``clock``, and when it was stopped. Plays nothing."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self.played: list[Played] = []
        self.stops: list[float] = []
        """Clock times of ``stop`` calls, seconds."""
        self.opened = 0
        self._live = 0  # streams before this index were stopped

    def open(self) -> None:
        self.opened += 1

    def play(self, samples: np.ndarray, start: int, lead: int = 0) -> None:
        self.played.append(Played(start, lead, np.array(samples, dtype=np.int16), self.clock()))

    def stop(self) -> None:
        self.stops.append(self.clock())
        self._live = len(self.played)

    def playing(self) -> bool:
        now = self.clock()
        return any(now < p.time + len(p.samples) / SAMPLE_RATE for p in self.played[self._live:])

    def check(self) -> None:
        pass

    def close(self) -> None:
        self.stop()


class SimpleaudioSink:
    """The speaker, through simpleaudio (ALSA, usually routed to PulseAudio or
    PipeWire). Each ``play`` is one ALSA stream."""

    def __init__(self, probe_timeout: float = 4.0, stall: float = STALL_S):
        self.probe_timeout = probe_timeout
        """Seconds the device may take to open before it counts as busy."""
        self.stall = stall
        """Seconds without a heartbeat from the watchdog, while playing,
        after which the device counts as stuck."""
        self._streams: list = []
        self._lock = threading.Lock()
        self._opening = threading.Lock()  # one probe at a time; others wait for it
        self._failed: AudioError | None = None
        self._probed = False
        self._watchdog: Watchdog | None = None

    def open(self) -> None:
        """Probe the device once (later calls return at once, or raise the
        same error; a call while another probes waits for its outcome) and
        start watching that it takes samples."""
        with self._opening:
            if self._failed is not None:
                raise self._failed
            if not self._probed:
                try:
                    self._open()
                except AudioError as exc:
                    self._failed = exc
                    raise

    def _open(self) -> None:
        try:
            import simpleaudio  # fail here, not mid-session
        except ImportError as exc:
            raise AudioError("simpleaudio is missing: pip install simpleaudio-patched") from exc
        probe(self.probe_timeout)
        quiet_errors()
        # The first stream of a process loads ALSA's plugins and connects:
        # measured up to 0.2 s under load, which would make the first
        # hand-over late. Open one silent stream now (the device answered).
        try:
            simpleaudio.play_buffer(bytes(64), 1, 2, SAMPLE_RATE)
        except Exception as exc:  # simpleaudio raises a bare SimpleaudioError
            raise AudioError(NO_DEVICE) from exc
        self._probed = True
        self._watchdog = Watchdog()

    def check(self) -> None:
        dog = self._watchdog
        if dog is None:
            return
        if dog.failed:
            raise AudioError(LOST)
        if dog.silent_for() > self.stall and self.playing():
            raise AudioError(STALLED)

    def close(self) -> None:
        self.stop()
        self._probed, self._failed = False, None
        if self._watchdog is not None:
            self._watchdog.close()
            self._watchdog = None

    def play(self, samples: np.ndarray, start: int, lead: int = 0) -> None:
        import simpleaudio

        buffer = np.ascontiguousarray(samples, dtype=np.int16)
        try:
            stream = simpleaudio.play_buffer(buffer, 1, 2, SAMPLE_RATE)
        except Exception as exc:  # simpleaudio raises a bare SimpleaudioError
            raise AudioError(NO_DEVICE) from exc
        with self._lock:
            self._streams = [s for s in self._streams if s.is_playing()] + [stream]

    def stop(self) -> None:
        with self._lock:
            streams, self._streams = self._streams, []
        for stream in streams:
            stream.stop()

    def playing(self) -> bool:
        with self._lock:
            return any(s.is_playing() for s in self._streams)
