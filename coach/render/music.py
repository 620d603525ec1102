"""Background music under the voice: a generated calm pad (no licence to
worry about) or the user's own WAV file, looped. Rendered per block from the
absolute sample position, so it streams and repeats byte for byte."""

from __future__ import annotations

import hashlib
import wave
from pathlib import Path

import numpy as np

from coach.errors import ConfigError
from coach.units import SAMPLE_RATE

CHORD_S = 8.0
"""Each chord of the pad lasts this long, seconds."""
CHORDS = (  # Hz: Cmaj7, Am7, Fmaj7, G6 voiced low and close
    (130.81, 164.81, 196.00, 246.94),
    (110.00, 130.81, 164.81, 196.00),
    (87.31, 130.81, 174.61, 220.00),
    (98.00, 123.47, 146.83, 164.81),
)
MAX_FILE_S = 15 * 60
"""Longest music file read (it loops): bounds memory."""
RATES = (8_000, 192_000)
"""Sample rates accepted for a music file, Hz; others are not music."""
SILENT_DBFS = -60.0
"""A file whose power (DC taken away) is under this has no usable sound."""
SAMPLE_S = 60
"""At most this much of the music is measured for its loudness, in windows
spread over the whole loop (a quiet start cannot fool it)."""


class Music:
    """A source of background samples at any position."""

    name: str

    def render(self, start: int, count: int) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError

    def fingerprint(self) -> str:
        """Changes whenever the music would."""
        return self.name

    def peak(self) -> float:  # pragma: no cover - interface
        """The largest magnitude of any sample."""
        raise NotImplementedError

    def sample(self) -> np.ndarray:  # pragma: no cover - interface
        """Samples spread over the whole music, for measuring its loudness."""
        raise NotImplementedError


class Looped(Music):
    """Music held in memory as one loop of samples."""

    samples: np.ndarray

    def render(self, start: int, count: int) -> np.ndarray:
        out = np.empty(count, self.samples.dtype)
        done, size = 0, len(self.samples)
        while done < count:  # the loop, copied piece by piece
            at = (start + done) % size
            piece = min(size - at, count - done)
            out[done: done + piece] = self.samples[at: at + piece]
            done += piece
        return out

    def peak(self) -> float:
        return float(np.max(np.abs(self.samples)))

    def sample(self) -> np.ndarray:
        size, windows = len(self.samples), 12
        if size <= SAMPLE_S * SAMPLE_RATE:
            return self.samples
        each = SAMPLE_S * SAMPLE_RATE // windows
        starts = [int((size - each) * i / (windows - 1)) for i in range(windows)]
        return np.concatenate([self.samples[s: s + each] for s in starts])


class Pad(Looped):
    """Four soft sine voices per chord, crossfading between chords. The whole
    progression is one exact loop: every frequency is a multiple of 1/LOOP
    Hz and every swell period divides LOOP, so the loop joins without a
    click and is computed once."""

    name = "pad"

    def __init__(self) -> None:
        loop = CHORD_S * len(CHORDS)
        t = np.arange(round(loop * SAMPLE_RATE)) / SAMPLE_RATE
        position = t / CHORD_S
        index = np.floor(position).astype(np.int64)
        fade = np.clip((position - index - 0.75) * 4, 0, 1)  # last quarter of a chord
        weight_next = 0.5 - 0.5 * np.cos(np.pi * fade)
        out = np.zeros_like(t)
        for voice in range(4):
            freqs = np.array([round(c[voice] * loop) / loop for c in CHORDS])
            swell = 0.8 + 0.2 * np.sin(2 * np.pi * t * (voice + 2) / loop + voice)
            for offset, weight in ((0, 1 - weight_next), (1, weight_next)):
                freq = freqs[(index + offset) % len(CHORDS)]
                out += weight * swell * np.sin(2 * np.pi * freq * t)
        self.samples = (out * 0.12).astype(np.float32)


class Track(Looped):
    """The user's WAV file, mono at SAMPLE_RATE without DC, looped. A file
    with an absurd sample rate or no sound in it is refused."""

    def __init__(self, path: Path):
        self.name = str(path)
        try:
            # A FIFO would block the open and a device never end: files only.
            if path.exists() and not path.is_file():
                raise OSError(f"{path} is not a regular file")
            with open(path, "rb") as file, wave.open(file) as w:
                width, channels, rate = w.getsampwidth(), w.getnchannels(), w.getframerate()
                frames = w.readframes(min(w.getnframes(), MAX_FILE_S * rate))
        except (OSError, EOFError, wave.Error) as exc:
            raise ConfigError(
                f"cannot use {path} as music ({exc}); give a 16-bit PCM WAV file, "
                "or --music pad for the built-in calm pad") from None
        if width != 2 or not frames:
            raise ConfigError(f"cannot use {path} as music: it must be a 16-bit PCM WAV file with sound in it")
        if not RATES[0] <= rate <= RATES[1]:
            raise ConfigError(
                f"cannot use {path} as music: its sample rate is {rate} Hz; give a WAV file"
                f" at {RATES[0]:,} to {RATES[1]:,} Hz, or --music pad for the built-in calm pad")
        samples = np.frombuffer(frames[: len(frames) // (2 * channels) * 2 * channels], "<i2")
        samples = samples.reshape(-1, channels).astype(np.float64).mean(axis=1) / 32768
        samples -= samples.mean()  # one loop: its mean is its DC, exactly
        power = 10 * np.log10(np.mean(samples * samples) + 1e-30)
        if power < SILENT_DBFS:
            how = "silent" if power < -200 else f"nearly silent ({power:.0f} dBFS)"
            raise ConfigError(
                f"cannot use {path} as music: it is {how}; give a WAV file with sound in it,"
                " or --music pad for the built-in calm pad")
        self.samples = resample(samples, rate).astype(np.float32)

    def fingerprint(self) -> str:
        return hashlib.sha256(self.samples.tobytes()).hexdigest()


def resample(samples: np.ndarray, rate: int) -> np.ndarray:
    """``samples`` at ``rate`` Hz -> SAMPLE_RATE, band-limited (libsoxr's
    high quality: a linear interpolation would fold the top octave of a
    44.1 kHz file back down as noise)."""
    if rate == SAMPLE_RATE:
        return samples
    import soxr

    return soxr.resample(samples, rate, SAMPLE_RATE, quality="HQ")


def make_music(choice: str | None) -> Music | None:
    """``--music`` as given: None (no music), "pad", or a WAV file path."""
    if not choice:
        return None
    return Pad() if choice == "pad" else Track(Path(choice))
