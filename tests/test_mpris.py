"""coach as an MPRIS media player, driven by `playerctl` over a real private
D-Bus session bus: first against a stand-in player (every method, property
and signal), then `coach play` itself through a real PulseAudio server,
where the recording must show the pause, the resumption and the skip."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field, replace

import numpy as np
import pytest

from pulse import lag, pulse_server
from coach.control.mpris import Mpris
from coach.model import Chapter, Timeline
from coach.output.player import Command, State, Status
from coach.units import SAMPLE_RATE

COACH = [sys.executable, "-c", "from coach.cli import main; main()"]

pytestmark = pytest.mark.skipif(
    not (shutil.which("dbus-daemon") and shutil.which("playerctl")),
    reason="needs dbus-daemon and playerctl (apt-get install dbus playerctl)")


@pytest.fixture
def bus(monkeypatch):
    """A private session bus (what dbus-run-session starts), for this test
    and the programs it runs; stopped afterwards."""
    daemon = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--nopidfile",
                               "--print-address=1"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    address = daemon.stdout.readline().strip()
    assert address.startswith("unix:"), address
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    yield {**os.environ, "DBUS_SESSION_BUS_ADDRESS": address}
    daemon.terminate()
    daemon.wait(5)


def playerctl(env, *args: str) -> str:
    done = subprocess.run(["playerctl", "--player=coach", *args], env=env,
                          capture_output=True, text=True, timeout=10)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


# ----------------------------------------------------- a stand-in player


@dataclass
class Source:
    timeline: Timeline
    complete: bool = True


@dataclass
class StandIn:
    """Just enough of a Player for the bridge: records commands, reports a
    status the test sets, tells watchers when asked."""

    source: Source
    now: Status
    commands: list = field(default_factory=list)
    watchers: list = field(default_factory=list)

    @property
    def state(self) -> State:
        return self.now.state

    def status(self) -> Status:
        return self.now

    def command(self, command) -> None:
        self.commands.append(Command(command))

    def watch(self, callback) -> None:
        self.watchers.append(callback)

    def move(self, **changes) -> None:
        self.now = replace(self.now, **changes)
        for watcher in self.watchers:
            watcher(self.now)


def stand_in() -> StandIn:
    rate = SAMPLE_RATE
    chapters = (Chapter("Welcome", 0), Chapter("Knees to chest", 60 * rate),
                Chapter("Lying twist", 150 * rate), Chapter("Well done", 240 * rate))
    timeline = Timeline(cues=(), chapters=chapters, length=260 * rate)
    return StandIn(Source(timeline), Status(State.PLAYING, 70 * rate, 1, "Knees to chest", False))


def test_playerctl_sees_the_session_and_its_controls_reach_the_player(bus):
    player = stand_in()
    with Mpris(player, "the back routine") as mpris:
        assert mpris.published
        assert "coach" in subprocess.run(["playerctl", "-l"], env=bus, capture_output=True,
                                         text=True, timeout=10).stdout.split()
        assert playerctl(bus, "status") == "Playing"
        assert playerctl(bus, "metadata", "xesam:title") == "Knees to chest"
        assert playerctl(bus, "metadata", "xesam:album") == "the back routine"
        assert playerctl(bus, "metadata", "xesam:artist") == "coach"
        # playerctl quotes object paths
        assert playerctl(bus, "metadata", "mpris:trackid") == "'/org/coach/session/chapter1'"
        assert playerctl(bus, "metadata", "mpris:length") == str(90 * 1_000_000)
        # ten seconds into the exercise (playerctl adds the time since it asked)
        assert abs(float(playerctl(bus, "position")) - 10.0) < 0.5
        for verb in ("play-pause", "pause", "play", "next", "previous", "stop"):
            playerctl(bus, verb)
        deadline = time.monotonic() + 5
        while len(player.commands) < 6 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert player.commands == [Command.PLAY_PAUSE, Command.PAUSE, Command.PLAY,
                                   Command.NEXT, Command.PREVIOUS, Command.STOP]


def test_a_change_of_state_or_exercise_is_signalled(bus):
    player = stand_in()
    monitor = subprocess.Popen(
        ["dbus-monitor", "--session",
         "type='signal',interface='org.freedesktop.DBus.Properties',member='PropertiesChanged'"],
        env=bus, stdout=subprocess.PIPE, text=True)
    try:
        with Mpris(player, "the back routine"):
            time.sleep(0.3)  # the monitor is listening
            player.move(state=State.PAUSED)
            player.move(state=State.PLAYING, chapter=2, title="Lying twist",
                        position=151 * SAMPLE_RATE)
            time.sleep(0.5)
            assert playerctl(bus, "metadata", "xesam:title") == "Lying twist"
    finally:
        monitor.terminate()
        seen = monitor.communicate(timeout=5)[0]
    assert seen.count("org.mpris.MediaPlayer2.Player") >= 2
    paused, playing = seen.index('"Paused"'), seen.index('"Lying twist"')
    assert paused < playing


def test_without_a_session_bus_nothing_is_published_and_nothing_waits(monkeypatch):
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    start = time.monotonic()
    with Mpris(stand_in(), "x") as mpris:
        assert not mpris.published
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
    with Mpris(stand_in(), "x") as mpris:
        assert not mpris.published
    assert time.monotonic() - start < 3


def test_a_second_coach_gets_a_name_of_its_own(bus):
    with Mpris(stand_in(), "one") as first, Mpris(stand_in(), "two") as second:
        assert first.published and second.published
        names = subprocess.run(["playerctl", "-l"], env=bus, capture_output=True,
                               text=True, timeout=10).stdout.split()
        assert "coach" in names
        assert f"coach.instance{os.getpid()}" in names


# ------------------------------------------------ the real thing, end to end


@pytest.fixture
def reference(beginner_export, tmp_path):
    """The beginner export, its samples and its chapters as ffprobe reads
    them: [(start sample, title)]; a state folder of this test's own."""
    env, wav, samples = beginner_export
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(wav)],
                           capture_output=True, text=True, timeout=30)
    chapters = [(int(c["start"]), c["tags"]["title"]) for c in json.loads(probe.stdout)["chapters"]]
    return {**env, "XDG_STATE_HOME": str(tmp_path / "state")}, samples, chapters


def heard_so_far(rec) -> np.ndarray:
    data = b"".join(rec._chunks)
    return np.frombuffer(data[: len(data) // 2 * 2], np.int16)


def loud_after(samples: np.ndarray, start: int, level: int = 1000) -> int | None:
    loud = np.flatnonzero(np.abs(samples[start:].astype(np.int32)) > level)
    return start + int(loud[0]) if len(loud) else None


def test_media_keys_pause_resume_and_skip_a_real_session(reference, bus):
    env, samples, chapters = reference
    with pulse_server() as server, server.record() as rec:
        proc = subprocess.Popen([*COACH, "play", "beginner", "--quiet"], env={**server.env, **bus, **env},
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        try:
            # 1. The opening is heard, and the desktop sees the player.
            deadline = time.monotonic() + 30
            while (len(heard_so_far(rec)) < 6 * SAMPLE_RATE or np.abs(heard_so_far(rec)).max() < 1000) \
                    and time.monotonic() < deadline:
                time.sleep(0.1)
            assert playerctl(bus, "status") == "Playing"
            assert playerctl(bus, "metadata", "xesam:title") == chapters[0][1]
            # 2. Pause from the "headset": the recording falls silent at once.
            asked = time.monotonic()
            playerctl(bus, "play-pause")
            time.sleep(3.0)
            assert playerctl(bus, "status") == "Paused"
            heard = heard_so_far(rec)
            since = int((asked - rec.start_time) * SAMPLE_RATE)
            loud = np.flatnonzero(np.abs(heard[since:].astype(np.int32)) > 300)
            last_sound = int(loud[-1]) / SAMPLE_RATE if len(loud) else 0.0
            print(f"media key pause: last sound {last_sound:.3f} s after the command")
            assert last_sound <= 0.5, f"sound went on {last_sound:.2f} s after the pause"
            # 3. Play again: sound comes back.
            mark = len(heard)
            playerctl(bus, "play-pause")
            time.sleep(2.5)
            assert loud_after(heard_so_far(rec), mark) is not None, "no sound after resuming"
            assert playerctl(bus, "status") == "Playing"
            # 4. Next: the first exercise's own audio is heard, and named.
            mark = len(heard_so_far(rec))
            playerctl(bus, "next")
            time.sleep(4.0)
            assert playerctl(bus, "metadata", "xesam:title") == chapters[1][1]
            heard = heard_so_far(rec)
            start = chapters[1][0]
            first_sound = loud_after(samples, start)
            piece = samples[first_sound: first_sound + 2 * SAMPLE_RATE]
            shift = lag(heard[mark:], piece)
            got = heard[mark + shift: mark + shift + len(piece)].astype(np.float64)
            match = np.dot(got, piece) / (np.linalg.norm(got) * np.linalg.norm(piece) + 1e-9)
            assert match > 0.9, f"after next, the recording does not match {chapters[1][1]!r}"
            playerctl(bus, "stop")
            _, err = proc.communicate(timeout=15)
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
                proc.communicate(timeout=15)
    assert "Traceback" not in err
    # 5. The stopped session is in the history, where it stopped.
    listed = subprocess.run([*COACH, "history"], env=env, capture_output=True, text=True, timeout=60)
    assert f"stopped in {chapters[1][1]}" in listed.stdout.splitlines()[-2]
