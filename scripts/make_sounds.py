"""Generate the four beeps in coach/sounds/ (reproducibly: same bytes every run).

    python scripts/make_sounds.py [FOLDER]      # default: <repo>/coach/sounds

Each is soft sine tones with a little second and third harmonic (warmer than
a pure sine), a raised-cosine attack and release (no clicks) and a gentle
exponential decay, 16-bit mono at 22,050 Hz, peak -6 dBFS:

    hold_start  rising two notes, E5 then A5           "begin"
    hold_end    falling two notes, G5 then C5, longer  "done, relax"
    side        two quick soft pulses on A5            "switch"
    next        three-note chime C5-E5-G5, ringing     "next exercise"

numpy and the standard library only.
"""

from __future__ import annotations

import sys
import wave
from pathlib import Path

import numpy as np

RATE = 22_050
PEAK = 0.5
"""Peak amplitude, full scale = 1 (-6 dBFS); the mixer sets the final level."""
ATTACK = 0.008
"""Raised-cosine fade-in, seconds: soft, yet a clear onset."""
RELEASE = 0.030
"""Raised-cosine fade-out at the end of each note, seconds."""

C5, E5, G5, A5 = 523.25, 659.26, 783.99, 880.00


def note(freq: float, seconds: float, decay: float) -> np.ndarray:
    """One soft note: fundamental + 2nd/3rd harmonics, decaying by ``decay``
    (time constant, seconds), faded in and out."""
    t = np.arange(round(seconds * RATE)) / RATE
    tone = (
        np.sin(2 * np.pi * freq * t)
        + 0.25 * np.sin(2 * np.pi * 2 * freq * t)
        + 0.08 * np.sin(2 * np.pi * 3 * freq * t)
    )
    envelope = np.exp(-t / decay)
    attack, release = round(ATTACK * RATE), round(RELEASE * RATE)
    envelope[:attack] *= 0.5 - 0.5 * np.cos(np.pi * np.arange(attack) / attack)
    envelope[-release:] *= 0.5 + 0.5 * np.cos(np.pi * (np.arange(release) + 1) / release)
    return tone * envelope


def sequence(*parts: tuple[float, np.ndarray]) -> np.ndarray:
    """Overlay notes, each at its start time (seconds)."""
    length = max(round(at * RATE) + len(sound) for at, sound in parts)
    out = np.zeros(length)
    for at, sound in parts:
        start = round(at * RATE)
        out[start : start + len(sound)] += sound
    return out * (PEAK / np.max(np.abs(out)))


def sounds() -> dict[str, np.ndarray]:
    """The four beeps, float64 in [-PEAK, PEAK], by BeepKind value."""
    return {
        "hold_start": sequence((0.0, note(E5, 0.14, 0.10)), (0.12, note(A5, 0.18, 0.10))),
        "hold_end": sequence((0.0, note(G5, 0.16, 0.12)), (0.15, note(C5, 0.30, 0.15))),
        "side": sequence((0.0, note(A5, 0.07, 0.05)), (0.12, note(A5, 0.07, 0.05))),
        "next": sequence(
            (0.0, note(C5, 0.40, 0.18)),
            (0.08, note(E5, 0.36, 0.18)),
            (0.16, note(G5, 0.34, 0.20)),
        ),
    }


def write_wav(path: Path, samples: np.ndarray) -> None:
    pcm = np.round(samples * 32767).astype("<i2")
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(RATE)
        f.writeframes(pcm.tobytes())


def main(argv: list[str]) -> None:
    folder = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[1] / "coach" / "sounds"
    folder.mkdir(parents=True, exist_ok=True)
    for name, samples in sounds().items():
        write_wav(folder / f"{name}.wav", samples)
        print(f"{folder / name}.wav  {len(samples) / RATE:.2f} s")


if __name__ == "__main__":
    main(sys.argv)
