"""Program -> (Timeline, Mixer): the rendering stage end to end. Speech comes
from the phrase cache (synthesised once per engine, voice and rate, each
phrase at its own measured loudness: see speech.py), then layout places every
sound with its real length, then the mixer can render any stretch of the
session. Nothing is measured here but the beeps and the music: a few ms."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from coach.model import BeepKind, Hold, Program, Say
from coach.render.beeps import load_beeps
from coach.render.cache import PhraseCache
from coach.render.meter import loudness
from coach.render.mix import BEEP_BELOW_VOICE_LU, MUSIC_BELOW_VOICE_LU, TARGET_LUFS, Mixer
from coach.render.music import Music
from coach.render.speech import Speech
from coach.render.tts import Engine, make_engine
from coach.timeline import layout
from coach.units import SAMPLE_RATE


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
    beeps = load_beeps()
    with Speech(engine) as speech:
        clips = speech.clips(phrases(program), progress)
    return mixer_for(lay_out(program, clips, beeps), clips, beeps, music)


def mixer_for(timeline, clips: Mapping[str, np.ndarray], beeps: Mapping[BeepKind, np.ndarray],
              music: Music | None = None) -> Mixer:
    """The mixer over a timeline whose clips come from ``Speech`` (already
    at their loudness): the export and live play build it the same way."""
    return Mixer(timeline, clips, beeps, gains(beeps, music), music)


def gains(beeps: Mapping[BeepKind, np.ndarray], music: Music | None = None) -> dict[str, float]:
    """Gains in dB for the mixer: none for the voice (each phrase comes at its
    own loudness), beeps BEEP_BELOW_VOICE_LU under it, music further down."""
    found = {"voice": 0.0}
    for kind, beep in beeps.items():
        found[kind.value] = TARGET_LUFS - BEEP_BELOW_VOICE_LU - loudness(beep)
    if music is not None:
        found["music"] = music_gain(music)
    return found


MUSIC_GAIN_DB = (-60.0, 0.0)
"""Music is only ever turned down: a quiet (or silent) track is never
raised towards full scale."""


def music_gain(music: Music) -> float:
    """Gain that sets the music MUSIC_BELOW_VOICE_LU under the voice,
    measured over the whole loop (or its first 30 s), within MUSIC_GAIN_DB."""
    whole = getattr(music, "samples", None)
    sample = whole if whole is not None else music.render(0, 30 * SAMPLE_RATE)
    low, high = MUSIC_GAIN_DB
    return min(high, max(low, TARGET_LUFS - MUSIC_BELOW_VOICE_LU - loudness(sample)))


def lay_out(program: Program, clips: dict[str, np.ndarray], beeps: dict[BeepKind, np.ndarray]):
    """The timeline with the real length of every sound."""
    return layout(program, lambda text: len(clips[text]), {k: len(v) for k, v in beeps.items()})


def timeline(program: Program, engine: Engine):
    """The timeline with real speech lengths (synthesising what the cache
    lacks), without mixing anything: for summaries."""
    with Speech(engine) as speech:
        clips = speech.clips(phrases(program))
    return lay_out(program, clips, load_beeps())


def cached_timeline(program: Program, engine: Engine):
    """The timeline with real speech lengths when the phrase cache holds
    every phrase (nothing is synthesised), else None: for compile."""
    cache = PhraseCache(engine)
    clips = {}
    for text in phrases(program):
        phrase = cache.load(text)
        if phrase is None:
            return None
        clips[text] = phrase.clip
    return lay_out(program, clips, load_beeps())


def engine_for(settings) -> Engine:
    """The speech engine the settings name."""
    return make_engine(settings.engine, settings.voice, settings.rate)


def music_for(settings) -> Music | None:
    """The music the settings ask for: ``music = true`` means the pad."""
    from coach.render.music import make_music

    return make_music("pad" if settings.music is True else (settings.music or None))
