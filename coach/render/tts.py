"""Speech engines: phrases in, trimmed float32 clips out.

    Engine (protocol)   key + synthesize(texts) -> one clip per text
     ├── EspeakEngine   pyttsx3 with its espeak driver: the real voice
     └── FakeEngine     soft tones, ~0.3 s per word: instant, for tests

Every clip is mono float32 in [-1, 1] at ``SAMPLE_RATE`` and starts where the
phrase becomes audible (leading silence trimmed by detected onset), so a cue's
time in the timeline is the moment the listener hears it. ``make_engine``
picks an engine by name; ``list_voices`` is what ``coach voices`` shows.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import signal
import tempfile
import threading
import time
import wave
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Protocol

import numpy as np

from coach.errors import ConfigError, TtsError
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
    """The real voice: espeak-ng through pyttsx3's espeak driver.

    pyttsx3 needs one ``runAndWait`` per saved file, and each costs about
    10 ms of fixed sleep in the driver's loop. Big batches are therefore
    spread over a few worker processes (each with its one pyttsx3 engine);
    small ones are spoken in this process. ``workers`` forces the count.
    """

    def __init__(
        self, voice: str | None = None, rate: int | None = None, workers: int | None = None
    ):
        self.voice = voice or DEFAULT_VOICE
        self.rate = check_rate(rate)
        self.workers = workers
        self.key = f"espeak/{self.voice}/{self.rate}"

    def synthesize(
        self, texts: Sequence[str], progress: Progress | None = None
    ) -> list[np.ndarray]:
        texts = list(texts)
        workers = self.workers if self.workers is not None else _auto_workers(len(texts))
        if workers <= 1:
            return _Speaker.shared().speak_all(self.voice, self.rate, texts, progress)
        return _speak_in_pool(self.voice, self.rate, texts, workers, progress)


PHRASES_PER_WORKER = 40
"""Below this many phrases per worker, starting a process (~0.1 s) costs more
than the 10 ms per phrase it saves."""
MAX_WORKERS = 4
"""The waits are sleeps, not work, so a few more workers than cores help."""
CHUNK = 16
"""Phrases per task sent to a worker: small enough for a smooth progress bar."""


def _auto_workers(count: int) -> int:
    return max(1, min(MAX_WORKERS, count // PHRASES_PER_WORKER))


def _speak_in_pool(
    voice: str, rate: int, texts: list[str], workers: int, progress: Progress | None
) -> list[np.ndarray]:
    """Speak ``texts`` in worker processes, CHUNK phrases per task, in order."""
    import multiprocessing

    # spawn, not fork: a forked child would inherit espeak's threads and state.
    context = multiprocessing.get_context("spawn")
    clips: list[np.ndarray | None] = [None] * len(texts)
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                 initializer=ignore_interrupt) as pool:
            tasks = {
                pool.submit(_speak_chunk, voice, rate, texts[i : i + CHUNK]): i
                for i in range(0, len(texts), CHUNK)
            }
            for task in as_completed(tasks):
                first = tasks[task]
                done = task.result()
                clips[first : first + len(done)] = done
                if progress:
                    progress(len(done))
    except BrokenProcessPool as exc:
        raise TtsError(
            "A speech worker stopped unexpectedly: run the command again, or use"
            " `--engine fake` to check the rest of the pipeline."
        ) from exc
    return clips  # type: ignore[return-value]


def ignore_interrupt() -> None:
    """Workers leave Ctrl-C to the main process, which shuts the pool down:
    a worker torn down mid-phrase prints espeak's callback errors."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _speak_chunk(voice: str, rate: int, texts: list[str]) -> list[np.ndarray]:
    """Entry point of a worker process."""
    return _Speaker.shared().speak_all(voice, rate, texts, None)


class _Speaker:
    """This process's one pyttsx3 engine. espeak can be initialised only once
    per process and pyttsx3 shares its engine per driver name, so every
    EspeakEngine in the process speaks through this object, one batch at a
    time, setting its own voice and rate first."""

    _shared: _Speaker | None = None
    _shared_lock = threading.Lock()
    TIMEOUT = 30.0
    """Seconds to wait for one phrase; espeak-ng needs milliseconds."""

    @classmethod
    def shared(cls) -> _Speaker:
        with cls._shared_lock:
            if cls._shared is None:
                cls._shared = cls()
            return cls._shared

    def __init__(self) -> None:
        try:
            import pyttsx3

            # The driver module loads libespeak-ng and raises RuntimeError
            # (or OSError) when the library is missing.
            self.engine = pyttsx3.init("espeak")
            from pyttsx3.drivers import _espeak, espeak
        except (ImportError, OSError, RuntimeError) as exc:
            raise TtsError(NOT_INSTALLED) from exc
        self.lock = threading.Lock()
        self.finished = threading.Event()
        self.errors: list[Exception] = []
        self.driver = espeak.EspeakDriver
        self.espeak = _espeak
        self.engine.connect("finished-utterance", self._on_finished)
        self.engine.connect("error", self._on_error)

    def _on_finished(self, name: str | None = None, completed: bool = True) -> None:
        # Called on espeak's thread after the WAV file is fully written.
        self.finished.set()

    def _on_error(self, name: str | None = None, exception: Exception | None = None) -> None:
        # pyttsx3 reports failures of queued commands here instead of raising.
        self.errors.append(exception or RuntimeError("unknown pyttsx3 error"))

    def speak_all(
        self, voice: str, rate: int, texts: Sequence[str], progress: Progress | None
    ) -> list[np.ndarray]:
        """Trimmed clips of ``texts`` in ``voice`` at ``rate`` words per minute."""
        with self.lock, tempfile.TemporaryDirectory(prefix="coach-tts-") as folder:
            path = os.path.join(folder, "phrase.wav")
            self.errors.clear()
            self._set_voice(voice, rate)
            clips = []
            for text in texts:
                clips.append(self._speak(text, path))
                if progress:
                    progress(1)
            return clips

    def _set_voice(self, voice: str, rate: int) -> None:
        # The driver's own setters, not engine.setProperty: the engine queues
        # them into the next runAndWait and reports an unknown voice only
        # through its "error" callback, after speaking with the old voice.
        self._wait_idle()
        try:
            self.driver.setProperty("voice", voice)
        except ValueError as exc:
            raise TtsError(
                f"Unknown voice '{voice}': list the installed voices with `coach voices`."
            ) from exc
        self.driver.setProperty("rate", rate)
        self._wait_idle()

    def _wait_idle(self) -> None:
        # espeak runs commands on its own thread and stays busy a moment after
        # the finished-utterance callback. runAndWait calls the driver's stop(),
        # which cancels whatever espeak is doing -- a cancel that can swallow
        # the phrase queued right after it (an empty WAV). So never start a
        # phrase while espeak is busy. (espeak_Synchronize polls every 20 ms.)
        deadline = time.monotonic() + self.TIMEOUT
        while self.espeak.IsPlaying():
            if time.monotonic() > deadline:
                raise TtsError(
                    "espeak-ng stayed busy for 30 s: check that espeak-ng works"
                    " with `espeak-ng hello`."
                )
            time.sleep(0.0002)

    def _speak(self, text: str, path: str) -> np.ndarray:
        if not text.strip():
            return np.zeros(0, dtype=np.float32)
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)
        self._wait_idle()
        self.finished.clear()
        # pyttsx3 keeps only the last save_to_file queued before a runAndWait,
        # and runAndWait returns once espeak has *started*; the file is
        # complete when finished-utterance fires. The driver prints
        # "Audio saved to ..." on stdout, which carries coach's JSON.
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                self.engine.save_to_file(text, path)
                self.engine.runAndWait()
                finished = self.finished.wait(self.TIMEOUT)
        except Exception as exc:  # pyttsx3 raises bare exceptions from its loop
            raise TtsError(f"espeak-ng failed to speak {text!r}: {exc}.") from exc
        if self.errors:
            error = self.errors.pop(0)
            self.errors.clear()
            raise TtsError(f"espeak-ng failed to speak {text!r}: {error}.") from error
        if not finished:
            raise TtsError(
                f"espeak-ng did not finish speaking {text!r} within"
                f" {self.TIMEOUT:.0f} s: check that espeak-ng works with"
                " `espeak-ng hello`."
            )
        return trim(_read_wav(path))

    def voices(self) -> list[tuple[str, str]]:
        with self.lock:
            found = self.engine.getProperty("voices")
        return sorted((v.id.rsplit("/", 1)[-1], v.name) for v in found)


def _read_wav(path: str) -> np.ndarray:
    """16-bit mono WAV -> float32 at SAMPLE_RATE."""
    try:
        with wave.open(path, "rb") as f:
            channels, width, rate = f.getnchannels(), f.getsampwidth(), f.getframerate()
            frames = f.readframes(f.getnframes())
    except (OSError, EOFError, wave.Error) as exc:
        raise TtsError(f"espeak-ng wrote an unreadable file ({exc}): try again.") from exc
    if width != 2:
        raise TtsError(f"espeak-ng wrote {8 * width}-bit audio; coach expects 16-bit.")
    pcm = np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0
    if channels > 1:
        pcm = pcm.reshape(-1, channels).mean(axis=1)
    return resample(pcm, rate)


def list_voices() -> list[tuple[str, str]]:
    """(voice to pass as --voice, its description) for every installed voice."""
    return _Speaker.shared().voices()


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
