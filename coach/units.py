"""Time and sample conversions. Everything inside the timeline counts samples
at SAMPLE_RATE; seconds appear only at the edges (routine text, JSON, VTT)."""

from __future__ import annotations

SAMPLE_RATE = 22_050
"""Samples per second of every clip, beep and mix (espeak-ng's native rate)."""


def to_samples(seconds: float) -> int:
    """Seconds -> whole samples (rounded to nearest)."""
    return round(seconds * SAMPLE_RATE)


def to_seconds(samples: int) -> float:
    """Samples -> seconds."""
    return samples / SAMPLE_RATE


def clock(seconds: float) -> str:
    """Seconds -> ``M:SS`` for people (``12:05``)."""
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def vtt_time(seconds: float) -> str:
    """Seconds -> WebVTT timestamp ``HH:MM:SS.mmm``."""
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"
