"""The phrase cache: each distinct phrase is synthesised once per engine key
and kept on disk, so a second export costs no speech synthesis at all.

One file per phrase, ``<cache>/phrases/<engine key>/<sha256 of text>.clip``:

    offset  size  field
    0       8     magic b"COACHCL2"
    8       4     sample rate (uint32, little-endian)
    12      4     text length in bytes (uint32)
    16      4     sample count (uint32)
    20      8     loudness of the phrase, LUFS (float64; meter.phrase_loudness)
    28      4     CRC-32 of loudness + text bytes + samples (uint32)
    32      ...   text (UTF-8), then samples (int16, little-endian)

The loudness is measured when the phrase is made, from the stored samples,
so nothing waits for a meter later; it is trusted only inside
``LOUDNESS_RANGE`` (an entry outside it is corrupt and made again).

Entries are written to a temporary file and renamed into place, so a reader
sees a whole entry or none. One that is truncated, corrupt or for another
text is deleted and synthesised again, never returned.

Clips are stored as 16-bit PCM (what espeak-ng produces, so nothing is lost)
and ``clips`` returns the stored form even for fresh phrases: a cold and a
warm run give the very same samples.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

import numpy as np

from coach.files import write_atomic
from coach.errors import OutputError
from coach.render.meter import SILENT, phrase_loudness
from coach.render.tts import Engine
from coach.units import SAMPLE_RATE

BATCH = 48
"""Phrases given to the engine at once by ``make`` (2 espeak-ng servers' worth)."""
MAGIC = b"COACHCL2"
HEADER = struct.Struct("<8sIIIdI")
LOUDNESS_RANGE = (SILENT, 0.0)
"""LUFS a stored phrase may have: a full-scale square wave is 3 LUFS."""


class Phrase(NamedTuple):
    """A phrase as made: its trimmed clip and its loudness."""

    clip: np.ndarray
    """float32 mono at SAMPLE_RATE, exactly as stored (16-bit steps)."""
    lufs: float
    """Integrated loudness measured alone in silence (meter.phrase_loudness)."""


def default_directory(engine_key: str) -> Path:
    """``<user cache dir>/coach/phrases/<engine key, escaped>``; the user
    cache dir honours XDG_CACHE_HOME."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("coach")) / "phrases" / safe_name(engine_key)


def safe_name(key: str) -> str:
    """An engine key as one folder name: ``espeak/en-us/175`` ->
    ``espeak%2Fen-us%2F175`` (reversible, so two keys never share a folder)."""
    return quote(key, safe="-_.+")


class PhraseCache:
    """Speech clips of one engine, synthesised once and kept on disk."""

    def __init__(self, engine: Engine, directory: Path | None = None):
        self.engine = engine
        self.directory = Path(directory) if directory else default_directory(engine.key)

    def clips(
        self, texts: Iterable[str], progress: Callable[[int], None] | None = None
    ) -> dict[str, np.ndarray]:
        """Every distinct text -> its float32 clip at SAMPLE_RATE (see ``phrases``)."""
        return {text: phrase.clip for text, phrase in self.phrases(texts, progress).items()}

    def phrases(
        self, texts: Iterable[str], progress: Callable[[int], None] | None = None
    ) -> dict[str, Phrase]:
        """Every distinct text -> its Phrase, made (in one batch) when missing.

        ``progress`` gets increments: once for the phrases found in the cache,
        then as the engine finishes the missing ones."""
        wanted = list(dict.fromkeys(texts))
        found: dict[str, Phrase] = {}
        missing: list[str] = []
        for text in wanted:
            phrase = self.load(text)
            if phrase is None:
                missing.append(text)
            else:
                found[text] = phrase
        if progress and found:
            progress(len(found))
        if missing:
            found.update(self.make(missing, progress))
        return {text: found[text] for text in wanted}

    def make(
        self, texts: list[str], progress: Callable[[int], None] | None = None
    ) -> dict[str, Phrase]:
        """Synthesise ``texts``, measure and store each. Big batches go to the
        engine BATCH phrases at a time, the next batch being spoken (in the
        engine's processes) while this one is measured and stored."""
        self._make_folder()
        batches = [texts[i : i + BATCH] for i in range(0, len(texts), BATCH)]
        if len(batches) == 1:
            return self._keep(texts, self._synthesize(texts, progress))
        made: dict[str, Phrase] = {}
        with ThreadPoolExecutor(1, thread_name_prefix="coach-speak") as pool:
            try:
                ahead = pool.submit(self._synthesize, batches[0], progress)
                for k, batch in enumerate(batches):
                    fresh = ahead.result()
                    if k + 1 < len(batches):
                        ahead = pool.submit(self._synthesize, batches[k + 1], progress)
                    made.update(self._keep(batch, fresh))
            except BaseException:
                # Stop the batch in the making now (Ctrl-C, a signal, an error).
                close = getattr(self.engine, "close", None)
                if close is not None:
                    close()
                raise
        return made

    def _synthesize(self, texts: list[str], progress) -> list[np.ndarray]:
        fresh = self.engine.synthesize(texts, progress=progress)
        if len(fresh) != len(texts):
            raise RuntimeError(f"{self.engine.key} returned {len(fresh)} clips for {len(texts)} texts")
        return fresh

    def _keep(self, texts: list[str], fresh: list[np.ndarray]) -> dict[str, Phrase]:
        """Measure and store freshly made clips."""
        made = {}
        for i, text in enumerate(texts):
            pcm = to_pcm(fresh[i])
            fresh[i] = None  # keep one copy of the speech in memory, not two
            clip = from_pcm(pcm)
            lufs = phrase_loudness(clip)
            self._store(text, pcm, lufs)
            made[text] = Phrase(clip, lufs)
        return made

    def load(self, text: str) -> Phrase | None:
        """The stored phrase, or None when absent. A truncated or corrupt
        entry (or one for another text) is deleted and None returned."""
        path = self.path(text)
        try:
            data = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None  # not cached yet (creating the folder will report why)
        except OSError as exc:
            raise self._error("read", exc) from exc
        entry = decode_entry(data, text)
        if entry is None:
            # Truncated, corrupt or a hash collision: drop it and rebuild.
            try:
                path.unlink(missing_ok=True)
            except OSError as exc:
                raise self._error("repair", exc) from exc
            return None
        pcm, lufs = entry
        return Phrase(from_pcm(pcm), lufs)

    def path(self, text: str) -> Path:
        """Where the entry for ``text`` lives."""
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return self.directory / f"{digest}.clip"

    # -------------------------------------------------------------- disk

    def _make_folder(self) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise self._error("create", exc) from exc

    def _store(self, text: str, pcm: np.ndarray, lufs: float) -> None:
        try:
            write_atomic(self.path(text), encode_entry(text, pcm, lufs))
        except OSError as exc:
            raise self._error("write", exc) from exc

    def _error(self, verb: str, exc: OSError) -> OutputError:
        reason = exc.strerror or str(exc)
        return OutputError(
            f"Cannot {verb} the phrase cache in {self.directory} ({reason}): free some"
            " disk space, or point XDG_CACHE_HOME at a folder you can write to."
        )


# ------------------------------------------------------------ entry format


def to_pcm(clip: np.ndarray) -> np.ndarray:
    """float32 in [-1, 1] -> int16 (x 32768, rounded, clipped)."""
    clip = np.asarray(clip)
    # Scaling float32 by a power of two is exact, so float32 rounds as
    # float64 would, without a float64 copy.
    scaled = np.multiply(clip, 32768.0, dtype=np.float64 if clip.dtype == np.float64 else np.float32)
    np.rint(scaled, out=scaled)
    return np.clip(scaled, -32768, 32767, out=scaled).astype("<i2")


def from_pcm(pcm: np.ndarray) -> np.ndarray:
    """int16 -> float32 in [-1, 1)."""
    return pcm.astype(np.float32) / np.float32(32768.0)


def encode_entry(text: str, pcm: np.ndarray, lufs: float, sample_rate: int = SAMPLE_RATE) -> bytes:
    """One cache entry (see the module docstring)."""
    body = text.encode("utf-8")
    samples = np.asarray(pcm, dtype="<i2").tobytes()
    lufs_bytes = struct.pack("<d", lufs)
    crc = zlib.crc32(samples, zlib.crc32(body, zlib.crc32(lufs_bytes)))
    header = HEADER.pack(MAGIC, sample_rate, len(body), len(samples) // 2, lufs, crc)
    return header + body + samples


def decode_entry(data: bytes, text: str, sample_rate: int = SAMPLE_RATE) -> tuple[np.ndarray, float] | None:
    """(int16 samples, loudness) of an entry for ``text``, or None when the
    entry is short, long, corrupt, for another rate or another text, or its
    loudness is outside LOUDNESS_RANGE."""
    if len(data) < HEADER.size:
        return None
    magic, rate, text_len, count, lufs, crc = HEADER.unpack_from(data)
    if magic != MAGIC or rate != sample_rate:
        return None
    if len(data) != HEADER.size + text_len + 2 * count:
        return None
    body = data[HEADER.size : HEADER.size + text_len]
    samples = data[HEADER.size + text_len :]
    if zlib.crc32(samples, zlib.crc32(body, zlib.crc32(struct.pack("<d", lufs)))) != crc:
        return None
    low, high = LOUDNESS_RANGE
    if body != text.encode("utf-8") or not low <= lufs <= high:  # NaN fails too
        return None
    return np.frombuffer(samples, dtype="<i2"), lufs
