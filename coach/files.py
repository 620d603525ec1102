"""Writing files so that readers only ever see a whole file, and never
anything but a regular file is replaced.

Every file is first written under a temporary name beside its target,
``.<name>.<pid>-<random>.tmp``, then renamed into place. Temporary files are
created like any other file (mode 0666 less the umask, so 0644 under the
usual 022), are removed on every exit Python sees, and carry the writer's
process id so that the next run removes those a killed run left behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import stat
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
"""Held back while a set of files is renamed into place, so a signal cannot
leave some renamed and others not."""


class TargetError(Exception):
    """A target that must not be written: not a regular file, or an
    existing file while replacing was not asked for. ``str`` is one plain
    sentence."""


def temp_name(path: Path) -> Path:
    """A fresh temporary name beside ``path`` (nothing is created)."""
    return path.parent / f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp"


def create_temp(temp: Path) -> None:
    """Create ``temp`` empty and exclusively, honouring the umask;
    FileExistsError if the name is taken."""
    os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666))


def temp_path(path: Path) -> Path:
    """A new, empty temporary file beside ``path``; the caller removes or
    renames it."""
    while True:
        temp = temp_name(path)
        try:
            create_temp(temp)
        except FileExistsError:
            continue
        return temp


def remove_stale_temps(path: Path) -> list[Path]:
    """Remove the temporary files of ``path`` left by processes that no
    longer exist (a killed run); return what was removed. Temporary files of
    a live process (another export to the same name) are left alone."""
    pattern = re.compile(rf"\.{re.escape(path.name)}\.(\d+)-[0-9a-f]+\.tmp")
    removed = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(path.parent):
            found = pattern.fullmatch(entry.name)
            if found and not _alive(int(found.group(1))):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed


_SWEPT: set[str] = set()
"""Folders whose stale temporary files this process has already removed."""


def sweep_folder(folder: Path) -> None:
    """Remove, once per process, every temporary file in ``folder`` left by a
    process that no longer exists (e.g. cache entries of a killed export)."""
    key = os.path.abspath(folder)
    if key in _SWEPT:
        return
    _SWEPT.add(key)
    pattern = re.compile(r"\..+\.(\d+)-[0-9a-f]+\.tmp")
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            found = pattern.fullmatch(entry.name)
            if found and not _alive(int(found.group(1))):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def check_target(path: Path, replace: bool) -> None:
    """Raise TargetError unless ``path`` may be written: it does not exist,
    or it is a regular file and ``replace`` is true. Device nodes, FIFOs,
    sockets and folders are never replaced (a symlink is judged by what it
    points to)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise TargetError(f"{path} is a broken symbolic link; remove it or choose another name.") from None
        return
    except OSError:
        return  # e.g. a missing folder: the write itself reports it
    if not stat.S_ISREG(info.st_mode):
        kind = _kind(info.st_mode)
        raise TargetError(f"{path} is {kind}, not a regular file; choose a file name.")
    if not replace:
        raise TargetError(f"{path} already exists; add --force to replace it.")


@contextlib.contextmanager
def staged(targets: Sequence[Path], replace: bool = False) -> Iterator[list[Path]]:
    """Yield one temporary path per target; when the block ends normally,
    check the targets again and rename every temporary file into place
    together (signals held back meanwhile). On any exception, or a failed
    check, the temporary files are removed and the targets are untouched.

    OSError and TargetError pass through for the caller to word."""
    for target in targets:
        remove_stale_temps(target)
    temps: list[Path] = []
    try:
        for target in targets:
            while True:
                # Recorded before it exists: a signal at any moment leaves
                # nothing behind (removing a missing file is no error).
                temps.append(temp_name(target))
                try:
                    create_temp(temps[-1])
                    break
                except FileExistsError:
                    temps.pop()  # another writer's name: not ours to remove
        yield temps
        for target in targets:
            check_target(target, replace)
        replace_together(list(zip(temps, targets)))
        temps = []
    finally:
        for temp in temps:
            with contextlib.suppress(OSError):
                os.unlink(temp)


def replace_together(moves: Sequence[tuple[Path, Path]]) -> None:
    """``os.replace`` each (temporary, target) pair with SIGINT, SIGTERM and
    SIGHUP held back, so an interruption lands before or after all of them."""
    with signals_held():
        for temp, target in moves:
            os.replace(temp, target)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP wait until the block is done, then arrive:
    a step of several parts is never cut between them. Python runs signal
    handlers in the main thread, whichever thread the system gave the
    signal to, so masking the signal would not hold it: the main thread
    puts in handlers that only note it, and raises it again after."""
    if threading.current_thread() is not threading.main_thread():
        yield  # a signal's handler never runs in this thread
        return
    noted: list[int] = []
    previous = {s: signal.signal(s, lambda signum, frame: noted.append(signum)) for s in SIGNALS}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if noted:
            signal.raise_signal(noted[0])  # its own handler runs now


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it into
    place. On failure the temporary file is removed and the OSError raised.
    The first write into a folder removes what killed runs left there."""
    sweep_folder(path.parent)
    while True:
        temp = temp_name(path)
        try:  # the name is known before the file exists: a signal leaves nothing
            create_temp(temp)
            with open(temp, "wb") as f:
                f.write(data)
            os.replace(temp, path)
            return
        except FileExistsError:
            continue  # another writer's name: not ours to remove
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"
