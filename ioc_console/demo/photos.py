"""Small, valid PNG pictures for the demo's photo attachments, made with the standard library only.

The pixels are a coloured pattern chosen by a seed, so the same seed always gives the same bytes. The
image data is written in *stored* (uncompressed) deflate blocks: that makes the file size a pure function
of the dimensions, so a report's attachment metadata can carry the exact size without drawing the picture.
"""

from __future__ import annotations

import math
import random
import struct
import zlib

#: (width, height) the pictures come in; 4:3 like a phone's camera.
_SIZES = ((64, 48), (80, 60), (96, 72))
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_MAX_STORED = 65535

# Colours of what a field photo tends to show: asphalt, soil, foliage, sky, water, walls, rubbish bags.
_PALETTE = (
    (92, 94, 99),
    (150, 122, 88),
    (76, 120, 62),
    (135, 180, 222),
    (64, 118, 150),
    (214, 200, 170),
    (40, 40, 44),
    (190, 70, 50),
    (230, 190, 80),
    (200, 205, 210),
)


def photo_seed(attachment_id: str) -> int:
    """The seed of the demo picture behind an attachment id (stable across runs and machines)."""
    return zlib.crc32(attachment_id.encode("utf-8"))


def photo_dimensions(seed: int) -> tuple[int, int]:
    return _SIZES[seed % len(_SIZES)]


def _raw_length(width: int, height: int) -> int:
    return height * (1 + 3 * width)  # one filter byte per row, RGB


def demo_photo_size(seed: int) -> int:
    """The exact length of ``demo_photo(seed)`` in bytes, computed without drawing it."""
    width, height = photo_dimensions(seed)
    raw = _raw_length(width, height)
    blocks = max(1, -(-raw // _MAX_STORED))
    idat = 2 + raw + 5 * blocks + 4
    chunk_overhead = 12  # length, type, CRC
    return len(_PNG_SIGNATURE) + (chunk_overhead + 13) + (chunk_overhead + idat) + chunk_overhead


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _stored_zlib(raw: bytes) -> bytes:
    out = bytearray(b"\x78\x01")
    if not raw:
        out += b"\x01\x00\x00\xff\xff"
    for offset in range(0, len(raw), _MAX_STORED):
        block = raw[offset : offset + _MAX_STORED]
        final = 1 if offset + _MAX_STORED >= len(raw) else 0
        out += struct.pack("<BHH", final, len(block), 0xFFFF ^ len(block))
        out += block
    out += struct.pack(">I", zlib.adler32(raw))
    return bytes(out)


def demo_photo(seed: int) -> bytes:
    """A small PNG (RGB, 4:3) of a coloured pattern determined by ``seed``."""
    rng = random.Random(seed)
    width, height = photo_dimensions(seed)
    ground, upper, accent = rng.sample(_PALETTE, 3)
    horizon = rng.randint(height // 4, height * 2 // 3)
    stripe = rng.randint(4, 12)
    slope = rng.choice((-1, 1))
    blob_x, blob_y = rng.randrange(width), rng.randrange(horizon, height)
    blob_r2 = rng.randint(6, 16) ** 2
    rows = bytearray()
    lower = (ground[0] * 7 // 8, ground[1] * 7 // 8, ground[2] * 7 // 8)
    ground_px, lower_px, accent_px = bytes(ground), bytes(lower), bytes(accent)
    for y in range(height):
        rows.append(0)  # filter: none
        if y < horizon:
            shade = y * 40 // height
            line = bytearray(
                bytes((min(255, upper[0] + shade), min(255, upper[1] + shade), min(255, upper[2] + shade)))
                * width
            )
        else:
            # Stripes: runs of ``stripe`` pixels, alternating, shifted by the slope on each row.
            line = bytearray()
            x = 0
            while x < width:
                band = (x + slope * y) // stripe
                end = min(width, (band + 1) * stripe - slope * y)
                line += (ground_px if band % 2 else lower_px) * (end - x)
                x = end
        # The accent: a disc, one run of pixels on each row it crosses.
        dy2 = (y - blob_y) ** 2
        if dy2 <= blob_r2:
            half = math.isqrt(blob_r2 - dy2)
            first, last = max(0, blob_x - half), min(width - 1, blob_x + half)
            if first <= last:
                line[3 * first : 3 * (last + 1)] = accent_px * (last - first + 1)
        rows += line
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        _PNG_SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", _stored_zlib(bytes(rows)))
        + _chunk(b"IEND", b"")
    )


def demo_photo_for(attachment_id: str) -> bytes:
    """The demo picture behind an attachment id made by the demo generator."""
    return demo_photo(photo_seed(attachment_id))
