"""Can this machine play sound? Asked in a child process, ``python -m
coach.output.probe``, which opens the default device and plays 64 silent
bytes.

Why a child: a hung sound server makes ``simpleaudio.play_buffer`` block for
30 s while holding the GIL, so no thread could time it out; a process can be
killed. Exit status 0 means the device opened; otherwise stderr says why.
"""

from __future__ import annotations

import os
import subprocess
import sys

from coach.errors import AudioError

EXPORT_HINT = "run `coach export` to save the session as a WAV file instead"
NO_DEVICE = f"No sound device or audio server is available, so coach cannot play; {EXPORT_HINT}."
BUSY = f"The sound device is busy or not answering, so coach cannot play; {EXPORT_HINT}."


def probe(timeout: float = 4.0) -> None:
    """Return once the default device opened; AudioError (BUSY) when it takes
    longer than ``timeout`` seconds, AudioError (NO_DEVICE) when it fails."""
    try:
        done = subprocess.run([sys.executable, "-m", "coach.output.probe"], capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:  # run() kills the child on timeout
        raise AudioError(BUSY) from exc
    if done.returncode != 0:
        raise AudioError(NO_DEVICE) from OSError(done.stderr.strip()[-300:])


def main() -> None:
    try:
        import simpleaudio

        simpleaudio.play_buffer(bytes(64), 1, 2, 22050)
    except BaseException as exc:  # report anything, in the parent's words
        sys.stderr.write(str(exc))
        sys.stderr.flush()
        os._exit(1)
    # _exit: skip interpreter teardown, where simpleaudio may still hold ALSA.
    os._exit(0)


if __name__ == "__main__":
    main()
