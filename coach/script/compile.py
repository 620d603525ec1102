"""Routine + Level -> Program: what the coach says and does, in order.

    Routine --plan_exercise--> ExercisePlan --model_exercise--> Model
            --dose (level)--> Dose --fit (time budget)--> Blocks --> Program

Written for someone lying on the floor with eyes closed: a transition when
the position changes, the name, the setup with time to get there, then per
repetition the movement from where the listener really is, the hold with its
cues and counts inside, a clear release; the other side gets its own
mirrored setup. Pure: no I/O, no TTS.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, replace

from coach.errors import ConfigError, RoutineError
from coach.levels import Level
from coach.model import Block, Count, Hold, HoldSpec, Phase, Program, Routine, Say
from coach.script.exercise import Model, Position, is_sided, mirrored_setup, model_exercise
from coach.script.parse import parse_routine
from coach.script.plan import RELEASE, HoldPlan, mirror_text, page_wide, plan_exercise, with_page_wide
from coach.script.spoken import (ENCOURAGEMENT, clean, clean_name, closing_lines, encouragement,
                                 opening_lines, transition)
from coach.script.timing import BREATH_S, side_rule
from coach.script.words import MIRROR, say_duration, say_number
from coach.timeline import estimate_block, estimate_speech, estimate_total
from coach.units import SAMPLE_RATE, to_seconds

BREATHE = "Breathe slowly."
KEEP_BREATHING = "Keep breathing."
HALFWAY = "Halfway."
DEFAULT_RELEASE = "And release."
AFTER_MOVE_RELEASE = "Bring it back slowly, and relax."
FIT_MARGIN = 0.95
"""Fit a time budget with room to spare: speech estimates are rough."""
MAX_SESSION_S = 24 * 3600
"""A session longer than this is a typo in the numbers, not a routine (and
would take long to lay out)."""
TRANSITION_ALLOWANCE = 30
"""Seconds a change of neighbours can take off an exercise's length (its
transition), when deciding whether it might fit again."""
FLOW_HOLD_MAX = 5
"""Holds this short, repeated, are a movement with the breath at a level
whose shortest hold is longer."""
REMINDER = re.compile(r"^(?:keep|your|make sure|don'?t|do not|try|remember|breathe|inhale|exhale|"
                      r"rest your head)\b", re.I)
"""Sentences that remind rather than move: said the first time only."""
OUT_BREATH = re.compile(r"\b(?:round|tuck|curl|flatten|press|tighten|squeeze|lower|exhale)\w*|\bceiling\b", re.I)
IN_BREATH = re.compile(r"\b(?:sink|arch|lift|raise|look up|open|extend|reach|inhale)\w*", re.I)
"""Which half of a two-part movement goes with the out-breath (rounding,
tucking, tightening) and which with the in-breath (arching, opening)."""


# ------------------------------------------------------------------ counts


@functools.lru_cache(maxsize=1024)
def counts_for(seconds: int, level: Level, style: str = "down", cues: tuple[str, ...] = (),
               breaths: bool = False) -> tuple[Count, ...]:
    """What is said during a hold. Short holds: every second (counting down
    what is left, or up). Long holds: a breathing reminder, "halfway", and
    the last five seconds. Holds measured in breaths follow the breath.
    ``cues`` ("you may rock gently") come first, with room to be said."""
    if breaths:
        said = {}
        for start in range(0, seconds - 2, BREATH_S):
            last = start + BREATH_S >= seconds - 2
            said[start + 1] = "Last breath in." if last and start else "Breathe in."
            if start + 3 < seconds:
                said[start + 3] = "And out."
    elif seconds <= level.count_all_up_to:
        said = {k: say_number(seconds - k if style == "down" else k) for k in range(1, seconds)}
    else:
        said = {3: BREATHE, seconds // 2: HALFWAY}
        if seconds >= 40:
            said[round(seconds * 0.75)] = KEEP_BREATHING
        for left in range(5, 0, -1):
            said[seconds - left] = say_number(left)
    at = 1
    for cue in cues:
        # Room for the cue at a slow voice, then a second of quiet.
        needs = math.ceil(1.4 * to_seconds(estimate_speech(cue))) + 1
        for k in range(at, at + needs):
            said.pop(k, None)
        said[at] = cue
        at += needs
    return tuple(Count(k, text) for k, text in sorted(said.items()) if 0 < k < seconds)


def cue_room(seconds: int, cues: tuple[str, ...]) -> bool:
    """Do the cues fit inside a hold this long, with time left to count?"""
    needed = sum(math.ceil(1.4 * to_seconds(estimate_speech(c))) + 1 for c in cues)
    return needed + 3 <= seconds


# ------------------------------------------------------------------- doses


@dataclass(frozen=True)
class Dose:
    """How much of an exercise a level does."""

    reps: int
    seconds: tuple[int, ...]
    """Length of each hold of one repetition."""
    flow: bool
    """Done as a movement with the breath, not as holds."""
    text_reps: int
    floor: int
    over: bool = False
    """Longer than the level's time even alone (a level, not --minutes, asked)."""
    """Fewest repetitions a time fit may leave: two (whole exercises go
    before everything is cut to one), or the text's own number if lower."""


def hold_seconds(hold: HoldPlan, level: Level) -> int:
    return hold.seconds.pick(level.range_end) if hold.seconds else level.default_hold


def dose_for(model: Model, level: Level) -> Dose:
    text_reps = model.plan.reps.pick(level.range_end)
    reps = max(min(text_reps, level.max_reps), min(text_reps, level.min_reps))
    written = [hold_seconds(h, level) for h in model.holds]
    sided = any(h.side for h in model.holds)
    flow = bool(written) and not sided and text_reps > 1 and max(written) <= FLOW_HOLD_MAX < level.min_hold
    flow = flow or (not model.holds and len(model.movement) in (1, 2) and text_reps > 1)
    seconds = tuple(max(s, level.min_hold) for s in written)
    return Dose(reps, seconds, flow, text_reps, min(text_reps, max(2, level.min_reps)))


def changes_for(model: Model, dose: Dose, level: Level) -> tuple[str, ...]:
    """What the level changed from the text's own numbers, for `show`."""
    found = []
    if dose.reps < dose.text_reps and model.plan.reps.high > 1:
        found.append(f"{dose.reps} repetitions instead of the {dose.text_reps} written")
    written = [hold_seconds(h, level) for h in model.holds]
    if dose.flow and model.holds:
        found.append(f"holds of {max(written)} s done as a movement with the breath")
    elif any(s != w for s, w in zip(dose.seconds, written)):
        found.append(f"holds of {min(written)} s made {level.min_hold} s (the level's shortest hold)")
    if model.auto_mirrored:
        found.append("the text names one side only; the other side is added")
    if dose.over:
        found.append(f"one round, and still longer than the level's {level.max_minutes:g} minutes")
    return tuple(found)


# ------------------------------------------------------------------ blocks


def say(text: str, phase: Phase, pause: float = 0.0, rep: int | None = None, side: str | None = None) -> Say:
    return Say(clean(text), pause, phase, rep, side)


def side_word(side: str | None) -> str:
    return f"the {side} side" if side in ("left", "right") else "the other side"


def announced_side(hold: HoldPlan, side: str | None) -> str:
    """"the left side" when the movement works the left only, else "the
    other side" (a pose that names both, like "left hand on the chair,
    bend your right knee", would be ambiguous)."""
    named = {w.lower() for w in re.findall(r"\b(?:left|right)\b", " ".join(hold.actions), re.IGNORECASE)}
    if len(named) == 1:
        return side_word(named.pop())
    return side_word(side) if not named and side in ("left", "right") else "the other side"


def brief(text: str) -> str:
    """A move as the second half of "Breathe out, …"."""
    text = re.sub(r"^(?:now|then|and|slowly|gently)\b,?\s*", "", text.strip(), flags=re.I).rstrip(".!")
    return text[:1].lower() + text[1:] if text[:2] != "I " else text


def moves_for(hold: HoldPlan, first_time: bool) -> list[str]:
    """The sentences that take the listener into a hold from where they are:
    in full the first time (the other side too: the body came back to the
    start), later only what moves, not the reminders."""
    acts = list(hold.actions)
    if not acts:
        return []
    last = acts[-1]
    if not first_time:
        acts = [a for a in acts[:-1] if not REMINDER.match(a)] + [last]
    return acts


def sequence(model: Model, reps: int) -> list[tuple[int, int]]:
    """(repetition, hold index) in play order: every repetition of one side
    before the other when changing sides means a new setup."""
    n = len(model.holds)
    if model.one_side_first and n % 2 == 0:
        half = n // 2
        return ([(r, i) for r in range(1, reps + 1) for i in range(half)]
                + [(r, i) for r in range(1, reps + 1) for i in range(half, n)])
    return [(r, i) for r in range(1, reps + 1) for i in range(n)]


def exercise_block(model: Model, dose: Dose, number: int, total: int, before: Position | None,
                   level: Level, style: str, changes: tuple[str, ...] = (), named: bool = True) -> Block:
    """Everything said and done for one exercise (``named``: its name is its
    own, not a file name)."""
    acts: list = []
    reps = dose.reps
    move_to = transition(before, model.position) if model.position else None
    if move_to:
        acts.append(say(move_to[0], Phase.TRANSITION, move_to[1]))
    name = clean_name(model.plan.name) if named else ""
    if total > 1:
        acts.append(say(f"Exercise {say_number(number)} of {say_number(total)}" + (f": {name}." if name else "."),
                        Phase.INTRO))
    elif name:
        acts.append(say(f"{name}.", Phase.INTRO))
    if model.purpose:
        acts.append(say(model.purpose, Phase.INTRO))
    sides = [h.side for h in model.holds]
    both = len(set(sides)) > 1 and any(sides)
    if reps > 1:
        each = " on each side" if both and model.one_side_first or model.plan.both_sides else ""
        times = "twice" if reps == 2 else f"{say_number(reps)} times"
        acts.append(say(f"We'll do this {times}{each}.", Phase.INTRO))
    for i, text in enumerate(model.setup):
        acts.append(say(text, Phase.SETUP, level.settle if i == len(model.setup) - 1 else 0,
                        side=sides[0] if sides and is_sided(text) else None))
    if dose.flow or not model.holds:
        acts += flow_actions(model, dose, level)
    else:
        acts += hold_actions(model, dose, level, style, number)
    if number < total:  # after the last one, the closing says it
        acts.append(say("Rest.", Phase.REST, level.transition))
    return Block(
        name=model.plan.name,
        actions=tuple(a for a in acts if not isinstance(a, Say) or a.text),
        reps=reps,
        holds=() if dose.flow else tuple(HoldSpec(s, h.side) for h, s in zip(model.holds, dose.seconds)),
        warnings=model.plan.warnings,
        is_exercise=True,
        position=model.position.value if model.position else None,
        changes=changes,
    )


def hold_actions(model: Model, dose: Dose, level: Level, style: str, number: int) -> list:
    acts: list = []
    reps = dose.reps
    done: set[int] = set()
    previous: tuple[int, str | None] | None = None  # (rep, side) of the hold before
    previous_hold: HoldPlan | None = None
    order = sequence(model, reps)
    for k, (rep, i) in enumerate(order):
        hold, seconds = model.holds[i], dose.seconds[i]
        side = hold.side
        new_rep = previous is None or rep != previous[0] or (model.one_side_first and side != previous[1])
        switch: list = []
        if previous is not None and side and side != previous[1] \
                and (previous[0] == rep or model.one_side_first):
            switch.append(say(f"Now {announced_side(hold, side)}.", Phase.SETUP, rep=rep, side=side))
            if model.one_side_first and rep == 1:
                setup = mirrored_setup(model)
                if model.position == Position.SIDE:
                    setup = ("Roll over slowly to face the other way.", *setup)
                for j, text in enumerate(setup):
                    switch.append(say(text, Phase.SETUP, level.settle if j == len(setup) - 1 else 0, rep, side))
        if new_rep and reps > 1:
            progress = say("Last one." if rep == reps else f"Repetition {say_number(rep)} of {say_number(reps)}.",
                           Phase.MOVE, rep=rep, side=side)
            # A new side is set up before its first repetition is counted.
            switch = [*switch, progress] if model.one_side_first else [progress, *switch]
        acts += switch
        moves = moves_for(hold, i not in done)
        if not new_rep and previous_hold is not None:
            moves = still_in_place(moves, previous_hold)
        if moves and acts and isinstance(acts[-1], Say) and acts[-1].text.startswith("Now "):
            moves[0] = re.sub(r"^(?:now|then),?\s+", "", moves[0], flags=re.I)  # not "Now … Now …"
        for j, text in enumerate(moves):
            acts.append(say(text, Phase.MOVE, level.move if j == len(moves) - 1 else 0, rep, side))
        cues = hold.cues if cue_room(seconds, hold.cues) else ()
        if hold.cues and not cues and i not in done:
            acts += [say(c, Phase.MOVE, rep=rep, side=side) for c in hold.cues]
        if i not in done:
            length = say_duration(seconds)
            if hold.breaths and seconds % BREATH_S == 0:
                n = seconds // BREATH_S
                length = "one breath" if n == 1 else f"{say_number(n)} breaths"
            acts.append(say(f"Hold for {length}.", Phase.MOVE, rep=rep, side=side))  # HOLD: inside it
        spoken_cues = tuple(c for c in map(clean, cues) if c)
        acts.append(Hold(seconds, side, counts_for(seconds, level, style, spoken_cues, hold.breaths), rep))
        if hold.release:
            acts.append(say(hold.release, Phase.RELEASE, level.rest, rep, side))
        if hold.after:
            for j, text in enumerate(hold.after):
                acts.append(say(text, Phase.MOVE, level.move + 3, rep, side))
            if not RELEASE.search(hold.after[-1]):
                acts.append(say(AFTER_MOVE_RELEASE, Phase.RELEASE, level.rest, rep, side))
        elif not hold.release:
            acts.append(say(DEFAULT_RELEASE, Phase.RELEASE, level.rest, rep, side))
        done.add(i)
        end_of_rep = k + 1 == len(order) or order[k + 1][0] != rep
        if end_of_rep and reps > 2 and rep < reps and rep % 2 == 0:
            acts.append(say(encouragement(rep), Phase.REST, rep=rep, side=side))
        previous = (rep, side)
        previous_hold = hold
    return acts


PLAIN_WORDS = frozenset("your with from into onto over then that this them they back slowly gently".split())


def still_in_place(moves: list[str], before: HoldPlan) -> list[str]:
    """The second side of a pair within one repetition: what the first side
    set and its release did not undo ("stretch your arms out to the sides")
    is not said again. After a second movement (the leg lowered out to the
    side) everything is said again."""
    if before.after or len(moves) < 2:
        return moves
    def body(text: str) -> set[str]:
        return set(re.findall(r"[a-z]{4,}", text.lower())) - PLAIN_WORDS

    undone = body(before.release or "")
    kept = [m for m in moves[:-1] if is_sided(m) or m not in before.actions or undone & body(m)]
    return [*kept, moves[-1]]


def flow_actions(model: Model, dose: Dose, level: Level) -> list:
    """A repeated movement paced with the breath: "breathe out, round your
    back … breathe in, let your belly sink". A movement of more than two
    sentences is said in full each time. One done on each side: every
    repetition on one side, then the other side's own setup."""
    if model.holds:
        moves = [h.actions[-1] for h in model.holds if h.actions]
        back = model.holds[-1].release
    else:
        moves, back = list(model.movement), None
    if not moves:
        return []
    sides = [None]
    if model.plan.both_sides and not model.holds:
        first = side_rule(" ".join([*model.setup, *moves])) or "one"
        sides = [first, MIRROR.get(first, "other")]
    acts: list = []
    for n_side, side in enumerate(sides):
        if n_side:
            acts.append(say(f"Now {side_word(side)}.", Phase.SETUP, side=side))
            setup = mirrored_setup(model)
            if model.position == Position.SIDE:
                setup = ("Roll over slowly to face the other way.", *setup)
            for j, text in enumerate(setup):
                acts.append(say(text, Phase.SETUP, level.settle if j == len(setup) - 1 else 0, side=side))
            moves = [mirror_text(m) for m in moves]
        acts += paced(moves, back, dose.reps, level, side)
    return acts


def paced(moves: list[str], back: str | None, reps: int, level: Level, side: str | None) -> list:
    acts: list = []
    if len(moves) > 2:
        for rep in range(1, reps + 1):
            if reps > 1:
                acts.append(say("Last one." if rep == reps else f"Repetition {say_number(rep)} of "
                                f"{say_number(reps)}.", Phase.MOVE, rep=rep, side=side))
            for j, text in enumerate(moves):
                acts.append(say(text, Phase.MOVE, level.rep_pace if j == len(moves) - 1 else level.move,
                                rep, side))
        return acts
    moves = list(moves)
    single = len(moves) == 1
    if single:
        moves.append(back or "And relax")
    lean = [len(OUT_BREATH.findall(m)) - len(IN_BREATH.findall(m)) for m in moves]
    outs = [lean[0] > lean[1], lean[1] > lean[0]]
    if outs[0] == outs[1]:
        # One effort and its release: the effort on the out-breath.
        outs = [True, False] if single else [False, True]
    breath = lambda n: "Breathe out" if outs[n] else "Breathe in"  # noqa: E731
    pace = max(BREATH_S / 2, level.rep_pace / 2)
    if reps > 1:
        acts.append(say("We'll move with the breath, slowly.", Phase.MOVE, side=side))
    for text in moves:
        acts.append(say(brief(text)[:1].upper() + brief(text)[1:], Phase.MOVE, level.move, side=side))
    if reps == 1:
        return acts
    for rep in range(1, reps + 1):
        acts.append(say("Last one." if rep == reps else f"Repetition {say_number(rep)} of {say_number(reps)}.",
                        Phase.MOVE, rep=rep, side=side))
        for n, text in enumerate(moves):
            acts.append(say(f"{breath(n)}, {brief(text)}.", Phase.MOVE, pace, rep, side))
    return acts


# ----------------------------------------------------------------- program


def vary_praise(blocks: list[Block]) -> list[Block]:
    """Words of praise in turn over the whole session, so the same one
    never comes twice in a row."""
    turn = 0
    varied = []
    for block in blocks:
        actions = []
        for action in block.actions:
            if isinstance(action, Say) and action.phase == Phase.REST and action.text in ENCOURAGEMENT:
                action = replace(action, text=encouragement(turn))
                turn += 1
            actions.append(action)
        varied.append(replace(block, actions=tuple(actions)))
    return varied


FLOOR_WORDS = re.compile(
    r"\bsit(?:ting)? (?:down )?on (?:the|a|your) (?:floor|mat|ground)\b|\bon (?:the|a|your) mat\b"
    r"|\blegs? (?:straight|stretched) (?:out )?in front\b|\bcross-legged\b|\bsoles of your feet\b", re.I)
"""What makes "sit" mean the floor, not a chair."""


def settle_positions(models: list[Model], routine: Routine) -> list[Model]:
    """Positions the text leaves open: "sit tall" in a chair routine is the
    chair; an exercise that names none is done where the listener already is."""
    chair_routine = any(re.search(r"\bchair\b", n.text, re.I) for n in routine.notes)
    settled: list[Model] = []
    before: Position | None = None
    for model in models:
        position = model.position
        said = " ".join([*model.setup, *(a for h in model.holds for a in h.actions), *model.movement])
        if position == Position.SEATED and not FLOOR_WORDS.search(said) \
                and (before == Position.CHAIR or chair_routine and before is None):
            position = Position.CHAIR
        if position is None:
            position = before
        settled.append(replace(model, position=position))
        before = position
    return settled


def opening(routine: Routine, level: Level, models: list[Model], seconds: float, holds: bool,
            titled: bool = True) -> Block:
    steps = [s.text for e in routine.exercises for s in e.steps]
    lines = opening_lines(routine.title if titled else "", level.name, len(models), seconds, routine.notes,
                          [m.plan.name for m in models], steps, holds)
    actions = [Say(text, 0, Phase.INTRO) for text in lines] + [Say("Let's begin.", 1.0, Phase.INTRO)]
    return Block("Welcome", tuple(actions))


def closing(routine: Routine, models: list[Model]) -> Block:
    final = models[-1].position if models else None
    lines = closing_lines(final, routine.title, [m.plan.name for m in models], routine.notes)
    return Block("Well done", tuple(Say(text, 0, Phase.CLOSING) for text in lines))


def minutes_words(minutes: float) -> str:
    return "1 minute" if minutes == 1 else f"{minutes:g} minutes"


def leave_out_order(routine: Routine, level: Level, models: list[Model], lengths: dict[int, int]):
    """The exercises in the order they are left out: the routine's own list
    for this level, then the longest first."""
    listed = dict(level.leave_out).get(routine.title, ())
    first = [i for name in listed for i, m in enumerate(models) if m.plan.name == name and i in lengths]
    rest = sorted((i for i in lengths if i not in first), key=lambda i: -lengths[i])
    return iter([*dict.fromkeys(first), *rest])


def compile_program(routine: Routine, level: Level, style: str = "down", titled: bool = True) -> Program:
    """Compile a parsed routine at a level. With a time budget: repetitions
    come down to the level's floor, then whole exercises are left out (the
    routine's list first, else the longest) until it fits."""
    reps, hold = page_wide([n.text for n in routine.notes])
    models = settle_positions([model_exercise(with_page_wide(plan_exercise(e, hold), reps, hold))
                               for e in routine.exercises], routine)
    doses = [dose_for(m, level) for m in models]
    if not level.max_minutes:
        rough = sum(d.reps * (sum(d.seconds) + 8 * len(d.seconds) + 5) + 20 for d in doses)
        if rough > MAX_SESSION_S:
            raise RoutineError(f"at the {level.name} level this routine would last about "
                               f"{round(rough / 3600)} hours; check its numbers, or fit it with --minutes")
    keep = list(range(len(models)))
    left_out: list[str] = []
    left_index: dict[str, int] = {}

    def block(i: int, slot: int) -> Block:
        before = models[keep[slot - 1]].position if slot else None
        return exercise_block(models[i], doses[i], slot + 1, len(keep), before, level, style)

    if level.max_minutes:
        budget = FIT_MARGIN * level.max_minutes * 60 * SAMPLE_RATE
        ends = [estimate_block(opening(routine, level, models, 0, True)),
                estimate_block(closing(routine, models))]
        # 1. Fewer repetitions, down to each exercise's floor. When even the
        # floor does not fit, go there at once: exercises must go too (and
        # the full dose need not be laid out at all).
        floor = {i: replace(doses[i], reps=doses[i].floor) for i in keep}
        lengths = {i: estimate_block(exercise_block(models[i], floor[i], slot + 1, len(keep),
                                                    models[keep[slot - 1]].position if slot else None,
                                                    level, style)) for slot, i in enumerate(keep)}
        if estimate_total([*ends, *lengths.values()]) > budget:
            for i, dose in floor.items():
                doses[i] = dose
        else:
            lengths = {i: estimate_block(block(i, slot)) if floor[i].reps != doses[i].reps else lengths[i]
                       for slot, i in enumerate(keep)}
            while estimate_total([*ends, *lengths.values()]) > budget:
                i = max((j for j in keep if doses[j].reps > doses[j].floor),
                        key=lambda j: (doses[j].reps, lengths[j]))
                doses[i] = replace(doses[i], reps=doses[i].reps - 1)
                lengths[i] = estimate_block(block(i, keep.index(i)))
        total = estimate_total([*ends, *(lengths[i] for i in keep)])
        order = leave_out_order(routine, level, models, lengths)
        # 2. Whole exercises left out: the routine's own list first, else the longest.
        while total > budget:
            if len(keep) == 1 and not level.strict:
                # Even the one exercise left is longer than the level likes:
                # one round of it, and `show` says so.
                only = keep[0]
                doses[only] = replace(doses[only], reps=1, over=True)
                break
            if len(keep) == 1:
                need = to_seconds(total) / 60
                raise ConfigError(f"this routine cannot fit in {minutes_words(level.max_minutes)} at the "
                                  f"{level.name} level; its shortest session takes about "
                                  f"{minutes_words(math.ceil(need))}")
            i = next(order)
            slot = keep.index(i)
            keep.remove(i)
            total -= lengths[i]
            left_out.append(f"{models[i].plan.name} (to fit {minutes_words(level.max_minutes)})")
            left_index[left_out[-1]] = i
            before = models[keep[slot - 1]].position if slot else None
            if slot < len(keep) and before != models[i].position:
                # Its follower now comes from another position: a new transition.
                follower = keep[slot]
                total -= lengths[follower]
                lengths[follower] = estimate_block(block(follower, slot))
                total += lengths[follower]
        # 3. Leaving out the longest can overshoot: take back what fits, shortest first.
        slack = budget - total
        for name in sorted(left_out, key=lambda n: lengths[left_index[n]]) if left_out else ():
            i = left_index[name]
            if lengths[i] - TRANSITION_ALLOWANCE * SAMPLE_RATE > slack:
                continue  # cannot fit, whatever comes before it
            trial = sorted([*keep, i])
            slot = trial.index(i)
            saved = {j: lengths[j] for j in trial[slot: slot + 2]}
            keep[:] = trial
            grown = 0
            for s in (slot, slot + 1):
                if s < len(keep):
                    new = estimate_block(block(keep[s], s))
                    grown += new - (lengths[keep[s]] if s != slot else 0)
                    lengths[keep[s]] = new
            if grown <= slack:
                slack -= grown
                left_out.remove(name)
            else:
                keep.remove(i)
                lengths.update(saved)
    kept = [models[i] for i in keep]
    blocks = [exercise_block(models[i], doses[i], slot + 1, len(keep),
                             models[keep[slot - 1]].position if slot else None, level, style,
                             changes_for(models[i], doses[i], level),
                             named=titled or models[i].plan.name != routine.title)
              for slot, i in enumerate(keep)]
    blocks = vary_praise(blocks)
    holds = any(isinstance(a, Hold) for b in blocks for a in b.actions)
    end = closing(routine, kept)
    first = opening(routine, level, kept, 0, holds, titled)
    seconds = to_seconds(estimate_total([estimate_block(b) for b in (first, *blocks, end)]))
    first = opening(routine, level, kept, seconds, holds, titled)
    return Program(routine.title, level.name, (first, *blocks, end), tuple(left_out))


def compile_text(text: str, level: Level, name: str = "routine", file: str = "<routine>",
                 style: str = "down") -> Program:
    """Parse and compile text; errors name ``file``. A text with no title
    of its own is not called by its file name aloud."""
    try:
        routine = parse_routine(text, name)
        program = compile_program(routine, level, style, titled=routine.title != name)
        return replace(program, source=(text, routine))
    except RoutineError as exc:
        raise exc.in_file(file) from None
