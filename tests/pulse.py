"""A private PulseAudio server with a null sink, its monitor recorded, and
helpers to line a recording up with the samples that were meant to play.

ALSA's ``null`` device is not paced by a clock; a PulseAudio null sink is, so
recording its monitor shows when every sample really went out.

Two settings differ from the plain recipe in DESIGN.md, both measured here:

- ``norewinds=1`` on the null sink. Without it, every new stream rewinds the
  sink and the monitor recording silently loses up to a second at each start
  (a pause showed up ~0.9 s shorter than it was).
- the sink runs at 22,050 Hz mono like coach, and ``parec`` asks for 10 ms
  latency. With 100 ms the sink mixes new streams in 50 ms steps, and with a
  44.1 kHz sink the resampler moves a hand-over by up to ±13 ms.

Usage::

    with pulse_server() as server, server.record() as rec:
        ...play through the default ALSA device...
    samples = rec.samples
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from coach.units import SAMPLE_RATE

SINK = "coach"
ALSA_TO_PULSE = "pcm.!default { type pulse }\nctl.!default { type pulse }\n"
"""An ALSA configuration whose default device is PulseAudio (needs the
pulse plugin from libasound2-plugins)."""


def missing() -> str | None:
    """Why a real-server test cannot run here, or None if it can."""
    for tool in ("pulseaudio", "pactl", "parec"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install pulseaudio pulseaudio-utils)"
    plugin = "alsa-lib/libasound_module_pcm_pulse.so"
    if not glob.glob(f"/usr/lib/*/{plugin}") + glob.glob(f"/usr/lib*/{plugin}"):
        return "the ALSA pulse plugin is not installed (apt-get install libasound2-plugins)"
    return None


class Recording:
    """``parec`` writing the null sink's monitor, read on a thread. ``samples``
    holds int16 mono at SAMPLE_RATE once the context ends; ``start_time`` is
    the ``time.monotonic()`` of recorded sample 0 (within a few ms)."""

    def __init__(self, env: dict[str, str]):
        self.samples = np.zeros(0, np.int16)
        self.start_time = float("inf")
        self._chunks: list[bytes] = []
        self._proc = subprocess.Popen(
            ["parec", "-d", f"{SINK}.monitor", "--latency-msec=10", "--raw",
             "--format=s16le", f"--rate={SAMPLE_RATE}", "--channels=1"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.wait_for(0.2)

    def _read(self) -> None:
        got = 0
        while chunk := self._proc.stdout.read(441 * 2):
            self._chunks.append(chunk)
            got += len(chunk) // 2
            # The earliest arrival bounds when sample 0 was recorded.
            self.start_time = min(self.start_time, time.monotonic() - got / SAMPLE_RATE)

    def wait_for(self, seconds: float, timeout: float = 10.0) -> None:
        """Block until ``seconds`` of audio have been recorded."""
        deadline = time.monotonic() + timeout
        while sum(map(len, self._chunks)) < seconds * SAMPLE_RATE * 2:
            if time.monotonic() > deadline or self._proc.poll() is not None:
                raise RuntimeError("parec is not recording")
            time.sleep(0.01)

    def time_of(self, sample: int) -> float:
        """``time.monotonic()`` at which recorded ``sample`` went out."""
        return self.start_time + sample / SAMPLE_RATE

    def close(self) -> None:
        self._proc.terminate()
        self._proc.wait(5)
        self._reader.join(5)
        data = b"".join(self._chunks)
        self.samples = np.frombuffer(data[: len(data) // 2 * 2], np.int16).copy()

    def __enter__(self) -> Recording:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class PulseServer:
    """A running private server. ``env`` reaches it (ALSA default included);
    ``use()`` points this process at it."""

    def __init__(self, root: Path, proc: subprocess.Popen):
        self.root, self.proc = root, proc
        alsa = root / "alsa.conf"
        alsa.write_text(ALSA_TO_PULSE)
        self.vars = {"XDG_RUNTIME_DIR": str(root / "run"),
                     "PULSE_SERVER": f"unix:{root / 'run' / 'pulse' / 'native'}",
                     "ALSA_CONFIG_PATH": str(alsa)}
        self.env = {**os.environ, **self.vars}

    def use(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Send this process's ALSA default to the server (for the test)."""
        for name, value in self.vars.items():
            monkeypatch.setenv(name, value)

    def record(self) -> Recording:
        return Recording(self.env)

    def freeze(self) -> None:
        """Stop the server process (it hangs, as a stuck server would)."""
        self.proc.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.proc.send_signal(signal.SIGCONT)


@contextmanager
def pulse_server() -> Iterator[PulseServer]:
    """Start a private PulseAudio server with a null sink as its default;
    kill it and remove its files afterwards. Skips the test when PulseAudio
    is not installed."""
    reason = missing()
    if reason:
        pytest.skip(reason)
    root = Path(tempfile.mkdtemp(prefix="coach-pulse-"))
    (root / "run").mkdir(mode=0o700)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(root / "run"), "HOME": str(root)}
    proc = subprocess.Popen(
        ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit",
         "--use-pid-file=no", "--log-target=stderr", "--log-level=error",
         "-L", "module-native-protocol-unix auth-anonymous=1",
         "-L", f"module-null-sink sink_name={SINK} rate={SAMPLE_RATE} channels=1 "
               "format=s16le norewinds=1",
         "-L", "module-always-sink"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = PulseServer(root, proc)
    try:
        _wait_ready(server)
        subprocess.run(["pactl", "set-default-sink", SINK], env=server.env, check=True,
                       capture_output=True, timeout=10)
        yield server
    finally:
        server.thaw()
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        proc.stderr.close()
        shutil.rmtree(root, ignore_errors=True)


def _wait_ready(server: PulseServer, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"pulseaudio exited: {server.proc.stderr.read().decode()[-500:]}")
        if subprocess.run(["pactl", "info"], env=server.env, capture_output=True,
                          timeout=10).returncode == 0:
            return
        time.sleep(0.05)
    raise RuntimeError("pulseaudio did not start within 10 s")


# ---------------------------------------------------------------- analysis


def onsets(samples: np.ndarray, threshold: int = 2000, gap: float = 0.05) -> np.ndarray:
    """Sample indices where sound starts: above ``threshold`` after at least
    ``gap`` seconds below it."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > threshold)
    if len(loud) == 0:
        return loud
    starts = np.diff(loud) > gap * SAMPLE_RATE
    return np.concatenate(([loud[0]], loud[1:][starts]))


def _correlate(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Full cross-correlation of ``a`` against ``b`` via FFT: index
    ``k + len(b) - 1`` holds sum(a[n + k] * b[n])."""
    n = len(a) + len(b) - 1
    size = 1 << (n - 1).bit_length()
    spec = np.fft.rfft(a.astype(np.float64), size) * np.conj(np.fft.rfft(b.astype(np.float64), size))
    full = np.fft.irfft(spec, size)
    return np.concatenate((full[-(len(b) - 1):] if len(b) > 1 else [], full[: len(a)]))


def lag(recording: np.ndarray, reference: np.ndarray) -> int:
    """Samples by which ``reference`` is delayed in ``recording`` (the shift
    with the strongest cross-correlation)."""
    corr = _correlate(recording, reference)
    return int(np.argmax(corr)) - (len(reference) - 1)


def window_lags(recording: np.ndarray, reference: np.ndarray, around: int, *,
                windows: list[tuple[int, int]] | None = None, window: float = 1.0,
                search: float = 0.1) -> list[tuple[int, int, float]]:
    """Line up stretches of ``reference`` with ``recording``: the given
    ``windows`` as (start, length) samples, or else every ``window``-second
    stretch that has sound. For each: (its start, its lag in ``recording``
    within ``search`` s of ``around``, how well it matches there, 1.0 being
    the same samples up to gain). A constant lag means no drift and no jump;
    a poor match means something was lost or damaged."""
    reach = int(search * SAMPLE_RATE)
    if windows is None:
        size = int(window * SAMPLE_RATE)
        windows = [(s, size) for s in range(0, len(reference) - size + 1, size)
                   if np.max(np.abs(reference[s:s + size])) >= 1000]
    out = []
    for start, size in windows:
        piece = reference[start:start + size].astype(np.float64)
        lo, hi = start + around - reach, start + around + reach + size
        if lo < 0 or hi > len(recording):
            out.append((start, around, 0.0))  # not even recorded
            continue
        corr = _correlate(recording[lo:hi], piece)[size - 1: size - 1 + 2 * reach + 1]
        best = int(np.argmax(corr))
        heard = recording[lo + best: lo + best + size].astype(np.float64)
        match = corr[best] / (np.linalg.norm(piece) * np.linalg.norm(heard) + 1e-9)
        out.append((start, around - reach + best, float(match)))
    return out


def spread(lags: list[tuple[int, int, float]]) -> float:
    """Largest minus smallest lag, seconds."""
    values = [lag for _, lag, _ in lags]
    return (max(values) - min(values)) / SAMPLE_RATE
