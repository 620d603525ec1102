"""The one place the compiler touches the world: resolve ROUTINE (a built-in
name, a level name, or a path), read the file safely, compile it."""

from __future__ import annotations

from dataclasses import replace
import os
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from coach.errors import ConfigError, RoutineError
from coach.levels import get_level, load_levels
from coach.model import Program
from coach.script.compile import compile_text

if TYPE_CHECKING:
    from coach.config import Settings

ROUTINES = Path(__file__).resolve().parent.parent / "routines"
DEFAULT_ROUTINE = "back"
MAX_BYTES = 256 * 1024
"""A routine longer than this is not a routine (a long article is ~20 kB)."""


def builtin_routines() -> dict[str, Path]:
    """Built-in routine names -> their files."""
    return {p.stem: p for p in sorted(ROUTINES.glob("*.md"))}


def resolve(routine: str, level: str | None) -> tuple[Path, str]:
    """ROUTINE and --level as typed -> (file, level name). ``beginner`` or
    ``full`` alone mean the built-in routine at that level."""
    levels = load_levels()
    if routine in levels:
        if level and level != routine:
            raise ConfigError(f"'{routine}' is already a level; drop --level {level} or name a routine")
        return builtin_routines()[DEFAULT_ROUTINE], routine
    level = level or "beginner"
    get_level(level)
    builtins = builtin_routines()
    if routine in builtins:
        return builtins[routine], level
    path = Path(routine)
    if not path.exists():
        names = ", ".join([*builtins, *levels])
        raise RoutineError(f"no such file or built-in routine (built-ins: {names})", file=routine)
    return path, level


FORMATS = "plain text (.txt), Markdown (.md), a saved web page (.html or .mhtml) or a PDF (.pdf)"
OTHER_FORMATS = (
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"RIFF", "a RIFF (WAV or WebP) file"), (b"PK\x03\x04", "a ZIP archive (or a Word file)"),
    (b"\xd0\xcf\x11\xe0", "an old Word or Office file"), (b"{\\rtf", "an RTF file"),
    (b"\x1f\x8b", "a gzip archive"), (b"ID3", "an MP3 file"), (b"OggS", "an Ogg file"),
    (b"fLaC", "a FLAC file"), (b"BM", "a BMP image"), (b"II*\0", "a TIFF image"),
    (b"MM\0*", "a TIFF image"), (b"7z\xbc\xaf", "a 7-Zip archive"), (b"\x7fELF", "a program"),
)
MAX_FILE_BYTES = 20 * 1024 * 1024
"""Largest file read at all (a PDF handout with photos); text is then held to MAX_BYTES."""


def read_bytes(path: Path, shown: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes, never more than ``limit`` whatever its size claims;
    only regular files (a FIFO or a device would hang or never end)."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise RoutineError("is a folder, not a routine file", file=shown)
        if not stat.S_ISREG(info.st_mode):
            raise RoutineError("is not a regular file (a device or a pipe); give a routine file",
                               file=shown)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise RoutineError(f"cannot read the file ({exc.strerror})", file=shown) from None
    if len(data) > limit:
        raise RoutineError(f"file is too large for a routine (over {limit // 1024} kB)", file=shown)
    return data


def kind_of(path: Path, data: bytes) -> str:
    """"pdf", "html", "mhtml" or "text", from the content first, then the extension."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if data.startswith(b"%PDF-"):
        return "pdf"
    if re.match(rb"[a-z-]+:", head) and b"multipart/related" in head and b"mime-version:" in head:
        return "mhtml"  # a page saved as one file (coach/read/html.py)
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in data[:4096].lower():
        return "html"
    if path.suffix.lower() in (".html", ".htm", ".xhtml") and head.startswith(b"<"):
        return "html"
    return "text"


def decode(data: bytes, shown: str) -> str:
    """Bytes -> str: UTF-8 (with or without a BOM) or UTF-16 with its BOM."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise RoutineError("this UTF-16 text is damaged; save the routine as UTF-8",
                               file=shown) from None
    for magic, name in OTHER_FORMATS:
        if data.startswith(magic):
            raise RoutineError(f"this is {name}, not a routine; coach reads {FORMATS}", file=shown)
    if b"\0" in data:
        line = data[: data.index(b"\0")].count(b"\n") + 1
        raise RoutineError("this is a binary file, not routine text", line, shown)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RoutineError("this is not UTF-8 text; save the routine as UTF-8", line, shown) from None


def read_text(path: Path, shown: str) -> str:
    """Read a routine file (text, Markdown, saved web page or PDF) as routine
    text, refusing what is not a routine."""
    data = read_bytes(path, shown)
    kind = kind_of(path, data)
    try:
        if kind == "pdf":
            from coach.read.pdf import pdf_to_text

            text = pdf_to_text(data)
        elif kind == "html":
            from coach.read.html import decode_page, html_to_text

            text = html_to_text(decode_page(data))
        elif kind == "mhtml":
            from coach.read.html import mhtml_to_text

            text = mhtml_to_text(data)
        else:
            if len(data) > MAX_BYTES:
                raise RoutineError(
                    f"file is too large for a routine ({len(data) / 1e6:.1f} MB; the limit is "
                    f"{MAX_BYTES // 1024} kB)", file=shown)
            return decode(data, shown)
    except RoutineError as exc:
        raise exc.in_file(shown) from None
    if len(text.encode()) > MAX_BYTES:
        raise RoutineError(f"the text of this file is too long for a routine (the limit is "
                           f"{MAX_BYTES // 1024} kB)", file=shown)
    return text


def load_program(routine: str, level: str | None = None, style: str = "down",
                 minutes: float | None = None) -> Program:
    """ROUTINE and --level as typed on the command line -> a Program;
    ``minutes`` (--minutes) replaces the level's time budget."""
    path, level_name = resolve(routine, level)
    shown = routine if path.parent != ROUTINES else f"{path.stem}.md"
    text = read_text(path, shown)
    title = path.stem.replace("-", " ").replace("_", " ")
    chosen = get_level(level_name)
    if minutes:
        chosen = replace(chosen, max_minutes=minutes, strict=True)
    return compile_text(text, chosen, name=title, file=shown, style=style)


def program_for(routine: str, settings: "Settings", source: dict[str, str],
                minutes: float | None = None) -> Program:
    """Compile ROUTINE at the level the user asked for. 'beginner' and
    'full' name their level themselves; a level from the config file does
    not argue with them, one typed on the command line does."""
    from coach.config import COMMAND_LINE

    level: str | None = settings.level
    if routine in load_levels() and source["level"] != COMMAND_LINE:
        level = None
    return load_program(routine, level, settings.count_style, minutes)
