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


def load_levels() -> dict[str, Level]:
    """Every level, by name, in file order."""
    data = tomllib.loads((Path(__file__).parent / "levels.toml").read_text())
    names = {f.name for f in fields(Level)} - {"name"}
    return {name: Level(name=name, **{k: v for k, v in table.items() if k in names})
            for name, table in data.items()}


def get_level(name: str) -> Level:
    """The level called ``name``, or ConfigError listing the known ones."""
    levels = load_levels()
    if name not in levels:
        raise ConfigError(f"unknown level '{name}'; choose one of: {', '.join(levels)}")
    return levels[name]
