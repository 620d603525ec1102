"""The history of sessions: recorded at the end of `coach play` (finished or
stopped), listed by `coach history` with the streak of days, and spoken in
the closing from the second day in a row."""

import datetime as dt
import json
import os
import subprocess
import sys
from dataclasses import dataclass

import pytest

from coach import app
from coach.model import Say
from coach.output import history
from coach.output.history import Session
from coach.output.player import State
from coach.script.load import load_program
from coach.units import SAMPLE_RATE

COACH = [sys.executable, "-c", "from coach.cli import main; main()"]
TODAY = dt.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def state(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state" / "coach" / "history.jsonl"


def session(day: str, completed: bool = True, **kw) -> Session:
    fields = dict(day=day, time="07:30", routine="the back routine", level="beginner",
                  minutes=14.2, completed=completed, stopped_in="" if completed else "Bridge")
    return Session(**{**fields, **kw})


def test_streak_counts_days_in_a_row_with_a_finished_session():
    days = [session("2026-11-22"), session("2026-11-23"), session("2026-11-24", completed=False),
            session("2026-11-24"), session("2026-11-20")]
    assert history.streak(days, TODAY) == 3  # 22, 23, 24; nothing yet today
    assert history.streak(days, TODAY, counting_today=True) == 4
    assert history.streak([session("2026-11-24", completed=False)], TODAY) == 0
    assert history.streak([session("2026-11-23")], TODAY) == 0  # yesterday broke it
    assert history.streak([], TODAY, counting_today=True) == 1


def test_recorded_sessions_come_back_and_broken_lines_are_skipped(state):
    assert history.record(session("2026-11-24"))
    with open(state, "a") as f:
        f.write('not json\n{"day": "2026-11-24"}\n')
        f.write(json.dumps({**session("2026-11-24").__dict__, "minutes": "a lot"}) + "\n")
        f.write(json.dumps({**session("someday").__dict__}) + "\n")
    assert history.record(session("2026-11-25", completed=False))
    assert history.load() == [session("2026-11-24"), session("2026-11-25", completed=False)]


def test_history_in_a_folder_where_the_file_should_be_is_no_error(state):
    state.mkdir(parents=True)
    assert not history.record(session("2026-11-25"))
    assert history.load() == []


@dataclass
class Source:
    timeline: object


@dataclass
class Ended:
    """A player as `finish` sees it after the loop ended."""

    state: State
    source: Source
    at: int

    def position(self) -> int:
        return self.at


def test_finish_records_a_finished_and_a_stopped_session(state):
    program = load_program("beginner")
    choice = app.Choice(program, ("back", "beginner", "x"), 0, tuple(b.name for b in program.blocks))
    from coach.timeline import estimate

    timeline = estimate(program)
    lines = []

    class Line:
        def say(self, text):
            lines.append(text)

    app.finish(choice, Ended(State.DONE, Source(timeline), timeline.length), Line(), None)
    in_bridge = next(c.start for c in timeline.chapters if c.title == program.blocks[5].name) + 100
    app.finish(choice, Ended(State.STOPPED, Source(timeline), in_bridge), Line(), None)
    done, stopped = history.load()
    assert (done.completed, done.stopped_in, done.level) == (True, "", "beginner")
    assert done.routine == program.title
    assert done.minutes == round(timeline.length / SAMPLE_RATE / 60, 1)
    assert (stopped.completed, stopped.stopped_in) == (False, program.blocks[5].name)
    assert lines and lines[-1].startswith(f"Stopped in {program.blocks[5].name}.")


def test_the_closing_says_the_streak_from_the_second_day(state):
    program = load_program("beginner")
    assert app.with_streak(program) == program  # the first day: nothing to say
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    before = (dt.date.today() - dt.timedelta(days=2)).isoformat()
    history.record(session(before))
    history.record(session(yesterday))
    closing = app.with_streak(program).blocks[-1]
    said = [a.text for a in closing.actions if isinstance(a, Say)]
    assert "That's three days in a row." in said
    assert said.index("That's three days in a row.") == 1  # right after "well done"


def test_coach_history_lists_sessions_and_the_streak(state, tmp_path):
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    empty = subprocess.run([*COACH, "history"], env=env, capture_output=True, text=True, timeout=60)
    assert empty.returncode == 0 and empty.stdout.startswith("No sessions yet.")
    today = dt.date.today()
    for back in (2, 1, 0):
        history.record(session((today - dt.timedelta(days=back)).isoformat()))
    history.record(session(today.isoformat(), completed=False, stopped_in="Bridge"))
    shown = subprocess.run([*COACH, "history", "-n", "2"], env=env, capture_output=True, text=True,
                           timeout=60)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines() == [
        f"{today.isoformat()} 07:30  the back routine (beginner), 14.2 min, finished",
        f"{today.isoformat()} 07:30  the back routine (beginner), 14.2 min, stopped in Bridge",
        "Streak: 3 days in a row.",
    ]
