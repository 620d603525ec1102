"""The speech of a session, phrase by phrase, while it plays or exports.

``Speech(engine, cache)`` hands out the clip of any phrase: from the phrase
cache when it is there, made now when it is not, or made ahead in the
background in the order the player will need them::

    with Speech(engine) as speech:
        speech.start()                  # optional: the voice loads meanwhile
        speech.prefetch(texts)          # returns at once; makes them in order
        speech.is_ready(texts[3])       # True when clip() would not wait
        clip = speech.clip(texts[0])    # blocks until that phrase exists

``clip(text)`` is float32 mono at ``SAMPLE_RATE``, trimmed (sample 0 is where
the phrase becomes audible) and already at its loudness: the phrase's own
gain (``gain_db`` of the loudness measured when it was made and kept in its
cache entry) is applied, so every phrase sits at TARGET_LUFS on its own and a
session of them measures at TARGET_LUFS. Peaks are left to the mixer's
limiter. The same phrase always gives the same samples.

A phrase asked for with ``clip`` while it waits in the prefetch queue is made
at once by the caller, ahead of the queue; one being made by the background
worker is waited for. An error making a phrase is raised by the ``clip`` that
asks for it. ``close()`` (or leaving the ``with`` block) drops the queue and
ends every worker at once, the engine's processes included; a ``clip`` that
was waiting then raises ``SpeechClosed``.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future

import numpy as np

from coach.render.cache import Phrase, PhraseCache
from coach.render.mix import TARGET_LUFS
from coach.render.tts import Engine

GAIN_RANGE_DB = (-24.0, 24.0)
"""Bounds of a phrase's gain: espeak-ng and Piper phrases need -6..+12 dB;
anything beyond is a fault, never a reason to be loud."""


class SpeechClosed(RuntimeError):
    """``clip`` was waiting for a phrase when the speech was closed."""


def gain_db(lufs: float) -> float:
    """The gain that brings a phrase measured at ``lufs`` to TARGET_LUFS,
    within GAIN_RANGE_DB."""
    low, high = GAIN_RANGE_DB
    return min(high, max(low, TARGET_LUFS - lufs))


def leveled(phrase: Phrase) -> np.ndarray:
    """The phrase's clip with its gain applied (float32)."""
    return phrase.clip * np.float32(10 ** (gain_db(phrase.lufs) / 20))  # float32 * float32: one new array


class Speech:
    """Clips of phrases for one engine (voice and rate), made once and kept
    in the phrase cache; see the module docstring."""

    def __init__(self, engine: Engine, cache: PhraseCache | None = None):
        self.engine = engine
        self.cache = cache or PhraseCache(engine)
        self._lock = threading.Lock()  # guards the fields below
        self._make_lock = threading.Lock()  # one phrase made at a time
        self._jobs: dict[str, Future] = {}
        self._claimed: set[str] = set()
        self._queue: deque[str] = deque()
        self._wake = threading.Condition(self._lock)
        self._worker: threading.Thread | None = None
        self._closed = False
        self._urgent = 0  # callers of clip() waiting to make a phrase

    # -------------------------------------------------------------- public

    def clip(self, text: str) -> np.ndarray:
        """The leveled clip of ``text``: cached, being made, or made now."""
        job, mine = self._claim(text)
        if mine:
            self._run(text, job, urgent=True)
        return job.result()

    def clips(self, texts: Iterable[str], progress=None) -> dict[str, np.ndarray]:
        """Every distinct text -> its leveled clip, the missing ones made in
        one batch (the fastest way for an export). ``progress`` gets
        increments of phrases done."""
        phrases = self.cache.phrases(texts, progress)
        return {text: leveled(phrase) for text, phrase in phrases.items()}

    def prefetch(self, texts: Iterable[str]) -> None:
        """Start making ``texts`` in this order in the background, skipping
        what is cached or already asked for; returns at once."""
        with self._lock:
            if self._closed:
                return
            for text in texts:
                if text not in self._jobs:
                    self._jobs[text] = Future()
                    self._queue.append(text)
            if self._worker is None:
                self._worker = threading.Thread(target=self._work, name="coach-speech", daemon=True)
                self._worker.start()
            self._wake.notify()

    def start(self) -> None:
        """Start the engine's process now, without waiting (optional): call
        it as soon as the engine is known when phrases will surely be
        needed, so the voice loads (Piper: ~0.3 s + start-up) meanwhile."""
        start = getattr(self.engine, "start", None)
        if start is not None:
            start()

    def is_ready(self, text: str) -> bool:
        """True when ``clip(text)`` would return without making anything."""
        with self._lock:
            job = self._jobs.get(text)
        if job is not None and job.done():
            return job.exception() is None
        return self.cache.path(text).is_file()

    def close(self) -> None:
        """Drop the queue and end every worker now (idempotent)."""
        with self._lock:
            self._closed = True
            self._queue.clear()
            for job in self._jobs.values():
                if not job.done():
                    job.set_exception(SpeechClosed("The speech was closed."))
            self._wake.notify_all()
        # Not while a phrase is being made: closing Piper's onnxruntime
        # session under a running synthesis aborts the process.
        with self._make_lock:
            close = getattr(self.engine, "close", None)
            if close is not None:
                close()
        worker = self._worker
        if worker is not None and worker is not threading.current_thread():
            worker.join(2.0)  # none may be left running as the program exits

    def __enter__(self) -> "Speech":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------- inside

    def _claim(self, text: str) -> tuple[Future, bool]:
        """The job of ``text`` and whether the caller must make it."""
        with self._lock:
            if self._closed:
                raise SpeechClosed("The speech was closed.")
            job = self._jobs.setdefault(text, Future())
            mine = text not in self._claimed and not job.done()
            self._claimed.add(text)
            return job, mine

    def _run(self, text: str, job: Future, urgent: bool = False) -> None:
        try:
            phrase = self.cache.load(text)
            if phrase is None:
                phrase = self._make(text, urgent)
            clip = leveled(phrase)
        except BaseException as exc:  # handed to whoever asks for the clip
            with self._lock:
                if not job.done():
                    job.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
            return
        with self._lock:
            if not job.done():
                job.set_result(clip)

    def _make(self, text: str, urgent: bool) -> Phrase:
        """Make one phrase, one at a time; a caller of ``clip`` goes before
        the background worker's next phrase."""
        with self._lock:
            if urgent:
                self._urgent += 1
            else:
                self._wake.wait_for(lambda: self._urgent == 0 or self._closed)
                if self._closed:
                    raise SpeechClosed("The speech was closed.")
        try:
            with self._make_lock:  # and look again: another thread may have made it
                return self.cache.load(text) or self.cache.make([text])[text]
        finally:
            if urgent:
                with self._lock:
                    self._urgent -= 1
                    self._wake.notify_all()

    def _work(self) -> None:
        while True:
            with self._lock:
                while not self._queue and not self._closed:
                    self._wake.wait()
                if self._closed:
                    return
                text = self._queue.popleft()
                if text in self._claimed:
                    continue
                self._claimed.add(text)
                job = self._jobs[text]
            self._run(text, job)
