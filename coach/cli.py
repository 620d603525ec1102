"""The ``coach`` command. Thin: each command builds one library object, calls
one function, and turns coach's own errors into one line and an exit code."""

from __future__ import annotations

import json
import sys
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
def show(routine: Routine, level: LevelOpt = None) -> None:
    """Show a routine as a table: exercises, repetitions, holds, sides, time."""
    from rich.console import Console
    from rich.table import Table

    program = load_program(routine, level)
    timeline = estimate(program)
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


def main() -> None:
    """Console entry point: coach's errors become one line and an exit code."""
    try:
        app()
    except CoachError as exc:
        typer.echo(str(exc), err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("Stopped.", err=True)
        sys.exit(130)
