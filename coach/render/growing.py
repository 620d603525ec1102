"""A session that can be played while its speech is still being made.

The layout is a left fold over the program: where an action's sounds land
depends only on the actions before it and its own phrase lengths. So once the
speech for the first actions exists, their cues are final, and every sample
before the next action's start can be mixed exactly as the export mixes it.
``Growing`` asks the speech for every phrase in play order, lays out the
program as far as the speech allows, and tells the player how far that is
(``ready``); the player plays up to there and waits, if it must, for more.

    speech.clip(text) ─▶ lay out the prefix ─▶ timeline so far ─▶ mixer ─▶ render
      (play order,        (program up to the      + ready        (the export's,
       cached first)       first missing phrase)                  same samples)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Protocol

import numpy as np

from coach.model import BeepKind, Hold, Program, Say, Timeline
from coach.timeline import TAIL_S, layout
from coach.units import to_samples

LOOKAHEAD_S = 1.0
"""Samples this close to the end of what is laid out are not ready yet: the
music ducks up to 0.35 s before the next cue (not placed yet), and the
output guard looks 0.2 s further on."""


class Speech(Protocol):
    """What the speech stage offers (coach.render.speech.Speech)."""

    def clip(self, text: str) -> np.ndarray:
        """The clip of ``text``, made now if it is not ready (blocks)."""

    def prefetch(self, texts: list[str]) -> None:
        """Start making ``texts`` in this order, in the background."""

    def is_ready(self, text: str) -> bool:
        """True when ``clip(text)`` would not wait."""


MixerFor = Callable[[Timeline, Mapping[str, np.ndarray]], object]
"""``mixer_for(timeline, clips)``: a mixer (``render(start, count)``) over the
timeline laid out so far and the clips it uses."""


def action_texts(action) -> list[str]:
    """The phrases an action says."""
    if isinstance(action, Say):
        return [action.text]
    if isinstance(action, Hold):
        return [count.text for count in action.counts]
    return []


def play_order(program: Program) -> list[str]:
    """Every distinct phrase, in the order it is first said."""
    return list(dict.fromkeys(t for b in program.blocks for a in b.actions for t in action_texts(a)))


class Growing:
    """The Player's Source for a session whose speech is still being made.
    ``start()`` begins laying out on a background thread."""

    def __init__(self, program: Program, speech: Speech, beep_lengths: Mapping[BeepKind, int],
                 mixer_for: MixerFor):
        self.program, self.speech = program, speech
        self.beep_lengths, self.mixer_for = beep_lengths, mixer_for
        self._cond = threading.Condition()
        self._clips: dict[str, np.ndarray] = {}
        self._timeline = Timeline((), (), 0)
        self._ready = 0
        self._complete = False
        self._error: BaseException | None = None
        self._stop = False
        self._whole = None  # the mixer over the complete session
        self.phrases_made = 0
        """Phrases whose clips are in hand (for a progress line)."""
        self.phrases_total = len(play_order(program))

    # -- the Source protocol ----------------------------------------------

    @property
    def timeline(self) -> Timeline:
        return self._timeline

    @property
    def complete(self) -> bool:
        return self._complete

    def ready(self) -> int:
        self._raise()
        return self._ready

    def wait_ready(self, upto: int, timeout: float) -> bool:
        with self._cond:
            self._cond.wait_for(lambda: self._ready >= upto or self._complete
                                or self._error is not None, timeout)
        self._raise()
        return self._ready >= upto or self._complete

    def render(self, start: int, count: int) -> np.ndarray:
        with self._cond:
            timeline, clips, complete = self._timeline, self._clips, self._complete
        # The export's own mixer, so the samples are the same. Once the
        # whole session is laid out, one mixer serves the rest; before, one
        # is made for this stretch only, with the clips that can sound in it
        # (a mixer readies every clip it is given, and the timeline grows).
        if complete:
            if self._whole is None:
                self._whole = self.mixer_for(timeline, clips)
            return self._whole.render(start, count)
        longest = max((c.length for c in timeline.cues), default=0)
        reach = to_samples(LOOKAHEAD_S)  # the mixer looks this far around
        near = {c.text for c in timeline.cues
                if start - longest - reach <= c.start < start + count + reach}
        mixer = self.mixer_for(timeline, {text: clips[text] for text in near if text in clips})
        return mixer.render(start, count)

    # -- laying out ---------------------------------------------------------

    def start(self) -> "Growing":
        self.speech.prefetch(play_order(self.program))
        self._thread = threading.Thread(target=self._work, name="coach-layout", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()

    def join(self, timeout: float) -> None:
        """Wait (after ``close`` and the speech's close) for the layout
        thread to end, so none is left running when the program exits."""
        thread = getattr(self, "_thread", None)
        if thread is not None:
            thread.join(timeout)

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def _work(self) -> None:
        try:
            self._lay_out()
        except BaseException as exc:  # the player raises it on its thread
            with self._cond:
                self._error = exc
                self._cond.notify_all()

    def _lay_out(self) -> None:
        blocks = self.program.blocks
        places = [(i, j) for i, block in enumerate(blocks) for j in range(len(block.actions))]
        done = 0  # actions whose phrases are all in hand
        while done < len(places):
            # 1. Wait for the next action's speech, then take every action
            #    after it whose speech is ready too: one layout per batch.
            waited = False
            while done < len(places):
                i, j = places[done]
                texts = action_texts(blocks[i].actions[j])
                if waited and not all(t in self._clips or self.speech.is_ready(t) for t in texts):
                    break
                waited = True
                for text in texts:
                    if text not in self._clips:
                        clip = self.speech.clip(text)
                        with self._cond:
                            self._clips = {**self._clips, text: clip}
                            self.phrases_made = len(self._clips)
                done += 1
                if self._stop:
                    return
            # 2. Lay out the program up to there.
            if done == len(places):
                whole = layout(self.program, self._length, self.beep_lengths)
                with self._cond:
                    self._timeline, self._ready, self._complete = whole, whole.length, True
                    self._cond.notify_all()
                return
            i, j = places[done]
            prefix = replace(self.program, blocks=(*blocks[:i], replace(blocks[i], actions=blocks[i].actions[:j])))
            partial = layout(prefix, self._length, self.beep_lengths)
            end = partial.length - to_samples(TAIL_S)  # where action (i, j) will start
            with self._cond:
                self._timeline = replace(partial, length=end)
                self._ready = max(0, end - to_samples(LOOKAHEAD_S))
                self._cond.notify_all()

    def _length(self, text: str) -> int:
        return len(self._clips[text])
