"""Timeline + clips -> PCM, block by block, so memory does not grow with the
length of the session. The WAV file and the speaker read the same blocks.

Loudness: the voice is measured once (pyloudnorm, over every distinct phrase
back to back) and brought to -16 LUFS; beeps are matched a little below it;
every sound is then limited to a sample peak of PEAK_DBFS. Sounds never
overlap, so the mix never peaks above its loudest sound.

Gains come from a measurement or a cache file, so each is bounded where it
is used (``bounded``): a number that is not finite is the quietest gain, and
none may overdrive the limiter by more than OVERDRIVE_DB or make a phrase
louder than LOUDEST_SOUND_DBFS, so a corrupt file cannot make a loud sound. Then every
sample passes the guard (coach.render.guard): true peak at most -1 dBTP,
no DC, whatever came before.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator, Mapping

import numpy as np

from coach.model import BeepKind, CueKind, Timeline
from coach.render.guard import render_guarded
from coach.render.meter import loudness, speech_sample
from coach.render.music import Music
from coach.units import SAMPLE_RATE

TARGET_LUFS = -16.0
BEEP_BELOW_VOICE_LU = 3.0
"""Beeps sit this far under the voice: clear, never startling."""
PEAK_DBFS = -1.5
"""Ceiling for every sample (podcast guidance is -1 dBTP; a little margin)."""
BLOCK = SAMPLE_RATE * 10
MUSIC_BELOW_VOICE_LU = 14.0
"""Background music sits this far under the voice when nobody speaks..."""
DUCK_DB = 14.0
"""...and this much further down while the coach speaks or beeps."""
DUCK_BEFORE_S, DUCK_AFTER_S, DUCK_RAMP_S = 0.2, 0.4, 0.15
DIPPED = (10 ** (-DUCK_DB * np.ones(1) / 20)).astype(np.float32)[0]
"""The music's gain while the coach speaks or beeps."""
GAIN_RANGE_DB = (-40.0, 30.0)
"""No measured gain is ever outside this; a gain that is not a finite
number is the quietest one."""
OVERDRIVE_DB = 9.0
"""A sound's loudest sample may reach the limiter at most this far over
PEAK_DBFS (the loudest espeak-ng phrase at -16 LUFS reaches it 7 dB over):
more would flatten it into a loud buzz."""
LOUDEST_SOUND_DBFS = -10.0
"""The power (RMS) of the loudest phrase or beep after its gain: the
loudest espeak-ng phrase at -16 LUFS measured -12.3 dBFS."""
MUSIC_PEAK_DBFS = -10.0
"""The music's loudest sample, after its gain, before ducking."""


def limit(clip: np.ndarray) -> np.ndarray:
    """Soft-knee peak limiter: samples above half the ceiling bend smoothly
    (tanh) so that none passes PEAK_DBFS. Speech peaks are rare and short,
    so this keeps loudness where scaling a whole clip down would not."""
    ceiling = np.float32(10 ** (PEAK_DBFS / 20))
    knee = ceiling / 2
    mag = np.abs(clip)
    over = mag > knee
    out = clip.copy()
    out[over] = np.sign(clip[over]) * (knee + (ceiling - knee) * np.tanh((mag[over] - knee) / (ceiling - knee)))
    return out


def level(clip: np.ndarray, gain_db: float) -> np.ndarray:
    """Apply a gain, then the limiter (which copies: no gain, no copy here)."""
    clip = np.asarray(clip, np.float32)
    return limit(clip if gain_db == 0 else clip * np.float32(10 ** (gain_db / 20)))


def bounded(gain_db: object, highest_db: float) -> float:
    """``gain_db`` as used: a finite number within GAIN_RANGE_DB and at most
    ``highest_db``. Anything else (None, NaN, infinity, text) is the
    quietest gain."""
    low, high = GAIN_RANGE_DB
    try:
        gain = float(gain_db)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return low
    if not np.isfinite(gain):
        return low
    return float(min(max(gain, low), max(min(high, highest_db), low)))


def highest_gain(sounds: Iterable[np.ndarray], peak_db: float, power_db: float | None = None) -> float:
    """The largest gain (dB) that keeps the loudest sample of ``sounds`` at
    or under ``peak_db`` and the power of the loudest sound at or under
    ``power_db``."""
    sounds = [s for s in sounds if len(s)]
    if not sounds:
        return GAIN_RANGE_DB[1]
    # max(-min, max), and the power summed in float64 as it goes: no
    # float64 copy of each sound (a session's phrases are tens of MB so).
    highest = peak_db - 20 * np.log10(max(max(-float(np.min(s)), float(np.max(s))) for s in sounds) + 1e-12)
    if power_db is not None:
        loudest = max(float(np.einsum("i,i->", s, s, dtype=np.float64)) / len(s) for s in sounds)
        highest = min(highest, power_db - 10 * np.log10(loudest + 1e-24))
    return float(highest)


def measure_gains(timeline: Timeline, clips: Mapping[str, np.ndarray],
                  beeps: Mapping[BeepKind, np.ndarray], music: Music | None = None,
                  measure: Callable[[np.ndarray], float] = loudness) -> dict[str, float]:
    """Gains in dB per sound: "voice" for speech, and one per beep kind
    (BEEP_BELOW_VOICE_LU under the voice). A first guess from the voice
    alone is corrected by measuring windows of the real mix, silences and
    limiter included, as a meter of the finished file would. ``measure``
    gives LUFS (a ``Meter`` measures in its own process)."""
    gains = {"voice": TARGET_LUFS - measure(speech_sample(clips.values()))}
    for kind, beep in beeps.items():
        gains[kind.value] = TARGET_LUFS - BEEP_BELOW_VOICE_LU - measure(beep)
    for _ in range(2):  # the limiter bends the curve; two rounds settle
        sample = Mixer(timeline, clips, beeps, gains).sample()
        error = TARGET_LUFS - measure(sample)
        gains = {name: gain + error for name, gain in gains.items()}
    if music is not None:
        gains["music"] = TARGET_LUFS - MUSIC_BELOW_VOICE_LU - measure(music.sample())
    return gains


class Mixer:
    """Renders any stretch of a timeline on demand."""

    def __init__(self, timeline: Timeline, clips: Mapping[str, np.ndarray],
                 beeps: Mapping[BeepKind, np.ndarray], gains: Mapping[str, float] | None = None,
                 music: Music | None = None):
        self.timeline = timeline
        gains = gains or measure_gains(timeline, clips, beeps, music)
        overdrive = PEAK_DBFS + OVERDRIVE_DB
        self.music = music
        music_db = bounded(gains.get("music"), MUSIC_PEAK_DBFS - 20 * np.log10(max(music.peak(), 1e-12))) if music else 0.0
        self.music_gain = np.float32(10 ** (music_db / 20))
        voice = bounded(gains.get("voice"), highest_gain(clips.values(), overdrive, LOUDEST_SOUND_DBFS))
        self.speech = {text: level(clip, voice) for text, clip in clips.items()}
        self.tones = {kind.value: level(b, bounded(gains.get(kind.value),
                                                   highest_gain([b], overdrive, LOUDEST_SOUND_DBFS)))
                      for kind, b in beeps.items()}
        self.starts = [c.start for c in timeline.cues]
        self.longest = max((c.length for c in timeline.cues), default=0)

    @property
    def length(self) -> int:
        return self.timeline.length

    def sound(self, index: int) -> np.ndarray:
        cue = self.timeline.cues[index]
        return self.tones[cue.text] if cue.kind == CueKind.BEEP else self.speech[cue.text]

    def render(self, start: int, count: int) -> np.ndarray:
        """Samples ``start .. start+count`` as int16 (zeros past the end),
        through the guard."""
        return render_guarded(self.mix, start, count, self.sounding)

    def sounding(self, start: int, end: int) -> list[tuple[int, int]]:
        """The stretches of ``start .. end``, in order, outside which the mix
        is silent (exact zeros): every sound, or all of it under music."""
        if self.music is not None:
            return [(start, end)]
        first = bisect.bisect_left(self.starts, start - self.longest)
        last = bisect.bisect_left(self.starts, end)
        found = []
        for i in range(first, last):
            at = self.starts[i]
            lo, hi = max(at, start), min(at + len(self.sound(i)), end)
            if lo < hi:
                found.append((lo, hi))
        return found

    def mix(self, start: int, count: int) -> np.ndarray:
        """Samples ``start .. start+count`` as float32 before the guard:
        the sounds and the music, zero outside the session."""
        out = np.zeros(count, np.float32)
        end = start + count
        first = bisect.bisect_left(self.starts, start - self.longest)
        last = bisect.bisect_left(self.starts, end)
        for i in range(first, last):
            sound = self.sound(i)
            at = self.starts[i]
            lo, hi = max(at, start), min(at + len(sound), end)
            if lo < hi:
                out[lo - start: hi - start] += sound[lo - at: hi - at]
        if self.music is not None:
            out += self.music.render(start, count) * self.music_gain * self.duck(start, count)
            out[: max(0, min(count, -start))] = 0  # before the session
            out[max(0, self.length - start):] = 0  # after it
        return out

    def duck(self, start: int, count: int) -> np.ndarray:
        """Gain for the music over ``start .. start+count``: 1, dipping by
        DUCK_DB with soft ramps around every cue."""
        before, after, ramp = (round(s * SAMPLE_RATE) for s in (DUCK_BEFORE_S, DUCK_AFTER_S, DUCK_RAMP_S))
        end = start + count
        amount = np.zeros(count)
        first = bisect.bisect_left(self.starts, start - self.longest - after - ramp)
        last = bisect.bisect_left(self.starts, end + before + ramp)
        for cue in self.timeline.cues[first:last]:
            a, b = cue.start - before, cue.start + cue.length + after
            # The dip is clip(min(t - (a - ramp), (b + ramp) - t) / ramp, 0, 1):
            # a ramp up before a, 1 from a to b, a ramp down after b; each
            # part is computed only where it lies (the same values).
            lo, hi = max(a - ramp, start), min(a, end)
            if lo < hi:
                here = amount[lo - start: hi - start]
                np.maximum(here, (np.arange(lo, hi, dtype=np.float64) - (a - ramp)) / ramp, out=here)
            amount[max(a, start) - start: max(min(b + 1, end) - start, 0)] = 1.0
            lo, hi = max(b + 1, start), min(b + ramp, end)
            if lo < hi:
                here = amount[lo - start: hi - start]
                np.maximum(here, ((b + ramp) - np.arange(lo, hi, dtype=np.float64)) / ramp, out=here)
        # 10 ** (-DUCK_DB * amount / 20), computed only on the ramps: 1 where
        # nothing dips, DIPPED where the dip is whole.
        gain = np.ones(count, np.float32)
        whole = amount == 1.0
        gain[whole] = DIPPED
        ramps = np.flatnonzero((amount != 0.0) & ~whole)
        gain[ramps] = 10 ** (-DUCK_DB * amount[ramps] / 20)
        return gain

    def sample(self, windows: int = 12, seconds: float = 5) -> np.ndarray:
        """Evenly spread windows of the mix, float32, for measuring it."""
        size = round(seconds * SAMPLE_RATE)
        starts = [int(self.length * (i + 0.5) / windows) for i in range(windows)]
        return np.concatenate([self.render(s, size) for s in starts]).astype(np.float32) / 32768

    def blocks(self, size: int = BLOCK) -> Iterator[np.ndarray]:
        """The whole session, ``size`` samples at a time."""
        for start in range(0, self.length, size):
            yield self.render(start, min(size, self.length - start))
