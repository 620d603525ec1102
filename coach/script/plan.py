"""Exercise (sentences) -> ExercisePlan: which sentences set up the pose,
which lead into each hold, the holds with their sides, releases and
repetitions. Level-independent: ranges stay ranges until compile picks an end.
Pure: no I/O, only ``RoutineError`` escapes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from coach.errors import RoutineError
from coach.model import Exercise, StepKind
from coach.script.parse import is_instruction
from coach.script.timing import (BOTH_LIMBS, FREQUENCY_SENTENCE, HOLD_WORDS, Span, Timing, lead_side, read_timing, side_rule,
                                 strip_reps)
from coach.script.words import ADVERBS, MIRROR, POSITION_VERBS

RELEASE = re.compile(
    r"^(?:(?:then|and|now|slowly|gently)\s+)*(?:return|release|relax|rest|let go|unfold|uncross|"
    r"come back|go back|come up|come out|walk your hands back|"
    r"lower(?![^.]{0,80}\b(?:out|to the (?:left|right|side)|as far|towards?)\b))\b"
    r"|(?<!your )(?<!the )(?<!lower )(?<!upper )\bback (?:down|to|up|onto|into|in)\b"  # not "round your back up"
    r"|\bto (?:the )?(?:start|starting position)\b",
    re.IGNORECASE,
)
"""Sentences that come out of a hold ("Return to starting position",
"Slowly lower your hips back down")."""


@dataclass(frozen=True)
class HoldPlan:
    """One hold as the text describes it."""

    seconds: Span | None
    """Length as written; None when the text gave none (the level decides)."""
    side: str | None
    actions: tuple[str, ...]
    """Sentences that move into the hold, said in full on the first repetition."""
    release: str | None
    """How to come out of it, when the text says."""
    line: int
    cues: tuple[str, ...] = ()
    """What to do or feel during the hold ("you may rock gently"): said inside it."""
    after: tuple[str, ...] = ()
    """A movement after the hold that belongs to its side ("now lower your
    right leg out to the side"), done before the next hold or side."""
    breaths: bool = False
    """The text measured the hold in breaths: count it with the breath."""
    bare: str | None = None
    """The sentence of a hold given no length ("Hold until the tension eases"),
    said as a movement when nothing gives it one."""


@dataclass(frozen=True)
class ExercisePlan:
    """What the text of one exercise asks for."""

    name: str
    line: int
    purpose: str | None
    """What it is good for, when the text says (a lead sentence)."""
    setup: tuple[str, ...]
    """Getting into the starting position: said once."""
    holds: tuple[HoldPlan, ...]
    """The holds of one repetition, in order."""
    reps: Span
    movement: tuple[str, ...]
    """Sentences after the last hold (or all of them when there is no hold)."""
    warnings: tuple[str, ...]
    both_sides: bool = False
    """A movement with no hold that the text does on each side ("switch legs")."""
    counted: bool = False
    """The text gave this exercise its own count of repetitions."""


def with_page_wide(plan: ExercisePlan, reps: Span | None, hold: Span | None) -> ExercisePlan:
    """A page-wide rule ("Repeat each stretch 3 times", "Hold each stretch
    for 30 seconds") for an exercise that gives no count or length of its own.
    Holds that no text gives a length ("Hold the position until the tension
    eases") are read as the movement they end: no number, no hold."""
    if reps and not plan.counted:
        plan = replace(plan, reps=reps, counted=True)
    if hold and any(h.seconds is None for h in plan.holds):
        plan = replace(plan, holds=tuple(h if h.seconds else replace(h, seconds=hold) for h in plan.holds))
    if plan.holds and all(h.seconds is None for h in plan.holds):
        first = plan.holds[0]
        said = [*first.actions, *([first.bare] if first.bare else [*first.cues, *filter(None, [first.release])]),
                *first.after]
        plan = replace(plan, holds=(), movement=(*said, *plan.movement),
                       both_sides=plan.both_sides or len({h.side for h in plan.holds}) > 1)
    return plan


def page_wide(sentences: list[str]) -> tuple[Span | None, Span | None]:
    """Repetitions and hold length the page gives every exercise, from its
    notes ("If you are not sure, try each one 5-10 times")."""
    reps = hold = None
    for text in sentences:
        timing = read_timing(text)
        alone = (timing.reps or timing.hold) and not timing.per_side and len(
            re.findall(r"[a-z]+", strip_reps(text).lower())) <= 1  # "Repeat 2x" as a line of its own
        if (timing.general or alone) and not timing.problem:
            reps = reps or timing.reps
            hold = hold or timing.hold
    return reps, hold


def mirror_text(text: str) -> str:
    """Swap left and right, keeping capitals: for the other side of a pose."""
    swap = {"left": "right", "right": "left"}

    def flip(m: re.Match) -> str:
        word = m.group(0)
        if word.lower().endswith("side") and " " in word:
            new = "the other side" if word.lower() == "one side" else "one side"
        else:
            new = swap[word.lower()]
        return new[0].upper() + new[1:] if word[0].isupper() else new

    return re.sub(r"\b(?:left|right|one side|the other side)\b", flip, text, flags=re.IGNORECASE)


def mirror_holds(holds: list[HoldPlan], named: str | None = None) -> list[HoldPlan]:
    """``holds`` followed by their mirror images. A hold with no side takes
    the side the exercise named first (``named``), else "one", so the
    listener hears that a side is meant."""
    sided = [h if h.side else replace(h, side=named or "one") for h in holds]
    mirrored = [
        replace(
            h,
            side=MIRROR.get(h.side, "other"),
            actions=tuple(mirror_text(a) for a in h.actions),
            release=mirror_text(h.release) if h.release else None,
            cues=tuple(mirror_text(c) for c in h.cues),
            after=tuple(mirror_text(a) for a in h.after),
        )
        for h in sided
    ]
    return sided + mirrored


def tidy(text: str) -> str:
    """A fragment left after cutting the timing out, as a spoken sentence:
    joiners trimmed, capital first, full stop last."""
    text = re.sub(r"^[\s,;:–—-]*(?:(?:and|then|or|but)\b[\s,]*)*", "", text)
    text = re.sub(r"[\s,;:–—-]*(?:\b(?:and|then|or|but|to|for))*[\s,;:–—-]*$", "", text)
    text = OTHER_SIDE_CLAUSE.sub("", text).strip(" ,;")
    if len(re.findall(r"\w+", text)) < 2:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


OTHER_SIDE_CLAUSE = re.compile(
    r"[\s,]*(?:\band\s+)?(?:then\s+)?\b(?:repeat|do the same|switch|change|swap)\b[^.,;]*$",
    re.IGNORECASE,
)


def is_description(text: str) -> bool:
    """A sentence that says what an exercise is for, not what to do."""
    if is_instruction(text):
        return False
    return not re.search(r"\byour?\b", text, re.I) or bool(
        re.match(r"(?:if you|this|these|it|that|the)\b", text, re.I))


CUE = re.compile(
    r"^(?:you (?:can|may|might) (?:also )?(?:rock|sway|stay|breathe|close)|(?:keep )?breath(?:e|ing) (?:slowly|deeply|calmly)"
    r"|keep breathing|rock (?:gently|slightly)|relax into)",
    re.IGNORECASE,
)


COUNT_VERBS = frozenset("do repeat perform complete switch swap change then try aim build work".split())
"""First words of sentences that only give the count ("Do 10 lifts")."""


def is_field(text: str, timing: Timing) -> bool:
    """A prescription line with no movement in it ("30 seconds", "3 sets of
    10 reps 5 seconds")."""
    start, end = timing.hold_at
    return not HOLD_WORDS.search(text) and not tidy(strip_reps(text[:start])) \
        and not tidy(strip_reps(text[end:]))


def is_cue(text: str) -> bool:
    """Something to do during the hold just started, not a new movement."""
    return bool(CUE.search(text))


def first_word(text: str) -> str:
    words = [w for w in re.findall(r"[a-z']+", text.lower())[:3] if w not in ADVERBS]
    return words[0] if words else ""


VARIATION = re.compile(
    r"^\W*(?:modified version|modifications?|variations?|alternatives?|alternatively|progressions?|regressions?|"
    r"advanced (?:version|option)|easier (?:version|option)|harder (?:version|option)|to modify|"
    r"to make (?:it|this)(?: stretch| exercise)? (?:easier|harder)|"
    r"(?:once|when) (?:this|it|that) (?:becomes|gets|feels|is) (?:easier|easy|comfortable)|"
    r"(?:an? )?(?:additional|another|extra) (?:way|option|exercise)|optional(?:ly)?:?)\b",
    re.IGNORECASE,
)
"""A line that offers another version of the exercise ("Modified Version: draw both
knees in ... Hold for 15 seconds"): an option, not more holds."""


DESCRIBES = re.compile(r"^\W*(?:your|the|this|that|these|it'?s?|goal|aim|target|repetitions?|reps?|sets?|with)\b",
                       re.IGNORECASE)
"""Words that open a sentence describing the hold already given, not a new movement."""
ONE_SIDE_ONLY = re.compile(
    r"\bonly (?:to |on )?one side\b|\bone side only\b|\b(?:affected|painful|injured|sore) side only\b"
    r"|\bonly (?:on |to )?the (?:affected|painful|injured|sore) side\b", re.IGNORECASE)
"""The text keeps the exercise to one side ("roll to only one side, away from the pain")."""
BARE_REST = re.compile(r"^\W*(?:rest|pause|take a (?:short )?(?:break|rest))(?:\s+(?:for\s+)?a\s+(?:moment|second|bit|while))?\W*$",
                       re.IGNORECASE)
EACH_POSITION = re.compile(r"\b(?:in|for|at) each (?:position|pose|direction)\b", re.IGNORECASE)
OTHER_WAY = re.compile(r"\b(?:the other|the opposite) (?:way|side|direction)\b", re.IGNORECASE)


def total_reps(sets: Span | None, per: Span | None, again: bool) -> Span | None:
    """Repetitions in all: sets x repetitions per set (the corpus convention:
    "3 sets of 10" is 30), or a bare "repeat" (two in all)."""
    if sets and per:
        return Span(sets.low * per.low, sets.high * per.high)
    return sets or per or (Span(2, 2) if again else None)


GRIPPED = re.compile(
    r"\b(?:take|taking|grab\w*|grasp\w*|hold(?:ing)?|catch\w*|clasp\w*|reach\w*(?: back)? for)\s+(?:\w+\s+){0,2}?"
    r"(?:your|the)\s+(left|right)\s+(\w+)", re.IGNORECASE)


def symmetric(sentences: list[str]) -> bool:
    """The same limb taken hold of on both sides ("take your right ankle,
    then reach back for your left ankle"): a pose held with both hands, not
    a one-sided one."""
    limbs: dict[str, set[str]] = {}
    for m in GRIPPED.finditer(" ".join(sentences)):
        limbs.setdefault(m.group(2).lower().rstrip("s"), set()).add(m.group(1).lower())
    return any(len(sides) == 2 for sides in limbs.values())


def positions(sentences: list[str], numbered: dict[str, int]) -> list[list[str]]:
    """Sentences grouped into the positions of "hold each position": one per
    numbered step (with the prose after it), or all of them together."""
    groups: list[list[str]] = []
    last = None
    for text in sentences:
        line = numbered.get(text)
        if not groups or line is not None and last is not None and line != last:
            groups.append([])
        groups[-1].append(text)
        last = line if line is not None else last
    return groups


def implicit_holds(sentences: list[str], numbered: dict[str, int], sided: bool) -> list[HoldPlan]:
    """A hold for each position the sentences move into, its length from a
    rule for every stretch; ``sided``: a side may be named."""
    holds: list[HoldPlan] = []
    for group in positions(sentences, numbered):
        ways = list(dict.fromkeys(w.lower() for w in WAYS.findall(" ".join(group))))
        if sided and len(ways) == 2:
            # "turn your upper body to the right, ... then to the left": both ways, in order
            holds += [HoldPlan(None, ways[0], tuple(group), None, 0), HoldPlan(None, ways[1], (), None, 0)]
            continue
        side = None
        if sided and not BOTH_LIMBS.search(" ".join(group)):
            side = lead_side(group) or (holds[-1].side if holds else None)
        holds.append(HoldPlan(None, side, tuple(group), None, 0))
    return holds


WAYS = re.compile(r"\b(?:to|towards?) (?:the|your) (left|right)\b", re.IGNORECASE)


def plan_exercise(exercise: Exercise, page_hold: Span | None = None) -> ExercisePlan:
    """Read an exercise's sentences in order and work out what it asks for;
    ``page_hold``: the page's hold for every stretch ("Hold each position for
    five breaths"), for an exercise that gives no timing of its own."""
    purpose: str | None = None
    setup: list[str] = []
    pending: list[str] = []
    holds: list[HoldPlan] = []
    group_start = 0  # first hold not yet mirrored by "repeat on the other side"
    sets: Span | None = None
    per: Span | None = None  # repetitions (of one set, when sets are given)
    again = False
    per_side = False
    mirrored = False
    field: HoldPlan | None = None  # a prescription line's hold ("30 seconds"), until the text gives its own
    variation = False  # past the main version's holds, in another version
    general: Timing | None = None  # "Hold each stretch for 30 seconds" inside the exercise
    moving_count: Span | None = None  # the count of a movement before any hold
    timings = [read_timing(s.text) for s in exercise.steps]
    own = [t for t in timings if not t.general]
    implicit = not any(t.hold or t.bare_hold for t in own) and (
        any(t.general and t.hold for t in timings)
        or bool(page_hold) and not any(t.reps or t.more_reps or t.again for t in own))
    numbered = {s.text: s.line for s in exercise.steps if s.kind == StepKind.NUMBERED}
    """Holds only in a rule for "each stretch": every movement before a change
    of side, and the last one, is a stretch held that long."""
    warnings: list[str] = []

    def warn(line: int, message: str) -> None:
        warnings.append(f"line {line}: {message}")

    queue = [(step.text, step.line, step.lead) for step in exercise.steps]
    seen: list[str] = []  # every sentence so far, to find a side named earlier
    while queue:
        text, line, lead = queue.pop(0)
        if VARIATION.search(text):
            # A labelled other version ("Modified Version: ...") after the
            # holds: its own holds follow. "To make it easier, ..." is one tip.
            variation = variation or bool(holds) and not re.match(r"\W*to\b", text, re.I)
            continue
        timing: Timing = read_timing(text)
        if variation and not (timing.other_side or timing.per_side):
            continue  # the other version's own movement and holds
        if len(timing.hold_ends) > 1:
            # "Hold 10 seconds, lower halfway and hold 5 seconds": one hold a
            # piece. Holds after "then swap sides" say the other side again.
            ends = [e for e in timing.hold_ends[:-1] if timing.other_at is None or e <= timing.other_at]
            if ends:
                cuts = [0, *ends, len(text)]
                queue[:0] = [(text[a:b], line, lead) for a, b in zip(cuts, cuts[1:])]
                continue
        seen.append(text)
        if timing.problem:
            raise RoutineError(timing.problem, line)
        if timing.general:
            # "Hold each stretch for 20-30 seconds, 2-3 times": for every
            # stretch of this exercise that says no more.
            general = general or timing
            continue
        if timing.extra:
            warn(line, timing.extra)
        if lead and is_description(text) and not (timing.hold or timing.reps or timing.other_side or timing.more_reps):
            purpose = purpose or text
            continue

        restated = (timing.other_side and timing.hold_at is not None and timing.other_at is not None
                    and timing.other_at < timing.hold_at[0] and len(holds) > group_start)
        # "Your goal: 12-15 reps with a 3 second hold", "Repetition: 3 x 15
        # seconds per leg": the hold already read, said again.
        if timing.hold and holds and not restated:
            lead_words = tidy(strip_reps(text[: timing.hold_at[0]]))
            same = all(h.seconds == timing.hold for h in holds)
            restated = (same and (DESCRIBES.match(lead_words) or not lead_words and not HOLD_WORDS.search(text))
                        # "After one minute, return to the start": the hold before, ending
                        or bool(re.search(r"\bafter\s*$", text[: timing.hold_at[0]], re.IGNORECASE)))
        if restated:
            pass  # "swap sides, doing the light stretch for 30 seconds": the mirror says it
        elif timing.hold and is_field(text, timing) and not holds:
            # "30 seconds" under the title: the hold of the movement that follows.
            field = HoldPlan(timing.hold, None, (), None, line,
                             breaths=bool(re.search(r"breath", text, re.IGNORECASE)))
        elif timing.hold or timing.bare_hold:
            field = None
            start, end = timing.hold_at
            before, after = tidy(text[:start]), text[end:]
            if before:
                pending.append(before)
            if timing.bare_hold:
                warn(line, f"no length given for the hold in {text!r}; it is read as a movement "
                           "unless the page gives every stretch a length")
            # The first side the movement into the hold names (the setup
            # counts for the first hold: "hug your right knee" then "across").
            lead_in = [*setup, *pending] if not holds else pending
            side = None if BOTH_LIMBS.search(text[:start]) else lead_side([*lead_in, text[:start]])
            if holds and side in (None, "one") and holds[-1].side in MIRROR and OTHER_WAY.search(
                    " ".join([*pending, text[:start]])):
                # "roll the head round to face the other way ... Hold this for another 10 seconds"
                side = MIRROR[holds[-1].side]
            rest = tidy(strip_reps(after)) or None
            release = rest if rest and RELEASE.search(rest) else None
            cues = (rest,) if rest and not release else ()
            seconds = holds[-1].seconds if timing.same_hold and holds else timing.hold
            breaths = bool(re.search(r"breath", text[start:end], re.IGNORECASE))
            if seconds and holds and holds[-1].seconds is None and not pending and len(holds) > group_start:
                # "Raise your hips and hold. Hold for 5 seconds.": one hold, now with its length
                holds[-1] = replace(holds[-1], seconds=seconds, bare=None, breaths=breaths,
                                    release=holds[-1].release or release, cues=(*holds[-1].cues, *cues))
            elif EACH_POSITION.search(text) and pending and len(parts := re.split(r";\s*", pending[-1])) > 1:
                # "drop your belly (cow); round your spine (cat). Hold for one breath in each position."
                for i, part in enumerate(parts):
                    moves = (*pending[:-1], tidy(part)) if i == 0 else (tidy(part),)
                    holds.append(HoldPlan(seconds, side, moves, None, line, (), (), breaths))
            else:
                holds.append(HoldPlan(seconds, side, tuple(pending), release, line, cues, (), breaths,
                                      text if timing.bare_hold else None))
            pending = []
        elif timing.with_both and holds:
            # "Repeat same action with both knees together": one more hold.
            holds.append(HoldPlan(holds[-1].seconds, None, (text,), None, line))
            group_start = len(holds)
            continue
        elif not (timing.reps or timing.more_reps or timing.again or timing.other_side or timing.rest):
            if timing.per_side and first_word(text) in COUNT_VERBS:
                per_side = True  # "Perform on both sides."
                continue
            if FREQUENCY_SENTENCE.search(text) and first_word(text) in COUNT_VERBS:
                continue  # "Repeat at least 2 times per day": how often, not a movement
            if BARE_REST.match(text) and not (holds and holds[-1].release is None and not pending):
                continue  # "Rest." between sets: the level's own rests do that
            if timing.unclear:
                warn(line, f"could not understand the timing in {text!r}; it is left out")
                if len(text.split()) <= 3:
                    continue
            if holds and holds[-1].release is None and not pending and is_cue(text):
                # "You may rock gently from side to side": said during the hold.
                holds[-1] = replace(holds[-1], cues=(*holds[-1].cues, text))
            elif RELEASE.search(text) and holds and holds[-1].release is None and not pending:
                # "Return to center and lean to the left": a release, then a move.
                parts = re.split(r",?\s+(?:then|and)\s+", text, maxsplit=1)
                if len(parts) == 2 and not (is_instruction(parts[1]) and side_rule(parts[1])):
                    parts = [text]  # "onto your hands and knees", "let go and put it down": one release
                release, move = (parts[0], parts[1]) if len(parts) == 2 else (text, "")
                holds[-1] = replace(holds[-1], release=tidy(release) or text)
                if side_rule(move) and tidy(move):
                    pending.append(tidy(move))
            elif not holds and not pending and first_word(text) in POSITION_VERBS:
                setup.append(text)
            else:
                pending.append(text)
            continue
        elif timing.rest:
            warn(line, f"the rest in {text!r} is replaced by the level's own rests")

        # Repetitions and sides, from a hold sentence or one of their own.
        again = again or timing.again
        if timing.more_reps:
            more = timing.more_reps  # "Repeat 10 times. Rest. Do another 10."
            base = per or Span(1, 1)  # "Repeat once more": twice in all
            per = Span(base.low + more.low, base.high + more.high)
        if timing.reps:
            if timing.sets:
                sets = timing.sets
                if timing.reps != timing.sets:  # "3 sets of 10"
                    per = Span(timing.reps.low / sets.low, timing.reps.high / sets.high)
            else:
                per = timing.reps
            moving_count = None
            if not (timing.hold or timing.bare_hold):
                # "Circle your knees to the right five times": the movement stays.
                move = tidy(strip_reps(text))
                whole = text.lower().startswith(move.rstrip(".").lower())  # the count was only cut off the end
                if first_word(text) not in COUNT_VERBS and len(move.split()) >= 3:
                    if whole:
                        pending.append(move)
                    if not holds and not timing.sets and is_instruction(move):
                        moving_count = per  # "Bend and stretch your legs 5-10 times and then be still"
        per_side = per_side or timing.per_side
        if timing.other_side and field and not holds:
            holds.append(replace(field, actions=tuple(pending)))
            pending, field = [], None
        if timing.other_side and implicit and (pending or setup and not holds) and len(holds) == group_start:
            holds += [replace(h, line=line) for h in implicit_holds(pending or setup[-1:], numbered, True)]
            if not pending:
                holds[-1] = replace(holds[-1], actions=())
            pending = []
        if timing.other_side and len(holds) > group_start:
            if pending:  # a second movement of this side, after its hold
                holds[-1] = replace(holds[-1], after=(*holds[-1].after, *pending))
                pending = []
            first = MIRROR.get(timing.to_side or "")
            if first and {h.side for h in holds[group_start:]} <= {None, "one", timing.to_side}:
                # "Repeat on your left side": the side before was the right.
                holds[group_start:] = [replace(h, side=first) for h in holds[group_start:]]
            holds[group_start:] = mirror_holds(holds[group_start:], first or lead_side(seen))
            group_start = len(holds)
            mirrored = True
            if timing.with_both:
                # "repeat this with the other knee, and then both knees"
                holds.append(HoldPlan(holds[-1].seconds, None, (), None, line))
                group_start = len(holds)
        elif timing.other_side and not holds:
            per_side = True  # "switch legs" in a movement with no hold

    if field and not holds:
        holds.append(replace(field, actions=tuple(pending)))
        pending = []
    if holds and moving_count is not None and per is moving_count and not sets:
        per = None  # the count of a movement leading into the hold, not of the exercise
    moves = [p for p in pending if is_instruction(p)]
    follows = bool(moves) and (not holds or re.match(r"(?:then|next|now|finally|and)\b", moves[0], re.I))
    if implicit and follows and not RELEASE.search(moves[0]):
        # "Then, pull both knees to the chest": the last stretch.
        holds += [replace(h, line=exercise.line)
                  for h in implicit_holds(pending, numbered, len(holds) == group_start)]
        pending = []
    elif implicit and not holds and setup:
        holds = [HoldPlan(None, None, (), None, exercise.line)]  # "Full body: reach your arms past your head."
    if general and general.hold or page_hold:
        length = general.hold if general and general.hold else page_hold
        holds = [h if h.seconds else replace(h, seconds=length) for h in holds]
    timed = [h.seconds for h in holds if h.seconds]
    if timed:
        # "Hold for 10 seconds ... then twist the other way and hold.": as long as the one before
        holds = [h if h.seconds else replace(h, seconds=timed[0], bare=None) for h in holds]
    if holds and pending and holds[-1].release is None and not side_rule(pending[0]):
        # "Walk your hands back and come up slowly": how the last hold ends.
        holds[-1] = replace(holds[-1], release=pending.pop(0))
    if holds and pending:
        # Sentences after the last hold: a movement that follows it.
        holds[-1] = replace(holds[-1], after=(*holds[-1].after, *pending))
        pending = []
    if per_side and len(holds) == 1 and not ONE_SIDE_ONLY.search(" ".join(seen)):
        holds = mirror_holds(holds, lead_side(seen))
        mirrored = True
    if not mirrored and holds:
        sides = {h.side for h in holds}
        if sides == {"one"} or len(sides & {"left", "right"}) == 1 and symmetric(seen):
            # "one hip touching the wall", "take your right ankle, then your
            # left": no side is worked on its own.
            holds = [replace(h, side=None) for h in holds]
    return ExercisePlan(
        name=exercise.name,
        line=exercise.line,
        purpose=purpose,
        setup=tuple(setup),
        holds=tuple(holds),
        reps=total_reps(sets, per, again) or (general.reps if general and general.reps else Span(1, 1)),
        movement=tuple(pending),
        warnings=tuple(warnings),
        both_sides=per_side and not holds,
        counted=bool(total_reps(sets, per, again) or general and general.reps),
    )
