"""The square cover image a phone shows on its lock screen: a calm dusk
gradient, a low sun and a gentle arc (a back, stretching), drawn with numpy
and stored as PNG (the format is zlib-compressed rows; no image library)."""

from __future__ import annotations

import struct
import zlib

import numpy as np

SIZE = 600
"""Pixels per side (players scale it; 600 is sharp on a lock screen)."""


def cover_pixels(size: int = SIZE) -> np.ndarray:
    """RGB uint8 pixels, ``size`` x ``size`` x 3."""
    y, x = np.mgrid[0:size, 0:size].astype(np.float32) / size
    top, bottom = np.array([38, 70, 110], np.float32), np.array([236, 170, 120], np.float32)
    image = top + (bottom - top) * (y[..., None] ** 1.4)
    # A low, soft sun.
    sun = np.hypot(x - 0.5, y - 0.62)
    glow = np.clip(1 - sun / 0.22, 0, 1)[..., None] ** 2
    image = image * (1 - glow) + np.array([255, 226, 170], np.float32) * glow
    # An arc: the curve of a back in a gentle stretch.
    arc = np.abs(np.hypot(x - 0.5, (y - 1.05) * 1.6) - 0.52)
    line = np.clip(1 - arc / 0.012, 0, 1)[..., None]
    image = image * (1 - line) + np.array([250, 250, 245], np.float32) * line
    # The ground.
    image[y > 0.82] = image[y > 0.82] * 0.55
    return np.clip(image, 0, 255).astype(np.uint8)


def cover_png(size: int = SIZE) -> bytes:
    """The cover as a PNG file's bytes."""
    pixels = cover_pixels(size)
    rows = b"".join(b"\0" + row.tobytes() for row in pixels)  # filter 0 per row
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows, 9)) + _chunk(b"IEND", b"")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
