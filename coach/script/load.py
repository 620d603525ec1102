"""The one place the compiler touches the world: resolve ROUTINE (a built-in
name, a level name, or a path), read the file safely, compile it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from coach.errors import ConfigError, RoutineError
from coach.levels import get_level, load_levels
from coach.model import Program
from coach.script.compile import compile_text

if TYPE_CHECKING:
    from coach.config import Settings

ROUTINES = Path(__file__).resolve().parent.parent / "routines"
DEFAULT_ROUTINE = "back"
MAX_BYTES = 256 * 1024
"""A routine longer than this is not a routine (a long article is ~20 kB)."""


def builtin_routines() -> dict[str, Path]:
    """Built-in routine names -> their files."""
    return {p.stem: p for p in sorted(ROUTINES.glob("*.md"))}


def resolve(routine: str, level: str | None) -> tuple[Path, str]:
    """ROUTINE and --level as typed -> (file, level name). ``beginner`` or
    ``full`` alone mean the built-in routine at that level."""
    levels = load_levels()
    if routine in levels:
        if level and level != routine:
            raise ConfigError(f"'{routine}' is already a level; drop --level {level} or name a routine")
        return builtin_routines()[DEFAULT_ROUTINE], routine
    level = level or "beginner"
    get_level(level)
    builtins = builtin_routines()
    if routine in builtins:
        return builtins[routine], level
    path = Path(routine)
    if not path.exists():
        names = ", ".join([*builtins, *levels])
        raise RoutineError(f"no such file or built-in routine (built-ins: {names})", file=routine)
    return path, level


def read_text(path: Path, shown: str) -> str:
    """Read a routine file as text, refusing what is not a routine."""
    try:
        if path.is_dir():
            raise RoutineError("is a folder, not a routine file", file=shown)
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise RoutineError(
                f"file is too large for a routine ({size / 1e6:.1f} MB; the limit is "
                f"{MAX_BYTES // 1024} kB)", file=shown)
        data = path.read_bytes()
    except OSError as exc:
        raise RoutineError(f"cannot read the file ({exc.strerror})", file=shown) from None
    if b"\0" in data:
        line = data[: data.index(b"\0")].count(b"\n") + 1
        raise RoutineError("this is a binary file, not routine text", line, shown)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RoutineError("this is not UTF-8 text; save the routine as UTF-8", line, shown) from None


def load_program(routine: str, level: str | None = None, style: str = "down",
                 minutes: float | None = None) -> Program:
    """ROUTINE and --level as typed on the command line -> a Program;
    ``minutes`` (--minutes) replaces the level's time budget."""
    path, level_name = resolve(routine, level)
    shown = routine if path.parent != ROUTINES else f"{path.stem}.md"
    text = read_text(path, shown)
    title = path.stem.replace("-", " ").replace("_", " ")
    chosen = get_level(level_name)
    if minutes:
        chosen = replace(chosen, max_minutes=minutes, strict=True)
    return compile_text(text, chosen, name=title, file=shown, style=style)


def program_for(routine: str, settings: "Settings", source: dict[str, str],
                minutes: float | None = None) -> Program:
    """Compile ROUTINE at the level the user asked for. 'beginner' and
    'full' name their level themselves; a level from the config file does
    not argue with them, one typed on the command line does."""
    from coach.config import COMMAND_LINE

    level: str | None = settings.level
    if routine in load_levels() and source["level"] != COMMAND_LINE:
        level = None
    return load_program(routine, level, settings.count_style, minutes)
