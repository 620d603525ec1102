import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEED = Path(os.environ.get("COACH_SEED") or REPO.parent / "shared" / "seed" / "back-stretches.txt")
"""The seed article beside the checkout; COACH_SEED names it from a worktree elsewhere."""


@pytest.fixture
def seed_path() -> Path:
    if not SEED.exists():
        pytest.skip("shared/seed is not beside this checkout")
    return SEED


def assert_trimmed(clip) -> None:
    """A speech clip as every engine must give it: mono float32 in [-1, 1],
    audible from its first 20 ms (leading silence trimmed), ending at
    (near) silence (the sentence-final pause gone)."""
    import numpy as np

    from coach.units import to_samples

    assert clip.dtype == np.float32
    assert clip.ndim == 1
    assert np.max(np.abs(clip)) <= 1.0
    assert np.max(np.abs(clip[: to_samples(0.020)])) > 0.02
    assert abs(clip[-1]) < 0.01
