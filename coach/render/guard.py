"""The last stage every sample passes through, in an export and in live play
alike. Whatever reaches it (a wrong gain, a broken music file, a bug), what
leaves is finite, has no DC, a true peak at or under CEILING_DBTP and no
more short-term power than LOUDEST_RMS_DBFS: nothing loud reaches someone
lying on the floor in headphones.

Ordinary sessions pass unchanged apart from the DC filter (their sounds are
levelled before they get here); the limiter only acts on what should never
have come.

The stage is a pure function of the signal around each sample (CONTEXT
samples on either side, in blocks aligned to absolute sample positions),
so a stretch rendered on its own equals the same stretch of the whole
session: the WAV file and the speaker get the very same samples.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

CEILING_DBTP = -1.0
"""Guaranteed ceiling of the true peak (podcast guidance)."""
AIM_DBTP = -1.5
"""Where the limiter aims: the estimate of peaks between samples, the gain
ramps and the int16 rounding get half a dB of room under the ceiling."""
LOUDEST_RMS_DBFS = -6.0
"""Ceiling of the power over any RMS_WINDOW samples. The loudest 93 ms of
the espeak-ng full routine at -16 LUFS measured -8.0 dBFS; a limited square
wave or full-scale noise would sit near -1.5."""
RMS_WINDOW = 2048
OVERSAMPLE = 4
"""True peak: the signal is looked at between samples, at 1/4 steps."""
TAPS = 16
"""Half length of the interpolation filter, samples."""
HOLD = 256
"""The guard works in blocks of this many samples (12 ms), aligned to
absolute positions: DC and gains are estimated per block and interpolated
linearly between block centres, so gains ramp over HOLD samples."""
DC_BLOCKS = 4
"""The DC estimate of a block is a triangle-weighted mean over this many
blocks on either side (about 100 ms)."""
DC_FLOOR = 0.01
"""A DC estimate under this (-40 dBFS: inaudible, harmless) is left alone:
the block means of ordinary sound wander that much, and it passes
untouched."""
POWER_BLOCKS = RMS_WINDOW // HOLD + 1
"""Any RMS_WINDOW samples lie within this many consecutive blocks."""
CONTEXT = 16 * HOLD
"""Samples on each side that one output sample depends on: a multiple of
HOLD, over (DC_BLOCKS + 1 + POWER_BLOCKS + 2) * HOLD = 4352 - HOLD."""

_STEPS = np.arange(1, OVERSAMPLE) / OVERSAMPLE
_TAPS = (np.sinc(np.arange(-TAPS + 1, TAPS + 1)[:, None] - _STEPS[None, :])
         * np.kaiser(2 * TAPS, 4.0)[:, None])
"""Interpolation filters: column j gives the value _STEPS[j] past a sample."""
_REACH = float(np.abs(_TAPS).sum(axis=0).max())
"""No interpolated value exceeds _REACH times the largest nearby sample."""


def render_guarded(raw: Callable[[int, int], np.ndarray], start: int, count: int) -> np.ndarray:
    """Samples ``start .. start+count`` of ``raw`` (float, any values)
    through the guard, as int16. ``raw`` is asked for a wider stretch, whose
    edges are aligned to HOLD so the result does not depend on ``start``."""
    lo = (start - CONTEXT) // HOLD * HOLD
    hi = -(-(start + count + CONTEXT) // HOLD) * HOLD
    x = guard(np.asarray(raw(lo, hi - lo), np.float64))
    out = x[start - lo: start - lo + count]
    return np.round(np.clip(out, -1.0, 1.0) * 32767).astype(np.int16)


def guard(x: np.ndarray) -> np.ndarray:
    """The guarded signal (float64, the same length). Its first and last
    CONTEXT samples are only context."""
    # 1. Nothing infinite or absurd gets in.
    size = len(x)
    x = np.clip(np.nan_to_num(x, nan=0.0, posinf=0.0, neginf=0.0), -16.0, 16.0)
    x = np.concatenate((x, np.zeros(-size % HOLD)))
    blocks = len(x) // HOLD
    centres = np.arange(blocks) * HOLD + (HOLD - 1) / 2
    at = np.arange(len(x))
    # 2. Take DC and infrasound away.
    triangle = np.bartlett(2 * DC_BLOCKS + 3)[1:-1]
    means = x.reshape(blocks, HOLD).mean(axis=1)
    dc = np.convolve(means, triangle / triangle.sum(), mode="same")
    dc[np.abs(dc) < DC_FLOOR] = 0.0
    if dc.any():
        x = x - np.interp(at, centres, dc)
    # 3. The gain each block may have: for its true peak, and for the power
    #    of every RMS_WINDOW it may be part of (the POWER_BLOCKS around it).
    shaped = x.reshape(blocks, HOLD)
    power = np.convolve((shaped * shaped).sum(axis=1), np.ones(POWER_BLOCKS), mode="same")
    loudest = 10 ** (LOUDEST_RMS_DBFS / 20) * np.sqrt(RMS_WINDOW)
    aim = 10 ** (AIM_DBTP / 20)
    with np.errstate(divide="ignore"):
        for_power = np.minimum(loudest / np.sqrt(power), 1.0)
        for_peaks = np.minimum(aim / block_true_peaks(x), 1.0)
    # 4. Each block takes the lowest gain of every block whose peak or power
    #    it shares, and gains ramp linearly between block centres: no
    #    sample gets more than any of those blocks wanted.
    held = np.minimum(held_low(for_peaks, 1), held_low(for_power, POWER_BLOCKS // 2 + 1))
    if np.all(held == 1.0):
        return x[:size]
    return (x * np.interp(at, centres, held))[:size]


def held_low(wanted: np.ndarray, reach: int) -> np.ndarray:
    """Per block, the lowest of ``wanted`` there and ``reach`` blocks around."""
    padded = np.concatenate((np.ones(reach), wanted, np.ones(reach)))
    return np.min([padded[i: i + len(wanted)] for i in range(2 * reach + 1)], axis=0)


def block_true_peaks(x: np.ndarray) -> np.ndarray:
    """Per block of HOLD samples, the largest magnitude at its samples and
    between each of them and the next (OVERSAMPLE steps, windowed sinc).
    Only runs of blocks whose neighbourhood could reach the aim are
    interpolated (speech leaves most pauses out)."""
    blocks = len(x) // HOLD
    peaks = np.abs(x).reshape(blocks, HOLD).max(axis=1)
    near = np.maximum(peaks, np.maximum(np.r_[peaks[1:], 0.0], np.r_[0.0, peaks[:-1]]))
    loud = np.concatenate(([False], near * _REACH > 10 ** (AIM_DBTP / 20), [False]))
    edges = np.flatnonzero(np.diff(loud.astype(np.int8)))
    for first, end in zip(edges[::2], edges[1::2]):
        lo, hi = first * HOLD, end * HOLD
        # x[lo - TAPS + 1 .. hi + TAPS]: what every value after x[lo .. hi) needs.
        part = x[max(0, lo - TAPS + 1): hi + TAPS].astype(np.float32)
        part = np.concatenate((np.zeros(max(0, TAPS - 1 - lo), np.float32), part,
                               np.zeros(hi + TAPS - min(len(x), hi + TAPS), np.float32)))
        between = np.zeros(hi - lo, np.float32)
        for taps in _TAPS.T.astype(np.float32):
            np.maximum(between, np.abs(np.convolve(part, taps[::-1], mode="valid")), out=between)
        peaks[first:end] = np.maximum(peaks[first:end], between.reshape(-1, HOLD).max(axis=1))
    return peaks
