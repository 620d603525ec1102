"""Mixer -> the audio file (format by extension) and FILE.vtt beside it.

Both are written to temporary files and renamed into place together once
both are whole (coach.files.staged), so a failed or interrupted export
leaves the previous pair as it was, never a partial file or a lone half of
a pair. Only regular files are ever replaced, and only when asked to."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from coach.errors import ConfigError, OutputError
from coach.files import TargetError, check_target, staged
from coach.output.encode import ENCODED, FfmpegWriter, ffmpeg_program
from coach.output.tags import Tags, session_tags
from coach.output.vtt import render_vtt
from coach.output.wav import WavWriter, output_error
from coach.render.mix import BLOCK, Mixer

FORMATS = [".mp3", ".m4b", ".m4a", ".opus", ".ogg", ".flac", ".wav"]
"""The extensions coach writes."""


def sidecar(path: Path) -> Path:
    """The .vtt transcript beside an audio file."""
    return path.with_suffix(".vtt")


def check_output(path: Path, force: bool = False) -> None:
    """Refuse, before any work, an output coach cannot or must not write:
    an extension that is not an audio format coach writes (ConfigError), a
    device, pipe or folder, or an existing file without ``force``
    (OutputError). Each is one sentence."""
    try:
        for target in (path, sidecar(path)):
            check_target(target, replace=True)  # devices, pipes, folders
        if path.suffix.lower() not in FORMATS:
            listed = ", ".join(FORMATS)
            raise ConfigError(
                f"Cannot write {path}: coach writes audio as {listed}; give -o a name ending in one of these."
            )
        for target in (path, sidecar(path)):
            check_target(target, force)
    except TargetError as exc:
        raise OutputError(str(exc)) from None
    if path.suffix.lower() in ENCODED:
        ffmpeg_program()


def writer(temp: Path, path: Path, tags: Tags):
    """The writer for ``path``'s format, filling ``temp``."""
    fmt = ENCODED.get(path.suffix.lower())
    if fmt is None:
        return WavWriter(temp, tags.chapters, name=path, tags=tags)
    return FfmpegWriter(temp, fmt, tags, name=path)


def export(
    mixer: Mixer,
    path: Path,
    progress: Callable[[int], None] | None = None,
    force: bool = False,
    title: str = "coach",
    level: str = "",
) -> Path:
    """Write the session to ``path`` (the format by its extension) and its
    ``.vtt`` sidecar; return the sidecar's path. ``progress`` gets
    increments of samples written. Existing files are replaced only with
    ``force``. ``title`` and ``level`` (the routine's) label the file."""
    check_output(path, force)
    timeline = mixer.timeline
    tags = session_tags(title, level, timeline.chapters, mixer.length)
    vtt = sidecar(path)
    try:
        with staged([path, vtt], replace=force) as (audio_temp, vtt_temp):
            with writer(audio_temp, path, tags) as audio:
                if isinstance(audio, WavWriter):  # written in place, by two processes
                    audio.fill(mixer.render, mixer.length, BLOCK, progress)
                else:
                    for block in mixer.blocks():
                        audio.write(block)
                        if progress:
                            progress(len(block))
            try:
                vtt_temp.write_bytes(render_vtt(timeline).encode("utf-8"))
            except OSError as exc:
                raise output_error(vtt, exc) from exc
    except TargetError as exc:  # something appeared there meanwhile
        raise OutputError(str(exc)) from None
    except OSError as exc:
        raise output_error(path, exc) from exc
    return vtt
