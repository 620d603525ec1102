"""How long compiling takes: the built-in routine and the seed at both
levels, and generated routines of 100 and 400 exercises at beginner (the
time-budget fit), with and without --minutes.

    .venv/bin/python scripts/bench_compile.py [SEED]
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

from coach.levels import get_level
from coach.script.compile import compile_text

ROOT = Path(__file__).resolve().parent.parent
SEED = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "seed" / "back-stretches.txt"


def generated(n: int) -> str:
    sides = ["left", "right"]
    parts = ["# Many stretches\n"]
    for i in range(n):
        side = sides[i % 2]
        parts.append(
            f"## Stretch {i}\n\n- Lie on your back with your knees bent.\n"
            f"- Lift your {side} leg and hold it behind the thigh.\n- Hold for 20 to 30 seconds.\n"
            f"- Lower your leg back down.\n- Repeat on the other side.\n- Repeat {3 + i % 8} times.\n")
    return "\n".join(parts)


def timed(label: str, text: str, level: str, minutes: float | None = None) -> None:
    chosen = get_level(level)
    if minutes:
        chosen = replace(chosen, max_minutes=minutes)
    start = time.perf_counter()
    program = compile_text(text, chosen)
    took = time.perf_counter() - start
    print(f"{label:34} {level:9} {took * 1000:8.1f} ms  {len(program.exercises):4} exercises kept, "
          f"{len(program.left_out):4} left out, {len(text) / 1024:6.1f} kB")


def phases(text: str) -> None:
    """Where the time of one big compile goes."""
    from coach.script.compile import compile_program
    from coach.script.parse import parse_routine
    from coach.script.plan import plan_exercise

    start = time.perf_counter()
    routine = parse_routine(text)
    parsed = time.perf_counter()
    for exercise in routine.exercises:
        plan_exercise(exercise)
    planned = time.perf_counter()
    compile_program(routine, get_level("beginner"))
    done = time.perf_counter()
    print(f"  {len(text) / 1024:.0f} kB at beginner: parse {(parsed - start) * 1000:.0f} ms, timing rules "
          f"(plan) {(planned - parsed) * 1000:.0f} ms, model + script + fit "
          f"{(done - planned - (planned - parsed)) * 1000:.0f} ms")


def main() -> None:
    back = (ROOT / "coach" / "routines" / "back.md").read_text()
    for level in ("beginner", "full"):
        timed("built-in back routine", back, level)
    if SEED.exists():
        for level in ("beginner", "full"):
            timed("seed article", SEED.read_text(), level)
    for n in (100, 400, 1230):  # 1230 exercises: about 256 kB, the size limit
        text = generated(n)
        timed(f"generated, {n} exercises", text, "beginner")
        timed(f"generated, {n} exercises, 60 min", text, "full", 60)
    phases(generated(1230))


if __name__ == "__main__":
    main()
