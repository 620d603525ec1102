"""Program + the length of every sound -> Timeline: each cue at an absolute
sample. Pure; runs after TTS because it needs the real length of every phrase
(or, for a quick estimate, ``estimate_speech``).

Rules: spoken phrases follow one another with a short gap and never overlap;
a hold's counts land exactly on its whole seconds; a count too long for its
second is dropped (the timeline's notes say which), never cut or shifted.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping

from coach.model import Beep, BeepKind, Block, Chapter, Cue, CueKind, Hold, Pause, Phase, Program, Say, Timeline
from coach.units import SAMPLE_RATE, to_samples

LEAD_IN_S = 1.0
"""Silence before the first cue: a stream that is waking up clips its start."""
TAIL_S = 1.5
"""Silence after the last cue."""
GAP_AFTER_SPEECH_S = 0.35
"""Breath between two phrases."""
GAP_AFTER_BEEP_S = 0.3
COUNT_CLEARANCE_S = 0.1
"""A count must end this long before the next sound of its hold."""

ESTIMATED_BEEP_S = 0.35


@functools.lru_cache(maxsize=8192)
def estimate_speech(text: str) -> int:
    """Rough length of a phrase as espeak-ng says it at its default rate,
    samples: for summaries before any speech exists."""
    pauses = len(re.findall(r"[,.:;!?](?=\s)", text))
    return to_samples(0.25 + 0.046 * len(text) + 0.25 * pauses)


ESTIMATED_BEEPS = {kind: to_samples(ESTIMATED_BEEP_S) for kind in BeepKind}


def layout(
    program: Program,
    speech_length: Callable[[str], int],
    beep_length: Mapping[BeepKind, int],
) -> Timeline:
    """Place every sound of ``program``. ``speech_length(text)`` is the
    audible length of a phrase in samples (trimmed clip)."""
    cues: list[Cue] = []
    chapters: list[Chapter] = []
    notes: list[str] = []
    t = to_samples(LEAD_IN_S)
    for index, block in enumerate(program.blocks):
        chapters.append(Chapter(block.name, t))
        for action in block.actions:
            if isinstance(action, Say):
                length = speech_length(action.text)
                cues.append(Cue(t, length, CueKind.SPEECH, action.text, index, action.phase, action.rep, action.side))
                t += length + to_samples(GAP_AFTER_SPEECH_S + action.pause)
            elif isinstance(action, Beep):
                length = beep_length[action.kind]
                cues.append(Cue(t, length, CueKind.BEEP, action.kind.value, index, action.phase, action.rep, action.side))
                t += length + to_samples(GAP_AFTER_BEEP_S)
            elif isinstance(action, Pause):
                t += to_samples(action.seconds)
            elif isinstance(action, Hold):
                t = place_hold(action, t, index, speech_length, beep_length, cues, notes)
    return Timeline(tuple(cues), tuple(chapters), t + to_samples(TAIL_S), tuple(dict.fromkeys(notes)))


def place_hold(
    hold: Hold,
    start: int,
    block: int,
    speech_length: Callable[[str], int],
    beep_length: Mapping[BeepKind, int],
    cues: list[Cue],
    notes: list[str],
) -> int:
    """Place a hold's start beep at ``start``, its counts on whole seconds and
    its end beep at ``start + seconds``; return where the next sound may go."""
    end = start + hold.seconds * SAMPLE_RATE
    begin_len = beep_length[BeepKind.HOLD_START]
    tags = (Phase.HOLD, hold.rep, hold.side)
    cues.append(Cue(start, begin_len, CueKind.BEEP, BeepKind.HOLD_START.value, block, *tags))
    free_from = start + begin_len  # nothing may start before this
    clearance = to_samples(COUNT_CLEARANCE_S)
    for i, count in enumerate(hold.counts):
        at = start + count.at * SAMPLE_RATE
        limit = start + hold.counts[i + 1].at * SAMPLE_RATE if i + 1 < len(hold.counts) else end
        length = speech_length(count.text)
        if at < free_from or at + length + clearance > limit:
            notes.append(f"the count {count.text!r} is too long for its second at this rate; it is left out")
            continue
        cues.append(Cue(at, length, CueKind.COUNT, count.text, block, *tags))
        free_from = at + length
    end_len = beep_length[BeepKind.HOLD_END]
    cues.append(Cue(end, end_len, CueKind.BEEP, BeepKind.HOLD_END.value, block, *tags))
    return end + end_len + to_samples(GAP_AFTER_BEEP_S)


def estimate(program: Program) -> Timeline:
    """Layout with estimated speech lengths, for summaries and planning."""
    return layout(program, estimate_speech, ESTIMATED_BEEPS)


def block_seconds(timeline: Timeline) -> list[float]:
    """Length of each chapter, seconds (to the next chapter, or the end)."""
    starts = [c.start for c in timeline.chapters] + [timeline.length]
    return [(b - a) / SAMPLE_RATE for a, b in zip(starts, starts[1:])]


def estimate_block(block: Block) -> int:
    """Estimated samples one block takes on its own, summed the way
    ``layout`` advances (without placing any cue): blocks lay out
    independently, so a session lasts the sum of its blocks plus the lead-in
    and tail, which is what a time-budget fit needs."""
    t = 0
    for action in block.actions:
        if isinstance(action, Say):
            t += estimate_speech(action.text) + to_samples(GAP_AFTER_SPEECH_S + action.pause)
        elif isinstance(action, Beep):
            t += ESTIMATED_BEEPS[action.kind] + to_samples(GAP_AFTER_BEEP_S)
        elif isinstance(action, Pause):
            t += to_samples(action.seconds)
        elif isinstance(action, Hold):
            t += action.seconds * SAMPLE_RATE + ESTIMATED_BEEPS[BeepKind.HOLD_END] + to_samples(GAP_AFTER_BEEP_S)
    return t


def estimate_total(block_samples: list[int]) -> int:
    """Session length in samples from its blocks' ``estimate_block`` lengths."""
    return to_samples(LEAD_IN_S) + sum(block_samples) + to_samples(TAIL_S)
