#!/usr/bin/env python3
"""Time the compile of hostile inputs at the routine size limit (issue 9):
each must finish within 1 s on an idle machine.

    .venv/bin/python scripts/bench_hostile.py

Prints seconds per input (best of 3) and the slowest."""

import time

from coach.errors import RoutineError
from coach.levels import get_level
from coach.script.compile import compile_text
from coach.script.load import MAX_BYTES as LIMIT

INPUTS = {
    "commas after a hold": "## A\n\nLie down. Hold for 20 seconds" + "," * LIMIT,
    "4,000 nines": "## A\n\nLie down. Hold for " + "9" * 4000 + " seconds.\n",
    "repeated e.g.": "## A\n\nLie down. " + "e.g. " * (LIMIT // 5),
    "do do": "## A\n\nLie down. Hold for 5 seconds. " + "do " * (LIMIT // 3),
    "bangs": "## A\n\nLie down. Hold for 5 seconds. " + "!" * LIMIT + "\n",
    "and and": "## A\n\nLie down. Hold for 5 seconds. " + "and " * (LIMIT // 4),
    "1. A lines": "1. A\n" * (LIMIT // 5),
    "Lie lines": "Lie\n" * (LIMIT // 4),
    "distinct Lie lines": "".join(f"Lie {i}\n" for i in range(LIMIT // 5)),
    "repeat repeat": "## A\n\nLie down. Hold 5 seconds. " + "repeat " * (LIMIT // 7),
    "twenty twenty": "## A\n\nLie. Hold for " + "twenty " * (LIMIT // 7),
    "switch legs": "## A\n\nLie. Hold for 5 seconds. " + "switch legs " * (LIMIT // 12),
    "digits and spaces": "## A\n\nLie. Hold for 5 seconds. " + "1 " * (LIMIT // 2),
    "dashes": "## A\n\nHold for 5" + "-" * LIMIT + "seconds\n",
    "400 knee hugs": "".join(f"## Knee hug {i}\n\n- Lie on your back.\n- Hug your knees.\n"
                             f"- Hold for 20 seconds.\n- Repeat 3 times.\n\n" for i in range(400)),
}


def main() -> None:
    level = get_level("full")
    worst = ("", 0.0)
    for name, text in INPUTS.items():
        text = text[:LIMIT]
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            try:
                compile_text(text, level)
            except RoutineError:
                pass
            best = min(best, time.perf_counter() - start)
        print(f"{name:22} {best:6.2f} s")
        worst = max(worst, (name, best), key=lambda w: w[1])
    print(f"slowest: {worst[0]} {worst[1]:.2f} s")


if __name__ == "__main__":
    main()
