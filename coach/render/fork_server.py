"""A speech engine as a small server process that forks once per phrase.

Both voices keep state from one phrase to the next: libespeak-ng's pitch
flutter index is a static variable inside the library and its wave
generator's phase carries over; Piper's model draws noise from a generator
seeded when the model loads. So the same text spoken second comes out
different from the same text spoken first. The server sets its engine up
once (library loaded, voice data read, model loaded) and forks a child for
every phrase: each phrase starts from the very same state, so the same text,
engine, voice and rate always give the same samples, whichever process asks
(for espeak-ng they are the samples of ``espeak-ng -w``). Whatever a phrase
allocates (Piper's working memory grows with the sentence) goes away with its
child. A fork costs well under a millisecond.

Run as ``python -m coach.render.fork_server ENGINE VOICE RATE`` (ENGINE is
``espeak`` or ``piper``). Protocol on stdin/stdout, integers little-endian:

    server -> client  b"OK" + uint32 sample rate: ready
                      | b"NF": voice not found | b"NI": engine not installed
                      | b"NL": the voice could not be loaded
    client -> server  uint32 byte length, then the text (UTF-8)
    server -> client  int32 sample count (-1: that phrase failed), then the
                      samples (int16 mono at the sample rate above)

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


class SetupError(Exception):
    """The engine cannot start: ``code`` is the two-byte reply."""

    def __init__(self, code: bytes):
        super().__init__(code)
        self.code = code


def espeak_setup(voice: str, rate: int):
    """libespeak-ng ready to speak: (sample rate, speak(text) -> int16 bytes)."""
    try:
        from pyttsx3.drivers import _espeak as espeak
    except Exception as exc:  # RuntimeError or OSError without the library
        raise SetupError(b"NI") from exc
    rate_hz = espeak.Initialize(espeak.AUDIO_OUTPUT_SYNCHRONOUS, 1000, None, 0)
    if rate_hz <= 0:
        raise SetupError(b"NI")
    if espeak.SetVoiceByName(voice.encode("utf-8")) != 0:
        raise SetupError(b"NF")
    espeak.SetParameter(espeak.RATE, rate, 0)

    def speak(text: str) -> bytes:
        chunks: list[bytes] = []

        def collect(wav, count, events):
            if count > 0:
                chunks.append(ctypes.string_at(wav, count * 2))
            return 0

        espeak.SetSynthCallback(collect)
        # ENDPAUSE, as the espeak-ng command does: the last syllable decays
        # the same way (the pause itself is trimmed later).
        if espeak.Synth(text.encode("utf-8"), flags=espeak.CHARS_UTF8 | espeak.ENDPAUSE) != 0:
            raise RuntimeError("espeak_Synth failed")
        return b"".join(chunks)

    return rate_hz, speak


def setup(engine: str, voice: str, rate: int):
    if engine == "espeak":
        return espeak_setup(voice, rate)
    if engine == "piper":
        from coach.render.piper import server_setup

        return server_setup(voice, rate)
    raise SetupError(b"NI")


def serve(engine: str, voice: str, rate: int) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stdin, stdout = 0, 1
    try:
        rate_hz, speak = setup(engine, voice, rate)
    except SetupError as exc:
        _write(stdout, exc.code)
        return 1
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
            code = 2
            try:
                os.close(read_end)
                ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
                _write(write_end, speak(text.decode("utf-8")))
                code = 0
            finally:
                os._exit(code)
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
    sys.exit(serve(sys.argv[1], sys.argv[2], int(sys.argv[3])))
