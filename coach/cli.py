"""The ``coach`` command. Thin: each command builds one library object, calls
one function, and turns coach's own errors into one line and an exit code.

Options left out fall back to the config file (``coach config`` shows it),
then to coach's defaults."""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from coach.config import Settings, config_path, load_settings, minutes_option
from coach.errors import CoachError, Interrupted, OutputError, TtsError
from coach.levels import load_levels
from coach.model import Program, Timeline
from coach.render.session import engine_for, music_for
from coach.timeline import block_seconds, estimate
from coach.units import SAMPLE_RATE, clock

EXIT_CODES = ("Exit codes: 0 done; 1 something failed on the way (speech engine, sound device, disk); "
              "2 bad input (an option, the config file, a routine or music file); "
              "130 stopped with Ctrl-C (143 SIGTERM, 129 SIGHUP).")

app = typer.Typer(
    help="A voice-guided audio coach for back stretches. Lie down and listen.",
    epilog=EXIT_CODES,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

Routine = Annotated[
    str,
    typer.Argument(help="'beginner' or 'full' (the built-in back routine), a built-in name, or a routine file."),
]
LevelOpt = Annotated[Optional[str], typer.Option("--level", "-l", help="How gently: 'beginner' or 'full' (see 'coach list').")]
VoiceOpt = Annotated[Optional[str], typer.Option(help="Voice name (see 'coach voices').")]
# Numbers are taken as text and checked by coach.config with the config
# file's rules: any bad value is one line and exit code 2.
RateOpt = Annotated[Optional[str], typer.Option(metavar="WPM", help="Speaking rate, words per minute, 80 to 450 (default 175).", show_default=False)]
EngineOpt = Annotated[Optional[str], typer.Option(metavar="ENGINE", help="Speech engine: 'espeak' (default) or 'piper' (natural voice, optional extra).", show_default=False)]
CountOpt = Annotated[Optional[str], typer.Option("--count-style", help="Count holds 'down' (what is left; default) or 'up'.")]
MinutesOpt = Annotated[Optional[str], typer.Option("--minutes", metavar="MINUTES", help="Fit the session into this many minutes, 1 to 600 (fewer repetitions, then fewer exercises), or say it cannot.", show_default=False)]
MusicOpt = Annotated[Optional[str], typer.Option("--music", help="Calm music under the voice: 'pad' (generated), 'off', or your own WAV file.", show_default=False)]
PrerollOpt = Annotated[Optional[str], typer.Option("--preroll", metavar="SECONDS", help="Seconds of soft lead-in, 0 to 10, before the first cue and after every resume (wakes Bluetooth headphones).", show_default=False)]


def settings_for(**given) -> tuple[Settings, dict[str, str]]:
    """Command-line values over the config file over defaults."""
    return load_settings(given)


def summary(program: Program, timeline: Timeline) -> dict:
    """The JSON contract of ``coach compile --json`` (DESIGN.md)."""
    seconds = block_seconds(timeline)
    return {
        "title": program.title,
        "level": program.level,
        "duration_s": round(timeline.length / SAMPLE_RATE, 1),
        "exercises": [
            {
                "name": block.name,
                "position": block.position,
                "reps": block.reps,
                "duration_s": round(secs, 1),
                "holds": [{"seconds": h.seconds, "side": h.side} for h in block.holds],
                "warnings": list(block.warnings),
                "changes": list(block.changes),
            }
            for block, secs in zip(program.blocks, seconds)
            if block.is_exercise
        ],
        "left_out": list(program.left_out),
        "script": script(program, timeline),
    }


def script(program: Program, timeline: Timeline) -> list[dict]:
    """Every cue in play order with what it belongs to (DESIGN.md)."""
    exercise = {}
    for i, block in enumerate(program.blocks):
        if block.is_exercise:
            exercise[i] = len(exercise)
    kinds = {"speech": "say", "count": "count", "beep": "beep"}
    return [
        {
            "t": round(cue.start / SAMPLE_RATE, 2),
            "kind": kinds[cue.kind.value],
            "text": cue.text,
            "exercise": exercise.get(cue.block),
            "rep": cue.rep,
            "side": cue.side,
            "phase": cue.phase.value if cue.phase else None,
        }
        for cue in timeline.cues
    ]


def level_notes(program: Program) -> list[str]:
    """What the level changed from the text, one line each."""
    lines = [f"left out: {why}" for why in program.left_out]
    lines += [f"changed: {b.name}: {change}" for b in program.exercises for change in b.changes]
    return lines


@app.command("list")
def list_command() -> None:
    """List the built-in routines and the levels."""
    from coach.script.load import builtin_routines

    typer.echo("Routines:")
    for name in builtin_routines():
        typer.echo(f"  {name}")
    typer.echo("Levels:")
    for level in load_levels().values():
        typer.echo(f"  {level.name:9} {level.description}")


@app.command()
def show(routine: Routine, level: LevelOpt = None, voice: VoiceOpt = None, rate: RateOpt = None,
         engine: EngineOpt = None, count_style: CountOpt = None, minutes: MinutesOpt = None,
         lines: Annotated[bool, typer.Option("--lines", help="Show how every line of the text was read: exercise, step, note or skipped.")] = False) -> None:
    """Show a routine as a table: exercises, repetitions, holds, sides, time.
    For your own file read with doubts, also which lines were taken as
    exercises and which were skipped."""
    from rich.console import Console
    from rich.table import Table

    from coach.script.load import program_for

    settings, source = settings_for(level=level, voice=voice, rate=rate, engine=engine, count_style=count_style)
    program = program_for(routine, settings, source, minutes=minutes_option(minutes))
    timeline, how = measured_timeline(program, settings)
    data = summary(program, timeline)
    table = Table(title=f"{data['title']} ({data['level']})", title_justify="left")
    for column in ("#", "Exercise", "Reps", "Holds (one repetition)", "Time"):
        table.add_column(column, justify="right" if column in ("#", "Reps", "Time") else "left")
    for i, ex in enumerate(data["exercises"], 1):
        holds = ", ".join(f"{h['seconds']} s" + (f" {h['side']}" if h["side"] else "") for h in ex["holds"])
        table.add_row(str(i), ex["name"], str(ex["reps"]), holds or "(movement)", clock(ex["duration_s"]))
    table.add_section()
    table.add_row("", "Total, with welcome and closing", "", "", clock(data["duration_s"]))
    console = Console()
    console.print(table)
    for ex in data["exercises"]:
        for warning in ex["warnings"]:
            console.print(f"warning: {ex['name']}: {warning}", style="yellow", highlight=False)
    for line in level_notes(program):
        console.print(line, highlight=False)
    for note in timeline.notes:
        console.print(f"note: {note}", highlight=False)
    console.print(how, style="dim", highlight=False)
    for line in reading_lines(routine, program, every=lines):
        console.print(line, highlight=False, markup=False, soft_wrap=True, style="yellow" if line.startswith("!") else None)


def reading_lines(routine: str, program: Program, every: bool = False, brief: bool = False) -> list[str]:
    """How the text of a file was read (coach/script/outline.py): every line
    when asked, else when the reading is not confident a summary (or, brief,
    one line pointing to `coach show`); for a built-in routine, only when asked."""
    from coach.script import outline
    from coach.script.load import builtin_routines

    if not every and (routine in builtin_routines() or routine in load_levels()):
        return []
    reading = outline.reading(program)
    if every:
        return outline.full_lines(reading)
    if reading.confident:
        return []
    return [outline.brief_line(reading, routine)] if brief else outline.summary_lines(reading, routine)


def measured_timeline(program: Program, settings: Settings) -> tuple[Timeline, str]:
    """The timeline with the real voice's lengths (cached phrases make this
    quick), or an estimate when no voice is available; and which it is."""
    from coach.render.session import timeline

    try:
        name = {"espeak": "espeak-ng", "piper": "Piper"}.get(settings.engine, settings.engine)
        return timeline(program, engine_for(settings)), f"Times measured with the {name} voice."
    except TtsError as exc:
        return estimate(program), f"Times are estimates ({exc})"


def cached_or_estimated(program: Program, settings: Settings) -> Timeline:
    """Real times when the phrase cache holds every phrase (quick: nothing
    is spoken), else the estimate."""
    from coach.render.session import cached_timeline

    try:
        return cached_timeline(program, engine_for(settings)) or estimate(program)
    except (TtsError, OutputError):
        return estimate(program)


@app.command("compile")
def compile_command(
    routine: Routine,
    level: LevelOpt = None,
    count_style: CountOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON summary other tools read.")] = False,
    minutes: MinutesOpt = None,
) -> None:
    """Compile a routine: print what the coach will say, with times, or --json."""
    from coach.script.load import program_for

    settings, source = settings_for(level=level, count_style=count_style)
    program = program_for(routine, settings, source, minutes=minutes_option(minutes))
    timeline = cached_or_estimated(program, settings)
    if as_json:
        from coach.script.outline import json_fields, reading

        data = summary(program, timeline) | json_fields(reading(program))
        typer.echo(json.dumps(data, ensure_ascii=False))
        return
    for line in level_notes(program) + reading_lines(routine, program, brief=True):
        typer.echo(line, err=True)
    for cue in timeline.cues:
        if cue.kind.value == "speech":
            typer.echo(f"{clock(cue.start / SAMPLE_RATE):>6}  {cue.text}")


@app.command("export")
def export_command(
    routine: Routine,
    level: LevelOpt = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Audio file to write: .mp3, .m4b/.m4a, .opus/.ogg, .flac or .wav (a .vtt is written beside it). Default: ROUTINE-LEVEL.wav")] = None,
    voice: VoiceOpt = None,
    rate: RateOpt = None,
    engine: EngineOpt = None,
    count_style: CountOpt = None,
    music: MusicOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the output file and its .vtt if they exist.")] = False,
    minutes: MinutesOpt = None,
) -> None:
    """Export a session as MP3, M4B, Opus, FLAC or WAV with chapters and tags, plus a .vtt transcript."""
    from coach.output.export import check_output, export
    from coach.render.session import phrases, render
    from coach.script.load import program_for

    settings, source = settings_for(level=level, voice=voice, rate=rate, engine=engine,
                                    count_style=count_style, music=music)
    program = program_for(routine, settings, source, minutes=minutes_option(minutes))
    stem = Path(routine).stem
    path = output or Path(stem if stem == program.level else f"{stem}-{program.level}").with_suffix(".wav")
    check_output(path, force)  # before the speech is made
    speech = engine_for(settings)
    with progress_bar() as bar:
        task = bar.add_task("Speaking phrases", total=len(phrases(program)))
        mixer = render(program, speech, lambda n: bar.advance(task, n), music_for(settings))
        task = bar.add_task("Writing audio", total=mixer.length)
        vtt = export(mixer, path, lambda n: bar.advance(task, n), force, program.title, program.level)
    seconds = mixer.length / SAMPLE_RATE
    typer.echo(f"Wrote {path} ({clock(seconds)}, {len(mixer.timeline.chapters)} chapters) and {vtt}.", err=True)
    for line in reading_lines(routine, program, brief=True):
        typer.echo(line, err=True)


@app.command()
def play(
    routine: Annotated[Optional[str], typer.Argument(help="'beginner' or 'full' (default: your level), a built-in name, or a routine file.")] = None,
    level: LevelOpt = None,
    voice: VoiceOpt = None,
    rate: RateOpt = None,
    engine: EngineOpt = None,
    count_style: CountOpt = None,
    music: MusicOpt = None,
    preroll: PrerollOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No status line.")] = False,
    resume: Annotated[bool, typer.Option("--resume", help="Continue where the last session was stopped, at the start of that exercise.")] = False,
    listen: Annotated[Optional[bool], typer.Option("--listen/--no-listen", help='Obey spoken commands on the microphone: "coach pause", "coach continue", "coach next", "coach back", "coach repeat", "coach stop".', show_default=False)] = None,
    minutes: MinutesOpt = None,
) -> None:
    """Play a session through the speaker. In a terminal: space pauses and
    resumes, n next exercise, p previous, r repeats the step, q quits."""
    from coach import app as application

    settings, source = settings_for(level=level, voice=voice, rate=rate, engine=engine,
                                    count_style=count_style, music=music, preroll=preroll,
                                    listen=listen)
    application.play(routine, settings, source, quiet=quiet, resume=resume, minutes=minutes_option(minutes))


@app.command("history")
def history_command(
    count: Annotated[int, typer.Option("--count", "-n", min=1, max=1000, help="How many recent sessions to list.")] = 10,
) -> None:
    """List the sessions played recently and the streak of days in a row."""
    import datetime as dt

    from coach.output import history

    for line in history.report(history.load(), dt.date.today(), count):
        typer.echo(line)


@app.command()
def voices() -> None:
    """List the speech engines that work here and their voices."""
    from coach.render import piper, tts

    settings, _ = settings_for()
    typer.echo("espeak (built in; English voices):")
    try:
        for name, description in tts.list_voices():
            if not name.startswith("en"):
                continue  # the coach's words are English
            mark = "*" if settings.engine == "espeak" and name == (settings.voice or tts.DEFAULT_VOICE) else " "
            typer.echo(f" {mark} {name:14} {description}")
    except TtsError as exc:
        typer.echo(f"   not available: {exc}")
    typer.echo("piper (natural voice):")
    try:
        for name, description in piper.piper_voices():
            mark = "*" if settings.engine == "piper" and name == (settings.voice or piper.DEFAULT_VOICE) else " "
            typer.echo(f" {mark} {name:14} {description}")
    except TtsError as exc:
        typer.echo(f"   not available: {exc}")
    typer.echo("* = the default (set engine and voice in 'coach config').")


@app.command("config")
def config_command() -> None:
    """Show the settings in effect and where each comes from."""
    settings, source = settings_for()
    path = config_path()
    typer.echo(f"Config file: {path}" + ("" if path.exists() else " (not there yet: every setting is a default)"))
    for name, value in vars(settings).items():
        shown = "" if value is None else value
        typer.echo(f"  {name:12} = {str(shown):20} ({source[name]})")


def progress_bar():
    """A rich progress bar on stderr when it is a terminal; silent otherwise
    (then rich, ~25 ms to import, is not loaded)."""
    if not sys.stderr.isatty():
        return NoProgress()
    from rich.console import Console
    from rich.progress import Progress

    console = Console(stderr=True)
    return Progress(console=console, disable=not console.is_terminal, transient=True)


class NoProgress:
    """What ``progress_bar`` gives when nobody sees it: takes tasks and steps, shows nothing."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def add_task(self, *args, **kwargs) -> int:
        return 0

    def advance(self, *args, **kwargs) -> None:
        return None


def main() -> None:
    """Console entry point: coach's errors become one line and an exit code."""
    # Let an exceeded file-size limit fail a write (EFBIG) instead of
    # killing the process, so it is reported like a full disk.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)  # unwind too, so temporary files go
    signal.signal(signal.SIGHUP, interrupt)
    try:
        app()
    except CoachError as exc:
        typer.echo(str(exc), err=True)
        sys.exit(exc.exit_code)


def interrupt(signum, frame) -> None:
    """Ctrl-C: unwind as a CoachError. Files being written are discarded on
    the way out; once stopping, "exception ignored" reports from the speech
    engine's C callbacks are noise, so they are not printed."""
    sys.unraisablehook = lambda unraisable: None
    if signum == signal.SIGINT:
        raise Interrupted()
    stopped = Interrupted(f"Stopped ({signal.Signals(signum).name}); no file was left half-written.")
    stopped.exit_code = 128 + signum
    raise stopped
