"""Live playback: a session's samples through a sink, timed by a clock.

    Source ──render──▶ RenderAhead ──▶ Player loop ──▶ Sink
    (mixer over the     (background     (segments,      SimpleaudioSink,
     timeline, maybe    thread)          hand-over,     RecordingSink
     still growing)                      commands)

Why segments and not one ``play_buffer`` per cue: simpleaudio opens a new
ALSA stream per call, and a stream's start wanders by tens of ms, so cues
timed with ``sleep`` drift and get lost. Inside one stream every sample lands
exactly. So the player sends long premixed segments, as long as rendering
(and the speech made so far) allows: up to ``segment`` seconds, a short
first one when rendering cannot keep up, so the first sound comes quickly.

Where one segment hands over to the next, a new stream starts at the clock
time the first segment's schedule gives (absolute targets, mido style, so
errors never pile up). Measured through a PulseAudio null sink (see
tests/pulse.py) the hand-over is exact to 0.2 ms at 22,050 Hz and within
±13 ms when PulseAudio resamples; to make even that inaudible, segments are
cut in the middle of a stretch of silence, never inside a sound.

The position is tracked by the clock from the moment a stream was started,
never by ``wait_done()``, which returns one to two seconds late. Every time
the player reads comes from its ``clock``; tests pass a fake one.

Controls come in as ``Command``s through ``command()``, from any thread (keys,
media keys, voice); ``watch()`` tells controllers when the state, the chapter
or the waiting for speech changes, and ``status()`` gives it at any time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

import numpy as np

from coach.errors import AudioError
from coach.model import Timeline
from coach.output.ahead import Render, RenderAhead
from coach.output.sinks import LOST, Sink
from coach.units import SAMPLE_RATE, to_samples

QUIET_LEVEL = 16
"""Samples at or below this magnitude (about -66 dBFS) count as silence."""
QUIET_RUN = 0.06
"""A segment is cut only in silence at least this long, seconds, so that a
hand-over that is a few ms early or late still falls in silence."""
PREROLL_LEVEL = 4
"""Peak of the lead-in noise (about -78 dBFS): inaudible, but not digital
silence, which some headphones treat as 'nothing playing'."""
BACK_S = 3.0
"""PREVIOUS this long into a chapter restarts it; sooner, goes back one."""
OPENING_MAX_S = 0.05
"""A stream that took longer to open is not a measure of the next one."""
WAITING_S = 0.5
"""A run that has waited this long for its first sound counts as waiting
(for the speech) in ``status()``; shorter waits are not worth a word."""
JOIN_S = 5.0
"""Longest wait, at the end, for the render thread to finish its block."""
DRAIN_S = 1.0
"""How long past its due end a stream may still sound before the sink counts
as stuck (ALSA and PulseAudio buffer a fraction of a second)."""


class Command(str, Enum):
    """What a controller can ask of the player."""

    PLAY_PAUSE = "play_pause"
    PLAY = "play"
    PAUSE = "pause"
    STOP = "stop"
    NEXT = "next"
    """The start of the next chapter."""
    PREVIOUS = "previous"
    """The start of this chapter, or of the one before when just begun."""
    REPEAT = "repeat"
    """The start of the current step (the last instruction said)."""


class State(str, Enum):
    IDLE = "idle"
    PLAYING = "playing"
    PAUSED = "paused"
    STOPPED = "stopped"
    DONE = "done"


@dataclass(frozen=True)
class Status:
    """What a controller may show or announce."""

    state: State
    position: int
    """Session sample being played now."""
    chapter: int
    """Index of the chapter at ``position``."""
    title: str
    """That chapter's title ("" before any is known)."""
    waiting: bool
    """True while playing is held up because the speech is still being made."""


class Source(Protocol):
    """A session to play: its timeline so far and its samples."""

    @property
    def timeline(self) -> Timeline:
        """Cues and chapters laid out so far (all of them once complete)."""

    @property
    def complete(self) -> bool:
        """True once the whole session is laid out (``timeline.length`` final)."""

    def ready(self) -> int:
        """Samples from the start that can be rendered now."""

    def wait_ready(self, upto: int, timeout: float) -> bool:
        """Wait up to ``timeout`` real seconds for ``ready() >= upto`` or the
        end; True if it came."""

    def render(self, start: int, count: int) -> np.ndarray:
        """Samples ``start .. start+count`` (within ``ready()``) as int16."""


class Whole:
    """A session laid out in full: ``render`` over ``timeline`` (a Mixer's)."""

    complete = True

    def __init__(self, render: Render, timeline: Timeline):
        self.render, self.timeline = render, timeline

    def ready(self) -> int:
        return self.timeline.length

    def wait_ready(self, upto: int, timeout: float) -> bool:
        return True


def quiet_cut(samples: np.ndarray, earliest: int) -> int | None:
    """Index in ``samples`` at the middle of the last silent run of at least
    QUIET_RUN seconds whose middle is at or after ``earliest``, or None.

    Looked for from the end, in a window that doubles until it holds the
    answer: a cut near the end of a minutes-long first segment costs a
    look at its last seconds, not at all of it (same result)."""
    size = len(samples)
    window = 4 * to_samples(QUIET_RUN) + 1
    while True:
        lo = max(0, size - window)
        found, whole = _last_quiet(samples[lo:], lo, earliest)
        if found is not None or lo == 0 or not whole:
            return found
        window *= 4


def _last_quiet(part: np.ndarray, offset: int, earliest: int) -> tuple[int | None, bool]:
    """(quiet_cut of the samples of which ``part`` is the tail from
    ``offset``, if it lies in ``part``; whether a longer tail may still hold
    one). A silent run touching ``part``'s start may begin before it: it is
    judged only in a longer tail."""
    quiet = np.abs(part.astype(np.int32)) <= QUIET_LEVEL
    edges = np.diff(np.concatenate(([0], quiet.view(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    touching = bool(offset and len(starts) and starts[0] == 0)
    if touching:
        starts, ends = starts[1:], ends[1:]
    middles = offset + (starts + ends) // 2
    good = ((ends - starts) >= to_samples(QUIET_RUN)) & (middles >= earliest)
    if good.any():
        return int(middles[good][-1]), True
    # Further back: runs that end before ``part`` (middles under ``offset``)
    # and the one touching its start.
    return None, touching or offset > earliest


def lead_in(seconds: float) -> np.ndarray:
    """Near-silent noise for the preroll, int16 (the same every time)."""
    noise = np.random.default_rng(0).integers(-PREROLL_LEVEL, PREROLL_LEVEL + 1,
                                              to_samples(seconds))
    return noise.astype(np.int16)


@dataclass
class _Run:
    """One stretch of uninterrupted playing: from a start, resume or seek
    until the next pause, seek, stop or the end."""

    ahead: RenderAhead
    lead: int
    """Preroll samples to put before the first segment."""
    anchor: int
    """Session sample whose sending time is ``anchor_time``."""
    waiting_since: float
    """Clock time the run began waiting for its first segment."""
    anchor_time: float | None = None
    """Clock time, seconds, at which session sample ``anchor`` is sent; None
    before the first segment went out."""
    sent: int = 0
    """Session sample just past everything handed to the sink."""
    next: np.ndarray | None = None
    """The next segment, taken from the renderer, waiting for its due time."""

    def due(self) -> float:
        """Clock time at which the stream for sample ``sent`` must start."""
        assert self.anchor_time is not None
        return self.anchor_time + (self.sent - self.anchor) / SAMPLE_RATE


class Player:
    """Plays ``source`` through ``sink``. ``run()`` is the loop (or ``start()``
    runs it on a thread); ``command``, ``pause``, ``resume``, ``seek``,
    ``stop``, ``position`` and ``status`` may be called from any thread."""

    def __init__(self, source: Source, sink: Sink, *, preroll: float = 0.0,
                 segment: float = 300.0, first_segment: float = 300.0, block: float = 1.0,
                 first_block: float = 0.25, first_wait: float = 0.3,
                 first_min: float = 2.0, prepare: float = 1.0, poll: float = 0.02,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        """Durations in seconds. ``segment``: the longest stream, and
        ``first_segment`` the longest first one of a run (short, so the first
        sound comes at once; long enough that rendering is far ahead at its
        end); ``block``: the
        render step, and ``first_block`` the first one of a run (rendering
        doubles from there up to ``block``); ``first_wait``: clock time to let rendering run before
        the first stream when it cannot finish a whole segment, but the
        first stream gets at least ``first_min``; ``prepare``: how long before
        a hand-over the next segment is gathered; ``poll``: how often the loop
        looks at controls. ``clock`` and ``sleep`` may be fakes for tests;
        waiting for the renderer thread is in real time, bounded by them."""
        self.source, self.sink = source, sink
        self.preroll = lead_in(preroll)
        self.segment, self.block = to_samples(segment), max(1, to_samples(block))
        self.first_block = max(1, to_samples(first_block))
        self.first_segment = min(self.segment, to_samples(first_segment))
        self.first_wait, self.first_min = first_wait, to_samples(first_min)
        self.prepare, self.poll = prepare, poll
        self.clock, self.sleep = clock, sleep
        self._cond = threading.Condition()
        self._requests: list[tuple[str, int | None]] = []
        self._run: _Run | None = None
        self._state = State.IDLE
        self._paused_at = 0
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._watchers: list[Callable[[Status], None]] = []
        self._shown: tuple | None = None
        self._pending: int | None = None
        """A chapter NEXT asked for before the speech for it was made."""
        self._opening = 0.0
        """Seconds the last hand-over's ``sink.play`` took to return."""
        self.sounding = threading.Event()
        """Set once the first stream was started (or the loop ended without
        one): controllers that can wait set themselves up after it, so the
        first sound does not share the processor with them."""

    # -- controls (any thread) ------------------------------------------

    def command(self, command: Command | str) -> None:
        """Queue a command; the player loop carries it out within ``poll``."""
        self._request(Command(command).value)

    def pause(self) -> None:
        """Stop the sound and hold the position."""
        self._request(Command.PAUSE.value)

    def resume(self, at: int | None = None) -> None:
        """Play again from session sample ``at`` (where the pause held,
        moved back to the start of the word being said, if None), after the
        preroll."""
        self._request("resume", at)

    def seek(self, sample: int) -> None:
        """Jump to ``sample``: at once while playing, on resume while paused."""
        self._request("seek", sample)

    def stop(self) -> None:
        """End the session; ``run`` returns."""
        self._request(Command.STOP.value)

    def watch(self, callback: Callable[[Status], None]) -> None:
        """Call ``callback(status)`` on the player's thread whenever the state,
        the chapter or the waiting changes (not on every sample: poll
        ``status()`` for the position). It must return quickly."""
        self._watchers.append(callback)

    @property
    def state(self) -> State:
        return self._state

    def status(self) -> Status:
        here = self.position()
        timeline = self.source.timeline
        chapter = timeline.chapter_at(here)
        title = timeline.chapters[chapter].title if timeline.chapters else ""
        with self._cond:
            run = self._run
            waiting = self._state == State.PLAYING and (
                self._pending is not None or run is not None and run.anchor_time is None
                and self.clock() - run.waiting_since >= WAITING_S)
        return Status(self._state, here, chapter, title, waiting)

    def position(self) -> int:
        """Session sample being sent to the sink now (the speaker plays it a
        constant device latency later). Follows a pending seek at once."""
        with self._cond:
            for kind, at in reversed(self._requests):
                if kind in ("seek", "resume") and at is not None:
                    return at
            run = self._run
            if self._state == State.DONE:
                return self.source.timeline.length
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
            finally:
                self._ended.set()
        self._ended = threading.Event()
        self._thread = threading.Thread(target=target, name="coach-player", daemon=True)
        self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a ``start``-ed loop; True once it ended. Raises its error.
        (An Event, not ``Thread.join``: a signal that interrupts ``join``
        can leave the thread looking finished while it still runs.)"""
        assert self._thread is not None, "start() first"
        ended = self._ended.wait(timeout)
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        return ended

    def run(self, at: int = 0) -> None:
        """Play from session sample ``at`` until the end or ``stop()``."""
        self._begin(at, lead=True)  # rendering starts while the sink opens
        try:
            self.sink.open()
            with self._cond:  # the first stream's wait counts from here
                if self._run is not None and self._run.anchor_time is None:
                    self._run.waiting_since = self.clock()
            while self._state in (State.PLAYING, State.PAUSED):
                self._step()
                self._tell()
        finally:
            last = self._run
            self._end_run()
            if last is not None:
                # No render thread may still be inside numpy when the
                # program exits: that can crash the interpreter's shutdown.
                last.ahead.join(JOIN_S)
            self.sink.close()
            if self._state != State.DONE:
                self._state = State.STOPPED
            self.sounding.set()
            self._tell()

    def _tell(self) -> None:
        """Call the watchers if the state, chapter or waiting changed."""
        if not self._watchers:
            return
        status = self.status()
        shown = (status.state, status.chapter, status.waiting)
        if shown != self._shown:
            self._shown = shown
            for watcher in self._watchers:
                watcher(status)

    @property
    def _length(self) -> int | None:
        """The session's length once known."""
        return self.source.timeline.length if self.source.complete else None

    def _limit(self) -> int:
        """How far rendering may go now."""
        return min(self.source.ready(), self._length if self._length is not None else 1 << 62)

    def _step(self) -> None:
        # 1. Controls, in the order they came.
        with self._cond:
            requests, self._requests = self._requests, []
        for kind, at in requests:
            self._apply(kind, at)
        # 2. Skipped ahead of the speech made so far: start once it is there.
        if self._pending is not None and self._state == State.PLAYING:
            chapters = self.source.timeline.chapters
            if self._pending < len(chapters):
                self._begin(chapters[self._pending].start, lead=False)
            elif self.source.complete:
                self._pending = None
                self._begin(self._paused_at, lead=False)
            else:  # wake as soon as more is laid out (real time, like rendering)
                self.source.wait_ready(self.source.ready() + 1, self.poll)
                return
        run = self._run
        if self._state != State.PLAYING or run is None:
            self.sleep(self.poll)
            return
        # 3. First segment of a run: after the preroll.
        if run.anchor_time is None:
            self._send_first(run)
            return
        # 4. A stream that went silent too early means the device is gone;
        #    the sink also knows when the device stopped taking samples.
        self.sink.check()
        now = self.clock()
        if now < run.due() - 0.5 and not self.sink.playing():
            raise AudioError(LOST)
        # 5. Whole session sent: done once the clock says it has played and
        #    the device has drained its last fraction of a second.
        length = self._length
        if length is not None and run.sent >= length:
            left = run.due() - now
            if left <= 0 and (not self.sink.playing() or left < -DRAIN_S):
                self._state = State.DONE
            else:
                self.sleep(min(self.poll, max(left, 0.0) or self.poll))
            return
        # 6. Hand over to the next segment exactly on time.
        wait = run.due() - now
        if wait > self.prepare:
            self.sleep(min(self.poll, wait - self.prepare))
        else:
            self._send_next(run)

    def _apply(self, kind: str, at: int | None) -> None:
        playing = self._state == State.PLAYING
        paused = self._state == State.PAUSED
        if kind == Command.PLAY_PAUSE.value:
            kind = Command.PAUSE.value if playing else Command.PLAY.value
        if kind in (Command.NEXT.value, Command.PREVIOUS.value, Command.REPEAT.value):
            target = self._target(Command(kind))
            if target is None:
                return
            if target < 0 and playing:  # the next chapter is not laid out yet
                self._paused_at = self.position()
                self._end_run()
                self._pending = -target - 1
                return
            kind, at = "seek", target
        if kind != Command.NEXT.value:
            self._pending = None
        if kind == Command.STOP.value:
            if playing:
                self._paused_at = self.position()
            self._state = State.STOPPED
        elif kind == Command.PAUSE.value and playing:
            self._paused_at = self.position()
            self._end_run()
            self._state = State.PAUSED
        elif kind in ("resume", Command.PLAY.value) and paused:
            at = self.source.timeline.resume_point(self._paused_at) if at is None else at
            self._begin(at, lead=True)
        elif kind == "seek" and playing:
            self._end_run()
            self._begin(at, lead=False)
        elif kind == "seek" and paused:
            self._paused_at = self._clamp(at)

    def _target(self, command: Command) -> int | None:
        """Where NEXT, PREVIOUS or REPEAT go from the present position."""
        timeline = self.source.timeline
        here = self._paused_at if self._state == State.PAUSED else self.position()
        chapters = timeline.chapters
        if not chapters:
            return None
        index = timeline.chapter_at(here)
        if command == Command.NEXT:
            if index + 1 < len(chapters):
                return chapters[index + 1].start
            # -1 - chapter: "that chapter, once the speech for it is made".
            return None if self.source.complete else -1 - (index + 1)
        if command == Command.PREVIOUS:
            back = here - chapters[index].start < BACK_S * SAMPLE_RATE and index > 0
            return chapters[index - 1 if back else index].start
        return timeline.step_start(here)

    def _begin(self, at: int | None, lead: bool) -> None:
        self._pending = None
        at = self._clamp(at)
        ahead = RenderAhead(self.source.render, at, self._limit, self.source.wait_ready,
                            block=self.block, ahead=self.segment + self.block, cond=self._cond,
                            first_block=self.first_block)
        with self._cond:
            self._run = _Run(ahead, lead=len(self.preroll) if lead else 0, anchor=at,
                             waiting_since=self.clock(), sent=at)
            self._state = State.PLAYING

    def _end_run(self) -> None:
        with self._cond:
            run, self._run = self._run, None
        if run is not None:
            run.ahead.cancel()
            self.sink.stop()

    def _clamp(self, at: int | None) -> int:
        at = max(0, at or 0)
        return min(at, self._length) if self._length is not None else at

    def _send_first(self, run: _Run) -> None:
        """Wait up to ``first_wait`` for a whole segment, else for
        ``first_min``, then start the run's first stream after the preroll."""
        end = self._length if self._length is not None else 1 << 62
        full = min(run.sent + self.first_segment, end)
        enough = min(run.sent + self.first_min, end)
        with self._cond:
            late = self.clock() - run.waiting_since >= self.first_wait
            need = enough if late else full
            if not self._wait_rendered(run, need, timeout=self.poll):
                if late and run.ahead.done_to > run.sent and run.ahead.done_to >= self._limit():
                    need = run.ahead.done_to  # all the speech made so far: start on it
                else:
                    return
            samples = self._cut(run, min(full, max(need, run.ahead.done_to)))
        lead = self.preroll[: run.lead]
        self._play(run, np.concatenate((lead, samples)), len(lead))

    def _send_next(self, run: _Run) -> None:
        """Gather the next segment, sleep toward its due time, start it."""
        if run.next is None:
            end = self._length if self._length is not None else 1 << 62
            full = min(run.sent + self.segment, end)
            with self._cond:
                # Rendering gets until half the preparation time before the
                # hand-over (cutting and copying a long segment takes a
                # while); a fake clock (tests) does not move while we wait
                # here, so there it completes.
                self._wait_rendered(run, full, timeout=max(0.0, run.due() - self.prepare / 2 - self.clock()))
                if self._requests:
                    return
                if run.ahead.done_to <= run.sent:  # nothing rendered: underrun
                    if self.clock() >= run.due() and self._wait_rendered(run, run.sent + 1, self.poll):
                        run.anchor_time = None  # a gap, then a fresh schedule
                        run.waiting_since = self.clock()
                    return
                run.next = self._cut(run, full)
        due = run.due() - self._opening
        # Sleep toward the absolute target in short steps, so that a control
        # still gets through; the segment waits in run.next meanwhile.
        while (left := due - self.clock()) > 0:
            with self._cond:
                if self._requests:
                    return
            self.sleep(min(left, self.poll))
        samples, run.next = run.next, None
        self._play(run, samples, 0)

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
        if self._length is None or upto < self._length:
            cut = quiet_cut(ahead.peek(upto), earliest=min(self.block, upto - run.sent) // 2)
            if cut is not None and cut > 0:
                upto = run.sent + cut
        return ahead.take(upto)

    def _play(self, run: _Run, samples: np.ndarray, lead: int) -> None:
        """Start one stream. Opening one takes a few ms (tens for the first
        of a process), and a stream sounds from when ``play`` returns: so the
        first stream of a run anchors the schedule there, and a hand-over is
        started the last opening time ahead of its due time."""
        start = run.sent
        before = self.clock()
        self.sink.play(samples, start, lead)
        after = self.clock()
        with self._cond:
            if run.anchor_time is None:
                run.anchor, run.anchor_time = start, after + lead / SAMPLE_RATE
                self.sounding.set()
            else:
                self._opening = min(max(0.0, after - before), OPENING_MAX_S)
            run.sent = start + len(samples) - lead
            run.lead = 0
