"""Levels are data (levels.toml beside this file); this module only reads
them into frozen dataclasses."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from coach.errors import ConfigError


@dataclass(frozen=True)
class Level:
    """How gently a routine is done. See levels.toml for each field."""

    name: str
    description: str
    range_end: str
    max_reps: int
    max_minutes: float
    default_hold: int
    settle: float
    move: float
    rest: float
    transition: float
    count_all_up_to: int
    rep_pace: float
    min_hold: int = 0
    """Shortest hold; shorter holds are raised to it, or, repeated, done with the breath."""
    min_reps: int = 1
    """Fewest repetitions of an exercise the text repeats (never more than the text's)."""
    strict: bool = False
    """The time budget was asked for (--minutes): say so when it cannot be met."""
    leave_out: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Per routine title, which exercises to leave out first to fit the time."""


def load_levels() -> dict[str, Level]:
    """Every level, by name, in file order."""
    data = tomllib.loads((Path(__file__).parent / "levels.toml").read_text())
    names = {f.name for f in fields(Level)} - {"name"}
    levels = {}
    for name, table in data.items():
        values = {k: v for k, v in table.items() if k in names}
        values["leave_out"] = tuple((title, tuple(exercises))
                                    for title, exercises in table.get("leave_out", {}).items())
        levels[name] = Level(name=name, **values)
    return levels


def get_level(name: str) -> Level:
    """The level called ``name``, or ConfigError listing the known ones."""
    levels = load_levels()
    if name not in levels:
        raise ConfigError(f"unknown level '{name}'; choose one of: {', '.join(levels)}")
    return levels[name]
