"""Background music under the voice: a generated calm pad (no licence to
worry about) or the user's own WAV file, looped. Rendered per block from the
absolute sample position, so it streams and repeats byte for byte."""

from __future__ import annotations

import hashlib
import wave
from pathlib import Path

import numpy as np

from coach.errors import ConfigError
from coach.render.tts import resample
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


class Music:
    """A source of background samples at any position."""

    name: str

    def render(self, start: int, count: int) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError

    def fingerprint(self) -> str:
        """Changes whenever the music would."""
        return self.name


class Looped(Music):
    """Music held in memory as one loop of samples."""

    samples: np.ndarray

    def render(self, start: int, count: int) -> np.ndarray:
        index = np.arange(start, start + count) % len(self.samples)
        return self.samples[index]


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
    """The user's WAV file, mono at SAMPLE_RATE, looped."""

    def __init__(self, path: Path):
        self.name = str(path)
        try:
            with wave.open(str(path)) as w:
                width, channels, rate = w.getsampwidth(), w.getnchannels(), w.getframerate()
                frames = w.readframes(min(w.getnframes(), MAX_FILE_S * rate))
        except (OSError, EOFError, wave.Error) as exc:
            raise ConfigError(
                f"cannot use {path} as music ({exc}); give a 16-bit PCM WAV file, "
                "or --music pad for the built-in calm pad") from None
        if width != 2 or not frames:
            raise ConfigError(f"cannot use {path} as music: it must be a 16-bit PCM WAV file with sound in it")
        samples = np.frombuffer(frames, "<i2").astype(np.float32) / 32768
        samples = samples.reshape(-1, channels).mean(axis=1)
        self.samples = resample(samples, rate) if rate != SAMPLE_RATE else samples

    def fingerprint(self) -> str:
        return hashlib.sha256(self.samples.tobytes()).hexdigest()


def make_music(choice: str | None) -> Music | None:
    """``--music`` as given: None (no music), "pad", or a WAV file path."""
    if not choice:
        return None
    return Pad() if choice == "pad" else Track(Path(choice))
