"""A record of the sessions played, kept in the user's state folder: which
routine and level, how many minutes, finished or where it stopped. `coach
history` lists them with the streak of days, and the closing of a session
can say "that's three days in a row".

One JSON object a line (``history.jsonl``), appended; a line that is not what
``record`` writes is skipped, never an error: the file is the user's to break.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import platformdirs

KEEP = 1000
"""Sessions kept; older ones are dropped when the file is rewritten."""


@dataclass(frozen=True)
class Session:
    """One session played."""

    day: str
    """Local date it was played, ``YYYY-MM-DD``."""
    time: str
    """Local time it ended, ``HH:MM``."""
    routine: str
    """The routine's title."""
    level: str
    minutes: float
    """Minutes of the session played."""
    completed: bool
    stopped_in: str
    """Chapter it stopped in ("" when completed)."""


def history_file() -> Path:
    return Path(platformdirs.user_state_dir("coach")) / "history.jsonl"


def record(session: Session) -> bool:
    """Append ``session``; True if it was written. Never raises: a lost line
    of history is not worth an error at the end of a session."""
    path = history_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > KEEP * 400:
            kept = [json.dumps(asdict(s)) for s in load()[-(KEEP - 1):]]
            path.write_text("".join(f"{line}\n" for line in kept))
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        with os.fdopen(fd, "a") as f:
            f.write(json.dumps(asdict(session)) + "\n")
    except (OSError, ValueError):
        return False
    return True


def load() -> list[Session]:
    """Every readable session, oldest first."""
    try:
        lines = history_file().read_text(errors="replace").splitlines()
    except (OSError, ValueError):
        return []
    sessions = []
    for line in lines[-KEEP:]:
        with contextlib.suppress(ValueError, TypeError):
            session = parse(json.loads(line))
            if session is not None:
                sessions.append(session)
    return sessions


def parse(data: object) -> Session | None:
    """``data`` as a Session, or None unless every field is as written."""
    if not isinstance(data, dict) or set(data) != {f.name for f in fields(Session)}:
        return None
    types = {"day": str, "time": str, "routine": str, "level": str, "completed": bool,
             "stopped_in": str}
    if not all(type(data[k]) is t for k, t in types.items()):
        return None
    if type(data["minutes"]) not in (int, float) or not 0 <= data["minutes"] < 10_000:
        return None
    try:
        dt.date.fromisoformat(data["day"])
    except ValueError:
        return None
    return Session(**data)


def streak(sessions: list[Session], today: dt.date, *, counting_today: bool = False) -> int:
    """Days in a row, ending today (or yesterday, when today has none yet),
    with at least one finished session. ``counting_today``: as if a session
    were finished today."""
    days = {dt.date.fromisoformat(s.day) for s in sessions if s.completed}
    if counting_today:
        days.add(today)
    day = today if today in days else today - dt.timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= dt.timedelta(days=1)
    return count


def now() -> tuple[str, str]:
    """Local (day, time) for a new record."""
    moment = dt.datetime.now()
    return moment.date().isoformat(), moment.strftime("%H:%M")


def report(sessions: list[Session], today: dt.date, limit: int = 10) -> list[str]:
    """Lines for `coach history`: the most recent sessions, newest last,
    then the streak."""
    if not sessions:
        return ["No sessions yet. `coach play beginner` starts one."]
    lines = []
    for s in sessions[-limit:]:
        how = "finished" if s.completed else f"stopped in {s.stopped_in}"
        lines.append(f"{s.day} {s.time}  {s.routine} ({s.level}), {s.minutes:g} min, {how}")
    days = streak(sessions, today)
    lines.append(f"Streak: {days} day{'s' if days != 1 else ''} in a row." if days
                 else "No streak now: finish a session today to start one.")
    return lines
