"""The ``coach`` command. Thin: each command builds one library object, calls
one function, and turns coach's own errors into one line and an exit code."""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from coach.errors import CoachError
from coach.levels import load_levels
from coach.model import Program, Timeline
from coach.render.layout import block_seconds, estimate
from coach.script.load import builtin_routines, load_program
from coach.units import SAMPLE_RATE, clock

app = typer.Typer(
    help="A voice-guided audio coach for back stretches. Lie down and listen.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

Routine = Annotated[
    str,
    typer.Argument(help="'beginner' or 'full' (the built-in back routine), a built-in name, or a routine file."),
]
VoiceOpt = Annotated[Optional[str], typer.Option(help="Voice name (see 'espeak-ng --voices').")]
RateOpt = Annotated[Optional[int], typer.Option(help="Speaking rate, words per minute (default 175).")]
LevelOpt = Annotated[
    Optional[str],
    typer.Option("--level", "-l", help="How gently: 'beginner' or 'full' (see 'coach list')."),
]


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
                "reps": block.reps,
                "duration_s": round(secs, 1),
                "holds": [{"seconds": h.seconds, "side": h.side} for h in block.holds],
                "warnings": list(block.warnings),
            }
            for block, secs in zip(program.blocks, seconds)
            if block.is_exercise
        ],
    }


@app.command("list")
def list_command() -> None:
    """List the built-in routines and the levels."""
    typer.echo("Routines:")
    for name in builtin_routines():
        typer.echo(f"  {name}")
    typer.echo("Levels:")
    for level in load_levels().values():
        typer.echo(f"  {level.name:9} {level.description}")


@app.command()
def show(routine: Routine, level: LevelOpt = None, voice: VoiceOpt = None, rate: RateOpt = None) -> None:
    """Show a routine as a table: exercises, repetitions, holds, sides, time."""
    from rich.console import Console
    from rich.table import Table

    program = load_program(routine, level)
    timeline, how = measured_timeline(program, voice, rate)
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
    for note in timeline.notes:
        console.print(f"note: {note}", highlight=False)
    console.print(how, style="dim", highlight=False)


def measured_timeline(program: Program, voice: str | None, rate: int | None) -> tuple[Timeline, str]:
    """The timeline with the real voice's lengths (cached phrases make this
    quick), or an estimate when no voice is available; and which it is."""
    from coach.errors import TtsError
    from coach.render.session import timeline
    from coach.render.tts import make_engine

    try:
        return timeline(program, make_engine("espeak", voice, rate)), "Times measured with the espeak-ng voice."
    except TtsError as exc:
        return estimate(program), f"Times are estimates ({exc})"


@app.command("compile")
def compile_command(
    routine: Routine,
    level: LevelOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON summary other tools read.")] = False,
) -> None:
    """Compile a routine: print what the coach will say, with times, or --json."""
    program = load_program(routine, level)
    timeline = estimate(program)
    if as_json:
        typer.echo(json.dumps(summary(program, timeline), ensure_ascii=False))
        return
    for cue in timeline.cues:
        if cue.kind.value == "speech":
            typer.echo(f"{clock(cue.start / SAMPLE_RATE):>6}  {cue.text}")


@app.command("export")
def export_command(
    routine: Routine,
    level: LevelOpt = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="WAV file to write (a .vtt is written beside it). Default: ROUTINE-LEVEL.wav")] = None,
    voice: VoiceOpt = None,
    rate: RateOpt = None,
    engine: Annotated[str, typer.Option(help="Speech engine: 'espeak' (the real voice) or 'fake' (tones, for tests).")] = "espeak",
    music: Annotated[Optional[str], typer.Option("--music", help="Calm music under the voice: 'pad' (generated) or your own WAV file.", show_default=False)] = None,
) -> None:
    """Export a session as a WAV file with chapters, plus a .vtt transcript."""
    from coach.output.export import export
    from coach.render.music import make_music
    from coach.render.session import phrases, render
    from coach.render.tts import make_engine

    program = load_program(routine, level)
    path = output or Path(f"{Path(routine).stem}-{program.level}.wav".replace("beginner-beginner", "beginner").replace("full-full", "full"))
    speech = make_engine(engine, voice, rate)
    with progress_bar() as bar:
        task = bar.add_task("Speaking phrases", total=len(phrases(program)))
        mixer = render(program, speech, lambda n: bar.advance(task, n), make_music(music))
        task = bar.add_task("Writing audio", total=mixer.length)
        vtt = export(mixer, path, lambda n: bar.advance(task, n))
    seconds = mixer.length / SAMPLE_RATE
    typer.echo(f"Wrote {path} ({clock(seconds)}, {len(mixer.timeline.chapters)} chapters) and {vtt}.", err=True)


def progress_bar():
    """A rich progress bar on stderr when it is a terminal; silent otherwise."""
    from rich.console import Console
    from rich.progress import Progress

    console = Console(stderr=True)
    return Progress(console=console, disable=not console.is_terminal, transient=True)


def main() -> None:
    """Console entry point: coach's errors become one line and an exit code."""
    # Let an exceeded file-size limit fail a write (EFBIG) instead of
    # killing the process, so it is reported like a full disk.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    try:
        app()
    except CoachError as exc:
        typer.echo(str(exc), err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("Stopped.", err=True)
        sys.exit(130)
