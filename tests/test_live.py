"""coach play's own logic, without a sound card: what the keys do, the
status line, and resuming at the right exercise only when it applies."""

import pytest

from coach.config import load_settings
from coach.model import Say
from coach.output import resume as saved_state
from coach.output.controls import status, step_start
from coach.output.live import Session, fingerprint, resumed
from coach.render.layout import estimate
from coach.script.load import load_program
from coach.units import SAMPLE_RATE


@pytest.fixture(autouse=True)
def state_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def session(routine, resume=False):
    return Session(routine, *load_settings({}), True, resume)


def test_resumed_program_says_where_it_picks_up():
    program = load_program("beginner")
    again = resumed(program, 5)
    assert again.blocks[0].actions[0] == Say("Welcome back. We pick up at exercise five: Bridge.")
    assert again.blocks[1:] == program.blocks[5:]


def test_status_names_exercise_repetition_side_and_time_left():
    timeline = estimate(load_program("full"))
    twist = timeline.chapters[2]
    # A moment inside the second hold of the lying twist's third repetition.
    rep3 = next(c for c in timeline.cues if c.start > twist.start and c.text == "Repetition three of nine.")
    right = next(c for c in timeline.cues if c.start > rep3.start and c.text == "Now the right side.")
    hold = next(c for c in timeline.cues if c.start > right.start and c.text == "hold_start")
    line = status(timeline, hold.start + 4 * SAMPLE_RATE, 2, paused=False)
    assert line == "Lying twist · repetition three of nine · right side · hold: 11 s left"
    assert status(timeline, 0, 0, paused=True).startswith("[paused] Welcome · ")


def test_repeat_goes_back_to_the_last_instruction():
    timeline = estimate(load_program("beginner"))
    hold = next(c for c in timeline.cues if c.text == "hold_start")
    said = max((c for c in timeline.cues if c.kind.value == "speech" and c.start < hold.start), key=lambda c: c.start)
    assert step_start(timeline, hold.start + 5 * SAMPLE_RATE) == said.start


def keys_session(program_name="beginner"):
    session_ = session(program_name)
    session_.timeline = estimate(load_program(program_name))
    return session_


class FakePlayer:
    def __init__(self, position, state="playing"):
        self.at, self.state, self.calls = position, state, []

    def position(self):
        return self.at

    def __getattr__(self, name):
        return lambda *args: self.calls.append((name, *args))


def test_keys():
    session = keys_session()
    chapters = session.timeline.chapters
    inside = chapters[3].start + 10 * SAMPLE_RATE
    player = FakePlayer(inside)
    session.press("n", player)
    session.press("p", player)
    player.at = chapters[3].start + SAMPLE_RATE  # just after the start: p goes back one
    session.press("p", player)
    session.press("q", player)
    assert player.calls == [("seek", chapters[4].start), ("seek", chapters[3].start),
                            ("seek", chapters[2].start), ("stop",)]


def test_space_pauses_then_resumes_at_the_start_of_the_interrupted_phrase():
    session = keys_session()
    phrase = session.timeline.cues[3]
    player = FakePlayer(phrase.start + phrase.length // 2)
    session.press(" ", player)
    player.state = "paused"
    session.press(" ", player)
    assert player.calls == [("pause",), ("resume", phrase.start)]


def save_for(level, chapter, title):
    path = str(__import__("coach.script.load", fromlist=["ROUTINES"]).ROUTINES.joinpath("back.md").resolve())
    saved_state.save(saved_state.Saved(path, level, fingerprint(load_program(level)), chapter, title))


def test_resume_picks_up_at_the_saved_exercise(capsys):
    save_for("beginner", 4, "Stomach stretch")
    program = session(None, resume=True).choose_program()
    assert program.blocks[0].name == "Welcome back" and program.blocks[1].name == "Stomach stretch"
    assert capsys.readouterr().err == "Resuming at Stomach stretch.\n"


def test_a_saved_position_for_another_level_is_not_applied(capsys):
    save_for("full", 4, "Stomach stretch")
    program = session("beginner", resume=True).choose_program()
    assert program == load_program("beginner")
    assert capsys.readouterr().err == "No saved position for this routine and level; starting from the beginning.\n"
