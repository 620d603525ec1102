"""The status line for a glance: which exercise of how many, the step, the
hold's seconds, the side and what comes next, fitted to the terminal; `?`
for the keys; a summary at the end of a finished session."""

import os
import sys

from coach import app
from coach.model import Phase
from coach.output.controls import HELP, fit, status
from coach.output.player import State, Status
from coach.script.load import load_program
from coach.timeline import estimate
from coach.units import SAMPLE_RATE

COACH = [sys.executable, "-c", "from coach.cli import main; main()"]


def in_first_hold(level="beginner"):
    program = load_program(level)
    timeline = estimate(program)
    hold = next(c for c in timeline.cues if c.text == "hold_start")
    return program, timeline, hold.start + 2 * SAMPLE_RATE


def test_the_line_fits_the_terminal_keeping_what_matters_most():
    _, timeline, at = in_first_hold()
    chapter = timeline.chapter_at(at)
    wide = status(timeline, at, chapter, False, 2, label="exercise 1 of 9", width=500)
    step = next(c.text for c in reversed(timeline.cues)
                if c.start <= at and c.phase in (Phase.SETUP, Phase.MOVE)).rstrip(".")
    assert wide.startswith(f"exercise 1 of 9: {timeline.chapters[chapter].title} · ")
    assert step in wide and f"next: {timeline.chapters[chapter + 1].title}" in wide
    for width in (100, 60, 40, 25, 10):
        line = status(timeline, at, chapter, False, 2, label="exercise 1 of 9", width=width)
        assert len(line) <= width
    narrow = status(timeline, at, chapter, False, 2, label="exercise 1 of 9", width=60)
    assert "hold:" in narrow and step not in narrow  # the seconds outlast the step


def test_fit_drops_the_least_needed_part_first_and_cuts_the_last():
    parts = [(0, "Bridge"), (3, "repetition 2 of 3"), (1, "hold: 7 s left"), (5, "Lift your hips")]
    assert fit("", parts, 100) == "Bridge · repetition 2 of 3 · hold: 7 s left · Lift your hips"
    assert fit("", parts, 45) == "Bridge · repetition 2 of 3 · hold: 7 s left"  # 43 characters
    assert fit("", parts, 42) == "Bridge · hold: 7 s left"
    assert fit("", parts, 24) == "Bridge · hold: 7 s left"
    assert fit("[paused] ", parts, 12) == "[paused] Br…"


class Ended:
    def __init__(self, timeline, at, state=State.DONE):
        self.source = type("S", (), {"timeline": timeline})()
        self.at, self.state = at, state

    def position(self):
        return self.at

    def status(self):
        return Status(self.state, self.at, self.source.timeline.chapter_at(self.at), "", False)


def test_numbers_count_the_whole_session_even_when_resumed(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    program, timeline, at = in_first_hold()
    full = app.Choice(program, ("b", "beginner", "x"), 0, tuple(b.name for b in program.blocks))
    total = len(program.exercises)
    line = app.status_line(Ended(timeline, at, State.PLAYING), full)
    assert line.startswith(f"exercise 1 of {total}: ")
    later = app.Choice(app.resumed(program, 3), full.identity, 3, full.full_titles)
    again = estimate(later.program)
    first = again.chapters[1].start + SAMPLE_RATE
    assert app.status_line(Ended(again, first, State.PLAYING), later).startswith(
        f"exercise 3 of {total}: {program.blocks[3].name}")


def test_a_finished_session_ends_with_a_summary(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    program, timeline, _ = in_first_hold()
    choice = app.Choice(program, ("b", "beginner", "x"), 0, tuple(b.name for b in program.blocks))
    said = []
    line = type("L", (), {"say": lambda self, text: said.append(text)})()
    app.finish(choice, Ended(timeline, timeline.length), line, None)
    minutes, seconds = divmod(round(timeline.length / SAMPLE_RATE), 60)
    assert said == [f"Done: {len(program.exercises)} exercises in {minutes}:{seconds:02d}. Well done."]


def test_question_mark_shows_the_keys_in_a_terminal(tmp_path):
    """`?` typed in a real terminal (a pty) prints the keys; q quits."""
    import pty
    import select
    import time

    from pulse import pulse_server

    with pulse_server() as server:
        env = {**server.env, "XDG_CACHE_HOME": str(tmp_path / "c"), "XDG_STATE_HOME": str(tmp_path / "s"),
               "PYTHONFAULTHANDLER": "1"}  # a crash shows where it happened
        pid, fd = pty.fork()
        if pid == 0:
            os.execvpe(COACH[0], [*COACH, "play", "beginner"], env)
        out, sent = b"", []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    out += os.read(fd, 4096)
                except OSError:
                    break
            if b"exercise" in out.lower() or b"left in the session" in out:
                if not sent:
                    os.write(fd, b"?")
                    sent.append(time.monotonic())
                elif time.monotonic() - sent[0] > 1.0 and len(sent) == 1:
                    os.write(fd, b"Q")
                    sent.append(time.monotonic())
        _, code = os.waitpid(pid, 0)
    text = out.decode(errors="replace")
    assert text.count(HELP) >= 2, text[-2000:]  # once at the start, once for "?"
    assert os.waitstatus_to_exitcode(code) == 0, text[-3000:]
    assert "Stopped in Welcome." in text
