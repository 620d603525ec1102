"""Voice commands: "coach pause", "coach continue", "coach next", "coach
back", "coach repeat", "coach stop", heard on the default microphone.

    microphone ──parec──▶ Endpointer (voice activity) ──▶ Decoder (grammar)
        16 kHz mono            one utterance at a time       "coach <word>"
                                                                  │
    Player ◀──command()── unless the coach itself was sounding ◀──┘

Offline, with pocketsphinx and the English model in its wheel (the optional
``voice`` extra). Measured here with espeak-ng's en-us voice: keyword
spotting does not find "coach pause" at any threshold, while a grammar of the
six commands finds them; but a grammar maps any short phrase to the nearest
command, so three rules keep the coach from obeying what is not meant for it:

1. It never listens while it sounds itself: every cue of the timeline (speech,
   counts, beeps) plus a short tail shuts the ear, so it cannot obey its own
   voice or counting, even with speakers and no headphones.
2. A command is a short utterance on its own (``MIN_S`` .. ``MAX_S``).
3. Each command is acknowledged with a soft double tick, and the ear stays shut
   while the tick sounds.
"""

from __future__ import annotations

import bisect
import contextlib
import shutil
import subprocess
import threading
import time
from collections.abc import Callable

import numpy as np

from coach.model import Timeline
from coach.output.player import Command, State
from coach.units import SAMPLE_RATE, to_samples

INSTALL = '.venv/bin/pip install -e ".[voice]"'
RATE = 16_000
"""Samples per second the recogniser's model wants."""
COMMANDS = {
    "pause": Command.PAUSE, "continue": Command.PLAY, "next": Command.NEXT,
    "back": Command.PREVIOUS, "repeat": Command.REPEAT, "stop": Command.STOP,
}
GRAMMAR = ("#JSGF V1.0; grammar coach; public <command> = coach ("
           + " | ".join(COMMANDS) + ");")
EXTRA_PRONUNCIATIONS = {"pause(2)": "P AA Z", "pause(3)": "P AO S"}
"""espeak-ng and many speakers say "pause" with a shorter or unvoiced end."""
MIN_S, MAX_S = 0.5, 2.5
"""Length of an utterance that can be a command, seconds."""
LEAD_S, TAIL_S = 0.3, 0.6
"""The ear is shut this long before a cue starts and after it ends: sound
reaches the microphone after the device's latency, and rooms echo."""


def recogniser_missing() -> str | None:
    """Why voice commands cannot work here (one sentence), or None."""
    try:
        import pocketsphinx  # noqa: F401
    except ImportError:
        return f"Voice commands need the voice extra: run `{INSTALL}`"
    return None


class Recogniser:
    """Feed it 16 kHz mono int16 audio; it returns the command words of the
    utterances that ended in it."""

    def __init__(self):
        from pocketsphinx import Decoder, Endpointer

        self.endpointer = Endpointer(window=0.3, ratio=0.9)
        self.decoder = Decoder(loglevel="FATAL")
        for i, (word, phones) in enumerate(EXTRA_PRONUNCIATIONS.items(), 1):
            self.decoder.add_word(word, phones, i == len(EXTRA_PRONUNCIATIONS))
        self.decoder.add_jsgf_string("commands", GRAMMAR)
        self.decoder.activate_search("commands")
        self.frame_bytes = self.endpointer.frame_bytes
        self._pending = b""
        self._frames = 0

    def feed(self, audio: bytes) -> list[str]:
        """Command words of the utterances that ended in ``audio``."""
        found = []
        data = self._pending + audio
        whole = len(data) - len(data) % self.frame_bytes
        self._pending = data[whole:]
        for at in range(0, whole, self.frame_bytes):
            before = self.endpointer.in_speech
            speech = self.endpointer.process(data[at: at + self.frame_bytes])
            if speech is None:
                continue
            if not before:
                self.decoder.start_utt()
                self._frames = 0
            self.decoder.process_raw(speech, False, False)
            self._frames += 1
            if not self.endpointer.in_speech:
                found += self._end()
        return found

    def reset(self) -> None:
        """Forget what was heard so far (the ear was shut)."""
        if self.endpointer.in_speech:
            with contextlib.suppress(RuntimeError):
                self.decoder.end_utt()
        from pocketsphinx import Endpointer

        self.endpointer = Endpointer(window=0.3, ratio=0.9)
        self._pending = b""

    def _end(self) -> list[str]:
        self.decoder.end_utt()
        seconds = self._frames * self.endpointer.frame_length
        hyp = self.decoder.hyp()
        words = hyp.hypstr.split() if hyp else []
        if not MIN_S <= seconds <= MAX_S or len(words) != 2 or words[0] != "coach":
            return []
        return [words[1]] if words[1] in COMMANDS else []


class Sounding:
    """Is the coach making a sound at session sample ``at`` (with the lead
    and tail of the ear's shutting)? Follows a timeline that may still grow."""

    def __init__(self):
        self._timeline: Timeline | None = None
        self._ends: list[int] = []
        self._starts: list[int] = []

    def __call__(self, timeline: Timeline, at: int) -> bool:
        if timeline is not self._timeline:
            self._timeline = timeline
            self._starts = [c.start - to_samples(LEAD_S) for c in timeline.cues]
            self._ends = [c.start + c.length + to_samples(TAIL_S) for c in timeline.cues]
        i = bisect.bisect_right(self._starts, at)
        # Cues never overlap much: the few before ``at`` are all that can cover it.
        return any(self._ends[j] > at for j in range(max(0, i - 3), i))


def tick() -> np.ndarray:
    """The acknowledgement: two soft 60 ms ticks (about -20 dBFS), int16."""
    t = np.arange(to_samples(0.06)) / SAMPLE_RATE
    one = np.sin(2 * np.pi * 1320 * t) * np.hanning(len(t)) * 0.1
    gap = np.zeros(to_samples(0.05))
    return (np.concatenate([one, gap, one]) * 32767).astype(np.int16)


def microphone() -> str | None:
    """Why there is no microphone to listen on (one sentence), or None. The
    monitor of the sink coach plays into is not a microphone."""
    if shutil.which("parec") is None or shutil.which("pactl") is None:
        return "No microphone: listening needs PulseAudio's parec and pactl (apt-get install pulseaudio-utils)"
    try:
        source = subprocess.run(["pactl", "get-default-source"], capture_output=True, text=True,
                                timeout=5)
        sink = subprocess.run(["pactl", "get-default-sink"], capture_output=True, text=True,
                              timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return "No microphone: the audio server does not answer"
    name = source.stdout.strip()
    if source.returncode != 0 or not name:
        return "No microphone was found"
    if name == f"{sink.stdout.strip()}.monitor" or name == "@DEFAULT_MONITOR@":
        return "No microphone was found (only the speaker's own monitor)"
    return None


class Listener:
    """Listens on the default microphone while the ``with`` block runs and
    gives the player the commands it hears."""

    def __init__(self, player, acknowledge: Callable[[np.ndarray], None] | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.player = player
        self.acknowledge = acknowledge or _play_tick
        self.clock = clock
        self.heard: list[str] = []
        """Every command obeyed, in order (for the status line and tests)."""
        self.recogniser = Recogniser()
        self.sounding = Sounding()
        self._proc: subprocess.Popen | None = None
        self._thread: threading.Thread | None = None
        self._quiet_until = 0.0
        self._shut = False

    def __enter__(self) -> "Listener":
        self._proc = subprocess.Popen(
            ["parec", "--raw", "--format=s16le", f"--rate={RATE}", "--channels=1",
             "--latency-msec=30", "--client-name=coach-listen"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._thread = threading.Thread(target=self._listen, name="coach-listen", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(2)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(2)
        if self._thread is not None:
            self._thread.join(2)

    def busy(self) -> bool:
        """Is the ear shut now: the coach or its tick is sounding?"""
        if self.clock() < self._quiet_until:
            return True
        status = self.player.status()
        if status.state != State.PLAYING:
            return False  # paused: listen for "coach continue"
        return self.sounding(self.player.source.timeline, status.position)

    def _listen(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        chunk = self.recogniser.frame_bytes * 3
        while data := self._proc.stdout.read(chunk):
            self.hear(data)

    def hear(self, audio: bytes) -> None:
        """Take the next stretch of microphone audio (16 kHz mono int16)."""
        if self.busy():
            if not self._shut:
                self.recogniser.reset()
            self._shut = True
            return
        self._shut = False
        for word in self.recogniser.feed(audio):
            self.obey(word)

    def obey(self, word: str) -> None:
        sound = tick()
        self._quiet_until = self.clock() + len(sound) / SAMPLE_RATE + TAIL_S
        self.heard.append(word)
        self.player.command(COMMANDS[word])
        with contextlib.suppress(Exception):
            self.acknowledge(sound)


def _play_tick(sound: np.ndarray) -> None:
    import simpleaudio

    simpleaudio.play_buffer(sound.tobytes(), 1, 2, SAMPLE_RATE)
