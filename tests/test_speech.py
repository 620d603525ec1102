"""Speech: clips on demand and made ahead in the background, at their
loudness, from the phrase cache."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from coach.render.cache import PhraseCache
from coach.render.speech import Speech, SpeechClosed, gain_db
from coach.render.tts import FakeEngine


class SlowEngine:
    """FakeEngine that takes ``delay`` seconds per phrase, records the order
    it was asked in, and can be held at a gate."""

    key = "slow/en-us/175"

    def __init__(self, delay=0.02, gate: threading.Event | None = None):
        self.delay, self.gate = delay, gate
        self.spoken: list[str] = []
        self.entered: list[str] = []
        self.closed = False
        self.fake = FakeEngine()

    def synthesize(self, texts, progress=None):
        clips = []
        for text in texts:
            self.entered.append(text)
            if self.gate is not None:
                self.gate.wait(10)
            time.sleep(self.delay)
            self.spoken.append(text)
            clips.append(self.fake.synthesize([text])[0])
        return clips

    def close(self):
        self.closed = True


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_clip_is_trimmed_speech_at_the_target_loudness(tmp_path):
    import pyloudnorm

    with Speech(FakeEngine(), PhraseCache(FakeEngine(), tmp_path)) as speech:
        clip = speech.clip("breathe in slowly")
    assert clip.dtype == np.float32 and clip.ndim == 1
    # The fake tone is 0.5 amplitude from sample 0; here it is brought to
    # -16 LUFS as a meter hears it between silences.
    pad = np.zeros(8820)
    measured = pyloudnorm.Meter(22050).integrated_loudness(np.concatenate([pad, clip, pad]))
    assert abs(measured + 16) < 0.5
    assert np.max(np.abs(clip[:10])) < np.max(np.abs(clip))  # the fake's attack, kept


def test_prefetch_makes_in_order_skipping_cached_and_returns_at_once(tmp_path):
    PhraseCache(FakeEngine(), tmp_path / "slow%2Fen-us%2F175")  # unrelated folder: no effect
    engine = SlowEngine(delay=0.3)
    cache = PhraseCache(engine, tmp_path)
    cache.phrases(["two"])  # already cached
    engine.spoken.clear()
    with Speech(engine, cache) as speech:
        start = time.monotonic()
        speech.prefetch(["one", "two", "three", "four"])
        assert time.monotonic() - start < 0.2  # one phrase takes 0.3 s
        assert speech.is_ready("two")
        wait_for(lambda: speech.is_ready("four"))
        assert engine.spoken == ["one", "three", "four"]
        made = [speech.clip(t) for t in ("one", "two", "three", "four")]
    assert engine.spoken == ["one", "three", "four"]  # nothing made twice
    fresh = Speech(FakeEngine(), PhraseCache(FakeEngine(), tmp_path / "other"))
    assert all(np.array_equal(m, fresh.clip(t)) for m, t in zip(made, ("one", "two", "three", "four")))


def test_clip_jumps_the_queue(tmp_path):
    gate = threading.Event()
    engine = SlowEngine(delay=0.0, gate=gate)
    with Speech(engine, PhraseCache(engine, tmp_path)) as speech:
        speech.prefetch(["a", "b", "c", "d", "e"])
        got = {}
        asker = threading.Thread(target=lambda: got.update(e=speech.clip("e")))
        wait_for(lambda: engine.entered == ["a"])  # the worker is making "a"
        asker.start()
        wait_for(lambda: speech._urgent == 1)  # the asker waits to make "e"
        gate.set()  # the worker finishes "a"; the asker makes "e" next
        asker.join(10)
        wait_for(lambda: speech.is_ready("d"))
    assert engine.spoken.index("e") <= 1
    assert sorted(engine.spoken) == ["a", "b", "c", "d", "e"]


def test_close_ends_the_worker_and_a_waiting_clip(tmp_path):
    gate = threading.Event()
    engine = SlowEngine(delay=0.0, gate=gate)
    speech = Speech(engine, PhraseCache(engine, tmp_path))
    speech.prefetch(["a", "b", "c"])
    wait_for(lambda: engine.entered == ["a"])  # the worker is making "a"
    errors = []

    def ask():
        try:
            speech.clip("a")  # being made by the worker, held at the gate
        except SpeechClosed as exc:
            errors.append(exc)

    asker = threading.Thread(target=ask)
    asker.start()
    time.sleep(0.05)
    speech.close()
    asker.join(2)
    assert not asker.is_alive() and len(errors) == 1
    assert engine.closed
    gate.set()
    speech._worker.join(2)
    assert not speech._worker.is_alive()
    assert engine.spoken in ([], ["a"])  # the queue was dropped
    with pytest.raises(SpeechClosed):
        speech.clip("b")


def test_an_error_reaches_whoever_asks_for_that_phrase(tmp_path):
    class Broken(SlowEngine):
        def synthesize(self, texts, progress=None):
            if "bad" in texts:
                raise RuntimeError("no such phrase")
            return super().synthesize(texts, progress)

    engine = Broken(delay=0.0)
    with Speech(engine, PhraseCache(engine, tmp_path)) as speech:
        speech.prefetch(["bad", "good"])
        wait_for(lambda: speech.is_ready("good"))
        assert not speech.is_ready("bad")
        with pytest.raises(RuntimeError, match="no such phrase"):
            speech.clip("bad")
        assert speech.clip("good").size


def test_gain_is_bounded():
    assert gain_db(-16.0) == 0.0
    assert gain_db(-22.5) == 6.5
    assert gain_db(-70.0) == 24.0  # near silence is never made loud
    assert gain_db(3.0) == -19.0


def test_real_espeak_phrases_land_at_the_target(tmp_path):
    """espeak-ng through Speech: a count and a sentence, each measured by
    pyloudnorm in silence, both at -16 LUFS within 0.5 LU."""
    import pyloudnorm

    from coach.render.tts import EspeakEngine

    engine = EspeakEngine()
    pad = np.zeros(8820)
    with Speech(engine, PhraseCache(engine, tmp_path)) as speech:
        for text in ("two", "Lie on your back and bend your knees, feet flat on the floor."):
            clip = speech.clip(text)
            level = pyloudnorm.Meter(22050).integrated_loudness(np.concatenate([pad, clip, pad]))
            assert abs(level + 16) < 0.5, (text, level)


# ------------------------------------------------------ processes and signals

COACH = [sys.executable, "-c", "from coach.cli import main; main()"]


def session_processes(sid: int) -> dict[int, str]:
    """pid -> command line of every live process in session ``sid``."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] != "Z" and int(fields[3]) == sid:
            found[int(entry.name)] = cmdline
    return found


def cold_export(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    proc = subprocess.Popen([*COACH, "export", "full", "-o", str(out / "s.wav")], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    return proc, out


@pytest.mark.parametrize("when", ["speaking", "writing"])
@pytest.mark.parametrize("signum,to_group", [(signal.SIGINT, True), (signal.SIGTERM, False), (signal.SIGHUP, True)])
def test_a_signal_during_a_cold_export_ends_every_process_at_once(tmp_path, signum, to_group, when):
    """Sent as soon as the first espeak-ng server is up (the workers are
    starting), or once the output's temporary file exists: every child
    process of the export is gone within a second, then the export itself
    with one line and a non-zero exit, leaving no file in the output or cache
    folders."""
    proc, out = cold_export(tmp_path)
    deadline = time.monotonic() + 60

    def ready():
        if when == "writing":  # both temporary files (audio and .vtt) are there
            return len(list(out.iterdir())) == 2
        return any("fork_server" in c for c in session_processes(proc.pid).values())

    while not ready():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.002)
    if when == "writing":
        # Past the instant a temporary file is created but not yet recorded
        # for removal (coach.files.staged: a signal there leaves it behind).
        time.sleep(0.02)
    (os.killpg if to_group else os.kill)(proc.pid, signum)
    sent = time.monotonic()
    while set(session_processes(proc.pid)) - {proc.pid}:  # every child: within a second
        assert time.monotonic() - sent < 1.0, session_processes(proc.pid)
        time.sleep(0.01)
    _, err = proc.communicate(timeout=10)
    assert session_processes(proc.pid) == {}
    assert proc.returncode != 0
    assert len(err.splitlines()) <= 1 and "Traceback" not in err, err
    assert list(out.iterdir()) == []
    assert [p.name for p in (tmp_path / "cache").rglob("*") if p.name.endswith(".tmp")] == []


def test_a_finished_export_leaves_no_process(tmp_path):
    proc, out = cold_export(tmp_path)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert session_processes(proc.pid) == {}
    assert sorted(p.name for p in out.iterdir()) == ["s.vtt", "s.wav"]


def test_concurrent_cold_exports_and_rebuilt_entries_give_the_same_bytes(tmp_path):
    """Two cold exports at once (each with its own cache) write the same
    bytes; deleting a few cache entries and exporting again changes nothing."""
    def start(name, cache):
        env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / cache), "XDG_CONFIG_HOME": str(tmp_path / "config")}
        return subprocess.Popen([*COACH, "export", "beginner", "-o", str(tmp_path / f"{name}.wav")], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    runs = [start("a", "ca"), start("b", "cb")]
    for proc in runs:
        assert proc.wait(300) == 0, proc.communicate()
    entries = sorted((tmp_path / "ca").rglob("*.clip"))
    assert len(entries) > 20
    for entry in entries[::7]:
        entry.unlink()
    assert start("c", "ca").wait(300) == 0
    a, b, c = ((tmp_path / f"{n}.wav").read_bytes() for n in "abc")
    assert a == b == c
    assert (tmp_path / "a.vtt").read_text() == (tmp_path / "c.vtt").read_text()


def test_music_is_only_ever_turned_down():
    """A quiet or silent track is played as it is, never raised (a silent
    first stretch once made the music gain infinite)."""
    from coach.render.music import Looped
    from coach.render.session import music_gain

    def track(samples):
        music = Looped()
        music.name, music.samples = "test", np.asarray(samples, np.float32)
        return music

    t = np.arange(22050 * 4) / 22050
    assert music_gain(track(np.zeros(22050 * 4))) == 0.0
    assert music_gain(track(1e-4 * np.sin(2 * np.pi * 440 * t))) == 0.0
    # A late, loud passage counts: the whole loop is measured, not its start.
    late = np.concatenate([np.zeros(22050 * 40), 0.5 * np.sin(2 * np.pi * 440 * t)])
    assert -40 < music_gain(track(late)) < -15


def test_compile_gives_the_real_times_once_the_cache_holds_the_phrases(tmp_path):
    """`coach compile --json` after an export: every spoken cue's "t" is its
    time in the exported .vtt; with an empty cache, the estimate (which
    differs)."""
    import json
    import re

    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_CONFIG_HOME": str(tmp_path / "config")}

    def run(*args):
        done = subprocess.run([*COACH, *args], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def spoken_times():
        script = json.loads(run("compile", "beginner", "--json"))["script"]
        return [(c["t"], c["text"]) for c in script if c["kind"] != "beep"]

    estimated = spoken_times()
    run("export", "beginner", "-o", str(tmp_path / "s.wav"))
    vtt = re.findall(r"(\d\d):(\d\d):(\d\d)\.(\d{3}) --> .*\n(.*)", (tmp_path / "s.vtt").read_text())
    heard = [(int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000, text)
             for h, m, s, ms, text in vtt if text != "[beep]"]
    real = spoken_times()
    assert [text for _, text in real] == [text for _, text in heard]
    assert all(abs(a - b) <= 0.0051 for (a, _), (b, _) in zip(real, heard))  # "t" has 2 decimals
    assert max(abs(a - b) for (a, _), (b, _) in zip(estimated, heard)) > 1.0


def ebur128(path) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) of a file by ffmpeg's ebur128 filter."""
    import re

    done = subprocess.run(["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-af", "ebur128=peak=true",
                           "-f", "null", "-"], capture_output=True, text=True, timeout=300)
    summary = done.stderr[done.stderr.rindex("Summary:"):]
    lufs = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    peak = float(re.search(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))
    return lufs, peak


def test_an_export_measures_minus_16_lufs_and_under_minus_1_dbtp_by_ffmpeg(tmp_path):
    """Each phrase at its own measured gain adds up to the session's target,
    as an independent meter (ffmpeg's EBU R128 filter) hears the file."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    done = subprocess.run([*COACH, "export", "beginner", "-o", str(tmp_path / "s.wav")], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lufs, peak = ebur128(tmp_path / "s.wav")
    assert abs(lufs + 16) <= 1, lufs
    assert peak <= -1, peak


def test_start_loads_the_voice_early_and_close_ends_it(tmp_path):
    from coach.render.tts import EspeakEngine

    engine = EspeakEngine()
    speech = Speech(engine, PhraseCache(engine, tmp_path))
    speech.start()
    (server,) = [s.process for s in engine._servers]
    assert server.poll() is None and not list(tmp_path.iterdir())  # up, nothing made
    assert speech.clip("Bend your knees.").size
    assert [s.process for s in engine._servers] == [server]  # the same server spoke
    speech.close()
    assert server.poll() is not None
