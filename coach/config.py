"""Preferences: ``config.toml`` in the user's config folder, so nobody types
options while lying on the floor.

    # ~/.config/coach/config.toml  (XDG_CONFIG_HOME is honoured)
    engine = "piper"          # "espeak" or "piper"
    voice = "en_US-joe-medium"
    rate = 160                # words per minute
    level = "full"            # "beginner" or "full"
    count_style = "up"        # count holds "down" (5, 4, 3...) or "up"
    music = "pad"             # "pad" (or true), "off" (or false), or a WAV file's path
    preroll = 10.0            # seconds of quiet before the session starts, 0 to 10
    listen = true             # obey "coach pause" and the like (voice extra)

Command-line options win over the file, the file over the defaults. Both
are checked here by the same rules, once: every problem is one line
(``FILE:LINE: message`` or ``--option must be ...``), all of them in one
ConfigError (exit code 2). ``load_settings`` also says where each value
came from, for ``coach config``.
"""

from __future__ import annotations

import json
import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from enum import Enum
from pathlib import Path
from typing import Any

from coach.errors import ConfigError

DEFAULT = "default"
COMMAND_LINE = "command line"


class EngineName(str, Enum):
    """The speech engines a user may choose."""

    ESPEAK = "espeak"
    PIPER = "piper"


class CountStyle(str, Enum):
    """How a hold is counted."""

    DOWN = "down"
    UP = "up"


TEST_ENGINES = "COACH_TEST_ENGINES"
"""Set to 1 (the test suite does), the "fake" engine is accepted too; it is
never offered to users."""
PREROLL_RANGE = (0.0, 10.0)
"""Seconds of quiet before the session: enough to lie down or wake
Bluetooth headphones, never a silent minute."""
PIPER_VOICE = re.compile(r"[a-z]{2,3}_[A-Z]{2}-[A-Za-z0-9_]+-(?:x_low|low|medium|high)")
"""How Piper names its voices: ``en_US-joe-medium``."""
MUSIC_WORDS = {"pad": "pad", "on": "pad", "off": False, "none": False}
"""Words ``music`` takes besides a path (``pad``: the built-in calm pad)."""


@dataclass(frozen=True)
class Settings:
    """The effective preferences of one run."""

    engine: str = "espeak"
    """Speech engine: "espeak" (always there) or "piper" (the optional extra)."""
    voice: str | None = None
    """Voice name for the engine; None is the engine's default voice."""
    rate: int | None = None
    """Speaking rate, words per minute; None is the engine's default (175)."""
    level: str = "beginner"
    """Level of the built-in routine ("beginner" or "full")."""
    count_style: str = "down"
    """Counting a hold "down" (15, 14, ... 1) or "up" (1, 2, ... 15)."""
    music: bool | str = False
    """Background music: off, on (the generated one), or a WAV file's path."""
    preroll: float = 0.0
    """Seconds of quiet before the session starts, to lie down."""
    listen: bool = False
    """Obey spoken commands ("coach pause") heard on the microphone."""


NAMES = tuple(f.name for f in fields(Settings))


def config_path() -> Path:
    """``<user config dir>/coach/config.toml``; honours XDG_CONFIG_HOME."""
    import platformdirs

    return Path(platformdirs.user_config_dir("coach")) / "config.toml"


def load_settings(
    overrides: Mapping[str, object | None], path: Path | None = None
) -> tuple[Settings, dict[str, str]]:
    """The effective settings and, per setting, where it came from:
    ``"default"``, ``"config file <path>"`` or ``"command line"``.

    ``overrides`` are the command-line values (text as typed, or already
    typed values); None means "not given". The file is ``path`` or
    ``config_path()``; a missing file is no error. Raises one ConfigError
    listing every problem in the file and on the command line, one line each."""
    unknown = set(overrides) - set(NAMES)
    if unknown:  # a bug in the caller, not the user's mistake
        raise ValueError(f"unknown settings {sorted(unknown)}")
    path = config_path() if path is None else Path(path)
    settings = Settings()
    source = {name: DEFAULT for name in NAMES}
    problems: list[str] = []

    from_file, where = read_file(path, problems)
    settings = replace(settings, **from_file)
    source.update((name, f"config file {path}") for name in from_file)

    given = {}
    for name, value in overrides.items():
        if value is None:
            continue
        if isinstance(value, Enum):
            value = value.value
        option = "--" + name.replace("_", "-")
        try:
            given[name] = check(name, from_text(name, value) if isinstance(value, str) else value)
        except Bad as bad:
            problems.append(f"{option} must be {bad}, not {value}")
        where[name] = option
    settings = replace(settings, **given)
    source.update((name, COMMAND_LINE) for name in given)

    voice = settings.voice
    if settings.engine == EngineName.PIPER.value and voice and not PIPER_VOICE.fullmatch(voice):
        rule = f"a Piper voice, named like en_US-joe-medium (see `coach voices`), not {show(voice)}"
        at = where.get("voice", str(path))
        problems.append(f"--voice must be {rule}" if at == "--voice" else f"{at}: voice must be {rule}")
    if problems:
        raise ConfigError("\n".join(problems))
    return settings, source


def read_file(path: Path, problems: list[str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The good settings in the file at ``path`` ({} if it is missing) and
    where each is set (``FILE:LINE``); each problem is added to ``problems``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, {}
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        problems.append(f"{path}: cannot read the config file ({reason})")
        return {}, {}
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.append(syntax_error(path, text, exc))
        return {}, {}

    found, where = {}, {}
    for key, value in data.items():
        line = line_of(text, key)
        where[key] = f"{path}:{line}" if line else str(path)
        if key not in RULES:
            problems.append(f'{where[key]}: unknown setting "{key}"; the settings are {", ".join(NAMES)}')
            continue
        try:
            found[key] = clean(key, check(key, value), path)
        except Bad as bad:
            problems.append(f"{where[key]}: {key} must be {bad}, not {show(value)}")
    return found, where


MINUTES_RANGE = (1.0, 600.0)
"""``--minutes``: the length to fit a session into (a command-line option only)."""


def minutes_option(text: str | None) -> float | None:
    """``--minutes`` as typed -> minutes, or one ConfigError line."""
    if text is None:
        return None
    low, high = MINUTES_RANGE
    try:
        minutes = float(text)
    except ValueError:
        minutes = math.nan
    if not (math.isfinite(minutes) and low <= minutes <= high):
        raise ConfigError(f"--minutes must be a number of minutes from {low:g} to {high:g}, not {text}")
    return minutes


class Bad(ValueError):
    """A value breaks its rule; the message says what it must be."""


def check(name: str, value: Any) -> Any:
    """``value`` in the form Settings holds, or Bad."""
    problem = RULES[name](value)
    if problem:
        raise Bad(problem)
    if name == "preroll":
        return float(value)
    if name == "music" and isinstance(value, str) and value.strip().lower() in MUSIC_WORDS:
        return MUSIC_WORDS[value.strip().lower()]
    return value


def from_text(name: str, text: str) -> Any:
    """A command-line value as typed -> the type its rule checks."""
    try:
        if name == "rate":
            return int(text)
        if name == "preroll":
            return float(text)
    except ValueError:
        return text  # the rule says what it must be
    return text


# ----------------------------------------------------------------- rules
# Each rule returns None for a good value, or what the value must be.


def engine_rule(value: Any) -> str | None:
    if value in [e.value for e in EngineName]:
        return None
    if value == "fake" and os.environ.get(TEST_ENGINES) == "1":
        return None
    return _either([e.value for e in EngineName])


def voice_rule(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return None
    return "a voice name in quotes (see `coach voices`)"


def rate_rule(value: Any) -> str | None:
    from coach.render.tts import RATE_RANGE

    if not isinstance(value, int) or isinstance(value, bool):
        return "a whole number of words per minute"
    low, high = RATE_RANGE
    if not low <= value <= high:
        return f"between {low} and {high} words per minute"
    return None


def level_rule(value: Any) -> str | None:
    from coach.levels import load_levels

    names = list(load_levels())
    return None if value in names else _either(names)


def count_style_rule(value: Any) -> str | None:
    return None if value in [c.value for c in CountStyle] else _either([c.value for c in CountStyle])


def music_rule(value: Any) -> str | None:
    if isinstance(value, bool) or (isinstance(value, str) and value.strip()):
        return None
    return '"pad", "off" or the path of a WAV file in quotes'


def preroll_rule(value: Any) -> str | None:
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    low, high = PREROLL_RANGE
    if number and math.isfinite(value) and low <= value <= high:
        return None
    return f"a number of seconds from {low:g} to {high:g}"


def listen_rule(value: Any) -> str | None:
    return None if isinstance(value, bool) else "true or false"


RULES: dict[str, Callable[[Any], str | None]] = {
    "engine": engine_rule,
    "voice": voice_rule,
    "rate": rate_rule,
    "level": level_rule,
    "count_style": count_style_rule,
    "music": music_rule,
    "preroll": preroll_rule,
    "listen": listen_rule,
}


def clean(key: str, value: Any, path: Path) -> Any:
    """A checked value from the file at ``path``: a music path is relative
    to the file."""
    if key == "music" and isinstance(value, str) and value != "pad":
        # Relative to the config file, not to wherever coach is run from.
        music = Path(value).expanduser()
        return str(music if music.is_absolute() else path.parent / music)
    return value


# ---------------------------------------------------------------- errors


def syntax_error(path: Path, text: str, exc: tomllib.TOMLDecodeError) -> str:
    """``FILE:LINE: KEY: not valid TOML (...)`` for a TOML syntax error, with
    a hint for the usual slip, a word without quotes."""
    # Python 3.11's TOMLDecodeError keeps the position only in its message
    # ("Invalid value (at line 3, column 8)"); 3.14 adds .lineno.
    message = str(getattr(exc, "msg", exc))
    line = getattr(exc, "lineno", None)
    column = getattr(exc, "colno", None)
    at = re.search(r"\s*\(at line (\d+), column (\d+)\)", message)
    if at:
        line, column = line or int(at.group(1)), column or int(at.group(2))
        message = message[: at.start()] + message[at.end() :]
    elif "(at end of document)" in message:
        # The end of the text: the trouble is on its last non-blank line.
        line = line or len(text.rstrip().splitlines()) or 1
        message = message.replace(" (at end of document)", "")
    detail = message[:1].lower() + message[1:]
    if column:
        detail += f" at column {column}"
    where = f"{path}:{line}" if line else str(path)
    setting = _setting_on_line(text, line) if line else None
    if setting is None:
        return f"{where}: not valid TOML ({detail})"
    key, value = setting
    hint = ""
    if "invalid value" in detail and value and value[0] not in "\"'[{":
        hint = f'; put text in quotes: {key} = "{value}"'
    return f"{where}: {key}: not valid TOML ({detail}){hint}"


def line_of(text: str, key: str) -> int | None:
    """The 1-based line where ``key`` is set (``key = ...``, ``"key" = ...``,
    ``key.sub = ...`` or a ``[key]`` table), or None."""
    name = re.escape(key)
    pattern = re.compile(
        rf"""^\s*(?:(?:{name}|"{name}"|'{name}')\s*[=.]|\[\[?\s*(?:{name}|"{name}"|'{name}')\s*[\].])"""
    )
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.match(line):
            return number
    return None


def _setting_on_line(text: str, line: int) -> tuple[str, str] | None:
    """(key, value as written) of a ``key = value`` line, or None."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return None
    found = re.match(r"""^\s*["']?([A-Za-z0-9_-]+)["']?\s*=\s*(.*?)\s*(?:#.*)?$""", lines[line - 1])
    return (found.group(1), found.group(2)) if found else None


def show(value: Any) -> str:
    """A value as TOML would write it: "fast", true, 3.5, [1, 2]."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # inf, nan (JSON would say Infinity)
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(value)  # dates and times


def _either(names: list[str]) -> str:
    quoted = [f'"{name}"' for name in names]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1] if len(quoted) > 1 else quoted[0]
