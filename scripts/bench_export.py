#!/usr/bin/env python3
"""Benchmark `coach export`: the full routine with an empty phrase cache and
again with a warm one, against the synthesis floor (espeak-ng speaking every
distinct phrase of the session in one call). Prints figures; asserts nothing.

    .venv/bin/python scripts/bench_export.py [--level full] [--engine piper]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def export(level: str, out: Path, cache: Path, engine: str) -> tuple[float, float]:
    """Run `coach export` in a child; return (wall seconds, peak RSS in MB
    of the largest process, the exporter or any of its children, from GNU
    time)."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    report = out.with_suffix(".time")
    start = time.perf_counter()
    subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(report), sys.executable, "-c",
                    "from coach.cli import main; main()", "export", level, "--engine", engine, "-o", str(out)],
                   env=env, check=True, capture_output=True)
    wall = time.perf_counter() - start
    return wall, int(report.read_text().split()[-1]) / 1024


def floor(level: str) -> float:
    """espeak-ng speaking all distinct phrases of the session in one call."""
    from coach.render.session import phrases
    from coach.script.load import load_program

    text = "\n".join(phrases(load_program(level)))
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "175", "-w", f"{tmp}/all.wav", text], check=True)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--level", default="full")
    parser.add_argument("--engine", default="espeak", help="espeak (default) or piper")
    args = parser.parse_args()
    level, engine = args.level, args.engine
    import wave

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        synth = floor(level)
        cold, cold_mb = export(level, tmp / "cold.wav", tmp / "cache", engine)
        warm, warm_mb = export(level, tmp / "warm.wav", tmp / "cache", engine)
        with wave.open(str(tmp / "warm.wav")) as w:
            audio = w.getnframes() / w.getframerate()
    print(f"level, engine         {level}, {engine}")
    print(f"audio length          {audio / 60:.1f} min ({audio:.0f} s)")
    print(f"synthesis floor       {synth:.2f} s (espeak-ng, all distinct phrases, one call)")
    if engine != "espeak":
        print(f"cold real-time factor {audio / cold:.0f}x ({engine}; the floor above is espeak-ng's)")
    print(f"cold export           {cold:.2f} s   target <= {2 * synth + 2:.2f} s (2 x floor + 2 s); peak RSS {cold_mb:.0f} MB")
    print(f"warm export           {warm:.2f} s   real-time factor {audio / warm:.0f}x (target >= 500x); peak RSS {warm_mb:.0f} MB")
    print("memory target         <= 150 MB (peak RSS: the largest of the exporter, its speech workers and its meter)")


if __name__ == "__main__":
    main()
