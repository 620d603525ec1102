"""Compressed audio through the ``ffmpeg`` program: the mixer's blocks are
piped to it as they are rendered (memory stays flat), and its encoders and
muxers write the file with tags, chapters and the cover.

Why the ffmpeg command, not PyAV or per-codec bindings: Debian's ffmpeg
encodes the full 48-minute session about three times faster than the LAME
and libopus inside PyAV's wheel (MP3 2.9 s against 9.8 s here, see
scripts/bench_formats.py), it runs beside the mixer on the second core, the
tests need ffmpeg/ffprobe anyway, and it adds no Python dependency. Its
muxers write what players read: ID3v2.4 at the start of the MP3 with a
top-level ordered CTOC and CHAP frames in time order, the LAME gapless
header; MP4 with both a Nero ``chpl`` atom and a QuickTime chapter track
and an edit list for the AAC priming; Ogg Opus pre-skip. Vorbis chapter
comments are given as plain comments (ffmpeg would round them or, for
FLAC, drop them)."""

from __future__ import annotations

import base64
import errno
import os
import shutil
import signal
import struct
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import numpy as np

from coach.errors import OutputError
from coach.files import temp_path
from coach.output.cover import SIZE, cover_png
from coach.output.tags import Tags, ffmetadata, vorbis_chapters
from coach.output.wav import output_error
from coach.units import SAMPLE_RATE


@dataclass(frozen=True)
class Format:
    """How one kind of file is written."""

    name: str
    """What people call it."""
    muxer: str
    """ffmpeg's output format."""
    codec: tuple[str, ...]
    """ffmpeg's encoder options."""
    vorbis: bool
    """Chapters and cover as Vorbis comments (Ogg, FLAC) rather than
    ffmpeg chapters and an attached picture."""
    ceiling: float | None = None
    """Lossy coding raises peaks (a -1.5 dBFS mix decodes at 0 dBFS from
    AAC or Opus, -1.4 from MP3), so the samples first go through ffmpeg's
    look-ahead limiter to this sample peak, dBFS (its delay compensated so
    no cue moves, no automatic make-up gain). None: lossless, untouched."""
    gain: float = 0.0
    """dB before the limiter: gives back the loudness that limiting and the
    encoder's low-pass take away (decoded files measure -16 +- 0.3 LUFS)."""


# Bit rates: mono speech band-limited at 11 kHz (the voice's 22.05 kHz).
# 56 kb/s MP3 at 22.05 kHz is the usual 64 kb/s-at-44.1 kHz podcast quality
# (20 MB for 48 minutes); Opus is transparent for speech from about 32 kb/s,
# 40 kb/s keeps its peaks lower (VBR, 11.5 MB); AAC-LC 48 kb/s at 22.05 kHz. Speed settings
# (LAME q7, Opus complexity 1 with 120 ms packets at 24 kHz, AAC's fast coder
# without PNS/TNS) keep a full export under 10 s; see scripts/bench_formats.py.
# Opus complexity 0 skips the transient analysis: its pre-echo made 487 of
# the full routine's cues audible 10-19 ms early (-45 dBFS); at 1, none is
# more than 7.8 ms early (as in the WAV: 6.5 ms), for +1.5 s of encoding.
# Ceilings measured on the beginner and full sessions: the decoded true peak
# lies about 1.2 dB above the ceiling for AAC, 1.7-2.2 for Opus, 0.2 for MP3;
# the gain gives back what limiting takes (the mix measures -16.7 LUFS).
# Full session decoded: about -16.7 LUFS and -1.6 dBTP in all three.
MP3 = Format(
    "MP3", "mp3", ("-c:a", "libmp3lame", "-b:a", "56k", "-compression_level", "7"), False, ceiling=-2.0, gain=1.0
)
MP4 = Format(
    "MP4 (AAC)", "ipod", ("-c:a", "aac", "-b:a", "48k", "-aac_coder", "fast", "-aac_pns", "0", "-aac_tns", "0"), False,
    ceiling=-2.8, gain=1.3,
)
OPUS = Format(
    "Opus",
    "ogg",
    ("-c:a", "libopus", "-b:a", "40k", "-ar", "24000", "-compression_level", "1", "-frame_duration", "120"),
    True,
    ceiling=-3.0,
    gain=1.5,
)
FLAC = Format("FLAC", "flac", ("-c:a", "flac"), True)

ENCODED = {".mp3": MP3, ".m4b": MP4, ".m4a": MP4, ".opus": OPUS, ".ogg": OPUS, ".flac": FLAC}
"""The compressed formats by extension (WAV is written by coach.output.wav)."""


def ffmpeg_program() -> str:
    """The ffmpeg command, or OutputError saying how to get it."""
    program = shutil.which("ffmpeg")
    if program is None:
        raise OutputError(
            "Writing MP3, M4B, Opus or FLAC needs the ffmpeg program; install it"
            " (sudo apt install ffmpeg) or export a .wav file."
        )
    return program


class FfmpegWriter:
    """Context manager: ``write`` mono int16 blocks; the file at ``path``
    is complete when the block ends without an exception. OSErrors and
    ffmpeg's failures become OutputError naming ``name``; on an exception
    ffmpeg is stopped (the caller discards ``path``)."""

    def __init__(self, path: Path, fmt: Format, tags: Tags, name: Path | None = None):
        self.path = Path(path)
        self.name = Path(name or path)
        self.format = fmt
        self.tags = tags
        self._process: subprocess.Popen | None = None
        self._errors = None
        self._inputs: list[Path] = []

    def __enter__(self) -> FfmpegWriter:
        try:
            self._start()
        except OSError as exc:
            self._stop()
            raise output_error(self.name, exc) from exc
        except BaseException:
            self._stop()
            raise
        return self

    def write(self, block: np.ndarray) -> None:
        """Send mono int16 samples to the encoder."""
        if block.dtype != np.int16 or block.ndim != 1:
            raise TypeError(f"FfmpegWriter.write needs mono int16 samples, got {block.dtype} {block.shape}")
        try:
            self._process.stdin.write(memoryview(np.ascontiguousarray(block, "<i2")).cast("B"))
        except BrokenPipeError:
            self._process.wait()
            raise self._failure() from None
        except OSError as exc:
            raise output_error(self.name, exc) from exc

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is not None:
            self._stop()
            return
        try:
            try:
                self._process.stdin.close()
            except BrokenPipeError:
                pass
            if self._process.wait() != 0:
                raise self._failure()
        finally:
            self._stop()

    # -------------------------------------------------------------- inside

    def _start(self) -> None:
        fmt, tags = self.format, self.tags
        extra = vorbis_chapters(tags) if fmt.vorbis else {}
        if fmt.muxer == "ogg":
            extra["METADATA_BLOCK_PICTURE"] = base64.b64encode(flac_picture(cover_png())).decode("ascii")
        meta = self._input(ffmetadata(tags, chapters=not fmt.vorbis, extra=extra).encode("utf-8"))
        command = [
            ffmpeg_program(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
            # A deep queue: with several inputs ffmpeg reads each in a thread,
            # and its default 8-packet queue makes a piped input 10-20x slower.
            "-thread_queue_size", "4096",
            "-f", "s16le", "-ar", str(SAMPLE_RATE), "-ac", "1", "-i", "pipe:0",
            "-f", "ffmetadata", "-i", str(meta),
        ]  # fmt: skip
        if fmt.muxer != "ogg":  # Ogg takes no picture stream: the comment above holds it
            command += ["-f", "png_pipe", "-i", str(self._input(cover_png()))]
            command += ["-map", "2:v", "-c:v", "copy", "-disposition:v", "attached_pic",
                        "-metadata:s:v", "comment=Cover (front)"]  # the picture type, to ffmpeg
        command += ["-map", "0:a", "-map_metadata", "1", "-map_chapters", "-1" if fmt.vorbis else "1"]
        if fmt.muxer == "ogg":
            command += ["-map_metadata:s:a", "1"]  # the Opus comment header holds the stream's tags
        if fmt.ceiling is not None:
            limit, gain = 10 ** (fmt.ceiling / 20), 10 ** (fmt.gain / 20)
            command += ["-af", f"alimiter=level_in={gain:.4f}:limit={limit:.4f}:level=0:latency=1"]
        command += [*fmt.codec, "-ac", "1", "-f", fmt.muxer, str(self.path)]
        self._errors = tempfile.TemporaryFile()
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=self._errors,
            start_new_session=True,  # Ctrl-C reaches coach, which stops ffmpeg itself
        )

    def _input(self, data: bytes) -> Path:
        """A small input file for ffmpeg, named like the output's temporary
        files so that a killed run's are removed by the next."""
        path = temp_path(self.name)
        self._inputs.append(path)
        path.write_bytes(data)
        return path

    def _failure(self) -> OutputError:
        """ffmpeg's exit, as one sentence about the file."""
        self._errors.seek(0)
        text = self._errors.read().decode("utf-8", "replace")
        code = self._process.returncode
        if "No space left" in text:
            return output_error(self.name, OSError(errno.ENOSPC, "No space left on device"))
        if "File too large" in text or code == -signal.SIGXFSZ:
            return output_error(self.name, OSError(errno.EFBIG, "File too large"))
        last = text.strip().splitlines()[-1] if text.strip() else f"exit status {code}"
        return OutputError(f"Cannot write {self.name}: ffmpeg failed ({last}).")

    def _stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        if self._process is not None and self._process.stdin:
            try:
                self._process.stdin.close()
            except OSError:
                pass
        if self._errors is not None:
            self._errors.close()
            self._errors = None
        for path in self._inputs:
            try:
                os.unlink(path)
            except OSError:
                pass
        self._inputs = []


def flac_picture(png: bytes) -> bytes:
    """A FLAC PICTURE block body (front cover), as Ogg's
    METADATA_BLOCK_PICTURE comment carries it (base64)."""
    mime, description = b"image/png", b"Cover"
    return (
        struct.pack(">II", 3, len(mime)) + mime
        + struct.pack(">I", len(description)) + description
        + struct.pack(">IIIII", SIZE, SIZE, 24, 0, len(png)) + png
    )
