"""What a phone's player shows: title, artist, album and chapters, in the
forms each container reads.

    ffmetadata      title/artist/album and [CHAPTER] sections, for ffmpeg's
                    MP3 (ID3v2 CTOC + CHAP) and MP4 (chpl + chapter track)
    Vorbis comments CHAPTERnnn=HH:MM:SS.mmm and CHAPTERnnnNAME, for Opus/Ogg
                    and FLAC, written by us because ffmpeg rounds them to
                    whole seconds (Ogg) or drops them (FLAC)
    LIST/INFO       INAM/IART/IPRD for WAV
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from coach.units import SAMPLE_RATE, vtt_time


@dataclass(frozen=True)
class Tags:
    """The labels of one exported session."""

    title: str
    """"The back routine — beginner": the routine and the level."""
    artist: str
    """Always "coach"."""
    album: str
    """The routine's title."""
    chapters: tuple[tuple[str, int], ...]
    """(title, first sample) of every chapter, in time order."""
    length: int
    """Samples in the session (the end of the last chapter)."""


def session_tags(title: str, level: str, chapters, length: int) -> Tags:
    """Tags for a routine ``title`` at ``level``; ``chapters`` are the
    Timeline's (objects with ``title`` and ``start``)."""
    name = title[:1].upper() + title[1:]
    return Tags(
        title=f"{name} — {level}" if level else name,
        artist="coach",
        album=name,
        chapters=tuple((c.title, c.start) for c in chapters),
        length=length,
    )


def ffmetadata(tags: Tags, chapters: bool = True, extra: dict[str, str] | None = None) -> str:
    """The tags as an FFMETADATA1 file; chapter times in milliseconds."""
    lines = [";FFMETADATA1"]
    fields = {"title": tags.title, "artist": tags.artist, "album": tags.album, **(extra or {})}
    lines += [f"{key}={_escape(value)}" for key, value in fields.items()]
    if chapters:
        for (name, start), end in zip(tags.chapters, _ends(tags)):
            lines += [
                "[CHAPTER]",
                "TIMEBASE=1/1000",
                f"START={_millis(start)}",
                f"END={_millis(end)}",
                f"title={_escape(name)}",
            ]
    return "\n".join(lines) + "\n"


def vorbis_chapters(tags: Tags) -> dict[str, str]:
    """CHAPTER001=00:00:00.000 and CHAPTER001NAME=… comments (the Vorbis
    chapter extension numbers from 001)."""
    comments = {}
    for number, (name, start) in enumerate(tags.chapters, 1):
        comments[f"CHAPTER{number:03d}"] = vtt_time(start / SAMPLE_RATE)
        comments[f"CHAPTER{number:03d}NAME"] = name
    return comments


def wav_info(tags: Tags) -> bytes:
    """A RIFF ``LIST/INFO`` chunk with title, artist and album (product)."""
    body = b"INFO"
    for key, value in ((b"INAM", tags.title), (b"IART", tags.artist), (b"IPRD", tags.album)):
        text = value.encode("utf-8") + b"\0"
        body += key + struct.pack("<I", len(text)) + text + b"\0" * (len(text) % 2)
    return b"LIST" + struct.pack("<I", len(body)) + body


def _ends(tags: Tags) -> list[int]:
    starts = [start for _, start in tags.chapters]
    return starts[1:] + [tags.length]


def _millis(samples: int) -> int:
    return round(samples * 1000 / SAMPLE_RATE)


def _escape(value: str) -> str:
    # FFMETADATA: '=', ';', '#', '\' and newlines are escaped with '\'.
    value = " ".join(value.split())
    for char in "\\=;#":
        value = value.replace(char, "\\" + char)
    return value
