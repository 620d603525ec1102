#!/usr/bin/env python3
"""Benchmark `coach export`: a routine with an empty phrase cache (cold) and
again with a warm one, against the synthesis floor measured in the same run
(espeak-ng speaking every distinct phrase of the session in ONE call), and
the peak memory of all its processes together, and the CPU time of all its
processes (steadier than the wall clock on a busy machine). Prints figures and the
targets of issue 13; asserts nothing.

    .venv/bin/python scripts/bench_export.py [--level full] [--engine piper] [--runs 3]

Times are medians of ``--runs`` runs, each cold run with a fresh cache.
Memory comes from separate runs (sampling /proc every 10 ms costs CPU): the
peak over time of the summed PSS (proportional set size: a page shared by a
fork server and its children counts once) of the exporter and every
descendant, and GNU time's peak RSS of the largest single process.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

COACH = [sys.executable, "-c", "from coach.cli import main; main()"]


def command(level: str, engine: str, out: Path) -> list[str]:
    return [*COACH, "export", level, "--engine", engine, "-o", str(out), "--force"]


def environment(cache: Path) -> dict[str, str]:
    return {**os.environ, "XDG_CACHE_HOME": str(cache), "XDG_CONFIG_HOME": str(cache.parent / "config")}


def timed(level: str, engine: str, out: Path, cache: Path, cpu: list[float] | None = None) -> float:
    """Wall-clock seconds of one export; its CPU seconds (user + system,
    all its processes: steadier than the wall clock on a busy machine) are
    appended to ``cpu``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command(level, engine, out), env=environment(cache), check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cpu is not None:
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def pss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
        except OSError:
            continue
    return total / 1024


def memory(level: str, engine: str, out: Path, cache: Path) -> tuple[float, float]:
    """(peak summed PSS of the process tree, GNU time's largest RSS), MB."""
    report = out.with_suffix(".time")
    proc = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", str(report), *command(level, engine, out)],
                            env=environment(cache), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, pss_mb(descendants(proc.pid)[1:]))  # not /usr/bin/time itself
        time.sleep(0.01)
    if proc.returncode:
        raise SystemExit(f"export failed ({proc.returncode})")
    return peak, int(report.read_text().split()[-1]) / 1024


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
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    level, engine = args.level, args.engine

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        floors, colds, warms, cold_cpu, warm_cpu = [], [], [], [], []
        for run in range(args.runs):
            cache = tmp / f"cache{run}"
            floors.append(floor(level))
            colds.append(timed(level, engine, tmp / "cold.wav", cache, cold_cpu))
            warms.append(timed(level, engine, tmp / "warm.wav", cache, warm_cpu))
        cold_pss, cold_rss = memory(level, engine, tmp / "m.wav", tmp / "mcache")
        warm_pss, warm_rss = memory(level, engine, tmp / "m.wav", tmp / "mcache")
        with wave.open(str(tmp / "warm.wav")) as w:
            audio = w.getnframes() / w.getframerate()
    synth, cold, warm = (statistics.median(x) for x in (floors, colds, warms))
    limit_mb = 150 if engine == "espeak" else 300
    print(f"level, engine         {level}, {engine}; medians of {args.runs} runs (under load: figures are noisy)")
    print(f"audio length          {audio / 60:.1f} min ({audio:.0f} s)")
    print(f"synthesis floor       {synth:.2f} s (espeak-ng, all distinct phrases, one call)")
    print(f"cold export           {cold:.2f} s   target <= {2 * synth + 1:.2f} s (2 x floor + 1 s)"
          + ("" if engine == "espeak" else f"; real-time factor {audio / cold:.0f}x"))
    print(f"warm export           {warm:.2f} s   target <= 0.60 s")
    print(f"CPU time (all procs)  cold {statistics.median(cold_cpu):.2f} s, warm {statistics.median(warm_cpu):.2f} s"
          " (medians; user + system)")
    print(f"best of runs          cold {min(colds):.2f} s, warm {min(warms):.2f} s")
    print(f"making the speech     {cold - warm:.2f} s   (cold - warm: what a cold cache adds; {(cold - warm) / synth:.1f} x the floor)")
    print(f"peak memory, cold     {cold_pss:.0f} MB all processes (PSS), largest process {cold_rss:.0f} MB RSS;"
          f" target <= {limit_mb} MB")
    print(f"peak memory, warm     {warm_pss:.0f} MB all processes (PSS), largest process {warm_rss:.0f} MB RSS")
    print(f"runs (cold, warm)     {', '.join(f'{c:.2f}/{w:.2f}' for c, w in zip(colds, warms))}")


if __name__ == "__main__":
    main()
