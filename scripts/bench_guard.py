#!/usr/bin/env python3
"""Benchmark the guard (coach.render.guard) on a real session: the mix of a
routine (speech from the phrase cache, made first if missing) is cut the way
the export cuts it (mixer.blocks(): BLOCK samples + 2 x CONTEXT) and the way
live play does (1 s blocks), and only the time inside guard() is counted.
Prints figures; asserts nothing.

    .venv/bin/python scripts/bench_guard.py [--level full] [--engine espeak] [--runs 3] [--music pad]

Also prints a digest of the guarded export samples, so two versions of the
guard can be checked to give the very same output.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import time

import numpy as np

from coach.config import load_settings
from coach.render import guard as guard_module
from coach.render.mix import BLOCK
from coach.render.session import engine_for, music_for, render
from coach.script.load import program_for
from coach.units import SAMPLE_RATE


def timed_guard(mixer, block: int) -> tuple[float, str, float]:
    """(seconds inside guard_padded(), digest of the int16 output, seconds of the
    whole render) over the session in ``block`` sample steps."""
    spent = 0.0
    inner = guard_module.guard_padded

    def counted(x):
        nonlocal spent
        start = time.perf_counter()
        out = inner(x)
        spent += time.perf_counter() - start
        return out

    digest = hashlib.sha256()
    guard_module.guard_padded = counted
    try:
        start = time.perf_counter()
        for at in range(0, mixer.length, block):
            digest.update(mixer.render(at, min(block, mixer.length - at)).tobytes())
        whole = time.perf_counter() - start
    finally:
        guard_module.guard_padded = inner
    return spent, digest.hexdigest()[:16], whole


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--level", default="full")
    parser.add_argument("--engine", default="espeak")
    parser.add_argument("--music", default=None, help="'pad' or a music file (default: none)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    settings, source = load_settings({"engine": args.engine, "music": args.music})
    program = program_for(args.level, settings, source)
    mixer = render(program, engine_for(settings), music=music_for(settings))
    minutes = mixer.length / SAMPLE_RATE / 60
    print(f"session               {args.level}, {args.engine}, music {args.music or 'none'}: {minutes:.1f} min;"
          f" medians of {args.runs} runs (under load: figures are noisy)")
    for name, block in (("export blocks", BLOCK), ("live play, 1 s", SAMPLE_RATE)):
        runs = [timed_guard(mixer, block) for _ in range(args.runs)]
        inside = statistics.median(r[0] for r in runs)
        whole = statistics.median(r[2] for r in runs)
        print(f"{name:<21} guard() {inside:.3f} s, whole render {whole:.3f} s;"
              f" output digest {runs[0][1]}")


if __name__ == "__main__":
    main()
