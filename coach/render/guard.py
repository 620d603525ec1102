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

Every sample passes, so it must be cheap (scripts/bench_guard.py): it works
in float32 on per-block and per-chunk statistics, and subtracts DC, applies
gains and interpolates between samples only where that changes something.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

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
"""Interpolation filters: the value _STEPS[j] past sample n is
``sum(_TAPS[:, j] * x[n - TAPS + 1: n + TAPS + 1])``."""
_REACH = float(np.abs(_TAPS).sum(axis=0).max())
"""No interpolated value exceeds _REACH times the largest nearby sample."""
_TRIANGLE = np.bartlett(2 * DC_BLOCKS + 3)[1:-1] / np.bartlett(2 * DC_BLOCKS + 3)[1:-1].sum()
"""Weights of the DC estimate over the blocks around one."""
_LEFT = np.maximum((HOLD - 1) / 2 - np.arange(HOLD), 0) / HOLD
_RIGHT = np.maximum(np.arange(HOLD) - (HOLD - 1) / 2, 0) / HOLD
"""How far each sample of a block leans to the centre of the block before
it and after it: linear interpolation between block centres."""
CHUNK = TAPS
"""The true-peak bound is taken per CHUNK samples; its filter reaches at
most one chunk to either side."""


def _smooth_bound() -> tuple[float, float]:
    """(_ENDS, _BENDS): no interpolated value between x[n] and x[n+1] exceeds
    ``_ENDS * max(|x[n]|, |x[n+1]|) + _BENDS * max |x[i-1] - 2 x[i] + x[i+1]|``
    over i = n-14 .. n+15. Each filter is the straight line between its two
    samples plus a remainder that vanishes on straight lines, written as a
    filter over second differences (the remainder divided by (1 - z)^2).
    Speech at 22 kHz is smooth, so this is far tighter than _REACH."""
    offsets = np.arange(-TAPS + 1, TAPS + 1)
    a_sum, c_sum = 0.0, 0.0
    for taps in _TAPS.T:
        ends = np.array([taps.sum() - (taps * offsets).sum(), (taps * offsets).sum()])
        rest = taps.copy()
        rest[TAPS - 1: TAPS + 1] -= ends
        over_d2, left = np.polydiv(rest, [1.0, -2.0, 1.0])
        assert np.abs(left).max() < 1e-9
        a_sum = max(a_sum, float(np.abs(ends).sum()))
        c_sum = max(c_sum, float(np.abs(over_d2).sum()))
    return a_sum * 1.001, c_sum * 1.001  # room for float32 rounding


_ENDS, _BENDS = _smooth_bound()


SILENT_REACH = (DC_BLOCKS + 2) * HOLD
"""How far from any sound the guard's output can differ from zero: it only
subtracts DC (estimated over the blocks around) and scales, so where the
signal is zero for this many samples on either side, so is its output."""
SILENT_GAP = CONTEXT + HOLD
"""Zeros that part two sounds as surely as any longer silence: no sample
of the guard's output depends on anything further away than CONTEXT
(whole blocks of HOLD samples, hence one more)."""


def render_guarded(raw: Callable[[int, int], np.ndarray], start: int, count: int,
                   sounding: Callable[[int, int], Iterable[tuple[int, int]]] | None = None) -> np.ndarray:
    """Samples ``start .. start+count`` of ``raw`` (float, any values)
    through the guard, as int16. ``raw`` is asked for a wider stretch, whose
    edges are aligned to HOLD so the result does not depend on ``start``.

    ``sounding(lo, hi)``, when given, lists the stretches (in order) of
    ``lo .. hi`` outside which ``raw`` is exactly zero. Then only those are
    read and guarded, with longer silences between them shortened to
    SILENT_GAP (by whole blocks, so every block keeps its place among the
    blocks): the samples are the same, and the output is zeros beyond
    SILENT_REACH of any sound."""
    if sounding is None:
        return _guarded(raw, start, count)
    end = start + count
    # Only lo .. hi matters, as for _guarded; in it, what sounds.
    lo = (start - CONTEXT) // HOLD * HOLD
    hi = -(-(end + CONTEXT) // HOLD) * HOLD
    busy = [(max(a, lo), min(b, hi)) for a, b in _busy(sounding(lo - SILENT_REACH, hi + SILENT_REACH))]
    busy = [(a, b) for a, b in busy if a < b]
    out = np.zeros(count, np.int16)
    if not any(a < end and b > start for a, b in busy):
        return out
    # Where each busy stretch goes: shifted left by whole blocks, so that
    # SILENT_GAP to SILENT_GAP + HOLD zeros come before it and after the last.
    shifts = [max(lo, (busy[0][0] - SILENT_GAP) // HOLD * HOLD)]
    for (_, before), (a, _) in zip(busy, busy[1:]):
        shifts.append(shifts[-1] + max(0, (a - before - SILENT_GAP) // HOLD * HOLD))
    size = min(hi, -(-(busy[-1][1] + SILENT_GAP) // HOLD) * HOLD) - shifts[-1]
    padded = np.zeros(TAPS + size + TAPS, np.float32)
    for (a, b), shift in zip(busy, shifts):
        admit(raw(a, b - a), padded[TAPS + a - shift: TAPS + b - shift])
    signal = guard_padded(padded)
    for (a, b), shift in zip(busy, shifts):
        a, b = max(a, start), min(b, end)
        if a < b:
            _to_int16(signal[a - shift: b - shift], out[a - start: b - start])
    return out


def _busy(stretches: Iterable[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """Sounding stretches widened by SILENT_REACH, merged where they meet or
    are less than SILENT_GAP apart."""
    current = None
    for lo, hi in stretches:
        lo, hi = lo - SILENT_REACH, hi + SILENT_REACH
        if current is not None and lo - current[1] < SILENT_GAP:
            current = (current[0], max(current[1], hi))
            continue
        if current is not None:
            yield current
        current = (lo, hi)
    if current is not None:
        yield current


def _guarded(raw: Callable[[int, int], np.ndarray], start: int, count: int) -> np.ndarray:
    lo = (start - CONTEXT) // HOLD * HOLD
    hi = -(-(start + count + CONTEXT) // HOLD) * HOLD
    # The stretch and TAPS samples either side, which become the zeros
    # around it: a fresh float32 array is guarded where it lies.
    x = raw(lo - TAPS, hi - lo + 2 * TAPS)
    padded = x if x.dtype == np.float32 and x.flags.owndata and x.flags.writeable else np.empty(len(x), np.float32)
    padded[:TAPS] = padded[-TAPS:] = 0.0
    admit(x[TAPS: -TAPS], padded[TAPS: -TAPS])
    return _to_int16(guard_padded(padded)[start - lo: start - lo + count], np.empty(count, np.int16))


def _to_int16(guarded: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``guarded`` (float32, changed in place) as int16 samples in ``out``."""
    np.multiply(guarded, np.float32(32767), out=guarded)
    np.clip(guarded, -32767, 32767, out=guarded)
    return np.rint(guarded, out=out, casting="unsafe")


def guard(x: np.ndarray) -> np.ndarray:
    """The guarded signal (float32, the same length). Its first and last
    CONTEXT samples are only context."""
    size = len(x)
    padded = np.empty(TAPS + -(-size // HOLD) * HOLD + TAPS, np.float32)  # not zeros: calloc'd pages fault
    padded[:TAPS] = padded[TAPS + size:] = 0.0
    admit(x, padded[TAPS: TAPS + size])
    return guard_padded(padded)[:size]


def admit(x: np.ndarray, out: np.ndarray) -> None:
    """Nothing infinite or absurd gets in: ``x`` (any floats) into ``out``
    (float32, may be ``x`` itself), NaN and infinities as zeros (one
    broken sample sends none of them), the rest within +-16."""
    if len(x) and not (np.isfinite(np.max(x)) and np.isfinite(np.min(x))):  # NaN reaches both (and
        x = np.nan_to_num(x, nan=0.0, posinf=0.0, neginf=0.0)  # two passes are faster than one sum)
    np.clip(x, -16.0, 16.0, out=out)


def guard_padded(padded: np.ndarray) -> np.ndarray:
    """``guard`` in place, on ``padded``: float32 within +-16 (``admit``),
    TAPS zeros, whole blocks of HOLD samples, TAPS zeros. Returns the
    guarded samples, a view of ``padded``."""
    signal = padded[TAPS: -TAPS]
    shaped = signal.reshape(-1, HOLD)
    # 2. Take DC and infrasound away, in the blocks where there is any.
    dc = np.convolve(shaped.sum(axis=1) / HOLD, _TRIANGLE, mode="same")
    dc[np.abs(dc) < DC_FLOOR] = 0.0
    rows, ramp = ramps(dc, 0.0)
    shaped[rows] -= ramp
    # 3. The gain each block may have: for its true peak, and for the power
    #    of every RMS_WINDOW it may be part of (the POWER_BLOCKS around it).
    power = np.convolve(np.einsum("ij,ij->i", shaped, shaped), np.ones(POWER_BLOCKS), mode="same")
    loudest = 10 ** (LOUDEST_RMS_DBFS / 20) * np.sqrt(RMS_WINDOW)
    aim = 10 ** (AIM_DBTP / 20)
    for_power = np.sqrt(loudest ** 2 / np.maximum(power, loudest ** 2))  # exactly 1 where quiet enough
    for_peaks = aim / np.maximum(block_true_peaks(padded), aim)
    # 4. Each block takes the lowest gain of every block whose peak or power
    #    it shares, and gains ramp linearly between block centres: no
    #    sample gets more than any of those blocks wanted.
    held = np.minimum(held_low(for_peaks, 1), held_low(for_power, POWER_BLOCKS // 2 + 1))
    rows, ramp = ramps(held, 1.0)
    shaped[rows] *= ramp
    return signal


def ramps(values: np.ndarray, neutral: float) -> tuple[np.ndarray, np.ndarray]:
    """``values`` (one per block) interpolated linearly between block
    centres (held flat before the first and after the last), only for the
    blocks where that differs from ``neutral``: (their indices, their
    samples)."""
    prev = np.concatenate((values[:1], values[:-1]))
    after = np.concatenate((values[1:], values[-1:]))
    rows = np.flatnonzero((values != neutral) | (prev != neutral) | (after != neutral))
    here = values[rows, None]
    return rows, (here + (prev[rows, None] - here) * _LEFT + (after[rows, None] - here) * _RIGHT)


def held_low(wanted: np.ndarray, reach: int) -> np.ndarray:
    """Per block, the lowest of ``wanted`` there and ``reach`` blocks around."""
    padded = np.concatenate((np.ones(reach), wanted, np.ones(reach)))
    return np.min([padded[i: i + len(wanted)] for i in range(2 * reach + 1)], axis=0)


def block_true_peaks(padded: np.ndarray) -> np.ndarray:
    """Per block of HOLD samples in ``padded[TAPS:-TAPS]``, the largest
    magnitude at its samples and between each of them and the next
    (OVERSAMPLE steps, windowed sinc), wherever that could exceed the aim;
    elsewhere a value at or under the aim (the same gain: 1).

    Interpolating is the costly part, so it is done only for the chunks
    (CHUNK samples) where two cheap upper bounds both say it could exceed
    the aim: _REACH times the loudest sample nearby (pauses and quiet
    sounds drop out), and the straight line between samples plus _BENDS
    times the largest second difference nearby (the smooth parts of loud
    speech drop out: about 7 % of the loud chunks of the full routine are
    left)."""
    aim = 10 ** (AIM_DBTP / 20)
    # 1. Per chunk of ``padded`` (chunk j + 1 is the signal's chunk j): the
    #    loudest sample; for the signal's chunks, the loudest within one
    #    chunk (all the filter reaches).
    level = chunk_max(np.abs(padded))
    near = np.maximum(np.maximum(level[:-2], level[1:-1]), level[2:])
    loud = np.flatnonzero(near * _REACH > aim)
    peaks = np.zeros(len(padded) // HOLD)
    if not len(loud):  # silence, pauses, quiet sounds
        return peaks
    # 2. For the loud chunks: the loudest at or after each sample, and the
    #    largest second difference within a chunk of it. Second differences
    #    are taken only in the blocks (HOLD samples of the signal) that hold
    #    a chunk next to a loud one; in the TAPS zeros at either end, only
    #    the signal's first and last sample bend.
    rows = len(padded) // HOLD
    near_loud = np.zeros(rows, bool)
    for step in range(3):  # padded chunks j, j + 1, j + 2 hold what chunk j reaches
        near_loud[(np.clip(loud + step, 1, rows * (HOLD // CHUNK)) - 1) // (HOLD // CHUNK)] = True
    rows = np.flatnonzero(near_loud)
    around = np.lib.stride_tricks.sliding_window_view(padded, HOLD + 2)[rows * HOLD + TAPS - 1]
    bend = around[:, 2:] - around[:, 1:-1]
    bend -= around[:, 1:-1]
    bend += around[:, :-2]
    np.abs(bend, out=bend)
    bends = np.zeros(len(level), np.float32)
    bends[1:-1].reshape(-1, HOLD // CHUNK)[rows] = chunk_max(bend.reshape(-1)).reshape(len(rows), -1)
    bends[0], bends[-1] = abs(padded[TAPS]), abs(padded[-TAPS - 1])
    bends = np.maximum(np.maximum(bends[loud], bends[loud + 1]), bends[loud + 2])
    ends = np.maximum(level[loud + 1], level[loud + 2])
    # 3. Only chunks that may exceed the aim are interpolated: every value
    #    after each of their samples, from the 2 * TAPS samples around it,
    #    one matrix product; their samples count too.
    could = np.maximum(ends, _ENDS * ends + _BENDS * bends)
    chunk = loud[could > aim]
    part = np.lib.stride_tricks.sliding_window_view(padded, CHUNK + 2 * TAPS - 1)[chunk * CHUNK + 1]
    between = np.lib.stride_tricks.sliding_window_view(part.astype(np.float64), 2 * TAPS, axis=1) @ _TAPS
    found = np.maximum(np.abs(between).max(axis=(1, 2)), level[chunk + 1])
    np.maximum.at(peaks, chunk // (HOLD // CHUNK), found)
    return peaks


def chunk_max(x: np.ndarray) -> np.ndarray:
    """The largest value of each CHUNK samples of ``x`` (a multiple of
    CHUNK long): the larger of each pair, halving until one is left (numpy
    reduces many short rows slowly)."""
    for _ in range(CHUNK.bit_length() - 1):  # CHUNK is a power of two
        x = np.maximum(x[0::2], x[1::2])
    return x
