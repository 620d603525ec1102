"""`coach play` end to end through a real PulseAudio server (null sink,
monitor recorded), compared with `coach export` of the same session."""

import glob
import json
import os
import re
import signal
import subprocess
import sys
import time
import wave

import numpy as np
import pytest

from pulse import lag, pulse_server, spread, window_lags
from coach.output.sinks import LOST, STALLED
from coach.units import SAMPLE_RATE

COACH = [sys.executable, "-c", "from coach.cli import main; main()"]


@pytest.fixture(scope="module")
def warm(tmp_path_factory):
    """A phrase cache warmed by an export that is also the reference
    recording: (cache folder, reference samples, [(vtt seconds, text)])."""
    tmp_path = tmp_path_factory.mktemp("warm")
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_STATE_HOME": str(tmp_path / "state"),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    ref = tmp_path / "ref.wav"
    done = subprocess.run([*COACH, "export", "beginner", "-o", str(ref)], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    with wave.open(str(ref)) as w:
        reference = np.frombuffer(w.readframes(w.getnframes()), np.int16)
    cues = [(int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000, text) for h, m, s, ms, text in
            re.findall(r"(\d\d):(\d\d):(\d\d)\.(\d{3}) --> .*\n(.*)", ref.with_suffix(".vtt").read_text())]
    return tmp_path / "cache", reference, cues


@pytest.fixture
def homes(warm, tmp_path):
    """Private state and config folders for one test, the warm cache shared."""
    cache, reference, cues = warm
    env = {"XDG_CACHE_HOME": str(cache), "XDG_STATE_HOME": str(tmp_path / "state"),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    return env, reference, cues, tmp_path


def test_play_matches_the_export_sample_for_sample_and_stops_cleanly(homes):
    env, reference, _, tmp = homes
    with pulse_server() as server, server.record() as rec:
        started = time.monotonic()
        proc = subprocess.Popen([*COACH, "play", "beginner"], env={**server.env, **env},
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        rec.wait_for(50, timeout=90)
        proc.send_signal(signal.SIGINT)  # Ctrl-C
        out, err = proc.communicate(timeout=15)
    assert proc.returncode == 130
    assert "Traceback" not in err
    assert re.fullmatch(r"Stopped in .+\. `coach play --resume` picks up there\.", err.strip().splitlines()[-1])
    heard = rec.samples
    shift = lag(heard[: 15 * SAMPLE_RATE], reference[: 8 * SAMPLE_RATE])
    # Live play skips most of the file's 1 s lead-in, so the lag may be negative.
    assert -SAMPLE_RATE < shift < (time.monotonic() - started) * SAMPLE_RATE
    lags = window_lags(heard, reference[: 45 * SAMPLE_RATE], shift)
    assert len(lags) > 25
    assert spread(lags) <= 0.020, [l for l in lags if abs(l[1] - lags[0][1]) > 100]
    assert min(match for _, _, match in lags) > 0.95, [l for l in lags if l[2] < 0.99]  # the very samples, nothing lost
    assert (tmp / "state" / "coach" / "resume.json").exists()


def test_pause_and_resume_restart_the_interrupted_phrase(homes):
    env, reference, cues, _ = homes
    long_phrase = next((t, text) for t, text in cues if text.startswith("If back pain lasts"))
    master, slave = os.openpty()
    with pulse_server() as server, server.record() as rec:
        proc = subprocess.Popen([*COACH, "play", "beginner", "--quiet"], env={**server.env, **env},
                                stdin=slave, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        os.close(slave)
        # Wait until the long safety phrase is being heard, then pause mid-phrase.
        shift = None
        while shift is None:
            rec.wait_for(len(rec._chunks) * 441 / SAMPLE_RATE + 1, timeout=30)
            data = b"".join(rec._chunks)
            heard = np.frombuffer(data[: len(data) // 2 * 2], np.int16)
            if len(heard) > 8 * SAMPLE_RATE and np.abs(heard).max() > 1000:
                shift = lag(heard, reference[: 4 * SAMPLE_RATE])
        pause_at = rec.start_time + (shift + (long_phrase[0] + 2.5) * SAMPLE_RATE) / SAMPLE_RATE
        time.sleep(max(0.0, pause_at - time.monotonic()))
        os.write(master, b" ")
        time.sleep(3.0)
        os.write(master, b" ")
        time.sleep(6.0)
        os.write(master, b"q")
        _, err = proc.communicate(timeout=15)
        os.close(master)
    assert proc.returncode == 0 and "Traceback" not in err
    heard = rec.samples.astype(np.int32)
    after = shift + int(long_phrase[0] * SAMPLE_RATE)
    quiet = np.abs(heard) < 200
    # The gap: the first stretch of 2.5 s without sound after the phrase began.
    run, gap_end = 0, None
    for i in range(after, len(heard), 441):
        run = run + 441 if quiet[i: i + 441].all() else 0
        if run >= 2.5 * SAMPLE_RATE:
            gap_end = i
            while gap_end < len(heard) and quiet[gap_end]:
                gap_end += 1
            break
    assert gap_end is not None, "no pause heard"
    # What follows the gap is the interrupted phrase from its start.
    start = int(long_phrase[0] * SAMPLE_RATE)
    piece = reference[start: start + SAMPLE_RATE].astype(np.float64)
    resumed = heard[gap_end - 200: gap_end - 200 + SAMPLE_RATE + 400].astype(np.float64)
    best = max(np.dot(resumed[k: k + len(piece)], piece) for k in range(0, 400, 2))
    match = best / (np.linalg.norm(piece) * np.linalg.norm(resumed) + 1e-9)
    assert match > 0.9


def test_no_sound_device_is_one_line_within_10_seconds(tmp_path):
    alsa = tmp_path / "alsa.conf"
    alsa.write_text("pcm.!default { type hw card 97 }\nctl.!default { type hw card 97 }\n")
    env = {**os.environ, "ALSA_CONFIG_PATH": str(alsa), "PULSE_SERVER": "unix:/nonexistent",
           "XDG_CACHE_HOME": str(tmp_path / "c"), "XDG_STATE_HOME": str(tmp_path / "s")}
    start = time.monotonic()
    result = subprocess.run([*COACH, "play", "beginner"], env=env, capture_output=True, text=True, timeout=60)
    assert time.monotonic() - start < 10
    assert result.returncode != 0
    assert result.stderr == ("No sound device or audio server is available, so coach cannot play; "
                             "run `coach export` to save the session as a WAV file instead.\n")


# ------------------------------------------------------------ faults in play


def left_behind(marker: str) -> list[str]:
    """Command lines of processes still running with ``marker`` in their
    environment (every process coach starts inherits the test's XDG folders)."""
    found = []
    for environ in glob.glob("/proc/[0-9]*/environ"):
        try:
            with open(environ, "rb") as f:
                if marker.encode() in f.read():
                    found.append(open(environ.replace("environ", "cmdline"), "rb").read().decode(errors="replace"))
        except OSError:
            continue
    return found


def play_then(homes, fault, after: float = 6.0):
    """Start `coach play beginner`, let ``after`` seconds be heard, do
    ``fault(server, proc)``; return (exit code, stderr, seconds from the fault
    to the exit, resume.json path)."""
    env, _, _, tmp = homes
    with pulse_server() as server, server.record() as rec:
        proc = subprocess.Popen([*COACH, "play", "beginner"], env={**server.env, **env},
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        rec.wait_for(after, timeout=60)
        faulted = time.monotonic()
        fault(server, proc)
        try:
            _, err = proc.communicate(timeout=15)
        finally:
            proc.kill()
        took = time.monotonic() - faulted
        server.thaw()
    return proc.returncode, err, took, tmp / "state" / "coach" / "resume.json"


SAVED = "Stopped in Welcome. `coach play --resume` picks up there."


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_saves_the_position_in_one_line_and_leaves_no_process(homes, signum):
    code, err, took, saved = play_then(homes, lambda server, proc: proc.send_signal(signum))
    assert code == 128 + signum
    assert err == SAVED + "\n"
    assert took < 1.0
    assert json.loads(saved.read_text())["title"] == "Welcome"
    time.sleep(0.2)
    assert left_behind(str(homes[3] / "state")) == []


@pytest.mark.parametrize("fault", ["suspend", "freeze"])
def test_a_device_that_stops_taking_sound_is_noticed_within_5_seconds(homes, fault):
    def stall(server, proc):
        if fault == "suspend":
            subprocess.run(["pactl", "suspend-sink", "coach", "1"], env=server.env, check=True, timeout=10)
        else:
            server.freeze()
    code, err, took, saved = play_then(homes, stall)
    assert code == 1
    assert err == STALLED + " " + SAVED + "\n"
    assert took < 5.0
    assert saved.exists()
    assert left_behind(str(homes[3] / "state")) == []


def test_a_killed_server_saves_the_position(homes):
    code, err, took, saved = play_then(homes, lambda server, proc: server.proc.kill())
    assert code == 1
    assert err == LOST + " " + SAVED + "\n"
    assert json.loads(saved.read_text())["chapter"] == 0
    assert left_behind(str(homes[3] / "state")) == []


# -------------------------------------------------- playing while speech is made


def cue_windows(cues: list[tuple[float, str]], until: float) -> list[tuple[int, int]]:
    """Each cue heard before ``until`` s as a window from 20 ms before it to
    0.4 s after: a cue late, lost or cut matches poorly or lags apart."""
    margin = int(0.02 * SAMPLE_RATE)
    return [(int(t * SAMPLE_RATE) - margin, int(0.42 * SAMPLE_RATE)) for t, _ in cues if t < until]


@pytest.mark.parametrize("engine", ["espeak", "piper"])
def test_cold_play_is_the_export_with_no_gap_and_no_late_cue(tmp_path, engine):
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_STATE_HOME": str(tmp_path / "state"),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    with pulse_server() as server, server.record() as rec:
        launched = time.monotonic()
        proc = subprocess.Popen([*COACH, "play", "beginner", "--engine", engine], env={**server.env, **env},
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        rec.wait_for(62, timeout=120)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=15)
    assert proc.returncode == 130 and "Traceback" not in err
    # The export, made afterwards from the phrases play made, is the reference.
    ref = tmp_path / "ref.wav"
    done = subprocess.run([*COACH, "export", "beginner", "--engine", engine, "-o", str(ref)],
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    with wave.open(str(ref)) as w:
        reference = np.frombuffer(w.readframes(w.getnframes()), np.int16)
    cues = [(int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000, text) for h, m, s, ms, text in
            re.findall(r"(\d\d):(\d\d):(\d\d)\.(\d{3}) --> .*\n(.*)", ref.with_suffix(".vtt").read_text())]
    heard = rec.samples
    shift = lag(heard[: 20 * SAMPLE_RATE], reference[: 6 * SAMPLE_RATE])
    first = (rec.time_of(shift + int(cues[0][0] * SAMPLE_RATE)) - launched)
    lags = window_lags(heard, reference, shift, windows=cue_windows(cues, 55.0))
    print(f"\n{engine}, cold: first cue heard {first:.2f} s after launch; {len(lags)} cues, "
          f"lag spread {spread(lags) * 1000:.1f} ms, worst match {min(m for *_, m in lags):.3f}")
    assert len(lags) >= 8
    assert min(match for _, _, match in lags) > 0.95, [l for l in lags if l[2] < 0.95]
    assert spread(lags) <= 0.030, lags  # hand-overs land within the sink's mixing step
