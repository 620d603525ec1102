"""Loudness measurement (ITU-R BS.1770 through pyloudnorm), in a process of
its own.

pyloudnorm imports scipy: about 1.5 s and 80 MB. A ``Meter`` starts a child
that imports it at once, while the speech is being made, and takes those
80 MB away when it closes, so neither the exporter nor a long `coach play`
carries them. Only short samples travel to the child.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from collections.abc import Iterable

import numpy as np

from coach.render.tts import ignore_interrupt
from coach.units import SAMPLE_RATE

MEASURE_S = 20
"""Speech measured for a first guess: the longest phrases, up to this many
seconds. One voice has one loudness."""


def speech_sample(clips: Iterable[np.ndarray]) -> np.ndarray:
    """The longest clips, back to back, up to MEASURE_S seconds."""
    chosen, total = [], 0
    for clip in sorted((c for c in clips if len(c)), key=len, reverse=True):
        if total >= MEASURE_S * SAMPLE_RATE:
            break
        chosen.append(clip)
        total += len(clip)
    return np.concatenate(chosen or [np.zeros(1, np.float32)])


def loudness(samples: np.ndarray) -> float:
    """Integrated loudness, LUFS, in this process. Short sounds are repeated
    to the length BS.1770 needs (0.4 s; one second here)."""
    import pyloudnorm  # scipy: only where measuring happens

    if len(samples) < SAMPLE_RATE:
        samples = np.tile(samples, SAMPLE_RATE // max(1, len(samples)) + 1)
    return pyloudnorm.Meter(SAMPLE_RATE).integrated_loudness(samples.astype(np.float64))


def _warm_up() -> None:
    import pyloudnorm  # noqa: F401


class Meter:
    """``meter(samples) -> LUFS``, measured in a child process. Use as a
    context manager; the child starts importing the meter on creation."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")  # no copy of this process's memory
        self._pool = ProcessPoolExecutor(1, mp_context=context, initializer=ignore_interrupt)
        self._pool.submit(_warm_up)

    def __call__(self, samples: np.ndarray) -> float:
        return self._pool.submit(loudness, np.ascontiguousarray(samples, np.float32)).result()

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)

    def __enter__(self) -> "Meter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
