"""coach play's own logic, without a sound card: the keys, the status line,
and resuming at the right exercise only when it applies, whatever is in the
saved file."""

import json
from dataclasses import replace

import pytest

from coach.app import choose, fingerprint, resumed
from coach.config import load_settings
from coach.model import CueKind, Say
from coach.output import resume as saved_state
from coach.output.controls import KEYS, status
from coach.output.player import Command
from coach.script.load import ROUTINES, load_program
from coach.timeline import estimate
from coach.units import SAMPLE_RATE


@pytest.fixture(autouse=True)
def state_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def choose_for(routine, resume=True):
    said = []
    choice = choose(routine, *load_settings({}), resume, said.append)
    return choice, said


def test_resumed_program_says_where_it_picks_up():
    program = load_program("beginner")
    again = resumed(program, 5)
    assert again.blocks[0].actions[0] == Say("Welcome back. We pick up at exercise five: Stomach stretch.")
    assert again.blocks[1:] == program.blocks[5:]


def test_status_names_exercise_repetition_side_and_time_left():
    timeline = estimate(load_program("full"))
    twist = timeline.chapters[2]
    # A moment inside the second hold of the lying twist's third repetition.
    rep3 = next(c for c in timeline.cues if c.start > twist.start and c.text == "Repetition three of nine.")
    right = next(c for c in timeline.cues if c.start > rep3.start and c.text == "Now the right side.")
    hold = next(c for c in timeline.cues if c.start > right.start and c.text == "hold_start")
    line = status(timeline, hold.start + 4 * SAMPLE_RATE, 2, paused=False, reps=9)
    assert line == ("Lying twist · repetition 3 of 9 · right side · hold: 11 s left"
                    f" · Let both knees sink to the right · next: {timeline.chapters[3].title}")
    assert status(timeline, 0, 0, paused=True).startswith("[paused] Welcome · ")
    # The line comes from the cues' metadata, not from what the coach says.
    mute = replace(timeline, cues=tuple(c if c.kind == CueKind.BEEP else replace(c, text="…")
                                        for c in timeline.cues))
    # (only the step being done is, by nature, the words themselves)
    muted = line.replace("Let both knees sink to the right", "…")
    assert status(mute, hold.start + 4 * SAMPLE_RATE, 2, paused=False, reps=9) == muted
    after = next(c for c in timeline.cues if c.start > hold.start and c.text == "hold_end")
    assert "left in the session" in status(timeline, after.start + 10, 2, paused=False, reps=9)


def test_repeat_goes_back_to_the_last_instruction():
    timeline = estimate(load_program("beginner"))
    hold = next(c for c in timeline.cues if c.text == "hold_start")
    said = max((c for c in timeline.cues if c.kind.value == "speech" and c.start < hold.start), key=lambda c: c.start)
    assert timeline.step_start(hold.start + 5 * SAMPLE_RATE) == said.start


def test_keys_are_player_commands():
    assert KEYS == {" ": Command.PLAY_PAUSE, "n": Command.NEXT, "p": Command.PREVIOUS,
                    "r": Command.REPEAT, "q": Command.STOP, "N": Command.NEXT,
                    "P": Command.PREVIOUS, "R": Command.REPEAT, "Q": Command.STOP}


def save_for(level, chapter, title):
    path = str(ROUTINES.joinpath("back.md").resolve())
    assert saved_state.save(saved_state.Saved(path, level, fingerprint(load_program(level)), chapter, title))


def test_resume_picks_up_at_the_saved_exercise():
    save_for("beginner", 4, "Happy baby")
    choice, said = choose_for(None)
    assert [b.name for b in choice.program.blocks[:2]] == ["Welcome back", "Happy baby"]
    assert choice.offset == 4
    assert said == ["Resuming at Happy baby."]


def test_a_saved_position_for_another_level_is_not_applied():
    save_for("full", 4, "Stomach stretch")
    choice, said = choose_for("beginner")
    assert choice.program == load_program("beginner") and choice.offset == 0
    assert said == ["No saved position for this routine and level; starting from the beginning."]


@pytest.mark.parametrize("chapter", ["3", 2.5, -1, True, None, 999])
def test_a_saved_chapter_that_is_not_a_chapter_starts_from_the_beginning(chapter):
    save_for("beginner", 4, "Stomach stretch")
    data = json.loads(saved_state.state_file().read_text())
    saved_state.state_file().write_text(json.dumps({**data, "chapter": chapter}))
    choice, said = choose_for("beginner")
    assert choice.program == load_program("beginner") and choice.offset == 0
    assert len(said) == 1 and said[0].endswith("starting from the beginning.")


@pytest.mark.parametrize("content", [b"", b"{not json", b"\xff\xfe", b"[]", b'{"chapter": 1}'])
def test_a_corrupt_saved_file_is_one_sentence_and_a_fresh_start(content):
    saved_state.state_file().parent.mkdir(parents=True)
    saved_state.state_file().write_bytes(content)
    choice, said = choose_for("beginner")
    assert choice.offset == 0
    assert len(said) == 1
    assert said[0].startswith(f"The saved position could not be read ({saved_state.state_file()}: ")
    assert said[0].endswith("); starting from the beginning.")


def test_a_folder_in_place_of_the_saved_file_is_reported_and_never_claimed_saved():
    saved_state.state_file().mkdir(parents=True)
    choice, said = choose_for("beginner")
    assert choice.offset == 0 and said[0].startswith("The saved position could not be read")
    assert not saved_state.save(saved_state.Saved("r", "beginner", "f", 1, "t"))
