"""Shared fixtures. Every test runs in its own XDG folders (config, cache,
state, data, runtime), so a user's config.toml (``music = true``, another
engine...) or cache never changes a result; subprocesses inherit them.
Module-scoped fixtures, set up before any test's own folders, get folders
of the test session's, never the user's.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEED = Path(os.environ.get("COACH_SEED") or REPO.parent / "shared" / "seed" / "back-stretches.txt")
"""The seed article beside the checkout; COACH_SEED names it from a worktree elsewhere."""
ARTICLE = REPO / "tests" / "data" / "prose" / "article-hips.txt"
"""An article in the seed's shape (numbered titles, bullets, prose), in our own words."""
XDG_FOLDERS = ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME")
_SESSION_HOME = Path(tempfile.mkdtemp(prefix="coach-tests-"))


def _homes(root: Path) -> dict[str, str]:
    """Fresh XDG folders under ``root``. The runtime folder is short (a
    socket path must stay under 108 bytes) and private (0700), as the XDG
    spec asks; tests/pulse.py still gives its servers their own."""
    found = {}
    for name in XDG_FOLDERS:
        folder = root / name.split("_")[1].lower()
        folder.mkdir(parents=True, exist_ok=True)
        found[name] = str(folder)
    found["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="coach-run-")
    os.chmod(found["XDG_RUNTIME_DIR"], 0o700)
    return found


# The whole session, from the moment tests are collected: never the user's.
for _name, _value in _homes(_SESSION_HOME).items():
    os.environ[_name] = _value
os.environ["COACH_TEST_ENGINES"] = "1"  # `--engine fake` (tones) for tests; users never see it
_SESSION_RUNTIME = os.environ["XDG_RUNTIME_DIR"]


def pytest_unconfigure(config):
    shutil.rmtree(_SESSION_HOME, ignore_errors=True)
    shutil.rmtree(_SESSION_RUNTIME, ignore_errors=True)


@pytest.fixture(autouse=True)
def own_xdg_folders(tmp_path_factory, monkeypatch):
    """This test's own XDG folders, in the environment (and so in every
    process it starts)."""
    root = tmp_path_factory.mktemp("xdg")
    homes = _homes(root)
    for name, value in homes.items():
        monkeypatch.setenv(name, value)
    yield homes
    shutil.rmtree(homes["XDG_RUNTIME_DIR"], ignore_errors=True)


@pytest.fixture(scope="session")
def beginner_export(tmp_path_factory):
    """`coach export beginner` once for the whole run, with the phrase cache
    it warms: (env with its own XDG folders, the WAV's path, its samples).
    Tests that play the session compare what they hear with it."""
    import subprocess
    import sys
    import wave

    import numpy as np

    tmp = tmp_path_factory.mktemp("beginner-export")
    env = {**os.environ, **{name: str(tmp / name.split("_")[1].lower()) for name in XDG_FOLDERS}}
    wav = tmp / "beginner.wav"
    done = subprocess.run([sys.executable, "-c", "from coach.cli import main; main()", "export",
                           "beginner", "-o", str(wav)], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    with wave.open(str(wav)) as w:
        samples = np.frombuffer(w.readframes(w.getnframes()), np.int16)
    return env, wav, samples


@pytest.fixture
def seed_path() -> Path:
    """The seed article. Missing: a skip on a developer's machine, a
    failure in CI (CI=true), where a silent skip would hide lost tests."""
    if not SEED.exists():
        message = f"the seed article {SEED} is missing: set COACH_SEED or put shared/ beside the checkout"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    return SEED


@pytest.fixture
def article_path() -> Path:
    """An article shaped like the seed, written in our own words."""
    return ARTICLE


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
