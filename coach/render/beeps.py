"""The four beeps, ``<BeepKind value>.wav`` in the package's ``sounds``
folder (made by scripts/make_sounds.py), read with importlib.resources so an
installed wheel finds them as a checkout does."""

from __future__ import annotations

import wave
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import numpy as np

from coach.errors import CoachError
from coach.model import BeepKind
from coach.units import SAMPLE_RATE

SOUNDS: Traversable = files("coach") / "sounds"
REMAKE = ("reinstall coach (pip install --force-reinstall coach), or in a checkout run"
          " `python scripts/make_sounds.py` to make it again.")


def load_beeps(folder: Path | Traversable = SOUNDS) -> dict[BeepKind, np.ndarray]:
    """Every BeepKind -> float32 mono samples at SAMPLE_RATE."""
    return {kind: _read(folder / f"{kind.value}.wav") for kind in BeepKind}


def _read(path: Path | Traversable) -> np.ndarray:
    try:
        with path.open("rb") as file, wave.open(file, "rb") as f:
            shape = (f.getnchannels(), f.getsampwidth(), f.getframerate())
            frames = f.readframes(f.getnframes())
    except FileNotFoundError as exc:
        raise CoachError(f"The beep sound {path} is missing: {REMAKE}") from exc
    except (OSError, EOFError, wave.Error) as exc:
        raise CoachError(f"The beep sound {path} cannot be read ({exc}): {REMAKE}") from exc
    if shape != (1, 2, SAMPLE_RATE):
        raise CoachError(f"The beep sound {path} is not 16-bit mono at {SAMPLE_RATE} Hz: {REMAKE}")
    return np.frombuffer(frames, dtype="<i2").astype(np.float32) / np.float32(32768.0)
