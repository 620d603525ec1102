"""`coach export` with the real espeak-ng voice, checked the way issue 3
checks it: onsets against the .vtt, counts a second apart, loudness, peak,
chapters, byte-identical repeats; and the faults a user can hit."""

import json
import os
import re
import signal
import time
import subprocess
import sys
import wave

import numpy as np
import pyloudnorm
import pytest

from coach.model import BeepKind
from coach.output.wav import read_chapters
from coach.render.mix import Mixer
from coach.render.session import phrases
from coach.render.tts import FakeEngine
from coach.script.load import load_program
from coach.timeline import layout

COACH = [sys.executable, "-c", "from coach.cli import main; main()"]
NUMBERS = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
           "eleven", "twelve", "thirteen", "fourteen"}


def run(*args, env=None, **kw):
    return subprocess.run([*COACH, *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})}, **kw)


def read_vtt(path):
    cues = re.findall(r"(\d\d):(\d\d):(\d\d)\.(\d{3}) --> .*\n(.*)", path.read_text())
    return [(int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000, text) for h, m, s, ms, text in cues]


@pytest.fixture(scope="module")
def beginner(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export")
    env = {"XDG_CACHE_HOME": str(folder / "cache")}
    first = run("export", "beginner", "-o", str(folder / "s.wav"), env=env)
    assert first.returncode == 0, first.stderr
    again = run("export", "beginner", "-o", str(folder / "again.wav"), env=env)
    assert again.returncode == 0, again.stderr
    with wave.open(str(folder / "s.wav")) as w:
        rate = w.getframerate()
        samples = np.frombuffer(w.readframes(w.getnframes()), np.int16).astype(np.float64) / 32768
    return folder, rate, samples


def test_every_cue_is_audible_within_10_ms_of_its_vtt_time(beginner):
    folder, rate, x = beginner
    cues = read_vtt(folder / "s.vtt")
    assert len(cues) > 300 and any(t == "[beep]" for _, t in cues)
    audible = 10 ** (-45 / 20)
    window = int(0.05 * rate)
    for t, text in cues:
        i = round(t * rate)
        before = np.abs(x[i - window: i - int(0.010 * rate)])
        after = np.abs(x[i: i + int(0.010 * rate)])
        assert before.max() < audible, f"sound before {text!r} at {t}"
        assert after.max() > audible, f"{text!r} not audible at {t}"


def test_counts_are_one_second_apart(beginner):
    folder, _, _ = beginner
    cues = read_vtt(folder / "s.vtt")
    gaps = [b[0] - a[0] for a, b in zip(cues, cues[1:]) if a[1] in NUMBERS and b[1] in NUMBERS]
    assert len(gaps) > 50
    assert all(abs(g - 1.0) <= 0.010 for g in gaps), sorted(gaps)[:3]


def test_loudness_and_peak(beginner):
    _, rate, x = beginner
    assert abs(pyloudnorm.Meter(rate).integrated_loudness(x) + 16) <= 1
    assert 20 * np.log10(np.abs(x).max()) <= -1


def test_one_chapter_per_exercise_and_repeatable(beginner):
    folder, rate, x = beginner
    chapters = read_chapters(folder / "s.wav")
    names = [b.name for b in load_program("beginner").exercises]
    assert [t for t, _ in chapters][1:-1] == names
    assert len(chapters) == len(names) + 2  # welcome, the exercises, closing
    assert (folder / "s.wav").read_bytes() == (folder / "again.wav").read_bytes()
    assert subprocess.run(["sox", "--i", str(folder / "s.wav")], capture_output=True).returncode == 0


def test_mixer_blocks_match_a_whole_render():
    program = load_program("beginner")
    clips = dict(zip(phrases(program), FakeEngine().synthesize(phrases(program))))
    beeps = {k: np.ones(100, np.float32) * 0.1 for k in __import__("coach.model", fromlist=["BeepKind"]).BeepKind}
    timeline = layout(program, lambda t: len(clips[t]), {k: len(v) for k, v in beeps.items()})
    mixer = Mixer(timeline, clips, beeps)
    start = timeline.cues[50].start - 1234
    whole = mixer.render(start, 5 * 22050)
    pieces = np.concatenate([mixer.render(start + i * 22050, 22050) for i in range(5)])
    assert np.array_equal(whole, pieces) and np.abs(whole).max() > 0


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir())


def test_missing_output_folder(tmp_path):
    result = run("export", "beginner", "-o", str(tmp_path / "nope" / "s.wav"), env={"XDG_CACHE_HOME": str(tmp_path / "c")})
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "nope" in result.stderr


def test_full_disk_leaves_nothing_behind(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    # Warm the phrase cache first: this is about writing the WAV. (Under a
    # tiny file-size limit, cold synthesis workers add noise of their own.)
    warm = run("export", "beginner", "-o", str(tmp_path / "warm.wav"), env={"XDG_CACHE_HOME": str(tmp_path / "c")})
    assert warm.returncode == 0, warm.stderr
    script = ("import resource, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (2_000_000, 2_000_000));"
              "sys.argv=['coach','export','beginner','-o',sys.argv[1]]; from coach.cli import main; main()")
    result = subprocess.run([sys.executable, "-c", script, str(out / "s.wav")], capture_output=True, text=True,
                            env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "c")}, timeout=300)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert leftovers(out) == []
    assert "file-size limit" in result.stderr


def test_unknown_voice(tmp_path):
    result = run("export", "beginner", "-o", str(tmp_path / "s.wav"), "--voice", "klingon-x",
                 env={"XDG_CACHE_HOME": str(tmp_path / "c")})
    assert result.returncode != 0
    assert result.stderr == "Unknown voice 'klingon-x': list the installed voices with `coach voices`.\n"
    assert leftovers(tmp_path) in ([], ["c"])


def test_ctrl_c_during_export_is_one_line_and_leaves_no_file(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen([*COACH, "export", "full", "-o", str(out / "s.wav")],
                            env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "c")},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    time.sleep(0.8)  # a cold export of the full routine takes seconds: still speaking
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert err == "Stopped (Ctrl-C); no file was left half-written.\n"
    assert leftovers(out) == []


# ------------------------------------------------------ two processes, one file


def pattern(start, count):
    """Samples that differ at every position, so a block in the wrong
    place or a block missing shows."""
    return ((np.arange(start, start + count) * 7919) % 65536 - 32768).astype(np.int16)


def filled(tmp_path, monkeypatch, render, length, size):
    """What split.fill writes after 10 bytes of a file; its helper was
    forked (on a machine with two cores or more) and is gone."""
    from coach.output import split

    helpers, fork = [], os.fork

    def recorded_fork():
        pid = fork()
        if pid:
            helpers.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", recorded_fork)
    path = tmp_path / "fill.raw"
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC)
    try:
        split.fill(fd, 10, render, length, size)
    finally:
        os.close(fd)
    assert len(helpers) == (len(os.sched_getaffinity(0)) > 1)
    for pid in helpers:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # reaped already
    return path.read_bytes()


@pytest.mark.parametrize("length", [10 * 1000, 10 * 1000 + 1, 37 * 1000 - 999])
def test_two_processes_write_what_one_writes(tmp_path, monkeypatch, length):
    data = filled(tmp_path, monkeypatch, pattern, length, 1000)
    assert data[:10] == b"\0" * 10  # what lies before the samples is left alone
    assert data[10:] == pattern(0, length).astype("<i2").tobytes()


def test_a_helper_that_fails_or_hangs_costs_nothing_but_its_fork(tmp_path, monkeypatch):
    parent = os.getpid()

    def failing(start, count):
        if os.getpid() != parent:
            raise RuntimeError("the helper breaks")
        return pattern(start, count)

    def hanging(start, count):
        if os.getpid() != parent:
            time.sleep(3600)
        return pattern(start, count)

    for render in (failing, hanging):
        started = time.monotonic()
        data = filled(tmp_path, monkeypatch, render, 20 * 1000, 1000)
        assert data[10:] == pattern(0, 20 * 1000).astype("<i2").tobytes()
        assert time.monotonic() - started < 10


def test_no_room_for_a_helper_and_one_process_writes_it_all(tmp_path, monkeypatch):
    from coach.output import split

    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")  # EAGAIN: process limit

    monkeypatch.setattr(os, "fork", no_fork)
    path = tmp_path / "fill.raw"
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC)
    try:
        split.fill(fd, 10, pattern, 20 * 1000, 1000)
    finally:
        os.close(fd)
    assert path.read_bytes()[10:] == pattern(0, 20 * 1000).astype("<i2").tobytes()
