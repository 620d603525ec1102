"""The test suite itself: its own XDG folders for every test, and the
seed-based tests fail in CI rather than skip when the seed is missing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from coach.config import config_path

REPO = Path(__file__).resolve().parents[1]
NAMES = ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_RUNTIME_DIR")
seen: dict[str, set[str]] = {name: set() for name in NAMES}


def check_own_folders(tmp_path_factory):
    home = Path.home().resolve()
    base = tmp_path_factory.getbasetemp().resolve()
    for name in NAMES:
        folder = Path(os.environ[name]).resolve()
        assert folder.is_dir(), name
        assert folder not in seen[name], f"{name} shared between tests"
        seen[name].add(folder)
        if name == "XDG_RUNTIME_DIR":
            assert folder.stat().st_mode & 0o777 == 0o700
            assert len(str(folder / "pulse" / "native")) < 100  # a socket path must fit
        else:
            assert base in folder.parents, f"{name}={folder} is not the test's own"
        assert folder != home and home / ".config" not in [folder, *folder.parents]


def test_every_test_has_its_own_xdg_folders(tmp_path_factory):
    check_own_folders(tmp_path_factory)
    assert config_path().parent.parent == Path(os.environ["XDG_CONFIG_HOME"])


def test_and_the_next_test_has_others(tmp_path_factory):
    check_own_folders(tmp_path_factory)


def test_a_config_file_written_by_one_test_is_not_seen_by_the_next():
    # Written here, it must be gone for test_config_is_empty_again below.
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text("music = true\nengine = \"piper\"\n")


def test_config_is_empty_again():
    assert not config_path().exists()
    result = subprocess.run([sys.executable, "-c", "from coach.cli import main; main()", "config"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if "=" in line]
    assert lines and all(line.rstrip().endswith("(default)") for line in lines), result.stdout


def run_seed_test(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/test_cli.py::test_compile_json_contract"],
        capture_output=True, text=True, timeout=120, cwd=REPO,
        env={**os.environ, "COACH_SEED": "/nonexistent/back-stretches.txt", **env})


def test_a_missing_seed_fails_in_ci():
    result = run_seed_test(CI="true")
    assert result.returncode == 1, result.stdout
    assert "1 error" in result.stdout and "the seed article /nonexistent/back-stretches.txt is missing" in result.stdout


def test_a_missing_seed_skips_on_a_developers_machine():
    result = run_seed_test(CI="")
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout


def test_the_article_fixture_is_in_the_seeds_shape(article_path):
    from coach.script.load import load_program

    text = article_path.read_text()
    assert "\n1. " in text and "•" in text
    program = load_program(str(article_path), "full")
    assert sum(block.is_exercise for block in program.blocks) >= 5
