"""The phrase cache: each distinct phrase is synthesised once per engine key
and kept on disk, so a second export costs no speech synthesis at all.

One file per phrase, ``<cache>/phrases/<engine key>/<sha256 of text>.clip``:

    offset  size  field
    0       8     magic b"COACHCLP"
    8       4     sample rate (uint32, little-endian)
    12      4     text length in bytes (uint32)
    16      4     sample count (uint32)
    20      4     CRC-32 of text bytes + samples (uint32)
    24      ...   text (UTF-8), then samples (int16, little-endian)

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
from pathlib import Path
from urllib.parse import quote

import numpy as np

from coach.files import write_atomic
from coach.errors import OutputError
from coach.render.tts import Engine
from coach.units import SAMPLE_RATE

MAGIC = b"COACHCLP"
HEADER = struct.Struct("<8sIIII")


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
        """Every distinct text -> its float32 clip at SAMPLE_RATE.

        ``progress`` gets increments: once for the phrases found in the cache,
        then as the engine finishes the missing ones (all in one batch)."""
        wanted = list(dict.fromkeys(texts))
        found: dict[str, np.ndarray] = {}
        missing: list[str] = []
        for text in wanted:
            clip = self._load(text)
            if clip is None:
                missing.append(text)
            else:
                found[text] = clip
        if progress and found:
            progress(len(found))
        if missing:
            fresh = self.engine.synthesize(missing, progress=progress)
            self._make_folder()
            if len(fresh) != len(missing):
                raise RuntimeError(f"{self.engine.key} returned {len(fresh)} clips for {len(missing)} texts")
            for i, text in enumerate(missing):
                pcm = to_pcm(fresh[i])
                fresh[i] = None  # keep one copy of the speech in memory, not two
                self._store(text, pcm)
                found[text] = from_pcm(pcm)
        return {text: found[text] for text in wanted}

    def path(self, text: str) -> Path:
        """Where the entry for ``text`` lives."""
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return self.directory / f"{digest}.clip"

    # -------------------------------------------------------------- disk

    def _load(self, text: str) -> np.ndarray | None:
        path = self.path(text)
        try:
            data = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None  # not cached yet (creating the folder will report why)
        except OSError as exc:
            raise self._error("read", exc) from exc
        pcm = decode_entry(data, text)
        if pcm is None:
            # Truncated, corrupt or a hash collision: drop it and rebuild.
            try:
                path.unlink(missing_ok=True)
            except OSError as exc:
                raise self._error("repair", exc) from exc
            return None
        return from_pcm(pcm)

    def _make_folder(self) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise self._error("create", exc) from exc

    def _store(self, text: str, pcm: np.ndarray) -> None:
        try:
            write_atomic(self.path(text), encode_entry(text, pcm))
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
    scaled = np.round(np.asarray(clip, dtype=np.float64) * 32768.0)
    return np.clip(scaled, -32768, 32767).astype("<i2")


def from_pcm(pcm: np.ndarray) -> np.ndarray:
    """int16 -> float32 in [-1, 1)."""
    return pcm.astype(np.float32) / np.float32(32768.0)


def encode_entry(text: str, pcm: np.ndarray, sample_rate: int = SAMPLE_RATE) -> bytes:
    """One cache entry (see the module docstring)."""
    body = text.encode("utf-8")
    samples = np.asarray(pcm, dtype="<i2").tobytes()
    crc = zlib.crc32(samples, zlib.crc32(body))
    header = HEADER.pack(MAGIC, sample_rate, len(body), len(samples) // 2, crc)
    return header + body + samples


def decode_entry(data: bytes, text: str, sample_rate: int = SAMPLE_RATE) -> np.ndarray | None:
    """The int16 samples of an entry for ``text``, or None when the entry is
    short, long, corrupt, for another rate or for another text."""
    if len(data) < HEADER.size:
        return None
    magic, rate, text_len, count, crc = HEADER.unpack_from(data)
    if magic != MAGIC or rate != sample_rate:
        return None
    if len(data) != HEADER.size + text_len + 2 * count:
        return None
    body = data[HEADER.size : HEADER.size + text_len]
    samples = data[HEADER.size + text_len :]
    if zlib.crc32(samples, zlib.crc32(body)) != crc or body != text.encode("utf-8"):
        return None
    return np.frombuffer(samples, dtype="<i2")
