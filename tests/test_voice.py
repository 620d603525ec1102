"""Voice commands: the recogniser on spoken commands (espeak-ng's en-us
voice, which pocketsphinx's model understands), the coach's own whole
beginner session played into the microphone (it must never obey itself),
and `coach play --listen` through a real PulseAudio server with a second
null sink as a virtual microphone."""

import re
import signal
import subprocess
import sys
import time
import wave
from dataclasses import dataclass

import numpy as np
import pytest

from pulse import lag, pulse_server
from coach.model import Cue, CueKind, Timeline
from coach.output.player import Command, State, Status
from coach.units import SAMPLE_RATE

pocketsphinx = pytest.importorskip("pocketsphinx", reason="the voice extra is not installed")
from coach.control import voice  # noqa: E402

COACH = [sys.executable, "-c", "from coach.cli import main; main()"]


def spoken(text: str, rate: int = voice.RATE) -> bytes:
    """``text`` said by espeak-ng's en-us voice at 140 wpm, raw int16 mono."""
    wav = subprocess.run(["espeak-ng", "-v", "en-us", "-s", "140", "--stdout", text],
                         capture_output=True, check=True).stdout
    return subprocess.run(["sox", "-t", "wav", "-", "-r", str(rate), "-t", "raw", "-e", "signed",
                           "-b", "16", "-c", "1", "-"], input=wav, capture_output=True,
                          check=True).stdout


def silence(seconds: float) -> bytes:
    return b"\0\0" * int(seconds * voice.RATE)


def test_each_command_is_recognised_in_a_stream():
    words = list(voice.COMMANDS)
    stream = silence(1) + b"".join(spoken(f"coach {w}") + silence(1) for w in words)
    recogniser = voice.Recogniser()
    heard = []
    for at in range(0, len(stream), 2880):
        heard += recogniser.feed(stream[at:at + 2880])
    assert heard == words


def test_long_speech_and_a_bare_command_word_are_not_commands():
    recogniser = voice.Recogniser()
    stream = (silence(1) + spoken("Lie on your back with your knees bent and your feet flat on "
                                  "the floor, then slowly lift your hips.") + silence(1)
              + spoken("pause") + silence(1))
    assert recogniser.feed(stream) == []


# ------------------------------------------ never obeying its own voice


@dataclass
class Source:
    timeline: Timeline


class Playing:
    """A player whose position follows the audio fed to the ear, as if the
    microphone heard the speaker directly (the worst case)."""

    def __init__(self, timeline: Timeline):
        self.source = Source(timeline)
        self.at = 0
        self.commands: list[Command] = []

    def status(self) -> Status:
        return Status(State.PLAYING, self.at, 0, "", False)

    def command(self, command) -> None:
        self.commands.append(Command(command))


def vtt_cues(path) -> list[tuple[float, float]]:
    times = re.findall(r"(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})",
                       path.read_text())
    seconds = lambda h, m, s, ms: int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000  # noqa: E731
    return [(seconds(*t[:4]), seconds(*t[4:])) for t in times]


@pytest.fixture
def beginner(beginner_export, tmp_path):
    """The beginner export: env (a state folder of this test's own), WAV,
    its cues from the .vtt, and its samples."""
    env, wav, samples = beginner_export
    return ({**env, "XDG_STATE_HOME": str(tmp_path / "state")}, wav,
            vtt_cues(wav.with_suffix(".vtt")), samples)


def test_the_whole_beginner_session_heard_through_the_microphone_triggers_nothing(beginner):
    _, wav, cues, _ = beginner
    timeline = Timeline(
        cues=tuple(Cue(round(a * SAMPLE_RATE), round((b - a) * SAMPLE_RATE), CueKind.SPEECH, "", 0)
                   for a, b in cues),
        chapters=(), length=0)
    mic = subprocess.run(["sox", str(wav), "-r", str(voice.RATE), "-t", "raw", "-e", "signed",
                          "-b", "16", "-"], capture_output=True, check=True).stdout
    player = Playing(timeline)
    fed = [0]
    ear = voice.Listener(player, acknowledge=lambda sound: None,
                         clock=lambda: fed[0] / voice.RATE)
    chunk = ear.recogniser.frame_bytes * 3
    for at in range(0, len(mic), chunk):
        fed[0] = at // 2
        player.at = at // 2 * SAMPLE_RATE // voice.RATE
        ear.hear(mic[at:at + chunk])
    assert player.commands == []
    # The same audio with the ear always open: what the gate is for.
    raw = voice.Recogniser()
    ungated = sum(len(raw.feed(mic[at:at + chunk])) for at in range(0, len(mic), chunk))
    print(f"false triggers over the beginner session: gated 0, ungated {ungated}")


# ------------------------------------------------- a real microphone


def add_microphone(server) -> None:
    """A second null sink whose monitor is the default source: what is
    played into it is what coach hears."""
    for args in (["load-module", "module-null-sink", "sink_name=mic", f"rate={voice.RATE}", "channels=1"],
                 ["set-default-source", "mic.monitor"]):
        subprocess.run(["pactl", *args], env=server.env, check=True, capture_output=True, timeout=10)


def say_into(server, tmp_path, text: str) -> float:
    """Play ``text`` into the microphone; return about when its sound ended
    (paplay's start plus the clip's length)."""
    path = tmp_path / f"{text.replace(' ', '_')}.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "140", "-w", str(path), text], check=True)
    with wave.open(str(path)) as w:
        length = w.getnframes() / w.getframerate()
    began = time.monotonic()
    subprocess.run(["paplay", "--device=mic", str(path)], env=server.env, check=True, timeout=20)
    return began + length


def recorded(rec) -> np.ndarray:
    data = b"".join(rec._chunks)
    return np.frombuffer(data[: len(data) // 2 * 2], np.int16)


def test_coach_pause_and_coach_continue_said_into_the_microphone(beginner, tmp_path):
    env, _, cues, reference = beginner
    # The first quiet stretch of at least 4.5 s: time to say a command.
    gap_start, gap_end = next((b, c) for (_, b), (c, _) in zip(cues, cues[1:]) if c - b >= 4.5)
    with pulse_server() as server:
        add_microphone(server)  # before recording: a new sink upsets a running parec
        rec = server.record()
        proc = subprocess.Popen([*COACH, "play", "beginner", "--listen"], env={**server.env, **env},
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        try:
            rec.wait_for(8, timeout=60)
            deadline = time.monotonic() + 30
            while np.abs(recorded(rec)).max() < 1000:
                assert time.monotonic() < deadline and proc.poll() is None, "nothing was played"
                time.sleep(0.1)
            rec.wait_for(len(recorded(rec)) / SAMPLE_RATE + 6, timeout=30)
            shift = lag(recorded(rec), reference[: 5 * SAMPLE_RATE])
            # 1. "coach pause" in the quiet before the next instruction.
            due = rec.time_of(shift + int((gap_start + 0.3) * SAMPLE_RATE))
            time.sleep(max(0.0, due - time.monotonic()))
            said = say_into(server, tmp_path, "coach pause")
            time.sleep(gap_end - gap_start + 2.0)
            heard = recorded(rec)
            quiet_from = int((said - rec.start_time + 0.8) * SAMPLE_RATE)
            next_cue = shift + int(gap_end * SAMPLE_RATE)
            assert len(heard) > next_cue + SAMPLE_RATE
            assert np.abs(heard[quiet_from:].astype(np.int32)).max() < 300, \
                "the session went on after \"coach pause\""
            reaction = (np.flatnonzero(np.abs(heard[int((said - rec.start_time) * SAMPLE_RATE):]
                                              .astype(np.int32)) > 1000)[:1] / SAMPLE_RATE)
            print(f"\"coach pause\" acknowledged {reaction[0] if len(reaction) else float('nan'):.2f} s "
                  "after the command ended")
            # 2. "coach continue": the session goes on, from the phrase before
            #    the pause (the player's resume point) or from where it paused.
            mark = len(recorded(rec))
            say_into(server, tmp_path, "coach continue")
            time.sleep(gap_end - gap_start + 3.0)
            after = recorded(rec)[mark:]
            before = next(a for a, b in cues if b == gap_start)
            matches = []
            for start in (before, gap_end):
                piece = reference[int(start * SAMPLE_RATE): int((start + 1.0) * SAMPLE_RATE)]
                at = max(0, lag(after, piece))
                got = after[at: at + len(piece)].astype(np.float64)
                matches.append(np.dot(got, piece) / (np.linalg.norm(got) * np.linalg.norm(piece) + 1e-9))
            assert max(matches) > 0.9, "the session did not go on after \"coach continue\""
        finally:
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=15)
            rec.close()
    assert "Traceback" not in err
    assert err.splitlines()[0].startswith("Listening: say")


def test_with_no_microphone_listen_says_so_and_plays_on(beginner):
    env = beginner[0]
    with pulse_server() as server, server.record() as rec:
        # The only source is the speaker's own monitor: not a microphone.
        proc = subprocess.Popen([*COACH, "play", "beginner", "--listen"], env={**server.env, **env},
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        try:
            rec.wait_for(6, timeout=60)
            deadline = time.monotonic() + 30
            while np.abs(recorded(rec)).max() < 1000 and time.monotonic() < deadline:
                time.sleep(0.1)
            assert proc.poll() is None
        finally:
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=15)
    assert np.abs(rec.samples).max() > 1000  # it played
    assert err.splitlines()[0] == ("No microphone was found (only the speaker's own monitor); "
                                   "playing without voice commands.")


def test_without_the_extra_listen_names_the_install_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "pocketsphinx", None)
    assert voice.recogniser_missing() == \
        'Voice commands need the voice extra: run `.venv/bin/pip install -e ".[voice]"`'
