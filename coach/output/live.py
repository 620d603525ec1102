"""`coach play`: compile, render, and play through the speaker with
hands-free controls; remember where a stopped session was."""

from __future__ import annotations

import hashlib
import sys
import threading
from dataclasses import replace

from coach.config import COMMAND_LINE, Settings
from coach.errors import CoachError, Interrupted
from coach.model import Block, Pause, Program, Say
from coach.output import resume as saved_state
from coach.output.controls import HELP, Keys, status, step_start
from coach.output.speaker import Player, SimpleaudioSink, chapter_at, resume_point
from coach.render.session import engine_for, music_for, render
from coach.script.load import program_for, resolve
from coach.script.words import say_number
from coach.units import SAMPLE_RATE, to_samples

WAKE_S = 0.3
"""Silence played before the first cue of a live session, seconds."""
BACK_S = 3.0
"""Pressing p this long into an exercise restarts it; sooner, goes back one."""


def fingerprint(program: Program) -> str:
    return hashlib.sha256(repr(program).encode()).hexdigest()[:16]


def resumed(program: Program, chapter: int) -> Program:
    """The program from ``chapter`` on, opened by a line that says where it
    picks up."""
    block = program.blocks[chapter]
    where = (f"exercise {say_number(program.blocks.index(block))}: {block.name}"
             if block.is_exercise else block.name)
    hello = Block("Welcome back", (Say(f"Welcome back. We pick up at {where}."), Pause(1.0)))
    return replace(program, blocks=(hello, *program.blocks[chapter:]))


class Session:
    """One run of `coach play`."""

    def __init__(self, routine: str | None, settings: Settings, source: dict[str, str],
                 quiet: bool, resume: bool):
        self.saved = saved_state.load() if resume else None
        if resume and routine is None and self.saved:
            routine = self.saved.routine
            if source["level"] != COMMAND_LINE:
                settings, source = replace(settings, level=self.saved.level), {**source, "level": COMMAND_LINE}
        self.routine = routine or settings.level
        self.settings, self.source = settings, source
        self.quiet, self.resume = quiet, resume
        self.offset = 0  # chapters of the full program skipped by --resume
        self.status_shown = False
        self.paused_at = 0

    def say(self, text: str) -> None:
        self.clear_status()
        print(text, file=sys.stderr, flush=True)

    def run(self) -> None:
        # 1. Compile, and find out whether a saved position applies.
        program = self.choose_program()
        self.program = program
        # 2. Probe the speaker while the speech is made: no sound fails fast.
        sink = SimpleaudioSink()
        probe_error: list[BaseException] = []
        probe = threading.Thread(target=lambda: self._probe(sink, probe_error), daemon=True)
        probe.start()
        mixer = render(program, engine_for(self.settings), music=music_for(self.settings))
        probe.join()
        if probe_error:
            raise probe_error[0]
        self.timeline = mixer.timeline
        # 3. Play, with keys in a terminal.
        player = Player(mixer.render, mixer.length, sink, preroll=self.settings.preroll)
        # The file opens with a second of silence; a live stream needs only
        # the 0.3 s a waking stream clips (DESIGN.md), so start there.
        first = self.timeline.cues[0].start if self.timeline.cues else 0
        player.start(max(0, first - to_samples(WAKE_S)))
        interrupted = False
        with Keys() as keys:
            if keys.active and not self.quiet:
                self.say(HELP)
            try:
                while not player.wait(0.05):
                    key = keys.get()
                    if key:
                        self.press(key, player)
                    self.show(player)
            except (KeyboardInterrupt, Interrupted):
                interrupted = True
            finally:
                if player.state not in ("done", "stopped"):
                    player.stop()
                    player.wait(5)
                self.clear_status()
        self.finish(player, interrupted)

    def choose_program(self) -> Program:
        """The program to play: from the saved exercise with --resume, when
        the saved position is for this very routine, level and text."""
        program = program_for(self.routine, self.settings, self.source)
        path, _ = resolve(self.routine, None if self.routine == program.level else program.level)
        self.identity = (str(path.resolve()), program.level, fingerprint(program))
        if not self.resume:
            return program
        saved = self.saved
        if saved and (saved.routine, saved.level, saved.fingerprint) == self.identity:
            self.offset = saved.chapter
            self.say(f"Resuming at {saved.title}.")
            return resumed(program, saved.chapter) if saved.chapter else program
        self.say("No saved position for this routine and level; starting from the beginning.")
        return program

    @staticmethod
    def _probe(sink: SimpleaudioSink, errors: list) -> None:
        try:
            sink.open()
        except CoachError as exc:
            errors.append(exc)

    def press(self, key: str, player: Player) -> None:
        """What each key does."""
        here = player.position()
        chapters = self.timeline.chapters
        index = chapter_at(self.timeline, here)
        if key == " ":
            if player.state == "paused":
                player.resume(resume_point(self.timeline, self.paused_at))
            else:
                self.paused_at = here
                player.pause()
        elif key == "n" and index + 1 < len(chapters):
            player.seek(chapters[index + 1].start)
        elif key == "p":
            back = here - chapters[index].start < BACK_S * SAMPLE_RATE and index > 0
            player.seek(chapters[index - 1 if back else index].start)
        elif key == "r":
            player.seek(step_start(self.timeline, here))
        elif key in ("q", "Q"):
            player.stop()

    def show(self, player: Player) -> None:
        if self.quiet or not sys.stderr.isatty():
            return
        here = player.position()
        line = status(self.timeline, here, chapter_at(self.timeline, here), player.state == "paused")
        sys.stderr.write("\r\x1b[2K" + line[:200])
        sys.stderr.flush()
        self.status_shown = True

    def clear_status(self) -> None:
        if self.status_shown:
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()
            self.status_shown = False

    def finish(self, player: Player, interrupted: bool) -> None:
        """Remember where a stopped session was; forget a finished one."""
        if player.state == "done":
            saved_state.forget()
            return
        chapter = chapter_at(self.timeline, player.position())
        original = self.offset + max(0, chapter - (1 if self.offset else 0))
        title = self.program.blocks[chapter].name
        routine_id, level, print_ = self.identity
        saved_state.save(saved_state.Saved(routine_id, level, print_, original, title))
        self.say(f"Stopped in {title}. `coach play --resume` picks up there.")
        if interrupted:
            raise SystemExit(130)
