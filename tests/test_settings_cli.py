"""Settings on the command line and in config.toml: one line per problem,
exit code 2 for anything the user typed wrong, documented in --help."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from coach.config import config_path


def coach(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, **env}
    environment.pop("COACH_TEST_ENGINES")  # as a user runs it
    return subprocess.run([sys.executable, "-c", "from coach.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=120, env=environment)


@pytest.mark.parametrize("value", ["1e308", "nan", "-5", "100000", "inf", "soon"])
def test_a_bad_preroll_is_one_line_and_exit_2(value):
    result = coach("play", "beginner", "--preroll", value)
    assert result.returncode == 2
    assert result.stderr == f"--preroll must be a number of seconds from 0 to 10, not {value}\n"


@pytest.mark.parametrize("value, rule", [
    ("nan", "a whole number of words per minute"), ("1e308", "a whole number of words per minute"),
    ("5", "between 80 and 450 words per minute"), ("100000", "between 80 and 450 words per minute"),
])
def test_a_bad_rate_is_one_line_and_exit_2_and_writes_nothing(tmp_path, value, rule):
    result = coach("export", "beginner", "--rate", value, "-o", str(tmp_path / "s.wav"))
    assert result.returncode == 2
    assert result.stderr == f"--rate must be {rule}, not {value}\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("line, message", [
    ("preroll = 1e308", "preroll must be a number of seconds from 0 to 10, not 1e+308"),
    ("preroll = nan", "preroll must be a number of seconds from 0 to 10, not nan"),
    ('count_style = "sideways"', 'count_style must be "down" or "up", not "sideways"'),
    ('engine = "fake"', 'engine must be "espeak" or "piper", not "fake"'),
])
def test_the_same_in_config_toml_is_one_line_and_exit_2(line, message):
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text(line + "\n")
    result = coach("play", "beginner")
    assert result.returncode == 2
    assert result.stderr == f"{config_path()}:1: {message}\n"


def test_music_pad_in_config_toml_means_the_pad(tmp_path):
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text('music = "pad"\n')
    result = coach("config")
    assert result.returncode == 0, result.stderr
    assert any(line.split()[:3] == ["music", "=", "pad"] for line in result.stdout.splitlines()), result.stdout


def test_engine_fake_is_not_offered_to_users():
    help_text = coach("export", "--help").stdout
    assert "fake" not in help_text
    result = coach("export", "beginner", "--engine", "fake")
    assert (result.returncode, result.stderr) == (2, '--engine must be "espeak" or "piper", not fake\n')


def test_an_unknown_voice_is_bad_input_like_an_unknown_engine(tmp_path):
    result = coach("export", "beginner", "--voice", "no-such-voice", "-o", str(tmp_path / "s.wav"))
    assert result.returncode == 2
    assert result.stderr == "Unknown voice 'no-such-voice': list the installed voices with `coach voices`.\n"


def test_help_documents_the_exit_codes():
    text = " ".join(coach("--help").stdout.split())
    assert "Exit codes: 0 done; 1 something failed" in text
    assert "2 bad input" in text and "130 stopped with Ctrl-C" in text


@pytest.mark.parametrize("value", ["nan", "inf", "0", "1000", "soon"])
def test_a_bad_minutes_is_one_line_and_exit_2(value):
    result = coach("compile", "beginner", "--minutes", value)
    assert result.returncode == 2
    assert result.stderr == f"--minutes must be a number of minutes from 1 to 600, not {value}\n"


def test_a_good_minutes_still_fits_the_session():
    import json

    whole = json.loads(coach("compile", "beginner", "--json").stdout)["duration_s"]
    result = coach("compile", "beginner", "--minutes", "8", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["duration_s"] <= min(whole, 8 * 60)
