"""A streaming 16-bit mono WAV writer with chapter markers.

Layout of the file it writes:

    RIFF <size> WAVE
      fmt  (16 bytes: PCM, 1 channel, rate, 16-bit)
      data <samples>
      cue  one cue point per chapter, at its sample
      LIST adtl, one labl (cue id + title) per chapter
      LIST INFO, title (INAM), artist (IART), album (IPRD), when tags are given

Readers that know only ``fmt``/``data`` (Python's ``wave``, sox) skip the rest.
The writer fills the file it is given; the exporter gives it a temporary
file and renames it into place (coach.files.staged).
"""

from __future__ import annotations

import errno
import os
import struct
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType

import numpy as np

from coach.errors import OutputError
from coach.output import split
from coach.output.tags import Tags, wav_info
from coach.units import SAMPLE_RATE

HEADER_SIZE = 44
"""RIFF header + fmt chunk + data chunk header, bytes."""
MAX_DATA = 0xFFFF_FFFF - 4096
"""RIFF sizes are 32-bit; leave room for the chapter chunks."""


def output_error(path: Path | str, exc: OSError) -> OutputError:
    """One plain sentence saying why ``path`` could not be written and what to do."""
    folder = Path(path).parent
    code = exc.errno
    if code in (errno.ENOENT, errno.ENOTDIR):
        why = f"the folder {folder} does not exist; create it or choose another folder."
    elif code in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = f"the folder {folder} is not writable; choose a folder you can write to."
    elif code == errno.ENOSPC:
        why = "the disk is full; free some space and try again."
    elif code == errno.EFBIG:
        why = (
            "the file is larger than this system allows; raise the file-size limit"
            " (ulimit -f) or export a shorter session."
        )
    else:
        why = f"{exc.strerror or exc}; check the path and try again."
    return OutputError(f"Cannot write {path}: {why}")


class WavWriter:
    """Context manager: ``write`` int16 blocks, chapters are added on exit.

    ``chapters`` are (title, first sample) pairs. OSError becomes
    OutputError naming ``name`` (the file the user asked for; ``path`` may
    be a temporary file). On an exception the file is closed as it is."""

    def __init__(
        self,
        path: Path | str,
        chapters: Sequence[tuple[str, int]],
        sample_rate: int = SAMPLE_RATE,
        name: Path | str | None = None,
        tags: Tags | None = None,
    ):
        self.path = Path(path)
        self.name = Path(name or path)
        self.chapters = [(str(title), int(start)) for title, start in chapters]
        self.sample_rate = sample_rate
        self.tags = tags
        self.samples = 0
        """Samples written so far."""
        self._written = 0
        """Bytes whose write-back to the disk has been started."""
        self._file = None

    def __enter__(self) -> WavWriter:
        try:
            self._file = open(self.path, "wb")
            self._file.write(self._header(0, 0))  # placeholder
        except OSError as exc:
            self._close()
            raise output_error(self.name, exc) from exc
        return self

    def write(self, block: np.ndarray) -> None:
        """Append mono int16 samples."""
        if block.dtype != np.int16 or block.ndim != 1:
            raise TypeError(f"WavWriter.write needs mono int16 samples, got {block.dtype} {block.shape}")
        if 2 * (self.samples + block.size) > MAX_DATA:
            raise OutputError(
                f"Cannot write {self.name}: a WAV file holds at most 4 GB; export a shorter session."
            )
        try:
            self._file.write(memoryview(np.ascontiguousarray(block, "<i2")).cast("B"))
            if 2 * (self.samples + block.size) >= self._written + split.WRITEBACK:
                self._write_back()
        except OSError as exc:
            raise output_error(self.name, exc) from exc
        self.samples += block.size

    def fill(self, render: Callable[[int, int], np.ndarray], length: int, size: int,
             progress: Callable[[int], None] | None = None) -> None:
        """Write samples ``0 .. length`` of ``render(start, count)`` (int16),
        rendered ``size`` at a time by two processes (coach.output.split),
        after what is written so far."""
        if 2 * (self.samples + length) > MAX_DATA:
            raise OutputError(
                f"Cannot write {self.name}: a WAV file holds at most 4 GB; export a shorter session."
            )
        try:
            self._file.flush()
            at = self._file.tell()
            split.fill(self._file.fileno(), at, render, length, size, progress)
            self._file.seek(at + 2 * length)
        except OSError as exc:
            raise output_error(self.name, exc) from exc
        self.samples += length

    def _write_back(self) -> None:
        """Ask the system to start writing what is written so far to the
        disk now, while the rest is made, so the fsync at the end waits
        only for the last stretch (POSIX_FADV_DONTNEED starts the write-back
        of a file's dirty pages; the data stays in the file either way)."""
        self._file.flush()
        end = self._file.tell()
        if hasattr(os, "posix_fadvise"):
            os.posix_fadvise(self._file.fileno(), self._written, end - self._written, os.POSIX_FADV_DONTNEED)
        self._written = end

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is not None:
            self._close()
            return
        try:
            self._finish()
        except OSError as error:
            self._close()
            raise output_error(self.name, error) from error
        except BaseException:
            self._close()
            raise

    # -------------------------------------------------------------- inside

    def _header(self, data_bytes: int, extra_bytes: int) -> bytes:
        """RIFF/fmt/data headers for ``data_bytes`` of samples followed by
        ``extra_bytes`` of other chunks."""
        riff_size = 4 + (8 + 16) + (8 + data_bytes) + extra_bytes
        fmt = struct.pack(
            "<HHIIHH", 1, 1, self.sample_rate, 2 * self.sample_rate, 2, 16
        )
        return (
            b"RIFF" + struct.pack("<I", riff_size) + b"WAVE"
            + b"fmt " + struct.pack("<I", 16) + fmt
            + b"data" + struct.pack("<I", data_bytes)
        )

    def _chapter_chunks(self) -> bytes:
        if not self.chapters:
            return b""
        points = b"".join(
            struct.pack("<II4sIII", ident, start, b"data", 0, 0, start)
            for ident, (_, start) in enumerate(self.chapters, 1)
        )
        cue = b"cue " + struct.pack("<II", 4 + len(points), len(self.chapters)) + points
        labels = b""
        for ident, (title, _) in enumerate(self.chapters, 1):
            text = title.encode("utf-8") + b"\0"
            body = struct.pack("<I", ident) + text
            labels += b"labl" + struct.pack("<I", len(body)) + body + b"\0" * (len(body) % 2)
        adtl = b"LIST" + struct.pack("<I", 4 + len(labels)) + b"adtl" + labels
        return cue + adtl

    def _finish(self) -> None:
        data_bytes = 2 * self.samples  # always even: no pad byte needed
        chapters = self._chapter_chunks() + (wav_info(self.tags) if self.tags else b"")
        self._file.write(chapters)
        self._file.seek(0)
        self._file.write(self._header(data_bytes, len(chapters)))
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()

    def _close(self) -> None:
        if self._file is not None:
            try:
                self._file.close()
            except OSError:
                pass  # e.g. EFBIG again while flushing: the caller discards the file


def read_chapters(path: Path | str) -> list[tuple[str, int]]:
    """The (title, sample) chapter markers of a WAV written by WavWriter
    (any RIFF file with ``cue `` and ``LIST/adtl/labl`` chunks)."""
    data = Path(path).read_bytes()
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise OutputError(f"{path} is not a WAV file.")
    positions: dict[int, int] = {}
    order: list[int] = []
    labels: dict[int, str] = {}
    for kind, body in _chunks(data, 12, len(data)):
        if kind == b"cue ":
            (count,) = struct.unpack_from("<I", body)
            for i in range(count):
                ident, _, _, _, _, offset = struct.unpack_from("<II4sIII", body, 4 + 24 * i)
                positions[ident] = offset
                order.append(ident)
        elif kind == b"LIST" and body[:4] == b"adtl":
            for sub, text in _chunks(body, 4, len(body)):
                if sub == b"labl":
                    (ident,) = struct.unpack_from("<I", text)
                    labels[ident] = text[4:].split(b"\0", 1)[0].decode("utf-8")
    return [(labels.get(ident, ""), positions[ident]) for ident in order]


def _chunks(data: bytes, start: int, end: int):
    """(id, body) of each RIFF chunk in data[start:end], skipping pad bytes."""
    at = start
    while at + 8 <= end:
        kind = data[at : at + 4]
        (size,) = struct.unpack_from("<I", data, at + 4)
        yield kind, data[at + 8 : at + 8 + size]
        at += 8 + size + (size % 2)
