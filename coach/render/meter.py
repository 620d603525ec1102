"""Loudness measurement (ITU-R BS.1770 / EBU R128) in this process, through
pyebur128 (libebur128 compiled with Cython: a 20 ms import and no scipy).

A phrase is measured once, when it is made, the way a meter of the finished
session will hear it: alone, with silence on either side (``phrase_loudness``).
Counts like "two" last less than the 0.4 s block BS.1770 needs; in silence
they fill a few blocks, as they do in the mix, where counts stand a second
apart. Its gain then brings it to the target, so a session built of such
phrases measures at the target however many counts it holds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from coach.units import SAMPLE_RATE

MEASURE_S = 20
"""Speech measured for a first guess of the voice's level (``speech_sample``)."""
PAD_S = 0.4
"""Silence on either side of a phrase when it is measured: one BS.1770 block."""
SILENT = -70.0
"""LUFS of a sound with nothing above BS.1770's absolute gate."""


def loudness(samples: np.ndarray) -> float:
    """Integrated loudness of mono float samples at SAMPLE_RATE, LUFS
    (SILENT for silence). Sounds shorter than a second are repeated to a
    second first, as a looped tone would be heard."""
    import pyebur128

    samples = np.ascontiguousarray(samples, dtype=np.float64)
    if samples.size == 0:
        return SILENT
    if samples.size < SAMPLE_RATE:
        samples = np.tile(samples, SAMPLE_RATE // samples.size + 1)
    state = pyebur128.R128State(1, SAMPLE_RATE, pyebur128.MeasurementMode.MODE_I)
    state.add_frames(samples, samples.size)
    value = pyebur128.get_loudness_global(state)
    return value if math.isfinite(value) and value > SILENT else SILENT


def phrase_loudness(clip: np.ndarray) -> float:
    """Integrated loudness of a phrase between PAD_S of silence, LUFS."""
    pad = np.zeros(round(PAD_S * SAMPLE_RATE), np.float32)
    if np.size(clip) == 0:
        return SILENT
    return loudness(np.concatenate([pad, np.asarray(clip, np.float32), pad]))


def speech_sample(clips: Iterable[np.ndarray]) -> np.ndarray:
    """The longest clips, back to back, up to MEASURE_S seconds."""
    chosen, total = [], 0
    for clip in sorted((c for c in clips if len(c)), key=len, reverse=True):
        if total >= MEASURE_S * SAMPLE_RATE:
            break
        chosen.append(clip)
        total += len(clip)
    return np.concatenate(chosen or [np.zeros(1, np.float32)])
