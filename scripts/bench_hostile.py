#!/usr/bin/env python3
"""Time the compile of hostile inputs at the routine size limit (issue 9):
each must finish within 1 s on an idle machine.

    .venv/bin/python scripts/bench_hostile.py

Prints seconds per input (best of 3) and the slowest."""

import sys
import time
from pathlib import Path

from coach.errors import RoutineError
from coach.levels import get_level
from coach.script.compile import compile_text
from coach.script.load import MAX_BYTES as LIMIT

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from test_fuzz import SLOW  # noqa: E402  (the regression inputs, kept in one place)

INPUTS = {
    **SLOW,
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
