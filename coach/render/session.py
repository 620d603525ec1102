"""Program -> (Timeline, Mixer): the rendering stage end to end. Speech comes
from the phrase cache (synthesised once per engine, voice and rate), then
layout places every sound with its real length, then the mixer can render
any stretch of the session."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from coach.files import write_atomic
from coach.model import BeepKind, Hold, Program, Say
from coach.render.beeps import load_beeps
from coach.render.cache import PhraseCache
from coach.render.meter import Meter
from coach.render.mix import Mixer, measure_gains
from coach.render.music import Music
from coach.render.tts import Engine, make_engine
from coach.timeline import layout


def phrases(program: Program) -> list[str]:
    """Every distinct phrase the coach says, in order of first use."""
    found: dict[str, None] = {}
    for block in program.blocks:
        for action in block.actions:
            if isinstance(action, Say):
                found[action.text] = None
            elif isinstance(action, Hold):
                found.update((c.text, None) for c in action.counts)
    return list(found)


def render(program: Program, engine: Engine,
           progress: Callable[[int], None] | None = None, music: Music | None = None) -> Mixer:
    """Synthesise (or fetch) every phrase, lay the session out, and return a
    mixer over it. ``progress`` gets increments of phrases done."""
    texts = phrases(program)
    cache = PhraseCache(engine)
    beeps = load_beeps()
    gains_file = cache.directory / f"gains-{fingerprint(program, beeps, music)}.json"
    gains = read_gains(gains_file)
    with contextlib.ExitStack() as stack:
        # The meter's process starts loading while the speech is made.
        meter = stack.enter_context(Meter()) if gains is None else None
        clips = cache.clips(texts, progress)
        timeline = lay_out(program, clips, beeps)
        if gains is None:
            gains = measure_gains(timeline, clips, beeps, music, measure=meter)
            with contextlib.suppress(OSError):  # only a speed-up: never fail over it
                write_atomic(gains_file, json.dumps(gains).encode())
    return Mixer(timeline, clips, beeps, gains, music)


def lay_out(program: Program, clips: dict[str, np.ndarray], beeps: dict[BeepKind, np.ndarray]):
    """The timeline with the real length of every sound."""
    return layout(program, lambda text: len(clips[text]), {k: len(v) for k, v in beeps.items()})


def timeline(program: Program, engine: Engine):
    """The timeline with real speech lengths (synthesising what the cache
    lacks), without mixing anything: for summaries."""
    return lay_out(program, PhraseCache(engine).clips(phrases(program)), load_beeps())


def fingerprint(program: Program, beeps: dict[BeepKind, np.ndarray], music: Music | None) -> str:
    """Names the measured gains of one program with one set of beeps and
    music (the engine is named by the cache folder the file sits in)."""
    digest = hashlib.sha256(repr(program).encode())
    digest.update(music.fingerprint().encode() if music else b"")
    for kind in sorted(beeps, key=lambda k: k.value):
        digest.update(beeps[kind].tobytes())
    return digest.hexdigest()[:20]


def read_gains(path: Path) -> dict[str, float] | None:
    """Gains measured before, or None when absent or unreadable."""
    try:
        gains = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    ok = isinstance(gains, dict) and all(isinstance(v, (int, float)) for v in gains.values())
    return gains if ok and "voice" in gains else None


def engine_for(settings) -> Engine:
    """The speech engine the settings name."""
    return make_engine(settings.engine, settings.voice, settings.rate)


def music_for(settings) -> Music | None:
    """The music the settings ask for: ``music = true`` means the pad."""
    from coach.render.music import make_music

    return make_music("pad" if settings.music is True else (settings.music or None))
