"""Program -> (Timeline, Mixer): the rendering stage end to end. Speech comes
from the phrase cache (synthesised once per engine, voice and rate), then
layout places every sound with its real length, then the mixer can render
any stretch of the session."""

from __future__ import annotations

from collections.abc import Callable

from coach.model import Hold, Program, Say
from coach.render.beeps import load_beeps
from coach.render.cache import PhraseCache
from coach.render.layout import layout
from coach.render.mix import Mixer
from coach.render.tts import Engine


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
           progress: Callable[[int], None] | None = None) -> Mixer:
    """Synthesise (or fetch) every phrase, lay the session out, and return a
    mixer over it. ``progress`` gets increments of phrases done."""
    texts = phrases(program)
    clips = PhraseCache(engine).clips(texts, progress)
    beeps = load_beeps()
    timeline = layout(program, lambda text: len(clips[text]), {k: len(v) for k, v in beeps.items()})
    return Mixer(timeline, clips, beeps)
