"""coach as a desktop media player (MPRIS), so the pause button of a headset,
the keyboard's media keys, the lock screen or `playerctl` control a session.

    session bus ──▶ org.mpris.MediaPlayer2.coach ──command()──▶ Player
                 ◀── PropertiesChanged ◀──watch()─────────────┘

Each chapter of the session (opening, every exercise, closing) is one track:
``Next``/``Previous`` move between exercises like the ``n``/``p`` keys, and
``Metadata`` names the exercise being done. D-Bus runs on an asyncio loop in
a thread of its own (dbus-fast, pure Python, MIT); with no session bus the
player simply is not published and playing goes on as before, silently.

No ``from __future__ import annotations`` here: dbus-fast reads the D-Bus
signature strings (``'s'``, ``'a{sv}'``) from the annotations themselves.
"""

import asyncio
import contextlib
import os
import threading

from dbus_fast import NameFlag, PropertyAccess, RequestNameReply, Variant
from dbus_fast.aio import MessageBus
from dbus_fast.service import ServiceInterface, dbus_method, dbus_property, dbus_signal

from coach.output.player import Command, Player, State, Status
from coach.units import SAMPLE_RATE

BUS_NAME = "org.mpris.MediaPlayer2.coach"
OBJECT_PATH = "/org/mpris/MediaPlayer2"
TRACK_PATH = "/org/coach/session/chapter{}"
"""``mpris:trackid`` of chapter N (an object path, as the spec asks)."""
CONNECT_S = 2.0
"""Longest wait for the session bus at start; past it, play goes on without."""

PLAYBACK = {State.PLAYING: "Playing", State.PAUSED: "Paused"}
"""MPRIS PlaybackStatus for the player's states; anything else is "Stopped"."""


def micros(samples: int) -> int:
    """Samples -> microseconds, MPRIS's unit of time."""
    return samples * 1_000_000 // SAMPLE_RATE


class Root(ServiceInterface):
    """``org.mpris.MediaPlayer2``: who we are. coach has no window to raise
    and is quit from where it was started."""

    def __init__(self):
        super().__init__("org.mpris.MediaPlayer2")

    @dbus_method()
    def Raise(self) -> None:  # noqa: N802 (D-Bus names)
        pass

    @dbus_method()
    def Quit(self) -> None:  # noqa: N802
        pass

    @dbus_property(access=PropertyAccess.READ)
    def CanQuit(self) -> "b":  # noqa: N802, F821
        return False

    @dbus_property(access=PropertyAccess.READ)
    def CanRaise(self) -> "b":  # noqa: N802, F821
        return False

    @dbus_property(access=PropertyAccess.READ)
    def HasTrackList(self) -> "b":  # noqa: N802, F821
        return False

    @dbus_property(access=PropertyAccess.READ)
    def Identity(self) -> "s":  # noqa: N802, F821
        return "coach"

    @dbus_property(access=PropertyAccess.READ)
    def SupportedUriSchemes(self) -> "as":  # noqa: N802, F821, F722
        return []

    @dbus_property(access=PropertyAccess.READ)
    def SupportedMimeTypes(self) -> "as":  # noqa: N802, F821, F722
        return []


class Transport(ServiceInterface):
    """``org.mpris.MediaPlayer2.Player``: the controls, mapped onto the
    player's commands, and what is playing, read from its status."""

    def __init__(self, player: Player, album: str):
        super().__init__("org.mpris.MediaPlayer2.Player")
        self.player, self.album = player, album

    # -- methods ---------------------------------------------------------

    @dbus_method()
    def PlayPause(self) -> None:  # noqa: N802
        self.player.command(Command.PLAY_PAUSE)

    @dbus_method()
    def Play(self) -> None:  # noqa: N802
        self.player.command(Command.PLAY)

    @dbus_method()
    def Pause(self) -> None:  # noqa: N802
        self.player.command(Command.PAUSE)

    @dbus_method()
    def Stop(self) -> None:  # noqa: N802
        self.player.command(Command.STOP)

    @dbus_method()
    def Next(self) -> None:  # noqa: N802
        self.player.command(Command.NEXT)

    @dbus_method()
    def Previous(self) -> None:  # noqa: N802
        self.player.command(Command.PREVIOUS)

    @dbus_method()
    def Seek(self, offset: "x") -> None:  # noqa: N802, F821
        pass  # CanSeek is false: the spec says to ignore it

    @dbus_method()
    def SetPosition(self, track: "o", position: "x") -> None:  # noqa: N802, F821
        pass

    @dbus_signal()
    def Seeked(self) -> "x":  # noqa: N802, F821
        return micros(self._in_chapter(self.player.status()))

    # -- properties ------------------------------------------------------

    @dbus_property(access=PropertyAccess.READ)
    def PlaybackStatus(self) -> "s":  # noqa: N802, F821
        return PLAYBACK.get(self.player.state, "Stopped")

    @dbus_property(access=PropertyAccess.READ)
    def Metadata(self) -> "a{sv}":  # noqa: N802, F821, F722
        return self.metadata(self.player.status())

    @dbus_property(access=PropertyAccess.READ)
    def Position(self) -> "x":  # noqa: N802, F821
        return micros(self._in_chapter(self.player.status()))

    @dbus_property(access=PropertyAccess.READ)
    def Rate(self) -> "d":  # noqa: N802, F821
        return 1.0

    @dbus_property(access=PropertyAccess.READ)
    def MinimumRate(self) -> "d":  # noqa: N802, F821
        return 1.0

    @dbus_property(access=PropertyAccess.READ)
    def MaximumRate(self) -> "d":  # noqa: N802, F821
        return 1.0

    @dbus_property(access=PropertyAccess.READ)
    def Volume(self) -> "d":  # noqa: N802, F821
        return 1.0

    @dbus_property(access=PropertyAccess.READ)
    def CanGoNext(self) -> "b":  # noqa: N802, F821
        return self.can_go_next(self.player.status())

    @dbus_property(access=PropertyAccess.READ)
    def CanGoPrevious(self) -> "b":  # noqa: N802, F821
        return True

    @dbus_property(access=PropertyAccess.READ)
    def CanPlay(self) -> "b":  # noqa: N802, F821
        return True

    @dbus_property(access=PropertyAccess.READ)
    def CanPause(self) -> "b":  # noqa: N802, F821
        return True

    @dbus_property(access=PropertyAccess.READ)
    def CanSeek(self) -> "b":  # noqa: N802, F821
        return False

    @dbus_property(access=PropertyAccess.READ)
    def CanControl(self) -> "b":  # noqa: N802, F821
        return True

    # -- from the player's status -----------------------------------------

    def metadata(self, status: Status) -> dict[str, Variant]:
        """The current chapter as a track: its title, the routine as album,
        "coach" as artist, its own track id and length."""
        chapters = self.player.source.timeline.chapters
        found = {
            "mpris:trackid": Variant("o", TRACK_PATH.format(status.chapter)),
            "xesam:album": Variant("s", self.album),
            "xesam:artist": Variant("as", ["coach"]),
            "xesam:title": Variant("s", status.title or self.album),
            "xesam:trackNumber": Variant("i", status.chapter + 1),
        }
        length = self._chapter_length(status.chapter)
        if length:
            found["mpris:length"] = Variant("x", micros(length))
        if not chapters:
            del found["xesam:trackNumber"]
        return found

    def can_go_next(self, status: Status) -> bool:
        return status.chapter + 1 < len(self.player.source.timeline.chapters) \
            or not self.player.source.complete

    def changed(self, status: Status) -> dict[str, object]:
        """Every property a status change can move, for PropertiesChanged."""
        return {
            "PlaybackStatus": PLAYBACK.get(status.state, "Stopped"),
            "Metadata": self.metadata(status),
            "CanGoNext": self.can_go_next(status),
        }

    def _in_chapter(self, status: Status) -> int:
        chapters = self.player.source.timeline.chapters
        start = chapters[status.chapter].start if chapters else 0
        return max(0, status.position - start)

    def _chapter_length(self, chapter: int) -> int | None:
        timeline = self.player.source.timeline
        if not timeline.chapters:
            return None
        if chapter + 1 < len(timeline.chapters):
            return timeline.chapters[chapter + 1].start - timeline.chapters[chapter].start
        if self.player.source.complete:
            return timeline.length - timeline.chapters[chapter].start
        return None


class Mpris:
    """Publishes ``player`` on the session bus for as long as the ``with``
    block runs. Quiet and harmless where there is no session bus, or when
    another coach already holds the name (then this one is not published)."""

    def __init__(self, player: Player, album: str):
        self.transport = Transport(player, album)
        self.published = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._bus: MessageBus | None = None
        self._thread: threading.Thread | None = None
        self._up = threading.Event()
        self._done: asyncio.Event | None = None
        player.watch(self._on_status)

    def __enter__(self) -> "Mpris":
        if os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
            self._thread = threading.Thread(target=self._serve, name="coach-mpris", daemon=True)
            self._thread.start()
            self._up.wait(CONNECT_S)
        return self

    def __exit__(self, *exc) -> None:
        loop, done = self._loop, self._done
        if loop is not None and done is not None:
            with contextlib.suppress(RuntimeError):  # the loop already ended
                loop.call_soon_threadsafe(done.set)
        if self._thread is not None:
            self._thread.join(CONNECT_S)

    def _serve(self) -> None:
        with contextlib.suppress(Exception):  # no bus, or it went away: play on
            asyncio.run(self._main())
        self._up.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._done = asyncio.Event()
        bus = await MessageBus().connect()
        try:
            bus.export(OBJECT_PATH, Root())
            bus.export(OBJECT_PATH, self.transport)
            # A second coach playing at once takes a name of its own.
            reply = await bus.request_name(BUS_NAME, NameFlag.DO_NOT_QUEUE)
            if reply != RequestNameReply.PRIMARY_OWNER:
                await bus.request_name(f"{BUS_NAME}.instance{os.getpid()}", NameFlag.DO_NOT_QUEUE)
            self._bus, self.published = bus, True
            self._up.set()
            await self._done.wait()
        finally:
            self.published = False
            bus.disconnect()

    def _on_status(self, status: Status) -> None:
        """From the player's thread: tell the desktop what changed."""
        loop = self._loop
        if loop is None or not self.published:
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(self._emit, status)

    def _emit(self, status: Status) -> None:
        with contextlib.suppress(Exception):
            self.transport.emit_properties_changed(self.transport.changed(status))
