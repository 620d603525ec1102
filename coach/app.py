"""The application: what each command does, end to end. The CLI parses the
command line and calls one function here; this module wires the stages

    routine ──load──▶ Program ──render──▶ Timeline + mixer ──▶ Player ──▶ speaker
                                                          └──▶ export ──▶ WAV + .vtt

and nothing below it imports it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import threading
from dataclasses import dataclass, replace

from coach.config import COMMAND_LINE, Settings
from coach.errors import CoachError, Interrupted
from coach.model import Block, Pause, Phase, Program, Say, Timeline
from coach.output import history
from coach.output import resume as saved_state
from coach.output.controls import HELP, KEYS, SHOW_KEYS, Keys, StatusLine, status
from coach.output.player import Player, State
from coach.output.sinks import SimpleaudioSink
from coach.render.beeps import load_beeps
from coach.render.growing import Growing
from coach.render.mix import Mixer
from coach.render.session import engine_for, music_for
from coach.render.session import gains as mix_gains
from coach.render.speech import Speech
from coach.timeline import LEAD_IN_S
from coach.script.words import say_number
from coach.units import SAMPLE_RATE, clock, to_samples

WAKE_S = 0.02
"""Silence played before the first cue of a live session, seconds (the file
opens with a second of it). The sink wakes the device with a silent stream
when it is probed, so the first cue needs no more: measured through
PulseAudio, its first 50 ms arrive sample for sample with 0, 0.03 and 0.1 s
(0.1 s was the figure before that wake-up stream; DESIGN.md's 0.3 s cost
0.2 s of every first sound). Devices that wake slowly have --preroll."""


FIRST_SEGMENT_S = 30.0
"""The first stream of a session is at most this long: rendered in a few
hundredths of a second with a warm cache (300 s took 0.2 s, and cutting
it as long again), and its hand-over to the next is half a minute in."""
FIRST_MIN_S = 8.0
"""The first stream is at least this long when the speech for it is made
(else it is what the speech allows): its hand-over comes after the
welcome, not inside it."""
FIRST_WAIT_S = {"espeak": 0.15}
"""Per engine, how long the player waits for a whole first stream of speech
before it starts on what is ready (0.3 s for an engine not named). espeak-ng makes speech some 50 times faster than it is played, so
its first stream may be short: the rest is far ahead by its end."""
FIRST_SOUND_WAIT_S = 1.0
"""Longest wait for the first sound before the controls are set up anyway."""


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


@dataclass(frozen=True)
class Choice:
    """The program `coach play` plays, and where it sits in the full one."""

    program: Program
    identity: tuple[str, str, str]
    """(routine as resolved, level, fingerprint): what a saved position is for."""
    offset: int = 0
    """Chapters of the full program skipped by --resume."""
    full_titles: tuple[str, ...] = ()


def choose(routine: str | None, settings: Settings, source: dict[str, str], resume: bool,
           say, minutes: float | None = None) -> Choice:
    """Compile the routine; with ``resume``, start at the saved exercise when
    the saved position is for this very routine, level and text (``say``
    gets one sentence about what was decided)."""
    from coach.script.load import program_for, resolve  # the compiler: imported while the voice loads

    saved, problem = saved_state.load() if resume else (None, None)
    if resume and routine is None and saved:
        routine = saved.routine
        if source["level"] != COMMAND_LINE:
            settings, source = replace(settings, level=saved.level), {**source, "level": COMMAND_LINE}
    routine = routine or settings.level
    program = program_for(routine, settings, source, minutes=minutes)
    path, _ = resolve(routine, None if routine == program.level else program.level)
    identity = (str(path.resolve()), program.level, fingerprint(program))
    titles = tuple(b.name for b in program.blocks)
    if not resume:
        return Choice(program, identity, 0, titles)
    if problem:
        say(f"{problem}; starting from the beginning.")
    elif saved and (saved.routine, saved.level, saved.fingerprint) == identity \
            and saved.chapter < len(program.blocks):
        say(f"Resuming at {program.blocks[saved.chapter].name}.")
        picked = resumed(program, saved.chapter) if saved.chapter else program
        return Choice(picked, identity, saved.chapter, titles)
    else:
        say("No saved position for this routine and level; starting from the beginning.")
    return Choice(program, identity, 0, titles)


def play(routine: str | None, settings: Settings, source: dict[str, str], *,
         quiet: bool = False, resume: bool = False, minutes: float | None = None) -> None:
    """`coach play`: compile, render, play through the speaker with keys in
    a terminal; remember where a stopped session was."""
    line = StatusLine(quiet)
    # 1. Probe the speaker while the routine is compiled and the speech is
    #    made: no sound fails fast, and a good device costs no wait.
    sink = SimpleaudioSink()
    probe_error: list[BaseException] = []
    probe = threading.Thread(target=_probe, args=(sink, probe_error), daemon=True)
    probe.start()
    speech = player = None
    try:
        speech = Speech(engine_for(settings))
        if not speech.cache.directory.is_dir():
            # Nothing was ever said in this voice: every phrase is to be made,
            # so the engine starts now (Piper loads its model) while the
            # routine is compiled, not on the first phrase.
            speech.start()
        choice = choose(routine, settings, source, resume, line.say, minutes)
        choice = replace(choice, program=with_streak(choice.program))
        # 2. The speech is made in play order while the session plays.
        growing = grow(choice.program, speech, music_for(settings))
        # 3. The player renders while the probe finishes; its first stream
        #    waits for the device (sink.open waits for the probe under way).
        #    The file opens with LEAD_IN_S of silence; a live stream needs
        #    only WAKE_S.
        player = Player(growing, sink, preroll=settings.preroll, block=10.0,
                        first_segment=FIRST_SEGMENT_S, first_min=FIRST_MIN_S,
                        first_wait=FIRST_WAIT_S.get(settings.engine, 0.3))
        player.start(max(0, to_samples(LEAD_IN_S - WAKE_S)))
        probe.join()
        if probe_error:
            raise probe_error[0]
    except BaseException:
        if player is not None:
            player.stop()
            with contextlib.suppress(CoachError):  # the probe's error, met on its thread too
                player.wait(5)
        probe.join()
        sink.close()  # the device watchdog must not outlive a failed start
        if speech is not None:
            speech.close()
        raise
    try:
        stopped_by = run(player, choice, line, quiet, settings.listen)
    finally:
        growing.close()
        speech.close()
        growing.join(2.0)
    finish(choice, player, line, stopped_by)


def grow(program: Program, speech: Speech, music) -> Growing:
    """The session as its speech comes in, mixed exactly as the export is."""
    beeps = load_beeps()
    levels = mix_gains(beeps, music)  # once: measuring is slow, mixers are many
    return Growing(program, speech, {kind: len(b) for kind, b in beeps.items()},
                   lambda timeline, clips: Mixer(timeline, clips, beeps, levels, music)).start()


def run(player: Player, choice: Choice, line: StatusLine, quiet: bool, listen: bool) -> CoachError | None:
    """Play with keys in a terminal, media keys and a status line, until the
    end, a stop, a signal or a fault; return what stopped it, if not the end.
    The player has been started."""
    stopped_by: CoachError | None = None
    try:
        with contextlib.ExitStack() as controls, Keys() as keys:
            if keys.active and not quiet:
                line.say(HELP)
            waited, later = 0.0, True
            while not player.wait(0.05):
                waited += 0.05
                if later and (player.sounding.is_set() or waited >= FIRST_SOUND_WAIT_S):
                    # Media keys (asyncio and dbus-fast: ~0.05 s to import)
                    # and the microphone: set up once the first sound is on
                    # its way, so they do not hold it up.
                    later = False
                    from coach.control.mpris import Mpris

                    controls.enter_context(Mpris(player, choice.program.title))
                    controls.enter_context(ears(player, listen, line))
                key = keys.get()
                if key in KEYS:
                    player.command(KEYS[key])
                elif key == SHOW_KEYS:
                    line.say(HELP)
                if line.live:
                    line.show(status_line(player, choice, line.width))
    except CoachError as exc:  # an audio fault: still save the position
        stopped_by = exc
    except KeyboardInterrupt:
        stopped_by = Interrupted()
    finally:
        if player.state not in (State.DONE, State.STOPPED):
            player.stop()
            try:
                player.wait(5)
            except CoachError as exc:
                stopped_by = stopped_by or exc
        line.clear()
    return stopped_by


def ears(player: Player, listen: bool, line: StatusLine):
    """Voice commands while the session plays, when asked for and possible;
    otherwise one line saying why, and play goes on."""
    if not listen:
        return contextlib.nullcontext()
    from coach.control import voice

    reason = voice.recogniser_missing() or voice.microphone()
    if reason:
        line.say(f"{reason}; playing without voice commands.")
        return contextlib.nullcontext()
    line.say('Listening: say "coach pause", "coach continue", "coach next", '
             '"coach back", "coach repeat" or "coach stop".')
    return voice.Listener(player)


def status_line(player: Player, choice: Choice, width: int = 200) -> str:
    now = player.status()
    blocks = choice.program.blocks
    block = blocks[now.chapter] if now.chapter < len(blocks) else None
    label = None
    if block is not None and block.is_exercise:
        label = f"exercise {exercise_number(choice, now.chapter)} of {exercise_count(choice)}"
    text = status(player.source.timeline, now.position, now.chapter, now.state == State.PAUSED,
                  block.reps if block else 0, label=label, width=width)
    if now.waiting:
        source = player.source
        made = f": {source.phrases_made} of {source.phrases_total} phrases" \
            if isinstance(source, Growing) and not source.complete else ""
        return f"Making the speech{made}… " + text
    return text


def exercise_count(choice: Choice) -> int:
    """Exercises in the whole session (a resumed one included)."""
    return sum(1 for b in choice.program.blocks if b.is_exercise) + max(0, choice.offset - 1)


def exercise_number(choice: Choice, chapter: int) -> int:
    """1-based number in the whole session of the exercise at ``chapter``."""
    done_before = max(0, choice.offset - 1)
    return done_before + sum(1 for b in choice.program.blocks[:chapter + 1] if b.is_exercise)


def _probe(sink: SimpleaudioSink, errors: list) -> None:
    try:
        sink.open()
    except CoachError as exc:
        errors.append(exc)


def with_streak(program: Program) -> Program:
    """The program whose closing says how many days in a row the user has
    done a session, counting this one, from the second day on."""
    days = history.streak(history.load(), dt.date.today(), counting_today=True)
    closing = program.blocks[-1]
    said = [i for i, action in enumerate(closing.actions) if isinstance(action, Say)]
    if days < 2 or not said:
        return program
    at = said[0] + 1
    streak = Say(f"That's {say_number(days)} days in a row.", phase=Phase.CLOSING)
    actions = (*closing.actions[:at], streak,
               *closing.actions[at:])
    return replace(program, blocks=(*program.blocks[:-1], replace(closing, actions=actions)))


def finish(choice: Choice, player: Player, line: StatusLine, stopped_by: CoachError | None) -> None:
    """Remember where a stopped session was; forget a finished one. A fault
    or a signal is raised again after the position is saved."""
    completed = player.state == State.DONE and stopped_by is None
    timeline: Timeline = player.source.timeline
    chapter = timeline.chapter_at(player.position())
    original = choice.offset + max(0, chapter - (1 if choice.offset else 0))
    original = min(original, len(choice.full_titles) - 1)
    title = choice.full_titles[original]
    day, time = history.now()
    history.record(history.Session(day, time, choice.program.title, choice.program.level,
                                   round(player.position() / SAMPLE_RATE / 60, 1), completed,
                                   "" if completed else title))
    if completed:
        saved_state.forget()
        line.say(f"Done: {exercise_count(choice)} exercises in {clock(player.position() / SAMPLE_RATE)}. "
                 "Well done.")
        return
    routine_id, level, print_ = choice.identity
    kept = saved_state.save(saved_state.Saved(routine_id, level, print_, original, title))
    where = ("`coach play --resume` picks up there." if kept else
             f"The position could not be saved in {saved_state.state_file()}.")
    if stopped_by is None:
        line.say(f"Stopped in {title}. {where}")
        return
    # One line: what stopped the session, then where it stopped.
    said = f"Stopped in {title}. {where}"
    error = Interrupted(said) if isinstance(stopped_by, Interrupted) else CoachError(f"{stopped_by} {said}")
    error.exit_code = stopped_by.exit_code
    raise error from stopped_by
