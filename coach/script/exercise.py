"""The exercise model: where an exercise starts (its position), what each of
its sentences is for (its phase), and which sentences belong to a side and
how they read for the other side (mirroring).

    ExercisePlan (plan.py) --model_exercise--> Model

Pure: no I/O. Everything here is about the body, not about wording; the
spoken script (spoken.py) and the compiler turn a Model into speech.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from enum import Enum

from coach.script.plan import ExercisePlan, HoldPlan, mirror_holds, mirror_text
from coach.script.parse import is_instruction
from coach.script.words import MIRROR


class Position(str, Enum):
    """Where the body is at the start of an exercise."""

    BACK = "back"
    STOMACH = "stomach"
    SIDE = "side"
    HANDS_KNEES = "hands-knees"
    KNEELING = "kneeling"
    SEATED = "seated"
    CHAIR = "chair"
    STANDING = "standing"


FLOOR = frozenset({Position.BACK, Position.STOMACH, Position.SIDE, Position.HANDS_KNEES,
                   Position.KNEELING, Position.SEATED})
"""Positions on the floor: getting up from them to stand takes the most care."""
LYING = frozenset({Position.BACK, Position.STOMACH, Position.SIDE})

# The gap between the verb and its place is bounded ({0,80}): an unbounded
# one makes a long sentence of repeated verbs quadratic (issue 9).
# First match wins, in this order: "sit on a chair" is CHAIR before SEATED,
# "lie on your side" is SIDE before BACK.
POSITION_RULES: tuple[tuple[Position, re.Pattern], ...] = tuple(
    (position, re.compile(pattern, re.IGNORECASE)) for position, pattern in (
        (Position.CHAIR, r"\b(?:sit|sitting|seated|be seated)\b[^.]{0,80}?\b(?:chair|stool)\b|\bin (?:a|the|your) chair\b"),
        (Position.SIDE, r"\b(?:lie|lying|lay)\b[^.]{0,80}?\bon (?:your|the|one) (?:(?:left|right) )?side\b"
                        r"|\bside[- ]lying\b"),
        (Position.STOMACH, r"\b(?:lie|lying|lay)\b[^.]{0,80}?\b(?:on your (?:stomach|front|belly|tummy)|face ?down)\b"
                           r"|\bprone\b(?! position\))"),
        (Position.BACK, r"\b(?:lie|lying|lay)\b[^.]{0,80}?\b(?:on your back|face ?up|flat)\b|\bsupine\b"
                        r"|^(?:lie|lying) down\b"),
        (Position.HANDS_KNEES, r"\ball fours\b|\bhands and knees\b|\btable ?top\b|\bquadruped\b"),
        (Position.KNEELING, r"\bkneel(?:ing)?\b"),
        (Position.SEATED, r"^(?:\w+ )?(?:sit|sitting|be seated)\b|\bseated\b|\bsit (?:on the floor|tall|up)\b"),
        (Position.STANDING, r"^(?:\w+ )?(?:stand|standing)\b|\bstand (?:up|tall|straight)\b"
                            r"|\bstanding (?:position|up|tall)\b|\bstand(?:ing)? (?:with|on|behind|beside|next to|facing|in)\b"),
    )
)

NEEDS = {
    Position.CHAIR: ("chair", "stool"),
    Position.SIDE: ("side",),
    Position.STOMACH: ("stomach", "front", "belly", "tummy", "face", "prone"),
    Position.BACK: ("back", "face", "flat", "supine", "down"),
}
"""A word each of these rules cannot match without: a rule is only tried on
a sentence that has one (cheap, and it keeps their verb-to-place gap from
being scanned in sentences that cannot match)."""

TITLE_POSITIONS: tuple[tuple[Position, re.Pattern], ...] = tuple(
    (position, re.compile(pattern, re.IGNORECASE)) for position, pattern in (
        (Position.CHAIR, r"\bchair\b"),
        (Position.STANDING, r"\bstanding\b"),
        (Position.SEATED, r"\bseated\b|\bsitting\b"),
        (Position.SIDE, r"\bside[- ]lying\b"),
        (Position.HANDS_KNEES, r"\bcat\b|\bcow\b(?! face| head)|\bbird[- ]dog\b"),
        (Position.BACK, r"\bsupine\b|\blying\b|\bbridge\b|\bknees? to chest\b"),
    )
)


def position_of(sentences: list[str], name: str = "") -> Position | None:
    """The starting position named first by the sentences (in order), else
    the one the exercise's name implies, else None."""
    for text in sentences:
        if position := sentence_position(text):
            return position
    for position, rule in TITLE_POSITIONS:
        if rule.search(name):
            return position
    return None


SIDE_WORDS = re.compile(r"\b(?:left|right)\b|\b(?:one|the other|other) side\b", re.IGNORECASE)


def is_sided(text: str) -> bool:
    """Does the sentence name a side ("your right leg", "to one side")?"""
    return bool(SIDE_WORDS.search(text))


# Phases of a sentence that is not timing: notes are never spoken.
NOTE = re.compile(
    r"^(?:it'?s|it is) (?:ok(?:ay)?|fine|normal|alright)\b|^don'?t worry\b|\bsimply must\b"
    r"|\b(?:photo|image|picture|illustration|video)\b.*\b(?:by|credit|courtesy|source)\b"
    r"|^(?:photo|image|credit|source)s?\b|\bas you (?:get|become) (?:stronger|more flexible)\b"
    r"|\bprogress(?:ion)? to\b|^(?:tip|note|variation|modification)s?\s*:|\bclick\b|\bsee (?:also|below|above)\b"
    r"|^you'?ll (?:want|need)\b|^you will need\b"
    r"|\bexercises? at home\b|\bwill be very effective\b|\bvery effective\b|\bis ideal for\b|\bunusual name\b",
    re.IGNORECASE,
)
HOLD_CUE = re.compile(
    r"^(?:you (?:can|may|might|should)|(?:or )?(?:even )?longer\b|breath|keep breathing|feel|notice|relax into"
    r"|rock|sway|stay relaxed|let (?:your|gravity)|don'?t (?:bounce|force|hold your breath)|never bounce)",
    re.IGNORECASE,
)
MARKETING = re.compile(
    r"\b(?:effective|ideal|must|simply|amazing|best|great|perfect|yoga|asana|common|popular|favou?rite|"
    r"unusual|sanskrit|known as|research)\b",
    re.IGNORECASE,
)


def is_note(text: str) -> bool:
    """An aside that is not an instruction to the listener."""
    return bool(NOTE.search(text))


def is_hold_cue(text: str) -> bool:
    """Something to do or feel during a hold, not a move into it."""
    return bool(HOLD_CUE.search(text.strip()))


def spoken_purpose(text: str | None) -> str | None:
    """The text's "what it is for" sentence when it is short and plain; an
    article's sales talk ("exercises at home simply must include it") is not
    said."""
    if not text:
        return None
    text = re.sub(r"^(?:purpose|why|benefits?|goal|what it does)\s*:\s*", "", text, flags=re.IGNORECASE)
    if MARKETING.search(text) or is_note(text) or len(text.split()) > 18 or len(text.split()) < 3:
        return None
    return text[0].upper() + text[1:]


@dataclass(frozen=True)
class Model:
    """One exercise as the compiler reasons about it."""

    plan: ExercisePlan
    position: Position | None
    setup: tuple[str, ...]
    """Sentences that get the listener into the starting position."""
    sided_setup: bool
    """The setup names a side: the other side needs its own, mirrored setup."""
    purpose: str | None
    """What it is for, when that is worth saying."""
    holds: tuple[HoldPlan, ...]
    """The holds of one repetition, notes removed, cues in place."""
    movement: tuple[str, ...]
    """Sentences of a movement with no hold."""
    one_side_first: bool
    """Do every repetition on one side before the other (changing sides means
    a new setup: rolling over, re-crossing the legs)."""
    auto_mirrored: bool
    """The text named one side only; the other side is added."""


def as_cue(text: str) -> str:
    """A hold cue as said inside the hold."""
    if re.match(r"^(?:or )?(?:even )?longer\b", text, re.IGNORECASE):
        return "If it feels good, you can stay a little longer."
    return text


def spoken(sentences: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(s for s in sentences if not is_note(s))


@functools.lru_cache(maxsize=4096)
def sentence_position(text: str) -> Position | None:
    """The position one sentence names, if any (each setup sentence is asked
    twice: for the exercise's position and for where its setup ends)."""
    low = text.lower()
    return next((position for position, rule in POSITION_RULES
                 if any(word in low for word in NEEDS.get(position, ("",))) and rule.search(text)),
                None)


def names_position(text: str) -> bool:
    return sentence_position(text) is not None


def model_exercise(plan: ExercisePlan) -> Model:
    """Position, phases and sides of one planned exercise."""
    setup = spoken(plan.setup)
    # Setup is getting into the starting position; "Come up onto your
    # elbows" after "Lie on your stomach" is already the movement, and each
    # repetition starts without it.
    last = max((i for i, s in enumerate(setup) if names_position(s)), default=len(setup) - 1)
    setup, moving = setup[: last + 1], setup[last + 1:]
    holds = []
    for hold in plan.holds:
        actions = [a for a in spoken(hold.actions)]
        cues = [as_cue(c) for c in hold.cues if not is_note(c)]
        # Cue-like sentences at the very end of the move ("breathe slowly")
        # belong inside the hold.
        while len(actions) > 1 and is_hold_cue(actions[-1]) and not is_sided(actions[-1]):
            cues.insert(0, actions.pop())
        holds.append(replace(hold, actions=tuple(actions), cues=tuple(cues), after=spoken(hold.after)))
    if moving and holds:
        holds[0] = replace(holds[0], actions=(*moving, *holds[0].actions))
    purpose = spoken_purpose(plan.purpose)
    if not setup and holds:
        # "Strengthens the outer hip. Lie on one side …": what it is for,
        # then the setup, came before the first movement.
        first = list(holds[0].actions)
        k = max((i for i, a in enumerate(first[:-1]) if names_position(a)), default=-1)
        if k >= 0:
            before = first[: k + 1]
            setup = tuple(a for a in before if is_instruction(a))
            purpose = purpose or next((spoken_purpose(a) for a in before if not is_instruction(a)), None)
            same = (tuple(before), tuple(mirror_text(a) for a in before))  # this side, or the other
            holds = [replace(h, actions=h.actions[k + 1:]) if h.actions[: k + 1] in same else h for h in holds]
    position = position_of([*setup, *(a for h in holds for a in h.actions), *plan.movement], plan.name)
    sides = {h.side for h in holds}
    named = sides & {"left", "right"}
    auto = False
    if holds and len(named) == 1 and sides <= {"left", "right", None} and None not in sides:
        # "Lift your right leg" with no word of the other side: a one-sided
        # stretch is done on both sides.
        holds = mirror_holds(holds)
        auto = True
    elif moving and len(holds) == 2 and holds[1].side == MIRROR.get(holds[0].side or ""):
        holds[1] = replace(holds[1], actions=(*(mirror_text(m) for m in moving), *holds[1].actions))
    holds = same_both_ways(holds)
    sided_setup = any(is_sided(s) for s in setup)
    if sided_setup and holds and not holds[0].actions and holds[0].side in ("left", "right"):
        # "Lie down and draw your left knee in … release and draw in the
        # right knee": the mirrored setup already says the second side.
        other = MIRROR[holds[0].side]
        holds = [replace(h, actions=()) if k and h.side == other and all(is_sided(a) for a in h.actions) else h
                 for k, h in enumerate(holds)]
    changes_setup = sided_setup or position == Position.SIDE
    one_side_first = changes_setup and len({h.side for h in holds}) > 1
    return Model(plan, position, setup, sided_setup, purpose, tuple(holds),
                 spoken(plan.movement), one_side_first, auto)


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower())) - {"now", "then", "and", "the", "your", "to"}


def same_both_ways(holds: list[HoldPlan]) -> list[HoldPlan]:
    """When the text writes the second side of a pose a little differently
    ("twist left, keeping your back flat" then "twist right"), the second
    side is said as the mirror of the first, so both sides get the same
    instructions."""
    holds = list(holds)
    for k in range(len(holds) - 1):
        a, b = holds[k], holds[k + 1]
        if a.side not in ("left", "right") or b.side != MIRROR[a.side] or not a.actions or not b.actions:
            continue
        mine, theirs = words(mirror_text(a.actions[-1])), words(b.actions[-1])
        shorthand = (len(b.actions[-1].split()) < len(a.actions[-1].split()) and len(b.actions) <= len(a.actions)
                     or bool(re.search(r"\b(?:same|another|again)\b", b.actions[-1], re.IGNORECASE)))
        if len(mine & theirs) >= 0.6 * len(mine | theirs) or shorthand:
            # The same pose, or the text's shorthand for it ("lean to the left").
            holds[k + 1] = replace(
                b, actions=tuple(mirror_text(t) for t in a.actions),
                release=b.release or (mirror_text(a.release) if a.release else None),
                cues=b.cues or tuple(mirror_text(c) for c in a.cues))
    return holds


def mirrored_setup(model: Model) -> tuple[str, ...]:
    """What to say to set up the other side: only the setup sentences that
    name a side, mirrored."""
    return tuple(mirror_text(s) for s in model.setup if is_sided(s))
