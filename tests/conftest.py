from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEED = REPO.parent / "shared" / "seed" / "back-stretches.txt"


@pytest.fixture
def seed_path() -> Path:
    if not SEED.exists():
        pytest.skip("shared/seed is not beside this checkout")
    return SEED
