"""Where an interrupted session stopped, kept in the user's state folder so
`coach play --resume` can pick up at the start of that exercise.

The file is the user's to break: anything in it that is not exactly what
``save`` writes (corrupt JSON, a chapter of ``"3"``, ``2.5`` or ``-1``, a
folder in its place) is reported in one sentence and never resumed."""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import platformdirs

from coach.files import write_atomic

UNREADABLE = "The saved position could not be read"


@dataclass(frozen=True)
class Saved:
    """A stopped session."""

    routine: str
    """The routine as resolved (built-in name or absolute path)."""
    level: str
    fingerprint: str
    """Identifies the compiled program: a changed file is not resumed."""
    chapter: int
    """Index of the interrupted chapter (block) of the program, >= 0."""
    title: str


def state_file() -> Path:
    return Path(platformdirs.user_state_dir("coach")) / "resume.json"


def save(saved: Saved) -> bool:
    """Remember ``saved``; True if it was written. Never raises: losing the
    position is not worth an error at the end of a session."""
    path = state_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(asdict(saved)).encode())
    except OSError:
        return False
    return True


def load() -> tuple[Saved | None, str | None]:
    """The last saved position, or None; and a sentence saying why a file
    that is there could not be used (None when there is no file)."""
    path = state_file()
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None, None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or "it is not valid JSON"
        return None, f"{UNREADABLE} ({path}: {reason})"
    saved = parse(data)
    if saved is None:
        return None, f"{UNREADABLE} ({path}: it holds something coach did not write)"
    return saved, None


def parse(data: object) -> Saved | None:
    """``data`` as a Saved, or None unless every field has the right type
    (a chapter is a whole number >= 0, not a bool, float or string)."""
    if not isinstance(data, dict) or set(data) != {f.name for f in fields(Saved)}:
        return None
    chapter = data["chapter"]
    if type(chapter) is not int or chapter < 0:
        return None
    if not all(isinstance(data[name], str) for name in ("routine", "level", "fingerprint", "title")):
        return None
    return Saved(**data)


def forget() -> None:
    with contextlib.suppress(OSError):
        state_file().unlink()
