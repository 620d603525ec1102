"""The .vtt sidecar: one WebVTT cue per sound of the timeline, starting
where that sound becomes audible in the WAV (see DESIGN.md)."""

from __future__ import annotations

from pathlib import Path

from coach.model import CueKind, Timeline
from coach.files import write_atomic
from coach.output.wav import output_error
from coach.units import to_seconds, vtt_time


def render_vtt(timeline: Timeline) -> str:
    """The WebVTT text: speech and counts show their words, beeps ``[beep]``."""
    lines = ["WEBVTT", ""]
    for cue in timeline.cues:
        start = to_seconds(cue.start)
        end = to_seconds(cue.start + cue.length)
        text = "[beep]" if cue.kind == CueKind.BEEP else _one_line(cue.text)
        lines += [f"{vtt_time(start)} --> {vtt_time(end)}", text, ""]
    return "\n".join(lines)


def write_vtt(path: Path | str, timeline: Timeline) -> None:
    """Write ``render_vtt(timeline)`` to ``path`` atomically (temp + rename)."""
    path = Path(path)
    try:
        write_atomic(path, render_vtt(timeline).encode("utf-8"))
    except OSError as exc:
        raise output_error(path, exc) from exc


def _one_line(text: str) -> str:
    # A cue's text ends at a blank line and may not contain "-->".
    return " ".join(text.split()).replace("-->", "->")
