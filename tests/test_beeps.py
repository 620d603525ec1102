"""The four beeps: there, short, soft-edged, distinct, reproducible."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from coach.errors import CoachError
from coach.model import BeepKind
from coach.render.beeps import SOUNDS, load_beeps
from coach.units import SAMPLE_RATE, to_samples

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def beeps():
    return load_beeps()


def test_one_short_sound_per_kind(beeps):
    assert set(beeps) == set(BeepKind)
    for kind, sound in beeps.items():
        assert sound.dtype == np.float32
        assert 0.15 <= sound.size / SAMPLE_RATE <= 0.5, kind
        assert 0.3 < np.max(np.abs(sound)) <= 0.6, kind


def test_soft_edges(beeps):
    ms = to_samples(0.001)
    for kind, sound in beeps.items():
        # A raised-cosine attack is still below 4% of full scale after 1 ms,
        # and the release ends at silence: no click at either end.
        assert np.max(np.abs(sound[:ms])) < 0.03, kind
        assert np.max(np.abs(sound[-ms:])) < 0.01, kind
        # No jumps anywhere: the steepest step of a 0.5-amplitude tone
        # around 880 Hz (with harmonics) is ~0.2.
        assert np.max(np.abs(np.diff(sound))) < 0.3, kind


def dominant_hz(part: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(part * np.hanning(part.size)))
    return float(np.fft.rfftfreq(part.size, 1 / SAMPLE_RATE)[np.argmax(spectrum)])


def test_start_rises_and_end_falls(beeps):
    start, end = beeps[BeepKind.HOLD_START], beeps[BeepKind.HOLD_END]
    window = to_samples(0.08)
    # Early and late windows: E5 (659 Hz) then A5 (880); G5 (784) then C5 (523).
    assert dominant_hz(start[:window]) == pytest.approx(659, abs=20)
    assert dominant_hz(start[-2 * window : -window]) == pytest.approx(880, abs=20)
    assert dominant_hz(end[:window]) == pytest.approx(784, abs=20)
    assert dominant_hz(end[-2 * window : -window]) == pytest.approx(523, abs=20)


def bursts(sound: np.ndarray) -> int:
    """Number of separate loud stretches (5 ms frames above 10% of the peak)."""
    frame = to_samples(0.005)
    frames = sound[: sound.size // frame * frame].reshape(-1, frame)
    loud = np.max(np.abs(frames), axis=1) > 0.1 * np.max(np.abs(sound))
    return int(np.sum(loud[1:] & ~loud[:-1]) + loud[0])


def test_side_is_two_pulses_and_others_one_sound(beeps):
    assert bursts(beeps[BeepKind.SIDE]) == 2
    assert bursts(beeps[BeepKind.NEXT]) == 1
    assert bursts(beeps[BeepKind.HOLD_START]) == 1


def test_all_four_differ(beeps):
    sounds = list(beeps.values())
    lengths = {s.size for s in sounds}
    assert len(lengths) == 4


def test_make_sounds_is_reproducible(tmp_path):
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "make_sounds.py"), str(tmp_path)],
        check=True,
        capture_output=True,
    )
    for kind in BeepKind:
        name = f"{kind.value}.wav"
        assert (tmp_path / name).read_bytes() == (SOUNDS / name).read_bytes(), name


def test_a_missing_sound_says_how_to_make_it(tmp_path):
    with pytest.raises(CoachError) as info:
        load_beeps(tmp_path)
    assert str(info.value) == (
        f"The beep sound {tmp_path / 'hold_start.wav'} is missing: reinstall coach"
        " (pip install --force-reinstall coach), or in a checkout run"
        " `python scripts/make_sounds.py` to make it again."
    )
