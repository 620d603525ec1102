#!/usr/bin/env python3
"""Time to first sound of `coach play`, through a private PulseAudio server
(null sink, monitor recorded), with an empty phrase cache and a warm one.
Prints figures; asserts nothing.

    .venv/bin/python scripts/bench_play.py [--level beginner] [--runs 3]
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from pulse import onsets, pulse_server  # noqa: E402  (the test harness)

COACH = [sys.executable, "-c", "from coach.cli import main; main()"]


def first_sound(server, env: dict[str, str], level: str) -> float:
    """Seconds from launching `coach play` to its first audible sample."""
    with server.record() as rec:
        launched = time.monotonic()
        proc = subprocess.Popen([*COACH, "play", level, "--quiet"], env={**server.env, **env},
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = launched + 30
        heard = None
        while heard is None and time.monotonic() < deadline:
            time.sleep(0.1)
            data = b"".join(rec._chunks)
            import numpy as np

            found = onsets(np.frombuffer(data[: len(data) // 2 * 2], np.int16), threshold=500)
            heard = found[0] if len(found) else None
        proc.send_signal(signal.SIGINT)
        proc.wait(15)
    if heard is None:
        raise SystemExit("no sound within 30 s")
    return rec.time_of(int(heard)) - launched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--level", default="beginner")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cold, warm = [], []
    with pulse_server() as server:
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as tmp:
                env = {"XDG_CACHE_HOME": f"{tmp}/cache", "XDG_STATE_HOME": f"{tmp}/state",
                       "XDG_CONFIG_HOME": f"{tmp}/config"}
                cold.append(first_sound(server, env, args.level))
                warm.append(first_sound(server, env, args.level))
    print(f"level                      {args.level}")
    print(f"first sound, cold cache    {min(cold):.2f} s best, {max(cold):.2f} s worst of {args.runs}")
    print(f"first sound, warm cache    {min(warm):.2f} s best, {max(warm):.2f} s worst of {args.runs} (target < 1 s)")
    print("(live play opens with 0.3 s of silence before the first cue)")


if __name__ == "__main__":
    main()
