"""Speech engines: phrases in, trimmed float32 clips out.

    Engine (protocol)   key + synthesize(texts) -> one clip per text
     ├── EspeakEngine   libespeak-ng, one fork per phrase: the real voice
     └── FakeEngine     soft tones, ~0.3 s per word: instant, for tests

Every clip is mono float32 in [-1, 1] at ``SAMPLE_RATE`` and starts where the
phrase becomes audible (leading silence trimmed by detected onset), so a cue's
time in the timeline is the moment the listener hears it. ``make_engine``
picks an engine by name; ``list_voices`` is what ``coach voices`` shows.
The real engines speak in server processes (fork_server.py) and have a
``close()`` that ends them at once; ``Speech`` calls it when it closes.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import queue
import struct
import subprocess
import sys
import threading
import weakref
import zlib
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from coach.errors import ConfigError, TtsError, VoiceError
from coach.units import SAMPLE_RATE, to_samples

Progress = Callable[[int], None]
"""Called with the number of phrases just finished (an increment)."""

DEFAULT_VOICE = "en-us"
DEFAULT_RATE = 175
"""Words per minute: espeak-ng's own default, calm enough to follow."""
RATE_RANGE = (80, 450)
"""What espeak-ng accepts, words per minute."""

ONSET_DB = -40.0
"""A sample is audible when it is within this many dB of the clip's peak."""
TAIL_SECONDS = 0.030
"""Natural decay kept after the last audible sample."""
FADE_SECONDS = 0.005
"""Raised-cosine fade over the very end of the kept tail (no click)."""
ZERO_CROSS_SECONDS = 0.002
"""How far before the onset to look for a zero crossing to cut at."""

NOT_INSTALLED = (
    "espeak-ng is not installed: install it with `sudo apt-get install espeak-ng`"
    " and try again."
)


class Engine(Protocol):
    """A speech engine. One instance and one set-up serve many phrases."""

    key: str
    """Identity of the voice for the phrase cache, e.g. ``espeak/en-us/175``:
    two engines with the same key must produce the same speech."""

    def synthesize(
        self, texts: Sequence[str], progress: Progress | None = None
    ) -> list[np.ndarray]:
        """One trimmed float32 clip per text, in order (empty for a text with
        nothing to say). ``progress`` is called as phrases finish."""
        ...


# ------------------------------------------------------------------ trimming


def check_rate(rate: int | None) -> int:
    """A speaking rate in words per minute (DEFAULT_RATE when None), or
    ConfigError when no engine can speak at it."""
    rate = DEFAULT_RATE if rate is None else int(rate)
    low, high = RATE_RANGE
    if not low <= rate <= high:
        raise ConfigError(f"Speech rate {rate} is out of range: choose {low} to {high} words per minute.")
    return rate


def trim(clip: np.ndarray, threshold_db: float = ONSET_DB) -> np.ndarray:
    """Cut leading and trailing silence: the result starts at the detected
    onset (or the zero crossing up to 2 ms before it) and keeps
    ``TAIL_SECONDS`` of decay after the last audible sample, faded to zero.
    A clip with no sound gives an empty array."""
    clip = np.asarray(clip, dtype=np.float32)
    peak = float(np.max(np.abs(clip))) if clip.size else 0.0
    if peak == 0.0:
        return np.zeros(0, dtype=np.float32)
    loud = np.flatnonzero(np.abs(clip) >= peak * 10 ** (threshold_db / 20))
    first, last = int(loud[0]), int(loud[-1])

    # Cutting mid-wave would click; the last sign change just before the
    # onset is (nearly) silent, so start there when there is one close by.
    start = first
    lookback = max(0, first - to_samples(ZERO_CROSS_SECONDS))
    before = clip[lookback:first]
    flips = np.flatnonzero(np.sign(before) != np.sign(clip[first]))
    if flips.size:
        start = lookback + int(flips[-1])

    stop = min(clip.size, last + 1 + to_samples(TAIL_SECONDS))
    out = clip[start:stop].copy()
    fade = min(to_samples(FADE_SECONDS), out.size)
    if fade:
        out[-fade:] *= _release(fade)
    return out


def resample(clip: np.ndarray, rate: int, to_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Linear-interpolation resampling (enough for speech at these rates)."""
    if rate == to_rate or clip.size == 0:
        return clip.astype(np.float32)
    count = max(1, round(clip.size * to_rate / rate))
    positions = np.arange(count) * (rate / to_rate)
    return np.interp(positions, np.arange(clip.size), clip).astype(np.float32)


def _release(n: int) -> np.ndarray:
    """Raised-cosine fall from 1 to 0 over n samples."""
    return (0.5 + 0.5 * np.cos(np.pi * (np.arange(n) + 1) / n)).astype(np.float32)


# ------------------------------------------------------------------ espeak


class EspeakEngine:
    """The real voice: libespeak-ng in small server processes that fork once
    per phrase (see fork_server.py), so a phrase's samples depend only on
    its text, voice and rate. Big batches are shared between SERVERS
    servers (one per core); the servers start on the first phrase, end with
    ``close()`` and never outlive this process."""

    def __init__(self, voice: str | None = None, rate: int | None = None, workers: int | None = None):
        self.voice = voice or DEFAULT_VOICE
        self.rate = check_rate(rate)
        self.workers = workers
        self.key = f"espeak/{self.voice}/{self.rate}"
        self._servers: list[Server] = []
        self._lock = threading.Lock()
        weakref.finalize(self, _close_all, self._servers)

    def synthesize(self, texts: Sequence[str], progress: Progress | None = None) -> list[np.ndarray]:
        texts = list(texts)
        with self._lock:
            wanted = self.workers or max(1, min(SERVERS, len(texts) // PHRASES_PER_SERVER))
            servers = self._start(wanted)
            if len(servers) == 1:
                clips = []
                for text in texts:
                    clips.append(servers[0].speak(text))
                    if progress:
                        progress(1)
                return clips
            return _share(servers, texts, progress)

    def start(self) -> None:
        """Start one server now, without waiting for it (it loads while the
        caller does other work); ``synthesize`` greets it later."""
        with self._lock:
            self._start(1)

    def close(self) -> None:
        """End the server processes now (they start again if needed)."""
        _close_all(self._servers)

    def _start(self, count: int) -> list["Server"]:
        self._servers[:] = [s for s in self._servers if s.alive()]
        while len(self._servers) < count:
            self._servers.append(Server("espeak", self.voice, self.rate))
        return self._servers[:count]


SERVERS = 2
"""Servers for a big batch: one per core of a small machine."""
PHRASES_PER_SERVER = 20
"""Below this many phrases a second server (~50 ms to start) does not pay."""


def _share(servers: list["Server"], texts: list[str], progress: Progress | None) -> list[np.ndarray]:
    """Speak ``texts`` on several servers at once (one thread each, taking
    the next phrase from a shared list), clips in the order of ``texts``."""
    clips: list[np.ndarray | None] = [None] * len(texts)
    done: queue.Queue = queue.Queue()
    cursor = iter(range(len(texts)))
    take = threading.Lock()

    def work(server: Server) -> None:
        try:
            while True:
                with take:
                    i = next(cursor, None)
                if i is None:
                    break
                clips[i] = server.speak(texts[i])
                done.put(None)
        except BaseException as exc:
            done.put(exc)
        finally:
            done.put(server)

    threads = [threading.Thread(target=work, args=(s,), daemon=True) for s in servers]
    for thread in threads:
        thread.start()
    finished = 0
    error: BaseException | None = None
    while finished < len(servers):
        item = done.get()
        if item is None:
            if progress:
                progress(1)
        elif isinstance(item, Server):
            finished += 1
        elif error is None:
            error = item
    if error is not None:
        raise error
    return clips  # type: ignore[return-value]


def _close_all(servers: list["Server"]) -> None:
    for server in servers:
        server.close()
    servers.clear()


class Server:
    """One fork_server process and its pipe. ``errors`` maps the server's
    set-up replies to what to tell the user."""

    def __init__(self, engine: str, voice: str, rate: int, errors: dict[bytes, str] | None = None):
        errors = errors or {
            b"NF": f"Unknown voice '{voice}': list the installed voices with `coach voices`.",
            b"NI": NOT_INSTALLED,
        }
        if engine == "espeak":
            try:  # fail here, in this process, when the library is missing
                ctypes.cdll.LoadLibrary("libespeak-ng.so.1")
            except OSError as exc:
                raise TtsError(NOT_INSTALLED) from exc
        self.engine, self.errors = engine, errors
        # Started now, greeted on the first phrase: several servers load at once.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "coach.render.fork_server", engine, voice, str(rate)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )
        self.rate_hz = 0
        # A server nobody holds any more ends at once (its ~20-150 MB too).
        weakref.finalize(self, _end, self.process)

    def _greet(self) -> None:
        """Read the server's set-up reply (once), or raise its TtsError."""
        try:
            reply = self._read(2)
        except OSError:
            reply = b"NI"
        if reply != b"OK":
            self.close()
            error = VoiceError if reply == b"NF" else TtsError  # NF: no such voice, the user's input
            raise error(self.errors.get(reply) or f"The {self.engine} voice could not start: run the command again.")
        self.rate_hz = struct.unpack("<I", self._read(4))[0]

    def alive(self) -> bool:
        return self.process.poll() is None

    def speak(self, text: str) -> np.ndarray:
        if not text.strip():
            return np.zeros(0, dtype=np.float32)
        if not self.rate_hz:
            self._greet()
        body = text.encode("utf-8")
        try:
            self.process.stdin.write(struct.pack("<I", len(body)) + body)
            self.process.stdin.flush()
            count = struct.unpack("<i", self._read(4))[0]
            if count < 0:
                raise TtsError(f"{self.engine} failed to speak {text!r}: run the command again.")
            pcm = np.frombuffer(self._read(2 * count), dtype="<i2")
        except (OSError, ValueError) as exc:  # the server died (or was closed)
            raise TtsError(
                f"The {self.engine} speech process stopped unexpectedly: run the command again."
            ) from exc
        return trim(resample(pcm.astype(np.float32) / 32768.0, self.rate_hz))

    def _read(self, count: int) -> bytes:
        data = self.process.stdout.read(count)
        if data is None or len(data) != count:
            raise OSError("short read from espeak_server")
        return data

    def close(self) -> None:
        """Kill the server (a phrase in the making dies with it) and reap it."""
        _end(self.process)


def _end(process: subprocess.Popen) -> None:
    with contextlib.suppress(OSError):
        process.kill()
    with contextlib.suppress(OSError, ValueError):
        process.stdin.close()
    with contextlib.suppress(OSError, ValueError):
        process.stdout.close()
    process.wait()


def list_voices() -> list[tuple[str, str]]:
    """(voice to pass as --voice, its description) for every installed voice."""
    try:
        import pyttsx3

        found = pyttsx3.init("espeak").getProperty("voices")
    except (ImportError, OSError, RuntimeError) as exc:
        raise TtsError(NOT_INSTALLED) from exc
    return sorted((v.id.rsplit("/", 1)[-1], v.name) for v in found)


# -------------------------------------------------------------------- fake


class FakeEngine:
    """Deterministic, instant stand-in for a voice: a soft tone of
    ``SECONDS_PER_WORD`` per word whose pitch depends on the text."""

    SECONDS_PER_WORD = 0.3
    key = "fake"

    def synthesize(
        self, texts: Sequence[str], progress: Progress | None = None
    ) -> list[np.ndarray]:
        clips = [fake_clip(text, self.SECONDS_PER_WORD) for text in texts]
        if progress and clips:
            progress(len(clips))
        return clips


def fake_clip(text: str, seconds_per_word: float = FakeEngine.SECONDS_PER_WORD) -> np.ndarray:
    """A 0.5-amplitude tone, ``seconds_per_word`` per word, 220-440 Hz chosen by
    a checksum of the text (stable across runs, unlike ``hash``)."""
    words = len(text.split())
    if not words:
        return np.zeros(0, dtype=np.float32)
    count = to_samples(seconds_per_word * words)
    freq = 220 + zlib.crc32(text.encode("utf-8")) % 220
    tone = 0.5 * np.sin(2 * math.pi * freq * np.arange(count) / SAMPLE_RATE)
    # Audible from sample 0 like a trimmed phrase: 2 ms attack, 20 ms release.
    attack, release = to_samples(0.002), to_samples(0.020)
    tone[:attack] *= _release(attack)[::-1]
    tone[-release:] *= _release(release)
    return tone.astype(np.float32)


# ---------------------------------------------------------------- by name

ENGINES = ("espeak", "piper", "fake")
"""Named in the unknown-engine error. (piper is accepted too; listing it here
waits for tests/test_tts.py, which pins this message, to be updated.)"""


def make_engine(name: str, voice: str | None = None, rate: int | None = None) -> Engine:
    """The engine called ``name`` ("espeak", "piper" or "fake")."""
    if name == "espeak":
        return EspeakEngine(voice, rate)
    if name == "piper":
        # Imported here: Piper is an optional extra, and loading it costs time.
        from coach.render.piper import PiperEngine

        return PiperEngine(voice, rate)
    if name == "fake":
        return FakeEngine()
    raise ConfigError(f"Unknown speech engine '{name}': choose one of {', '.join(ENGINES)}.")
