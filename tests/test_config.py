"""Preferences: defaults < config.toml < command line, where each value came
from, and one exact line for each way a config file can be wrong."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from coach.config import Settings, config_path, load_settings
from coach.errors import ConfigError

NOTHING_GIVEN = {
    "engine": None, "voice": None, "rate": None, "level": None,
    "count_style": None, "music": None, "preroll": None, "listen": None,
}


@pytest.fixture
def config(tmp_path):
    """Write a config file; returns its path."""

    def write(text: str) -> Path:
        path = tmp_path / "config.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


def test_defaults_without_a_file(tmp_path):
    settings, source = load_settings(NOTHING_GIVEN, tmp_path / "absent.toml")
    assert settings == Settings(
        engine="espeak", voice=None, rate=None, level="beginner",
        count_style="down", music=False, preroll=0.0,
    )
    assert source == {name: "default" for name in NOTHING_GIVEN}


def test_the_file_sets_every_preference(config):
    path = config(
        "# my preferences\n"
        'engine = "piper"\n'
        'voice = "en_US-joe-medium"\n'
        "rate = 150\n"
        'level = "full"\n'
        'count_style = "up"  # easier to follow\n'
        "music = true\n"
        "preroll = 10\n"
        "listen = true\n"
    )
    settings, source = load_settings({}, path)
    assert settings == Settings("piper", "en_US-joe-medium", 150, "full", "up", True, 10.0, True)
    assert isinstance(settings.preroll, float)
    assert source == {name: f"config file {path}" for name in NOTHING_GIVEN}


def test_command_line_wins_over_the_file_and_the_file_over_defaults(config):
    path = config('engine = "piper"\nrate = 150\nlevel = "full"\n')
    given = {**NOTHING_GIVEN, "rate": 190, "count_style": "up", "music": False}
    settings, source = load_settings(given, path)
    assert settings == Settings(
        engine="piper", voice=None, rate=190, level="full",
        count_style="up", music=False, preroll=0.0,
    )
    assert source == {
        "engine": f"config file {path}",
        "voice": "default",
        "rate": "command line",
        "level": f"config file {path}",
        "count_style": "command line",
        # False from the command line is a value, not "not given".
        "music": "command line",
        "preroll": "default",
        "listen": "default",
    }


def test_settings_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().rate = 100  # type: ignore[misc]


def test_music_path_is_relative_to_the_config_file(config, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    settings, _ = load_settings({}, config('music = "sounds/calm.wav"\n'))
    assert settings.music == str(tmp_path / "sounds" / "calm.wav")
    settings, _ = load_settings({}, config('music = "~/calm.wav"\n'))
    assert settings.music == str(tmp_path / "home" / "calm.wav")


def test_xdg_config_home_is_honoured(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert config_path() == tmp_path / "coach" / "config.toml"
    (tmp_path / "coach").mkdir()
    config_path().write_text('level = "full"\n')
    settings, source = load_settings(NOTHING_GIVEN)
    assert settings.level == "full"
    assert source["level"] == f"config file {tmp_path / 'coach' / 'config.toml'}"


def test_an_unknown_override_is_a_bug_not_a_user_error(tmp_path):
    with pytest.raises(ValueError):
        load_settings({"colour": "red"}, tmp_path / "absent.toml")


MALFORMED = [
    # (file text, the line after "FILE:")
    ('engine = "piper"\n\nrate = "fast"\n',
     '3: rate must be a whole number of words per minute, not "fast"'),
    ("rate = 1.5\n", "1: rate must be a whole number of words per minute, not 1.5"),
    ("rate = true\n", "1: rate must be a whole number of words per minute, not true"),
    ("rate = 1000\n", "1: rate must be between 80 and 450 words per minute, not 1000"),
    ('engine = "festival"\n', '1: engine must be "espeak" or "piper", not "festival"'),
    ("voice = 3\n", "1: voice must be a voice name in quotes (see `coach voices`), not 3"),
    ('level = "expert"\n', '1: level must be "beginner" or "full", not "expert"'),
    ('count_style = "sideways"\n', '1: count_style must be "down" or "up", not "sideways"'),
    ("music = 3\n", '1: music must be "pad", "off" or the path of a WAV file in quotes, not 3'),
    ('preroll = "soon"\n', '1: preroll must be a number of seconds from 0 to 10, not "soon"'),
    ("preroll = -2\n", "1: preroll must be a number of seconds from 0 to 10, not -2"),
    ("preroll = 1e308\n", "1: preroll must be a number of seconds from 0 to 10, not 1e+308"),
    ("preroll = nan\n", "1: preroll must be a number of seconds from 0 to 10, not nan"),
    ("preroll = inf\n", "1: preroll must be a number of seconds from 0 to 10, not inf"),
    ("preroll = 100000\n", "1: preroll must be a number of seconds from 0 to 10, not 100000"),
    ('engine = "fake"\n', '1: engine must be "espeak" or "piper", not "fake"'),
    ('engine = "piper"\nvoice = "en-us"\n',
     '2: voice must be a Piper voice, named like en_US-joe-medium (see `coach voices`), not "en-us"'),
    ('level = "full"\ncolour = "blue"\n',
     '2: unknown setting "colour"; the settings are engine, voice, rate, level,'
     " count_style, music, preroll, listen"),
    ('rate = 150\n[engine]\nname = "piper"\n',
     '2: engine must be "espeak" or "piper", not {"name": "piper"}'),
    # TOML syntax errors: tomllib's position, the key on that line, a hint.
    ('engine = "espeak"\nlevel = full\n',
     '2: level: not valid TOML (invalid value at column 9); put text in quotes: level = "full"'),
    ("rate = 150\nrate = 160\n", "2: rate: not valid TOML (cannot overwrite a value at column 11)"),
    ("rate = 150\nrate = 160", "2: rate: not valid TOML (cannot overwrite a value)"),
    ('voice = "en-us\nrate = 150\n',
     "1: voice: not valid TOML (illegal character '\\n' at column 15)"),
    ("rate = 150\n= 3\n", "2: not valid TOML (invalid statement at column 1)"),
]


@pytest.mark.parametrize("text, message", MALFORMED)
def test_a_malformed_file_is_one_line_naming_file_line_and_key(config, text, message, monkeypatch):
    monkeypatch.delenv("COACH_TEST_ENGINES", raising=False)  # as for a user
    path = config(text)
    with pytest.raises(ConfigError) as info:
        load_settings(NOTHING_GIVEN, path)
    assert str(info.value) == f"{path}:{message}"
    assert "\n" not in str(info.value)


def test_a_malformed_file_is_an_error_even_when_the_command_line_sets_the_key(config):
    # The file is wrong whatever the command line says; better to hear it now.
    path = config('rate = "fast"\n')
    with pytest.raises(ConfigError):
        load_settings({**NOTHING_GIVEN, "rate": 150}, path)


def test_every_problem_in_the_file_is_reported_one_line_each(config, monkeypatch):
    monkeypatch.delenv("COACH_TEST_ENGINES", raising=False)
    path = config('preroll = 1e308\nengine = "piper"\nvoice = "en-us"\ncount_style = "sideways"\n'
                  'colour = 1\nrate = 5\n')
    with pytest.raises(ConfigError) as info:
        load_settings(NOTHING_GIVEN, path)
    assert str(info.value).splitlines() == [
        f"{path}:1: preroll must be a number of seconds from 0 to 10, not 1e+308",
        f'{path}:4: count_style must be "down" or "up", not "sideways"',
        f'{path}:5: unknown setting "colour"; the settings are engine, voice, rate, level, count_style, music, preroll, listen',
        f"{path}:6: rate must be between 80 and 450 words per minute, not 5",
        f'{path}:3: voice must be a Piper voice, named like en_US-joe-medium (see `coach voices`), not "en-us"',
    ]
    assert info.value.exit_code == 2


@pytest.mark.parametrize("given, message", [
    ({"preroll": "1e308"}, "--preroll must be a number of seconds from 0 to 10, not 1e308"),
    ({"preroll": "nan"}, "--preroll must be a number of seconds from 0 to 10, not nan"),
    ({"preroll": "-5"}, "--preroll must be a number of seconds from 0 to 10, not -5"),
    ({"preroll": "100000"}, "--preroll must be a number of seconds from 0 to 10, not 100000"),
    ({"rate": "fast"}, "--rate must be a whole number of words per minute, not fast"),
    ({"rate": "1000"}, "--rate must be between 80 and 450 words per minute, not 1000"),
    ({"count_style": "sideways"}, '--count-style must be "down" or "up", not sideways'),
    ({"engine": "fake"}, '--engine must be "espeak" or "piper", not fake'),
    ({"engine": "piper", "voice": "en-us"},
     '--voice must be a Piper voice, named like en_US-joe-medium (see `coach voices`), not "en-us"'),
])
def test_the_command_line_is_checked_by_the_same_rules(tmp_path, monkeypatch, given, message):
    monkeypatch.delenv("COACH_TEST_ENGINES", raising=False)
    with pytest.raises(ConfigError) as info:
        load_settings({**NOTHING_GIVEN, **given}, tmp_path / "absent.toml")
    assert str(info.value) == message


def test_good_command_line_values_are_typed(tmp_path):
    given = {**NOTHING_GIVEN, "preroll": "2.5", "rate": "150", "music": "off", "engine": "piper",
             "voice": "en_US-joe-medium"}
    settings, _ = load_settings(given, tmp_path / "absent.toml")
    assert (settings.preroll, settings.rate, settings.music) == (2.5, 150, False)


@pytest.mark.parametrize("text, music", [
    ('music = "pad"\n', "pad"), ('music = "off"\n', False), ("music = true\n", True),
    ("music = false\n", False), ('music = "Pad"\n', "pad"),
])
def test_music_words_are_not_files(config, text, music):
    # Before, "pad" was taken as a file beside config.toml and every play failed.
    settings, _ = load_settings(NOTHING_GIVEN, config(text))
    assert settings.music == music


def test_the_fake_engine_is_for_tests_only(tmp_path, monkeypatch):
    monkeypatch.setenv("COACH_TEST_ENGINES", "1")
    settings, _ = load_settings({**NOTHING_GIVEN, "engine": "fake"}, tmp_path / "absent.toml")
    assert settings.engine == "fake"
