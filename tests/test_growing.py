"""Playing while the speech is made: the timeline laid out phrase by phrase
is the export's timeline, and the player plays the export's very samples
while the speech is still coming in."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from coach.model import Program
from coach.output.player import Command, Player, State
from coach.output.sinks import RecordingSink
from coach.render.beeps import load_beeps
from coach.render.growing import Growing, play_order
from coach.render.mix import Mixer
from coach.render.tts import fake_clip
from coach.script.load import load_program
from coach.timeline import layout
from coach.units import SAMPLE_RATE as SR

from test_speaker import FakeClock

BEEPS = load_beeps()
GAINS = {"voice": -6.0, **{kind.value: -12.0 for kind in BEEPS}}


class SlowSpeech:
    """Speech made one phrase at a time, in prefetch order, ``delay`` real
    seconds each (like an engine at work); ``clip`` waits for its phrase."""

    def __init__(self, delay: float = 0.0, gate_after: int | None = None):
        self.delay = delay
        self.gate_after = gate_after
        self.gate = threading.Event()
        """Phrases after the first ``gate_after`` wait for this."""
        self.made: dict[str, np.ndarray] = {}
        self.asked: list[str] = []
        self.cond = threading.Condition()

    def prefetch(self, texts: list[str]) -> None:
        self.asked = list(texts)
        threading.Thread(target=self._make, daemon=True).start()

    def _make(self) -> None:
        for i, text in enumerate(self.asked):
            if i == self.gate_after:
                self.gate.wait(10)
            time.sleep(self.delay)
            with self.cond:
                self.made[text] = fake_clip(text, 0.15)
                self.cond.notify_all()

    def is_ready(self, text: str) -> bool:
        return text in self.made

    def clip(self, text: str) -> np.ndarray:
        with self.cond:
            self.cond.wait_for(lambda: text in self.made, 10)
            return self.made[text]


def mixer_for(timeline, clips):
    return Mixer(timeline, clips, BEEPS, GAINS)


def export_of(program: Program) -> Mixer:
    """The mixer the export uses, over the whole program at once."""
    clips = {text: fake_clip(text, 0.15) for text in play_order(program)}
    beeps = {kind: len(b) for kind, b in BEEPS.items()}
    return Mixer(layout(program, lambda t: len(clips[t]), beeps), clips, BEEPS, GAINS)


def growing(program: Program, delay: float) -> Growing:
    return Growing(program, SlowSpeech(delay), {k: len(b) for k, b in BEEPS.items()}, mixer_for).start()


@pytest.mark.parametrize("level", ["beginner", "full"])
def test_the_timeline_laid_out_as_speech_comes_is_the_exports(level):
    program = load_program(level)
    source = growing(program, delay=0.0)
    assert source.wait_ready(1 << 62, 20)
    assert source.complete
    expected = export_of(program).timeline
    assert source.timeline.cues == expected.cues
    assert source.timeline.chapters == expected.chapters
    assert source.timeline.length == expected.length


def test_ready_grows_with_the_speech_and_never_passes_the_next_cue():
    program = load_program("beginner")
    speech = SlowSpeech(delay=0.002)
    source = Growing(program, speech, {k: len(b) for k, b in BEEPS.items()}, mixer_for).start()
    assert speech.asked == play_order(program)  # all of it, in play order
    final = export_of(program).timeline
    seen = 0
    while not source.complete:
        ready = source.ready()
        assert ready >= seen
        seen = ready
        # Every cue that starts before `ready` is already in place.
        assert [c for c in final.cues if c.start < ready] == [c for c in source.timeline.cues if c.start < ready]
        time.sleep(0.005)
    assert source.ready() == final.length


def test_the_player_plays_the_exports_samples_while_the_speech_is_made():
    program = load_program("beginner")
    source = growing(program, delay=0.003)
    clock = FakeClock()
    sink = RecordingSink(clock)
    player = Player(source, sink, first_wait=0.0, segment=30.0, clock=clock, sleep=clock.sleep)
    player.run()
    assert player.state == State.DONE
    first = sink.played[0]
    assert len(first.body) < source.timeline.length // 4, "waited for all the speech"
    heard = np.concatenate([p.body for p in sink.played])
    assert np.array_equal(heard, export_of(program).render(0, source.timeline.length))


def test_next_waits_for_a_chapter_not_laid_out_yet():
    program = load_program("beginner")
    speech = SlowSpeech(gate_after=4)  # the opening's first phrases, then a wait
    source = growing_with(program, speech)
    clock = FakeClock()
    player = Player(source, RecordingSink(clock), first_wait=0.0, clock=clock, sleep=clock.sleep)
    sink = player.sink
    statuses = []
    player.watch(statuses.append)
    clock.at(0.5, lambda: player.command(Command.NEXT))
    # The speech comes on in real time, while the player waits for it.
    clock.at(0.5, lambda: threading.Timer(0.2, speech.gate.set).start())
    clock.at(60.0, player.stop)
    player.run()
    assert [s.waiting for s in statuses[:3]] == [False, True, False]
    assert statuses[1].chapter == 0 and statuses[2].chapter == 1
    # After the wait, the next chapter plays from its start, at once.
    assert (source.timeline.chapters[1].start, 0) in [(p.start, p.lead) for p in sink.played]


def growing_with(program, speech):
    return Growing(program, speech, {k: len(b) for k, b in BEEPS.items()}, mixer_for).start()
