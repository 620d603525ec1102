"""The four beeps, read from ``<repo>/sounds/<BeepKind value>.wav``
(made by scripts/make_sounds.py)."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from coach.errors import CoachError
from coach.model import BeepKind
from coach.units import SAMPLE_RATE

SOUNDS = Path(__file__).resolve().parents[2] / "sounds"


def load_beeps(folder: Path = SOUNDS) -> dict[BeepKind, np.ndarray]:
    """Every BeepKind -> float32 mono samples at SAMPLE_RATE."""
    return {kind: _read(folder / f"{kind.value}.wav") for kind in BeepKind}


def _read(path: Path) -> np.ndarray:
    try:
        with wave.open(str(path), "rb") as f:
            shape = (f.getnchannels(), f.getsampwidth(), f.getframerate())
            frames = f.readframes(f.getnframes())
    except FileNotFoundError as exc:
        raise CoachError(
            f"The beep sound {path} is missing: run `python scripts/make_sounds.py`"
            " to make it again."
        ) from exc
    except (OSError, EOFError, wave.Error) as exc:
        raise CoachError(
            f"The beep sound {path} cannot be read ({exc}): run"
            " `python scripts/make_sounds.py` to make it again."
        ) from exc
    if shape != (1, 2, SAMPLE_RATE):
        raise CoachError(
            f"The beep sound {path} is not 16-bit mono at {SAMPLE_RATE} Hz: run"
            " `python scripts/make_sounds.py` to make it again."
        )
    return np.frombuffer(frames, dtype="<i2").astype(np.float32) / np.float32(32768.0)
