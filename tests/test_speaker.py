"""The playback scheduler: instant tests with a fake clock and RecordingSink,
then real ones through a private PulseAudio null sink (tests/pulse.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest

from coach.errors import AudioError
from coach.model import Chapter, Cue, CueKind, Timeline
from coach.output.ahead import RenderAhead
from coach.output import player as playback
from coach.output.player import PREROLL_LEVEL, Command, Player, State, Whole, quiet_cut
from coach.output.sinks import BUSY, LOST, NO_DEVICE, RecordingSink, SimpleaudioSink
from coach.units import SAMPLE_RATE, to_samples

import pulse

SR = SAMPLE_RATE


def bursts(seconds: float, seed: int = 1) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """A test session: 60 ms tone bursts of random pitch at random gaps of
    0.25-0.6 s after 0.3 s of silence, so that any stretch of it lines up
    with the original in exactly one place. Returns (int16 samples,
    [(start, length)] of every burst)."""
    rng = np.random.default_rng(seed)
    out = np.zeros(to_samples(seconds), np.int16)
    length, fade = to_samples(0.06), to_samples(0.005)
    envelope = np.ones(length)
    envelope[:fade] = envelope[-fade:][::-1] = np.linspace(0, 1, fade)
    places, at = [], to_samples(0.3)
    while at + length < len(out) - to_samples(0.3):
        pitch = rng.uniform(300, 2500)
        tone = np.sin(2 * np.pi * pitch * np.arange(length) / SR) * envelope * 8000
        out[at:at + length] = tone.astype(np.int16)
        places.append((at, length))
        at += length + to_samples(rng.uniform(0.25, 0.6))
    return out, places


def timeline_of(places: list[tuple[int, int]], length: int) -> Timeline:
    cues = tuple(Cue(s, n, CueKind.BEEP, "next", 0) for s, n in places)
    return Timeline(cues, (Chapter("one", 0), Chapter("two", length // 2)), length)


class FakeClock:
    """A clock that moves only when slept on, running due callbacks."""

    def __init__(self) -> None:
        self.now = 0.0
        self.events: list[tuple[float, object]] = []

    def __call__(self) -> float:
        return self.now

    def at(self, when: float, action) -> None:
        self.events.append((when, action))

    def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        for event in [e for e in self.events if e[0] <= self.now]:
            self.events.remove(event)
            event[1]()


def whole(signal: np.ndarray, timeline: Timeline | None = None) -> Whole:
    """The signal as a session (with no cues unless ``timeline`` gives them)."""
    return Whole(lambda start, count: signal[start:start + count],
                 timeline or Timeline((), (), len(signal)))


def fake_player(signal: np.ndarray, timeline: Timeline | None = None,
                **options) -> tuple[Player, RecordingSink, FakeClock]:
    clock = FakeClock()
    sink = RecordingSink(clock)
    player = Player(whole(signal, timeline), sink, clock=clock, sleep=clock.sleep, **options)
    return player, sink, clock


def run_fast(player: Player) -> None:
    started = time.monotonic()
    player.run()
    assert time.monotonic() - started < 5, "a fake-clock run should be instant"


# ------------------------------------------------------- fake clock: instant


def test_segments_hand_over_sample_exactly_and_in_silence():
    signal, _ = bursts(20)
    player, sink, _ = fake_player(signal, segment=2.0, block=0.25)
    run_fast(player)

    assert len(sink.played) >= 10
    assert np.array_equal(np.concatenate([p.body for p in sink.played]), signal)
    first = sink.played[0]
    for previous, segment in zip(sink.played, sink.played[1:]):
        assert segment.start == previous.end
        # Each stream starts exactly when the clock says its first sample is due.
        assert segment.time == pytest.approx(first.time + segment.start / SR, abs=1e-9)
        assert len(segment.body) <= to_samples(2.0)
        around = signal[segment.start - to_samples(0.02): segment.start + to_samples(0.02)]
        assert np.max(np.abs(around)) <= playback.QUIET_LEVEL, "cut inside a sound"
    assert player.state == State.DONE and player.position() == len(signal)


def test_fast_render_plays_the_whole_session_as_one_stream():
    signal, _ = bursts(30)
    player, sink, _ = fake_player(signal)
    run_fast(player)
    assert len(sink.played) == 1 and np.array_equal(sink.played[0].body, signal)


def test_slow_render_starts_with_a_short_segment_then_catches_up():
    signal, _ = bursts(12)

    clock = FakeClock()

    def slow(start, count):
        # 0.25 s of audio per 10 ms, of real time and of the player's clock.
        time.sleep(0.01)
        clock.now += 0.01
        return signal[start:start + count]
    sink = RecordingSink(clock)
    player = Player(Whole(slow, Timeline((), (), len(signal))), sink, block=0.25, first_wait=0.05, first_min=1.0,
                    clock=clock, sleep=clock.sleep)
    player.run()

    first = sink.played[0]
    assert to_samples(0.5) <= len(first.body) < len(signal) // 2, "did not start early"
    assert len(sink.played) >= 2
    assert np.array_equal(np.concatenate([p.body for p in sink.played]), signal)
    for segment in sink.played[1:]:
        assert segment.time == pytest.approx(first.time + segment.start / SR, abs=1e-9)


def test_position_follows_the_clock_from_the_end_of_the_preroll():
    signal, _ = bursts(10)
    player, sink, clock = fake_player(signal, preroll=0.5, segment=3.0)
    seen = {}
    for t in (0.2, 1.5, 4.0, 7.25):
        clock.at(t, lambda t=t: seen.setdefault(t, (clock.now, player.position())))
    run_fast(player)
    for asked, (now, position) in seen.items():
        assert position == max(0, int((now - 0.5) * SR)), asked
    assert sink.played[0].lead == to_samples(0.5)


def test_pause_and_resume_restart_at_the_given_sample_after_a_preroll():
    signal, places = bursts(12)
    timeline = timeline_of(places, len(signal))
    player, sink, clock = fake_player(signal, preroll=0.4, segment=2.0, block=0.25)
    log = {}

    def pause():
        player.pause()
        log["paused_at"] = clock.now

    def resume():
        log["held"] = player.position()
        log["resume"] = timeline.resume_point(log["held"])
        player.resume(log["resume"])
        log["resumed_at"] = clock.now

    # 3.4 s: the preroll ends at 0.4 s, so session sample 3.0 s is playing.
    clock.at(3.4, pause)
    clock.at(6.0, resume)
    run_fast(player)

    stop = sink.stops[0]
    assert stop == pytest.approx(log["paused_at"], abs=0.021)
    assert log["held"] == pytest.approx(3.0 * SR, abs=0.021 * SR)
    before = [p for p in sink.played if p.time <= stop]
    after = [p for p in sink.played if p.time > stop]
    assert after[0].start == log["resume"] and after[0].lead == to_samples(0.4)
    assert after[0].time == pytest.approx(log["resumed_at"], abs=0.021)
    # After the resume the session runs on, sample-exact, to the end.
    rest = np.concatenate([p.body for p in after])
    assert np.array_equal(rest, signal[log["resume"]:])
    assert before[-1].start <= log["held"]


def test_resume_point_is_the_start_of_the_sound_being_heard():
    signal, places = bursts(5)
    timeline = timeline_of(places, len(signal))
    start, length = places[2]
    assert timeline.resume_point(start + length // 2) == start
    assert timeline.resume_point(start) == start
    assert timeline.resume_point(start + length + 10) == start + length + 10  # silence
    assert timeline.chapter_at(0) == 0 and timeline.chapter_at(len(signal) - 1) == 1
    assert timeline.chapter_at(len(signal) // 2) == 1 and timeline.chapter_at(len(signal) // 2 - 1) == 0


def test_preroll_is_quiet_noise_and_comes_after_every_resume():
    signal, _ = bursts(10)
    player, sink, clock = fake_player(signal, preroll=0.3, segment=2.0)
    held = []

    def pause():
        player.pause()
        held.append(player.position())
    for t in (2.0, 4.0):
        clock.at(t, pause)
        clock.at(t + 1.0, player.resume)
    run_fast(player)

    leads = [p.samples[:p.lead] for p in sink.played if p.lead]
    assert len(leads) == 3  # start and both resumes
    for lead in leads:
        assert len(lead) == to_samples(0.3)
        assert 0 < np.max(np.abs(lead)) <= PREROLL_LEVEL
    # Resume without a sample continues where the pause held.
    resumed = [p.start for p in sink.played if p.lead][1:]
    assert held[0] == pytest.approx(1.7 * SR, abs=0.021 * SR)
    assert held[1] == pytest.approx(2.4 * SR, abs=0.042 * SR)
    assert resumed == pytest.approx(held, abs=0.021 * SR)


def test_seek_while_playing_and_while_paused():
    signal, _ = bursts(10)
    player, sink, clock = fake_player(signal, preroll=0.3, segment=2.0)
    clock.at(1.0, lambda: player.seek(to_samples(6.0)))
    clock.at(2.0, player.pause)
    clock.at(2.5, lambda: player.seek(to_samples(1.0)))
    clock.at(3.0, player.resume)
    clock.at(4.0, player.stop)
    run_fast(player)

    starts = [(p.start, p.lead) for p in sink.played]
    assert (to_samples(6.0), 0) in starts  # a seek plays on at once, no preroll
    assert (to_samples(1.0), to_samples(0.3)) in starts  # paused seek, then resume
    assert player.state == State.STOPPED
    assert player.position() == pytest.approx(to_samples(1.7), abs=0.03 * SR)


def test_position_reports_a_pending_seek_at_once():
    signal, _ = bursts(5)
    player, _, _ = fake_player(signal)
    player.seek(1234)
    assert player.position() == 1234


def test_render_errors_reach_the_caller():
    def broken(start, count):
        raise ValueError("mixer broke")
    clock = FakeClock()
    player = Player(Whole(broken, Timeline((), (), SR * 10)), RecordingSink(clock),
                    clock=clock, sleep=clock.sleep)
    player.start()
    with pytest.raises(ValueError, match="mixer broke"):
        player.wait(5)


def test_a_stream_that_dies_early_is_an_audio_error():
    class DeadSink(RecordingSink):
        def playing(self) -> bool:
            return False
    signal, _ = bursts(10)
    clock = FakeClock()
    player = Player(whole(signal), DeadSink(clock), clock=clock, sleep=clock.sleep)
    with pytest.raises(AudioError, match="went away"):
        player.run()
    assert LOST.endswith("went away.")


def test_quiet_cut_lands_in_the_middle_of_the_last_silence():
    x = np.full(SR, 5000, np.int16)
    x[1000:3000] = 0
    x[10000:12000] = 3
    x[20000:20100] = 0  # too short to cut in
    assert quiet_cut(x, earliest=0) == 11000
    assert quiet_cut(x, earliest=11001) is None


def test_quiet_cut_looks_back_from_the_end_as_far_as_it_must():
    # Five minutes of sound: the only silence long enough is 4 minutes back;
    # a silence near the end counts from its real start, not from where the
    # first look at the tail began (QUIET_RUN is 1323 samples).
    x = np.full(300 * SR, 5000, np.int16)
    x[60 * SR: 61 * SR] = 0
    assert quiet_cut(x, earliest=0) == 60 * SR + SR // 2
    assert quiet_cut(x, earliest=60 * SR + SR // 2 + 1) is None
    x[-8000:-100] = -16
    assert quiet_cut(x, earliest=0) == len(x) - 4050


def test_render_blocks_start_small_and_double():
    asked = []

    def render(start, count):
        asked.append((start, count))
        return np.zeros(count, np.int16)

    ahead = RenderAhead(render, 100, lambda: 100 + 5000, lambda upto, timeout: time.sleep(timeout),
                        block=1000, ahead=10_000, cond=threading.Condition(), first_block=150)
    deadline = time.monotonic() + 5
    while ahead.done_to < 5100 and time.monotonic() < deadline:
        time.sleep(0.01)
    ahead.cancel()
    ahead.join(1)
    assert asked == [(100, 150), (250, 300), (550, 600), (1150, 1000), (2150, 1000), (3150, 1000),
                     (4150, 950)]


# --------------------------------------------- no device: no server needed


def test_no_sound_device_is_one_plain_audio_error_within_seconds(tmp_path):
    conf = tmp_path / "alsa.conf"
    conf.write_text("pcm.!default { type hw card 99 }\nctl.!default { type hw card 99 }\n")
    env = {**os.environ, "ALSA_CONFIG_PATH": str(conf), "PULSE_SERVER": "unix:/nonexistent",
           "XDG_RUNTIME_DIR": str(tmp_path)}
    script = textwrap.dedent("""
        import numpy as np
        from coach.errors import AudioError
        from coach.model import Timeline
        from coach.output.player import Player, Whole
        from coach.output.sinks import SimpleaudioSink
        x = np.zeros(22050 * 5, np.int16)
        try:
            Player(Whole(lambda s, n: x[s:s + n], Timeline((), (), len(x))), SimpleaudioSink()).run()
        except AudioError as exc:
            print(exc)
            raise SystemExit(1)
    """)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=20)
    assert time.monotonic() - started < 10
    assert done.returncode == 1
    assert done.stdout.strip() == NO_DEVICE
    assert "coach export" in NO_DEVICE
    assert done.stderr == ""


# ---------------------------------------------- through a real audio server


@pytest.fixture
def server(monkeypatch):
    with pulse.pulse_server() as running:
        running.use(monkeypatch)
        yield running


def windows_of(places: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Each burst with 20 ms either side: a burst lost, cut or clicked
    matches poorly, and a window never straddles a hand-over."""
    margin = to_samples(0.02)
    return [(start - margin, length + 2 * margin) for start, length in places]


def test_real_50_seconds_keep_a_constant_lag_and_lose_nothing(server):
    signal, places = bursts(50)
    player = Player(whole(signal), SimpleaudioSink())
    with server.record() as rec:
        started = time.monotonic()
        player.start()
        assert player.wait(70)
        time.sleep(0.3)
    heard = rec.samples

    offset = pulse.lag(heard, signal)
    lags = pulse.window_lags(heard, signal, around=offset, windows=windows_of(places))
    first_sound = rec.time_of(pulse.onsets(heard)[0]) - started - places[0][0] / SR
    print(f"\n50 s: lag spread {pulse.spread(lags) * 1000:.2f} ms over {len(lags)} bursts; "
          f"worst match {min(m for *_, m in lags):.4f}; first sound {first_sound * 1000:.0f} ms")
    assert len(heard) > 50 * SR
    assert pulse.spread(lags) <= 0.020
    assert min(match for *_, match in lags) > 0.95, "a burst was lost or damaged"
    assert len(pulse.onsets(heard)) == len(places)
    assert first_sound < 1.0


def test_real_segments_hand_over_without_loss_or_click(server):
    signal, places = bursts(10, seed=3)
    player = Player(whole(signal), SimpleaudioSink(), segment=2.0)
    with server.record() as rec:
        player.start()
        assert player.wait(20)
        time.sleep(0.3)
    heard = rec.samples

    offset = pulse.lag(heard, signal)
    lags = pulse.window_lags(heard, signal, around=offset, windows=windows_of(places))
    print(f"\nhand-over: lag spread {pulse.spread(lags) * 1000:.2f} ms, "
          f"worst match {min(m for *_, m in lags):.4f}")
    assert min(match for *_, match in lags) > 0.95, "a burst was lost or damaged"
    assert len(pulse.onsets(heard, threshold=100)) == len(places), "a click between bursts"
    # Each new stream lands where the clock put it, give or take the null
    # sink's mixing step (measured: within about ±12 ms).
    assert pulse.spread(lags) <= 0.025


def test_real_pause_shows_as_a_gap_then_the_restart_at_the_resume_point(server):
    signal, places = bursts(6, seed=2)
    timeline = timeline_of(places, len(signal))
    player = Player(whole(signal), SimpleaudioSink(), preroll=0.3)
    with server.record() as rec:
        player.start()
        # Pause in the middle of a burst, so the resume point is its start.
        start, length = places[4]
        while player.position() < start + length // 2:
            time.sleep(0.001)
        player.pause()
        held = player.position()
        time.sleep(1.0)
        resume = timeline.resume_point(held)
        player.resume(resume)
        assert player.wait(20)
        time.sleep(0.3)
    heard = rec.samples
    assert resume == start

    # The gap: the longest silence, far longer than any in the signal.
    sound = pulse.onsets(heard, gap=0.8)
    assert len(sound) == 2, "one pause makes one long gap"
    after = sound[1]
    gap = (after - pulse.onsets(heard[:after])[-1]) / SR
    assert 1.0 < gap < 1.8
    # What follows the gap is the signal again from the resume point.
    piece = heard[after - 200: after + 2 * SR]
    where = pulse.lag(signal, piece)
    assert abs(where + 200 - resume) < 0.005 * SR, "did not restart at the resume point"
    # ...and plays on from there intact, at one constant lag.
    rest = windows_of([place for place in places if place[0] >= resume])
    lags = pulse.window_lags(heard, signal, around=after - 200 - where, windows=rest)
    print(f"\npause: gap {gap:.3f} s, restart {(where + 200 - resume) / SR * 1000:.2f} ms "
          f"from the resume point, lag spread after it {pulse.spread(lags) * 1000:.2f} ms")
    assert min(match for *_, match in lags) > 0.95
    assert pulse.spread(lags) <= 0.005


def test_real_hung_server_gives_an_audio_error_quickly(server):
    server.freeze()
    started = time.monotonic()
    with pytest.raises(AudioError) as caught:
        SimpleaudioSink(probe_timeout=2.0).open()
    assert time.monotonic() - started < 4
    assert str(caught.value) == BUSY


def test_real_server_plays_without_error(server):
    sink = SimpleaudioSink()
    sink.open()
    sink.play(np.zeros(SR // 10, np.int16), 0)
    assert sink.playing()
    sink.stop()
    sink.open()  # probed once: the second call does not start a process
    sink.close()


# ------------------------------------------------- commands and watching


def chaptered(seconds: float = 12.0) -> tuple[np.ndarray, Timeline]:
    """Bursts with three chapters (at 0, 4 and 8 s) and speech cues at
    1.0 s and 5.0 s, so NEXT, PREVIOUS and REPEAT have somewhere to go."""
    signal, places = bursts(seconds)
    cues = (Cue(SR, SR // 2, CueKind.SPEECH, "one", 0), Cue(5 * SR, SR // 2, CueKind.SPEECH, "two", 1))
    chapters = (Chapter("First", 0), Chapter("Second", 4 * SR), Chapter("Third", 8 * SR))
    return signal, Timeline(cues, chapters, len(signal))


def test_commands_move_by_chapter_and_step_and_toggle_pause():
    signal, timeline = chaptered()
    player, sink, clock = fake_player(signal, timeline, segment=2.0)
    clock.at(1.0, lambda: player.command(Command.NEXT))        # 1 s -> chapter two at 4 s
    clock.at(2.0, lambda: player.command("previous"))           # 5 s, 1 s in -> chapter one
    clock.at(6.0, lambda: player.command(Command.REPEAT))       # 4 s -> step at 1 s
    clock.at(7.0, lambda: player.command(Command.PLAY_PAUSE))   # pause at 2 s
    clock.at(8.0, lambda: player.command(Command.PLAY_PAUSE))   # resume at 2 s
    clock.at(9.0, lambda: player.command(Command.STOP))
    run_fast(player)

    # Where playing went after each stop of the sound (a seek or a pause).
    restarts = [next(p.start for p in sink.played if p.time >= stop) for stop in sink.stops[:4]]
    assert restarts[:3] == [4 * SR, 0, SR]
    assert restarts[3] == pytest.approx(2 * SR, abs=0.03 * SR)  # resumed where it paused
    assert player.state == State.STOPPED


def test_watchers_hear_of_state_and_chapter_changes():
    signal, timeline = chaptered()
    player, _, clock = fake_player(signal, timeline, segment=3.0)
    seen = []
    player.watch(lambda status: seen.append((status.state.value, status.chapter, status.title)))
    clock.at(5.0, player.pause)
    clock.at(5.5, lambda: player.command(Command.PLAY))
    run_fast(player)
    assert seen == [("playing", 0, "First"), ("playing", 1, "Second"), ("paused", 1, "Second"),
                    ("playing", 1, "Second"), ("playing", 2, "Third"), ("done", 2, "Third")]


def test_a_sink_that_stops_taking_sound_ends_the_run_with_its_error():
    class StuckSink(RecordingSink):
        def check(self) -> None:
            if self.clock() > 2.0:
                raise AudioError("stuck")
    signal, _ = bursts(10)
    clock = FakeClock()
    sink = StuckSink(clock)
    player = Player(whole(signal), sink, clock=clock, sleep=clock.sleep)
    with pytest.raises(AudioError, match="stuck"):
        player.run()
    assert player.state == State.STOPPED
    assert 2.0 < sink.stops[-1] < 2.1  # the sound was stopped at once
