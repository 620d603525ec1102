"""Where an interrupted session stopped, kept in the user's state folder so
`coach play --resume` can pick up at the start of that exercise."""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import platformdirs

from coach.files import write_atomic


@dataclass(frozen=True)
class Saved:
    """A stopped session."""

    routine: str
    """The routine as resolved (built-in name or absolute path)."""
    level: str
    fingerprint: str
    """Identifies the compiled program: a changed file is not resumed."""
    chapter: int
    """Index of the interrupted chapter (block) of the program."""
    title: str


def state_file() -> Path:
    return Path(platformdirs.user_state_dir("coach")) / "resume.json"


def save(saved: Saved) -> None:
    """Remember ``saved``; losing it is never worth an error."""
    path = state_file()
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(asdict(saved)).encode())


def load() -> Saved | None:
    """The last saved position, or None."""
    try:
        return Saved(**json.loads(state_file().read_text()))
    except (OSError, ValueError, TypeError):
        return None


def forget() -> None:
    with contextlib.suppress(OSError):
        state_file().unlink()
