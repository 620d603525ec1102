"""The one exception tree of coach. The CLI turns any of these into a single
line on stderr (a ConfigError may list several problems, one line each) and
one exit code per kind: 2 for bad input the user can fix (an option, the
config file, a routine, a voice name), 1 for a failure on the way (engine,
device, disk), 130 for Ctrl-C (128 + the signal for SIGTERM and SIGHUP);
anything else is a bug.

    CoachError
     ├── RoutineError    bad routine text: carries file and line
     ├── ConfigError     bad settings or an unknown routine or level
     ├── TtsError        the speech engine is missing or failed
     │    └── VoiceError  no such voice (bad input: exit code 2)
     ├── AudioError      no sound device, or playback failed
     ├── OutputError     the WAV or .vtt could not be written
     └── Interrupted     Ctrl-C

Third-party exceptions are translated where they cross into coach
(``raise TtsError(...) from exc``), never leaked.
"""

from __future__ import annotations


class CoachError(Exception):
    """Base of every error coach reports to the user."""

    exit_code = 1


class RoutineError(CoachError):
    """A routine that cannot be compiled. Renders as ``file:line: message``."""

    exit_code = 2

    def __init__(self, message: str, line: int | None = None, file: str = "<routine>"):
        self.message = message
        self.line = line
        self.file = file
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"

    def in_file(self, file: str) -> "RoutineError":
        """The same error, naming the file it came from."""
        return RoutineError(self.message, self.line, file)


class ConfigError(CoachError):
    """An unknown routine, level or option value, or a malformed config file."""

    exit_code = 2


class TtsError(CoachError):
    """The speech engine is missing, or a voice does not exist."""


class VoiceError(TtsError):
    """The voice asked for does not exist: the user's input, like a bad option."""

    exit_code = 2


class AudioError(CoachError):
    """No sound device or audio server, or the device is busy."""


class OutputError(CoachError):
    """An output file could not be written (missing folder, full disk...)."""


class Interrupted(CoachError):
    """Ctrl-C. Raised by coach's own SIGINT handler (typer would swallow a
    KeyboardInterrupt into a silent exit), so it is reported in one line."""

    exit_code = 130

    def __init__(self, message: str = "Stopped (Ctrl-C); no file was left half-written."):
        super().__init__(message)
