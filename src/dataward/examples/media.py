"""Small but valid media files standing in for call recordings and CCTV frames."""

from __future__ import annotations

import io
import struct
import wave
import zlib
from functools import cache


@cache
def silent_wav(seconds: float = 0.25, rate: int = 8000) -> bytes:
    """A mono 8-bit PCM WAV of silence (telephone quality); short, so 100,000 stay small."""
    frames = max(1, round(seconds * rate))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(1)
        audio.setframerate(rate)
        # 8-bit PCM is unsigned: 128 is the zero line.
        audio.writeframes(b"\x80" * frames)
    return buffer.getvalue()


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    )


def grey_png(width: int = 32, height: int = 18, shade: int = 96) -> bytes:
    """A grey 8-bit greyscale PNG: a stand-in CCTV still; `shade` varies it between cameras."""
    if not (0 < width <= 4096 and 0 < height <= 4096 and 0 <= shade <= 255):
        raise ValueError("width and height must be 1 to 4096 and shade 0 to 255")
    # Each scanline starts with filter type 0 (none).
    raw = b"".join(b"\x00" + bytes([shade]) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )
