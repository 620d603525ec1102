"""Speech engines: the real espeak-ng voice through pyttsx3, and the fake."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from conftest import assert_trimmed
import pytest

from coach.errors import ConfigError, TtsError
from coach.render.tts import EspeakEngine, FakeEngine, make_engine, trim
from coach.units import SAMPLE_RATE, to_samples


@pytest.fixture(scope="module")
def spoken():
    return EspeakEngine().synthesize(["Bend your knees.", "two", "", "Breathe out slowly."])


def test_espeak_speaks_each_phrase_trimmed(spoken):
    knees, two, empty, breathe = spoken
    for clip in (knees, two, breathe):
        assert_trimmed(clip)  # untrimmed output leads with tens of ms of silence
    assert empty.size == 0
    # Plausible lengths for a calm voice: "two" ~0.3 s, a sentence ~1 s.
    assert 0.15 < two.size / SAMPLE_RATE < 0.8
    assert 0.6 < knees.size / SAMPLE_RATE < 2.5
    assert breathe.size > two.size


def test_espeak_prints_nothing_on_stdout(capfd):
    EspeakEngine(rate=160).synthesize(["hold", "release"])
    out, _ = capfd.readouterr()
    assert out == ""


def test_espeak_in_worker_processes_matches_count_and_order():
    texts = ["one", "two words", "three little words", "one"]
    clips = EspeakEngine(workers=2).synthesize(texts * 5)
    assert len(clips) == 20
    # Order kept: the longest phrase is longest wherever it lands.
    for i in range(0, 20, 4):
        assert clips[i + 2].size > clips[i].size


def test_unknown_voice_says_what_to_do():
    with pytest.raises(TtsError) as info:
        EspeakEngine(voice="no-such-voice").synthesize(["hello"])
    assert str(info.value) == (
        "Unknown voice 'no-such-voice': list the installed voices with `coach voices`."
    )


def test_a_good_voice_still_works_after_a_bad_one():
    with pytest.raises(TtsError):
        EspeakEngine(voice="no-such-voice").synthesize(["hello"])
    (clip,) = EspeakEngine(voice="en-us").synthesize(["hello"])
    assert clip.size > to_samples(0.2)


def test_missing_espeak_library_says_how_to_install():
    # In a fresh interpreter, make every shared-library load fail as it does
    # on a machine without libespeak-ng.
    code = (
        "import ctypes\n"
        "def refuse(*a, **k): raise OSError('cannot open shared object file')\n"
        "ctypes.cdll.LoadLibrary = refuse\n"
        "from coach.errors import TtsError\n"
        "from coach.render.tts import EspeakEngine\n"
        "try:\n"
        "    EspeakEngine().synthesize(['hello'])\n"
        "except TtsError as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == (
        "espeak-ng is not installed: install it with `sudo apt-get install espeak-ng`"
        " and try again."
    )


def test_rate_out_of_range_is_a_config_error():
    with pytest.raises(ConfigError, match="choose 80 to 450 words per minute"):
        EspeakEngine(rate=20)


def test_fake_engine_is_deterministic_and_grows_with_words():
    a = FakeEngine().synthesize(["hold still", "one", "breathe in and out slowly"])
    b = FakeEngine().synthesize(["hold still", "one", "breathe in and out slowly"])
    for x, y in zip(a, b):
        assert np.array_equal(x, y)
    assert [clip.size for clip in a] == [to_samples(0.6), to_samples(0.3), to_samples(1.5)]
    assert not np.array_equal(a[0][:1000], a[1][:1000])  # phrases differ in pitch
    assert FakeEngine().synthesize([""])[0].size == 0


def test_make_engine_by_name():
    assert make_engine("fake", None, None).key == "fake"
    assert make_engine("espeak", "en-gb", 150).key == "espeak/en-gb/150"
    assert make_engine("espeak", None, None).key == "espeak/en-us/175"
    with pytest.raises(ConfigError) as info:
        make_engine("festival", None, None)
    assert str(info.value) == "Unknown speech engine 'festival': choose one of espeak, piper, fake."


def test_trim_cuts_silence_at_both_ends():
    tone = np.sin(2 * np.pi * 440 * np.arange(2205) / SAMPLE_RATE).astype(np.float32)
    padded = np.concatenate([np.zeros(1000), tone, np.zeros(5000)]).astype(np.float32)
    out = trim(padded)
    # Starts on the tone's first sample (a zero crossing, 1 sample before the
    # first non-zero one), keeps 30 ms of what follows, and fades to zero.
    assert np.array_equal(out[:100], tone[:100])
    assert tone.size - 10 <= out.size <= tone.size + to_samples(0.030)
    assert out.size > tone.size  # some of the "decay" was kept
    assert out[-1] == 0.0
    assert trim(np.zeros(500, dtype=np.float32)).size == 0


def test_espeak_gives_the_same_samples_whatever_it_spoke_before(tmp_path):
    """libespeak-ng carries state from one phrase to the next; each phrase
    must still come out as `espeak-ng -w` speaks it alone, trimmed."""
    import wave

    text = "Lie on your back and bend your knees."
    first = EspeakEngine().synthesize([text])[0]
    engine = EspeakEngine(workers=1)
    after = engine.synthesize(["two", "Breathe out slowly.", text, "three", text])
    engine.close()
    assert np.array_equal(after[2], first) and np.array_equal(after[4], first)
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "175", "-w", str(tmp_path / "x.wav"), text], check=True)
    with wave.open(str(tmp_path / "x.wav")) as w:
        alone = np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float32) / 32768
    assert np.array_equal(trim(alone), first)
