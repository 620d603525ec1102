"""Routine + Level -> Program: what the coach says and does, in order.

Written for someone lying on the floor with eyes closed: the name and purpose
of each exercise, setup once with time to get into position, then per
repetition the movement (in full the first time, a short reminder after),
"hold", a count to follow, a clear release, and "now the other side" where
sides change. A safety opening with the session's length, a closing that
suggests a walk. Pure: no I/O, no TTS.
"""

from __future__ import annotations

from dataclasses import replace

from coach.errors import RoutineError
from coach.levels import Level
from coach.model import Beep, BeepKind, Block, Count, Hold, HoldSpec, Pause, Program, Routine, Say
from coach.script.parse import parse_routine
from coach.script.plan import ExercisePlan, HoldPlan, plan_exercise
from coach.script.words import say_number
from coach.timeline import estimate
from coach.units import SAMPLE_RATE

SAFETY = (
    "Move slowly and gently, and keep breathing the whole time: never hold your breath.",
    "Stretch only until you feel a mild pull. If you feel sharp pain, stop.",
    "Take extra care with moves that round your back forward or arch it backward.",
    "If back pain lasts more than two weeks, makes it hard to walk or move your legs, "
    "or affects your bladder or bowel, see a doctor soon.",
    "A rising tone starts each hold. A falling tone ends it.",
)
CLOSING = (
    "That's the whole routine. Well done.",
    "Lie still for a moment and notice how your back feels.",
    "When you're ready, roll onto your side and get up slowly.",
    "If you can, go for a short, easy walk now. It keeps your back moving.",
)
BREATHE = "Breathe slowly."
KEEP_BREATHING = "Keep breathing."
HALFWAY = "Halfway."
DEFAULT_RELEASE = "And release."
FIT_MARGIN = 0.95
"""Fit a time budget with room to spare: speech estimates are rough."""


def counts_for(seconds: int, level: Level, style: str = "down") -> tuple[Count, ...]:
    """What is said during a hold. Short holds: every second (counting down
    what is left, or up). Long holds: a breathing reminder, "halfway", and
    the last five seconds."""
    if seconds <= level.count_all_up_to:
        ks = range(1, seconds)
        return tuple(Count(k, say_number(seconds - k if style == "down" else k)) for k in ks)
    said = {3: BREATHE, seconds // 2: HALFWAY}
    if seconds >= 40:
        said[round(seconds * 0.75)] = KEEP_BREATHING
    for left in range(5, 0, -1):
        said[seconds - left] = say_number(left)
    return tuple(Count(k, text) for k, text in sorted(said.items()))


def minutes_phrase(seconds: float) -> str:
    minutes = max(1, round(seconds / 60))
    return "about one minute" if minutes == 1 else f"about {say_number(minutes)} minutes"


def hold_seconds(hold: HoldPlan, level: Level) -> int:
    return hold.seconds.pick(level.range_end) if hold.seconds else level.default_hold


def side_change(previous: str | None, side: str | None) -> str | None:
    """What to say when the side changes between two holds, if it does."""
    if not side or not previous or side == previous:
        return None
    if side in ("left", "right"):
        return f"Now the {side} side."
    return "Now the other side."


def exercise_block(plan: ExercisePlan, number: int, total: int, level: Level, reps_cap: int,
                   style: str) -> Block:
    """Everything said and done for one exercise."""
    reps = min(plan.reps.pick(level.range_end), reps_cap)
    holds = [(h, hold_seconds(h, level)) for h in plan.holds]
    actions: list = [Beep(BeepKind.NEXT), Say(f"Exercise {say_number(number)} of {say_number(total)}: {plan.name}.")]
    if plan.purpose:
        actions.append(Say(plan.purpose))
    if reps > 1:
        actions.append(Say(f"We'll do this {say_number(reps)} times."))
    for i, text in enumerate(plan.setup):
        actions.append(Say(text, pause=level.settle if i == len(plan.setup) - 1 else 0))

    for rep in range(1, reps + 1):
        if reps > 1:
            actions.append(Say(f"Repetition {say_number(rep)} of {say_number(reps)}."))
        previous_side = None
        for hold, seconds in holds:
            change = side_change(previous_side, hold.side)
            if change:
                actions += [Beep(BeepKind.SIDE), Say(change)]
            previous_side = hold.side
            moves = hold.actions if rep == 1 else hold.actions[-1:]
            for i, text in enumerate(moves):
                actions.append(Say(text, pause=level.move if i == len(moves) - 1 else 0))
            if rep == 1:  # later, the rising tone alone says "hold"
                actions.append(Say(f"Hold for {say_number(seconds)} seconds."))
            actions.append(Hold(seconds, hold.side, counts_for(seconds, level, style)))
            actions.append(Say(hold.release or DEFAULT_RELEASE, pause=level.rest))
        moves = plan.movement if rep == 1 else plan.movement[-1:]
        if moves and not holds:
            # A movement with no hold: say it, then count the repetition.
            actions += [Say(t) for t in moves]
            actions.append(Pause(level.rep_pace))
        elif moves:
            actions += [Say(t, pause=level.move) for t in moves]
    actions += [Say("Rest.", pause=level.transition)]
    return Block(
        name=plan.name,
        actions=tuple(actions),
        reps=reps,
        holds=tuple(HoldSpec(s, h.side) for h, s in holds),
        warnings=plan.warnings,
        is_exercise=True,
    )


def opening(title: str, level: Level, count: int, seconds: float) -> Block:
    actions = [
        Say(f"Welcome. This is {title}, at the {level.name} level: "
            f"{say_number(count)} exercises, {minutes_phrase(seconds)}."),
        *[Say(text) for text in SAFETY],
        Say("Let's begin.", pause=1.0),
    ]
    return Block("Welcome", tuple(actions))


def closing() -> Block:
    return Block("Well done", (Beep(BeepKind.NEXT), *[Say(text) for text in CLOSING]))


def compile_program(routine: Routine, level: Level, style: str = "down") -> Program:
    """Compile a parsed routine at a level. Repetitions are capped by the
    level; if the level has a time budget, the exercise with the most
    repetitions loses one until the session fits (never below one)."""
    plans = [plan_exercise(e) for e in routine.exercises]
    caps = [level.max_reps] * len(plans)
    while True:
        blocks = [exercise_block(p, i, len(plans), level, cap, style)
                  for i, (p, cap) in enumerate(zip(plans, caps), 1)]
        program = Program(routine.title, level.name,
                          (opening(routine.title, level, len(plans), 0), *blocks, closing()))
        seconds = estimate(program).length / SAMPLE_RATE
        reps = [b.reps for b in blocks]
        if not level.max_minutes or seconds <= FIT_MARGIN * level.max_minutes * 60 or max(reps) == 1:
            break
        most = reps.index(max(reps))
        caps[most] = reps[most] - 1
    first = opening(routine.title, level, len(plans), seconds)
    return replace(program, blocks=(first, *program.blocks[1:]))


def compile_text(text: str, level: Level, name: str = "routine", file: str = "<routine>",
                 style: str = "down") -> Program:
    """Parse and compile text; errors name ``file``."""
    try:
        return compile_program(parse_routine(text, name), level, style)
    except RoutineError as exc:
        raise exc.in_file(file) from None
