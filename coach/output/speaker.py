"""Live playback: the mixer's samples through the speaker, timed by the clock.

    render(start, count) ──▶ RenderAhead ──▶ Player loop ──▶ Sink
      (the mixer: the very    (background     (segments,      SimpleaudioSink
       samples the WAV gets)   thread)         hand-over,      or RecordingSink
                                               controls)       for tests)

Why segments and not one ``play_buffer`` per cue: simpleaudio opens a new
ALSA stream per call, and a stream's start wanders by tens of ms, so cues
timed with ``sleep`` drift and get lost. Inside one stream every sample lands
exactly. So the player sends long premixed segments, as long as rendering
allows: the whole rest of the session when the mixer is fast (up to
``segment`` seconds, 300 by default), otherwise a short first segment so the
first sound comes quickly, then long ones.

Where one segment hands over to the next, a new stream starts at the clock
time the first segment's schedule gives (absolute targets, mido style, so
errors never pile up). Measured through a PulseAudio null sink (see
tests/pulse.py) the hand-over is exact to 0.2 ms at 22,050 Hz and within
±13 ms when PulseAudio resamples; to make even that inaudible, segments are
cut in the middle of a stretch of silence, never inside a sound.

The position is tracked by the clock from the moment a stream was started,
never by ``wait_done()``, which returns one to two seconds late.
"""

from __future__ import annotations

import ctypes
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from coach.errors import AudioError
from coach.model import Timeline
from coach.units import SAMPLE_RATE, to_samples

Render = Callable[[int, int], np.ndarray]
"""``render(start, count)``: samples ``start .. start+count`` as int16 mono."""

EXPORT_HINT = "run `coach export` to save the session as a WAV file instead"
NO_DEVICE = f"No sound device or audio server is available, so coach cannot play; {EXPORT_HINT}."
BUSY = f"The sound device is busy or not answering, so coach cannot play; {EXPORT_HINT}."
LOST = f"Playback stopped because the sound device went away; {EXPORT_HINT}."

QUIET_LEVEL = 16
"""Samples at or below this magnitude (about -66 dBFS) count as silence."""
QUIET_RUN = 0.06
"""A segment is cut only in silence at least this long, seconds, so that a
hand-over that is a few ms early or late still falls in silence."""
PREROLL_LEVEL = 4
"""Peak of the lead-in noise (about -78 dBFS): inaudible, but not digital
silence, which some headphones treat as 'nothing playing'."""


# --------------------------------------------------------------------- sinks


class Sink(Protocol):
    """Where samples go. ``play`` starts a stream at once and returns; streams
    started while another plays are mixed (that is how segments hand over)."""

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


# The probe runs in a child process because a hung sound server makes
# play_buffer block for 30 s while holding the GIL: no thread could time it out.
_PROBE = """\
import os, sys
try:
    import simpleaudio
    simpleaudio.play_buffer(bytes(64), 1, 2, 22050)
except BaseException as exc:
    sys.stderr.write(str(exc))
    sys.stderr.flush()
    os._exit(1)
os._exit(0)
"""


class SimpleaudioSink:
    """The speaker, through simpleaudio (ALSA, usually routed to PulseAudio or
    PipeWire). Each ``play`` is one ALSA stream."""

    def __init__(self, probe_timeout: float = 4.0):
        self.probe_timeout = probe_timeout
        """Seconds the device may take to open before it counts as busy."""
        self._streams: list = []
        self._lock = threading.Lock()
        self._probed = False

    def open(self) -> None:
        """Probe the device once (later calls return at once)."""
        if self._probed:
            return
        try:
            import simpleaudio  # noqa: F401  (fail here, not mid-session)
        except ImportError as exc:
            raise AudioError("simpleaudio is missing: pip install simpleaudio-patched") from exc
        try:
            probe = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True,
                                   text=True, timeout=self.probe_timeout)
        except subprocess.TimeoutExpired as exc:
            raise AudioError(BUSY) from exc
        if probe.returncode != 0:
            raise AudioError(NO_DEVICE) from OSError(probe.stderr.strip()[-300:])
        _quiet_alsa()
        self._probed = True

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


def _quiet_alsa() -> None:
    """Keep ALSA from printing its own error lines on stderr: coach reports
    one sentence, through AudioError."""
    global _alsa_handler
    if _alsa_handler is not None:
        return
    try:
        lib = ctypes.CDLL("libasound.so.2")
        # The real handler is variadic; ignoring the extra arguments is safe.
        handler_type = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int,
                                        ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p)
        _alsa_handler = handler_type(lambda *args: None)
        lib.snd_lib_error_set_handler(_alsa_handler)
    except (OSError, AttributeError):
        _alsa_handler = False  # no ALSA library: nothing would print anyway


_alsa_handler = None


# ------------------------------------------------------------ render-ahead


class RenderAhead:
    """Renders the session from ``start`` in blocks on a background thread,
    keeping at most ``ahead`` samples that have not been taken yet."""

    def __init__(self, render: Render, start: int, end: int, *, block: int, ahead: int,
                 cond: threading.Condition):
        self.render, self.end, self.block, self.ahead = render, end, block, ahead
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

    def _work(self) -> None:
        try:
            while True:
                with self.cond:
                    while not self._cancelled and self.done_to - self.taken >= self.ahead:
                        self.cond.wait()
                    if self._cancelled or self.done_to >= self.end:
                        return
                    at = self.done_to
                count = min(self.block, self.end - at)
                samples = np.asarray(self.render(at, count), dtype=np.int16)
                if len(samples) != count:
                    raise ValueError(f"render({at}, {count}) gave {len(samples)} samples")
                with self.cond:
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


def quiet_cut(samples: np.ndarray, earliest: int) -> int | None:
    """Index in ``samples`` at the middle of the last silent run of at least
    QUIET_RUN seconds whose middle is at or after ``earliest``, or None."""
    quiet = np.abs(samples.astype(np.int32)) <= QUIET_LEVEL
    edges = np.diff(np.concatenate(([0], quiet.view(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    middles = (starts + ends) // 2
    good = ((ends - starts) >= to_samples(QUIET_RUN)) & (middles >= earliest)
    return int(middles[good][-1]) if good.any() else None


def lead_in(seconds: float) -> np.ndarray:
    """Near-silent noise for the preroll, int16 (the same every time)."""
    noise = np.random.default_rng(0).integers(-PREROLL_LEVEL, PREROLL_LEVEL + 1,
                                              to_samples(seconds))
    return noise.astype(np.int16)


# -------------------------------------------------------------- timeline


def resume_point(timeline: Timeline, sample: int) -> int:
    """Where to restart so nothing is cut mid-word: the start of the earliest
    cue still sounding at ``sample``, or ``sample`` itself in silence."""
    sounding = [c.start for c in timeline.cues if c.start <= sample < c.start + c.length]
    return min(sounding, default=sample)


def chapter_at(timeline: Timeline, sample: int) -> int:
    """Index of the chapter that contains ``sample`` (0 before the first)."""
    index = 0
    for i, chapter in enumerate(timeline.chapters):
        if chapter.start <= sample:
            index = i
    return index


# ---------------------------------------------------------------- player


@dataclass
class _Run:
    """One stretch of uninterrupted playing: from a start, resume or seek
    until the next pause, seek, stop or the end."""

    ahead: RenderAhead
    lead: int
    """Preroll samples to put before the first segment."""
    anchor: int
    """Session sample whose sending time is ``anchor_time``."""
    anchor_time: float | None = None
    """Clock time, seconds, at which session sample ``anchor`` is sent; None
    before the first segment went out."""
    sent: int = 0
    """Session sample just past everything handed to the sink."""
    next: np.ndarray | None = None
    """The next segment, taken from the renderer, waiting for its due time."""
    waiting_since: float = field(default_factory=time.monotonic)
    """Real time the run began waiting for its first segment."""

    def due(self) -> float:
        """Clock time at which the stream for sample ``sent`` must start."""
        assert self.anchor_time is not None
        return self.anchor_time + (self.sent - self.anchor) / SAMPLE_RATE


class Player:
    """Plays a session of ``length`` samples made by ``render`` through
    ``sink``. ``run()`` is the loop; ``pause``, ``resume``, ``seek``, ``stop``
    and ``position`` may be called from any other thread."""

    def __init__(self, render: Render, length: int, sink: Sink, *, preroll: float = 0.0,
                 segment: float = 300.0, block: float = 1.0, first_wait: float = 0.3,
                 first_min: float = 2.0, prepare: float = 1.0, poll: float = 0.02,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        """Durations in seconds. ``segment``: the longest stream; ``block``: the
        render step; ``first_wait``: real time to let rendering run before
        the first stream when it cannot finish a whole segment, but the
        first stream gets at least ``first_min``; ``prepare``: how long before
        a hand-over the next segment is gathered; ``poll``: how often the loop
        looks at controls. ``clock`` and ``sleep`` may be fakes for tests."""
        self.render, self.length, self.sink = render, length, sink
        self.preroll = lead_in(preroll)
        self.segment, self.block = to_samples(segment), max(1, to_samples(block))
        self.first_wait, self.first_min = first_wait, to_samples(first_min)
        self.prepare, self.poll = prepare, poll
        self.clock, self.sleep = clock, sleep
        self._cond = threading.Condition()
        self._requests: list[tuple[str, int | None]] = []
        self._run: _Run | None = None
        self._state = "idle"
        self._paused_at = 0
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    # -- controls (any thread) ------------------------------------------

    def pause(self) -> None:
        """Stop the sound and hold the position."""
        self._request("pause")

    def resume(self, at: int | None = None) -> None:
        """Play again from session sample ``at`` (the paused position if
        None), after the preroll."""
        self._request("resume", at)

    def seek(self, sample: int) -> None:
        """Jump to ``sample``: at once while playing, on resume while paused."""
        self._request("seek", sample)

    def stop(self) -> None:
        """End the session; ``run`` returns."""
        self._request("stop")

    @property
    def state(self) -> str:
        """``idle``, ``playing``, ``paused``, ``stopped`` or ``done``."""
        return self._state

    def position(self) -> int:
        """Session sample being sent to the sink now (the speaker plays it a
        constant device latency later). Follows a pending seek at once."""
        with self._cond:
            for kind, at in reversed(self._requests):
                if kind in ("seek", "resume") and at is not None:
                    return at
            run = self._run
            if self._state == "done":
                return self.length
            if run is None or run.anchor_time is None:
                return run.anchor if run else self._paused_at
            elapsed = max(0.0, self.clock() - run.anchor_time)
            return min(run.anchor + int(elapsed * SAMPLE_RATE), run.sent)

    def _request(self, kind: str, at: int | None = None) -> None:
        with self._cond:
            self._requests.append((kind, at))
            self._cond.notify_all()

    # -- running ----------------------------------------------------------

    def start(self, at: int = 0) -> None:
        """Run the loop on a background thread; ``wait`` collects its end."""
        def target() -> None:
            try:
                self.run(at)
            except BaseException as exc:
                self._error = exc
        self._thread = threading.Thread(target=target, name="coach-player", daemon=True)
        self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a ``start``-ed loop; True once it ended. Raises its error."""
        assert self._thread is not None, "start() first"
        self._thread.join(timeout)
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        return not self._thread.is_alive()

    def run(self, at: int = 0) -> None:
        """Play from session sample ``at`` until the end or ``stop()``."""
        self._begin(at, lead=True)  # rendering starts while the sink opens
        try:
            self.sink.open()
            while self._state in ("playing", "paused"):
                self._step()
        finally:
            self._end_run()
            if self._state != "done":
                self._state = "stopped"

    def _step(self) -> None:
        # 1. Controls, in the order they came.
        with self._cond:
            requests, self._requests = self._requests, []
        for kind, at in requests:
            self._apply(kind, at)
        run = self._run
        if self._state != "playing" or run is None:
            self.sleep(self.poll)
            return
        # 2. First segment of a run: after the preroll.
        if run.anchor_time is None:
            self._send_first(run)
            return
        # 3. A stream that went silent too early means the device is gone.
        if self.clock() < run.due() - 0.5 and not self.sink.playing():
            raise AudioError(LOST)
        # 4. Whole session sent: done once the clock says it has played and
        #    the device has drained its last fraction of a second.
        if run.sent >= self.length:
            left = run.due() - self.clock()
            if left <= 0 and (not self.sink.playing() or left < -1.0):
                self._state = "done"
            else:
                self.sleep(min(self.poll, max(left, 0.0) or self.poll))
            return
        # 5. Hand over to the next segment exactly on time.
        wait = run.due() - self.clock()
        if wait > self.prepare:
            self.sleep(min(self.poll, wait - self.prepare))
        else:
            self._send_next(run)

    def _apply(self, kind: str, at: int | None) -> None:
        playing = self._state == "playing"
        if kind == "stop":
            if playing:
                self._paused_at = self.position()
            self._state = "stopped"
        elif kind == "pause" and playing:
            self._paused_at = self.position()
            self._end_run()
            self._state = "paused"
        elif kind == "resume" and self._state == "paused":
            self._begin(self._paused_at if at is None else at, lead=True)
        elif kind == "seek" and playing:
            self._end_run()
            self._begin(at, lead=False)
        elif kind == "seek" and self._state == "paused":
            self._paused_at = self._clamp(at)

    def _begin(self, at: int | None, lead: bool) -> None:
        at = self._clamp(at)
        ahead = RenderAhead(self.render, at, self.length, block=self.block,
                            ahead=self.segment + self.block, cond=self._cond)
        with self._cond:
            self._run = _Run(ahead, lead=len(self.preroll) if lead else 0, anchor=at, sent=at)
            self._state = "playing"

    def _end_run(self) -> None:
        with self._cond:
            run, self._run = self._run, None
        if run is not None:
            run.ahead.cancel()
            self.sink.stop()

    def _clamp(self, at: int | None) -> int:
        return min(max(0, at or 0), self.length)

    def _send_first(self, run: _Run) -> None:
        """Wait up to ``first_wait`` (real time) for a whole segment, else for
        ``first_min``, then start the run's first stream after the preroll."""
        full = min(run.sent + self.segment, self.length)
        enough = min(run.sent + self.first_min, self.length)
        with self._cond:
            late = time.monotonic() - run.waiting_since >= self.first_wait
            need = enough if late else full
            if not self._wait_rendered(run, need, timeout=self.poll):
                return
            samples = self._cut(run, full)
        lead = self.preroll[: run.lead]
        self._play(run, np.concatenate((lead, samples)), len(lead), self.clock() + len(lead) / SAMPLE_RATE)

    def _send_next(self, run: _Run) -> None:
        """Gather the next segment, sleep toward its due time, start it."""
        if run.next is None:
            full = min(run.sent + self.segment, self.length)
            with self._cond:
                # Rendering gets until the due time; a fake clock (tests)
                # does not move while we wait here, so there it completes.
                self._wait_rendered(run, full, timeout=max(0.0, run.due() - self.clock()))
                if self._requests:
                    return
                if run.ahead.done_to <= run.sent:  # nothing rendered: underrun
                    if self.clock() >= run.due() and self._wait_rendered(run, run.sent + 1, self.poll):
                        run.anchor_time = None  # a gap, then a fresh schedule
                    return
                run.next = self._cut(run, full)
        due = run.due()
        # Sleep toward the absolute target in short steps, so that a control
        # still gets through; the segment waits in run.next meanwhile.
        while (left := due - self.clock()) > 0:
            with self._cond:
                if self._requests:
                    return
            self.sleep(min(left, self.poll))
        samples, run.next = run.next, None
        self._play(run, samples, 0, due)

    def _wait_rendered(self, run: _Run, upto: int, timeout: float) -> bool:
        """With ``cond`` held: wait until rendered to ``upto``, a control
        arrives or ``timeout`` (real seconds) passes. True if rendered."""
        ahead = run.ahead
        self._cond.wait_for(lambda: ahead.done_to >= upto or ahead.error is not None
                            or self._requests, timeout)
        if ahead.error is not None:
            raise ahead.error
        return ahead.done_to >= upto

    def _cut(self, run: _Run, full: int) -> np.ndarray:
        """With ``cond`` held: take the next segment, ending in silence."""
        ahead = run.ahead
        upto = min(ahead.done_to, full)
        if upto < self.length:
            cut = quiet_cut(ahead.peek(upto), earliest=min(self.block, upto - run.sent) // 2)
            if cut is not None and cut > 0:
                upto = run.sent + cut
        return ahead.take(upto)

    def _play(self, run: _Run, samples: np.ndarray, lead: int, anchor_time: float) -> None:
        """Start one stream; session sample ``run.sent`` sounds at ``anchor_time``."""
        start = run.sent
        self.sink.play(samples, start, lead)
        with self._cond:
            if run.anchor_time is None:
                run.anchor, run.anchor_time = start, anchor_time
            run.sent = start + len(samples) - lead
            run.lead = 0
