"""The data that flows between the stages of the pipeline.

    parse    -> Routine (Exercise, Step)       what the text says, with lines
    compile  -> Program (Block of Say/Beep/Pause/Hold)   what the coach does
    layout   -> Timeline (Cue, Chapter)        where every sound lands, in samples

All frozen: each stage is a pure function of the one before.
"""

from __future__ import annotations

import bisect

from dataclasses import dataclass, field
from enum import Enum

# --------------------------------------------------------------------- parse


class StepKind(str, Enum):
    """How a step was written in the source."""

    BULLET = "bullet"
    NUMBERED = "numbered"
    PROSE = "prose"


@dataclass(frozen=True)
class Step:
    """One sentence of instruction."""

    text: str
    """The sentence, whitespace folded, as written."""
    line: int
    """1-based line in the source where the sentence starts."""
    kind: StepKind = StepKind.PROSE
    """Bullet, numbered line or prose paragraph."""
    lead: bool = False
    """True for prose that comes before the first bullet or numbered step of
    its exercise: the place where articles say what an exercise is for."""


@dataclass(frozen=True)
class Exercise:
    """One exercise as the text describes it."""

    name: str
    """Its title, without numbering or markup."""
    line: int
    """Line of the title."""
    steps: tuple[Step, ...]
    """Its sentences, in order."""


@dataclass(frozen=True)
class Routine:
    """A parsed routine file."""

    title: str
    """The document title (first heading or title line), or the file's stem."""
    exercises: tuple[Exercise, ...]
    """The exercises, in order; never empty."""
    notes: tuple[Step, ...] = ()
    """Sentences outside any exercise (introductions, general rules)."""


# ------------------------------------------------------------------- compile


class Phase(str, Enum):
    """Where in the session a cue belongs (the JSON script's ``phase``)."""

    INTRO = "intro"
    SETUP = "setup"
    MOVE = "move"
    HOLD = "hold"
    RELEASE = "release"
    REST = "rest"
    TRANSITION = "transition"
    CLOSING = "closing"


class BeepKind(str, Enum):
    """The four sounds in coach/sounds/, one file each (``<value>.wav``)."""

    HOLD_START = "hold_start"
    HOLD_END = "hold_end"
    SIDE = "side"
    NEXT = "next"


@dataclass(frozen=True)
class Say:
    """Speak a phrase, then leave ``pause`` seconds of quiet."""

    text: str
    """What the coach says, written for the ear."""
    pause: float = 0.0
    """Extra silence after the phrase (time to move), seconds."""
    phase: Phase | None = None
    """Where in the exercise this is said (for the script and the status line)."""
    rep: int | None = None
    """1-based repetition it belongs to, or None."""
    side: str | None = None
    """The side being worked, or None."""


@dataclass(frozen=True)
class Beep:
    """Play one of the beeps."""

    kind: BeepKind
    phase: Phase | None = None
    rep: int | None = None
    side: str | None = None


@dataclass(frozen=True)
class Pause:
    """Silence, seconds."""

    seconds: float


@dataclass(frozen=True)
class Count:
    """A phrase said at a whole second of a hold."""

    at: int
    """Seconds after the hold-start beep (1 .. seconds-1)."""
    text: str
    """What is said: a number, "halfway", a breathing reminder."""


@dataclass(frozen=True)
class Hold:
    """A timed hold: start beep at 0, counts on whole seconds, end beep at
    ``seconds``."""

    seconds: int
    """Length of the hold in whole seconds."""
    side: str | None
    """"left", "right", "both", another side word of the text, or None."""
    counts: tuple[Count, ...] = ()
    """What is said during the hold, in order of ``at``."""
    rep: int | None = None
    """1-based repetition it belongs to, or None."""


Action = Say | Beep | Pause | Hold


@dataclass(frozen=True)
class HoldSpec:
    """One hold of one repetition, for summaries and the JSON contract."""

    seconds: int
    side: str | None


@dataclass(frozen=True)
class Block:
    """A stretch of the session: the opening, one exercise, or the closing.
    Each block is one chapter of the exported WAV."""

    name: str
    """Chapter title."""
    actions: tuple[Action, ...]
    """What happens, in order."""
    reps: int = 0
    """Repetitions (0 for the opening and closing)."""
    holds: tuple[HoldSpec, ...] = ()
    """The holds of one repetition, in order."""
    warnings: tuple[str, ...] = ()
    """``line N: ...`` notes about text that was not fully understood."""
    is_exercise: bool = False
    """False for the opening and closing."""
    position: str | None = None
    """Where the exercise starts: back, stomach, side, hands-knees, kneeling,
    seated, chair, standing, or None when the text does not say."""
    changes: tuple[str, ...] = ()
    """What the level changed from the text's own numbers, in words."""


@dataclass(frozen=True)
class Program:
    """A compiled session."""

    title: str
    level: str
    blocks: tuple[Block, ...]
    left_out: tuple[str, ...] = ()
    """Exercises the level or time budget left out, each ``name: why``."""
    source: tuple[str, Routine] | None = field(default=None, repr=False, compare=False)
    """The text compiled (for a page or PDF, the text made of it) and how it
    was parsed: to show which lines were read, without reading them again."""

    @property
    def exercises(self) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.is_exercise)


# -------------------------------------------------------------------- layout


class CueKind(str, Enum):
    SPEECH = "speech"
    COUNT = "count"
    BEEP = "beep"


@dataclass(frozen=True)
class Cue:
    """One sound placed on the timeline."""

    start: int
    """Sample where the sound becomes audible."""
    length: int
    """Its length in samples (speech trimmed of silence at both ends)."""
    kind: CueKind
    text: str
    """The phrase, or the BeepKind value for beeps."""
    block: int
    """Index of the block (chapter) it belongs to."""
    phase: Phase | None = None
    """The action's phase (a hold's beeps and counts: HOLD)."""
    rep: int | None = None
    side: str | None = None


@dataclass(frozen=True)
class Chapter:
    """A chapter marker: one per block."""

    title: str
    start: int
    """First sample of the chapter."""


@dataclass(frozen=True)
class Timeline:
    """Every sound of the session at its absolute sample position."""

    cues: tuple[Cue, ...]
    """In order of start."""
    chapters: tuple[Chapter, ...]
    length: int
    """Total samples, trailing silence included."""
    notes: tuple[str, ...] = field(default=())
    """What the layout had to change (counts dropped, gaps widened)."""

    def chapter_at(self, sample: int) -> int:
        """Index of the chapter that contains ``sample`` (0 before the first)."""
        starts = [c.start for c in self.chapters]
        return max(0, bisect.bisect_right(starts, sample) - 1)

    def resume_point(self, sample: int) -> int:
        """Where to restart so nothing is cut mid-word: the start of the
        earliest cue still sounding at ``sample``, or ``sample`` in silence."""
        sounding = [c.start for c in self.cues if c.start <= sample < c.start + c.length]
        return min(sounding, default=sample)

    def step_start(self, sample: int) -> int:
        """Start of the current step: the last instruction (not a count, not
        a beep) at or before ``sample``, so "repeat" says it again."""
        said = [c.start for c in self.cues if c.kind == CueKind.SPEECH and c.start <= sample]
        return max(said, default=0)
