"""The espeak-ng voice as a small server process: libespeak-ng (through
pyttsx3's ctypes binding) initialised once, one fork per phrase.

espeak-ng keeps state from one utterance to the next (the pitch flutter
index is a static variable inside the library, and the wave generator's
phase carries over), so the same text spoken second comes out a few samples
different from the same text spoken first. Forking the initialised server for
every phrase gives each phrase the very same starting state: the same text,
voice and rate always give the same samples, whichever process asks, and
they are the samples of ``espeak-ng -w`` for that text. A fork of this small
process costs well under a millisecond; the library is loaded and its voice
data read only once.

Run as ``python -m coach.render.espeak_server VOICE RATE``. Protocol on
stdin/stdout, all integers little-endian:

    server -> client  b"OK" + uint32 sample rate: ready
                      | b"NF": voice not found | b"NI": no library
    client -> server  uint32 byte length, then the text (UTF-8)
    server -> client  int32 sample count (-1: that phrase failed), then
                      the samples (int16 mono at the rate espeak-ng reports)

The server ignores Ctrl-C (the client handles it for the whole process
group), exits when its stdin closes, and every child dies with the server
(PR_SET_PDEATHSIG), so nothing outlives the client.
"""

from __future__ import annotations

import ctypes
import os
import signal
import struct
import sys

PR_SET_PDEATHSIG = 1


def _read(fd: int, count: int) -> bytes | None:
    data = b""
    while len(data) < count:
        chunk = os.read(fd, count - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def _write(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _speak(espeak, text: bytes, out: int) -> None:
    """In the forked child: synthesise ``text`` and write its samples."""
    libc = ctypes.CDLL(None)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    chunks: list[bytes] = []

    def collect(wav, count, events):
        if count > 0:
            chunks.append(ctypes.string_at(wav, count * 2))
        return 0

    espeak.SetSynthCallback(collect)
    status = espeak.Synth(text, flags=espeak.CHARS_UTF8 | espeak.ENDPAUSE)
    if status != 0:
        os._exit(2)
    _write(out, b"".join(chunks))


def serve(voice: str, rate: int) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stdin, stdout = 0, 1
    try:
        from pyttsx3.drivers import _espeak as espeak
    except Exception:  # the binding raises RuntimeError or OSError without the library
        _write(stdout, b"NI")
        return 1
    rate_hz = espeak.Initialize(espeak.AUDIO_OUTPUT_SYNCHRONOUS, 1000, None, 0)
    if rate_hz <= 0:
        _write(stdout, b"NI")
        return 1
    if espeak.SetVoiceByName(voice.encode("utf-8")) != 0:
        _write(stdout, b"NF")
        return 1
    espeak.SetParameter(espeak.RATE, rate, 0)
    _write(stdout, b"OK" + struct.pack("<I", rate_hz))
    while True:
        head = _read(stdin, 4)
        if head is None:
            return 0
        text = _read(stdin, struct.unpack("<I", head)[0])
        if text is None:
            return 0
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: one phrase from the pristine state
            try:
                os.close(read_end)
                _speak(espeak, text, write_end)
            finally:
                os._exit(0)
        os.close(write_end)
        parts = []
        while chunk := os.read(read_end, 1 << 16):
            parts.append(chunk)
        os.close(read_end)
        _, status = os.waitpid(pid, 0)
        samples = b"".join(parts)
        if status != 0 or len(samples) % 2:
            _write(stdout, struct.pack("<i", -1))
        else:
            _write(stdout, struct.pack("<i", len(samples) // 2) + samples)


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1], int(sys.argv[2])))
