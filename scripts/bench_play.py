#!/usr/bin/env python3
"""Time to first sound of `coach play`, through a private PulseAudio server
(null sink, monitor recorded), with an empty phrase cache and a warm one.
Prints figures and the issue's targets; asserts nothing.

    .venv/bin/python scripts/bench_play.py [--engine espeak|piper] [--level beginner] [--runs 3]

First sound is the first recorded sample above -36 dBFS, timed from the
moment `coach play` is launched (Python start-up included). Each run plays
once with an empty cache, then fills the cache with `coach export` (a cold
play is stopped at its first sound, so it leaves most phrases unmade), then
plays again with every phrase cached.

CPU is the processor time of `coach play` and every process it started,
from launch until it has stopped after its first sound: unlike the wall
clock, it hardly changes when other work shares the machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from pulse import onsets, pulse_server  # noqa: E402  (the test harness)

from coach.app import WAKE_S  # noqa: E402

COACH = [sys.executable, "-c", "from coach.cli import main; main()"]
TARGETS = {"espeak": (1.0, 0.5), "piper": (2.5, 0.5)}
"""First-sound targets of issue 13, seconds: (cold cache, warm cache)."""


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def first_sound(server, env: dict[str, str], level: str, engine: str,
                timeout: float = 60) -> tuple[float, float]:
    """(Seconds from launching `coach play` to its first audible sample, CPU
    seconds it and its helpers used until it stopped)."""
    cpu = cpu_of_children()
    with server.record() as rec:
        launched = time.monotonic()
        proc = subprocess.Popen([*COACH, "play", level, "--quiet", "--engine", engine],
                                env={**server.env, **env}, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        heard = None
        while heard is None and time.monotonic() < launched + timeout and proc.poll() is None:
            time.sleep(0.05)
            data = b"".join(rec._chunks)
            found = onsets(np.frombuffer(data[: len(data) // 2 * 2], np.int16), threshold=500)
            heard = found[0] if len(found) else None
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=15)
    if heard is None:
        raise SystemExit(f"no sound within {timeout:.0f} s: {err.strip()[-300:]}")
    return rec.time_of(int(heard)) - launched, cpu_of_children() - cpu


def warm_up(env: dict[str, str], level: str, engine: str, folder: str) -> None:
    """Every phrase of the session into the cache."""
    done = subprocess.run([*COACH, "export", level, "--engine", engine, "-o", f"{folder}/warm.wav"],
                          env={**os.environ, **env}, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"export failed: {done.stderr.strip()[-300:]}")


def figures(label: str, runs: list[tuple[float, float]], target: float) -> str:
    times, cpu = [t for t, _ in runs], [c for _, c in runs]
    return (f"{label:27}median {np.median(times):.2f} s, best {min(times):.2f}, worst {max(times):.2f} "
            f"of {len(runs)} (target <= {target} s); CPU median {np.median(cpu):.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--level", default="beginner")
    parser.add_argument("--engine", default="espeak", choices=sorted(TARGETS))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cold, warm = [], []
    with pulse_server() as server:
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as tmp:
                env = {"XDG_CACHE_HOME": f"{tmp}/cache", "XDG_STATE_HOME": f"{tmp}/state",
                       "XDG_CONFIG_HOME": f"{tmp}/config"}
                cold.append(first_sound(server, env, args.level, args.engine))
                warm_up(env, args.level, args.engine, tmp)
                warm.append(first_sound(server, env, args.level, args.engine))
    cold_target, warm_target = TARGETS[args.engine]
    print(f"engine, level              {args.engine}, {args.level}")
    print(figures("first sound, cold cache", cold, cold_target))
    print(figures("first sound, warm cache", warm, warm_target))
    print(f"(live play opens with {WAKE_S} s of silence before the first cue)")


if __name__ == "__main__":
    main()
