"""Background music: a generated pad or the user's WAV, ducked under speech."""

import subprocess
import sys
import wave

import numpy as np
import pytest

from coach.errors import ConfigError
from coach.model import BeepKind, CueKind
from coach.render.mix import Mixer, measure_gains
from coach.render.music import Pad, Track, make_music
from coach.render.session import phrases
from coach.render.tts import FakeEngine
from coach.script.load import load_program
from coach.timeline import layout
from coach.units import SAMPLE_RATE


def rms_db(x):
    return 10 * np.log10(np.mean(np.square(x.astype(np.float64))) + 1e-20)


@pytest.fixture(scope="module")
def mixers():
    program = load_program("beginner")
    texts = phrases(program)
    clips = dict(zip(texts, FakeEngine().synthesize(texts)))
    beeps = {k: np.full(2000, 0.2, np.float32) for k in BeepKind}
    timeline = layout(program, lambda t: len(clips[t]), {k: len(v) for k, v in beeps.items()})
    gains = measure_gains(timeline, clips, beeps, Pad())
    return (Mixer(timeline, clips, beeps, gains), Mixer(timeline, clips, beeps, gains, Pad()))


def test_music_is_ducked_at_least_10_db_while_the_coach_speaks(mixers):
    dry, wet = mixers
    start, count = 0, 120 * SAMPLE_RATE
    music = wet.render(start, count).astype(np.float64) - dry.render(start, count)
    speaking = np.zeros(count, bool)
    for cue in dry.timeline.cues:
        if cue.kind != CueKind.BEEP and cue.start < start + count:
            speaking[cue.start - start: cue.start - start + cue.length] = True
    quiet = np.ones(count, bool)
    for cue in dry.timeline.cues:  # well clear of any cue and its ramps
        if cue.start < start + count:
            lo = max(0, cue.start - start - SAMPLE_RATE)
            quiet[lo: cue.start - start + cue.length + SAMPLE_RATE] = False
    assert speaking.sum() > 10 * SAMPLE_RATE and quiet.sum() > SAMPLE_RATE
    assert rms_db(music[quiet]) - rms_db(music[speaking]) >= 10


def test_the_pad_loops_without_a_click():
    pad = Pad().samples
    steps = np.abs(np.diff(pad))
    assert abs(float(pad[0] - pad[-1])) <= 2 * steps.max()
    assert np.array_equal(Pad().render(len(pad) - 5, 10)[5:], pad[:5])


def test_a_users_stereo_wav_is_mixed_down_and_resampled(tmp_path):
    path = tmp_path / "song.wav"
    t = np.arange(44100) / 44100
    tone = (np.sin(2 * np.pi * 440 * t) * 10000).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2), w.setsampwidth(2), w.setframerate(44100)
        w.writeframes(np.stack([tone, tone], axis=1).tobytes())
    track = make_music(str(path))
    assert isinstance(track, Track)
    assert abs(len(track.samples) - SAMPLE_RATE) <= 2
    spectrum = np.abs(np.fft.rfft(track.samples))
    assert abs(np.argmax(spectrum) * SAMPLE_RATE / len(track.samples) - 440) < 2


def test_a_file_that_is_not_a_wav_is_refused(tmp_path):
    path = tmp_path / "song.mp3"
    path.write_bytes(b"ID3 not a wav")
    with pytest.raises(ConfigError, match=r"^cannot use .*song.mp3 as music \(.*\); give a 16-bit PCM WAV file, or --music pad for the built-in calm pad$"):
        make_music(str(path))


def test_export_with_music_keeps_loudness_and_peak(tmp_path):
    import pyloudnorm

    out = tmp_path / "m.wav"
    result = subprocess.run([sys.executable, "-c", "from coach.cli import main; main()", "export", "beginner",
                             "--music", "pad", "-o", str(out)], capture_output=True, text=True, timeout=300,
                            env={**__import__("os").environ, "XDG_CACHE_HOME": str(tmp_path / "c")})
    assert result.returncode == 0, result.stderr
    with wave.open(str(out)) as w:
        x = np.frombuffer(w.readframes(w.getnframes()), np.int16).astype(np.float64) / 32768
    assert abs(pyloudnorm.Meter(SAMPLE_RATE).integrated_loudness(x) + 16) <= 1
    assert 20 * np.log10(np.abs(x).max()) <= -1


def test_a_tone_above_the_new_nyquist_is_filtered_not_folded(tmp_path):
    # 15 kHz in a 44.1 kHz file cannot exist at 22.05 kHz: libsoxr removes it,
    # where linear interpolation folded it down to an audible 7.05 kHz.
    path = tmp_path / "high.wav"
    t = np.arange(2 * 44100) / 44100
    tone = 0.5 * np.sin(2 * np.pi * 440 * t) + 0.3 * np.sin(2 * np.pi * 15000 * t)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(44100)
        w.writeframes((tone * 32767).astype("<i2").tobytes())
    samples = Track(path).samples.astype(np.float64)
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    freqs = np.fft.rfftfreq(len(samples), 1 / SAMPLE_RATE)
    at = lambda hz: spectrum[np.argmin(np.abs(freqs - hz))]
    assert 20 * np.log10(at(7050) / at(440)) < -60


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_music_that_is_not_a_regular_file_is_refused_without_waiting(tmp_path, kind):
    import os

    path = {"fifo": tmp_path / "pipe.wav", "device": "/dev/zero", "folder": tmp_path}[kind]
    if kind == "fifo":
        os.mkfifo(path)
    with pytest.raises(ConfigError, match=r"^cannot use .* as music \(.*is not a regular file\); give a 16-bit PCM WAV file"):
        make_music(str(path))
