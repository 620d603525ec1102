"""Mixer -> FILE.wav (chapters in cue/labl chunks) and FILE.vtt beside it.
Both are written to temporary files and renamed, so a failed or
interrupted export leaves neither a partial WAV nor a stale pair."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from coach.output.vtt import write_vtt
from coach.output.wav import WavWriter
from coach.render.mix import Mixer


def export(mixer: Mixer, path: Path, progress: Callable[[int], None] | None = None) -> Path:
    """Write the session to ``path`` and its ``.vtt`` sidecar; return the
    sidecar's path. ``progress`` gets increments of samples written."""
    timeline = mixer.timeline
    chapters = [(c.title, c.start) for c in timeline.chapters]
    with WavWriter(path, chapters) as wav:
        for block in mixer.blocks():
            wav.write(block)
            if progress:
                progress(len(block))
    vtt = path.with_suffix(".vtt")
    try:
        write_vtt(vtt, timeline)
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()  # a WAV without its sidecar breaks the contract
        raise
    return vtt
