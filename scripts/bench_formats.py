#!/usr/bin/env python3
"""Benchmark `coach export` in every format: for the full routine, the file
size, a cold export (empty phrase cache) and a warm one, and the peak RSS of
the exporter and its children (ffmpeg included). Targets (issue 11): warm
<= 10 s in every format, MP3 <= 25 MB, Opus <= 15 MB. Prints figures;
asserts nothing.

    .venv/bin/python scripts/bench_formats.py [--level full] [--formats mp3,opus]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FORMATS = ["wav", "mp3", "m4b", "opus", "flac"]
LIMIT_MB = {"mp3": 25, "opus": 15}


def export(level: str, out: Path, cache: Path) -> tuple[float, float]:
    """Run `coach export` in a child; return (wall seconds, peak RSS in MB of
    the largest process: the exporter, a speech worker or ffmpeg)."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    report = out.with_name(out.name + ".time")
    start = time.perf_counter()
    subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(report), sys.executable, "-c",
                    "from coach.cli import main; main()", "export", level, "-o", str(out), "--force"],
                   env=env, check=True, capture_output=True)
    wall = time.perf_counter() - start
    return wall, int(report.read_text().split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--level", default="full")
    parser.add_argument("--formats", default=",".join(FORMATS), help="comma-separated extensions")
    args = parser.parse_args()
    print(f"level {args.level}; load average {os.getloadavg()[0]:.2f} (figures are noisy under load)")
    print(f"{'format':7} {'size MB':>8} {'cold s':>7} {'warm s':>7} {'RSS MB':>7}  target")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for ext in args.formats.split(","):
            out = tmp / f"session.{ext}"
            cold, _ = export(args.level, out, tmp / f"cache-{ext}")  # each cold run has its own empty cache
            warm, rss = export(args.level, out, tmp / f"cache-{ext}")
            size = out.stat().st_size / 1e6
            target = "warm <= 10 s" + (f", <= {LIMIT_MB[ext]} MB" if ext in LIMIT_MB else "")
            print(f"{ext:7} {size:8.1f} {cold:7.2f} {warm:7.2f} {rss:7.0f}  {target}")


if __name__ == "__main__":
    main()
