#!/usr/bin/env python3
"""Writes the region masks of examples/regions.toml for images/chelsea.png (451x300).

images/chelsea_face_mask.png: white inside an ellipse around the cat's face (centre
(215, 165), radii 190 x 165 pixels), falling off to black over a 24-pixel band at its edge;
images/chelsea_background_mask.png: the same mask inverted (the background and the fur at
the edges). Both are 8-bit grey PNGs written with the standard library alone (zlib), so the
script needs nothing installed. Run from the repository root:
    python3 examples/make_region_masks.py
"""
import math
import struct
import zlib
from pathlib import Path

WIDTH, HEIGHT = 451, 300
CENTRE_X, CENTRE_Y = 215.0, 165.0
RADIUS_X, RADIUS_Y = 190.0, 165.0
EDGE = 24.0  # pixels over which the mask falls from white to black


def face_value(x, y):
    """1 inside the ellipse, 0 outside, a linear ramp across the edge band."""
    dx = (x + 0.5 - CENTRE_X) / RADIUS_X
    dy = (y + 0.5 - CENTRE_Y) / RADIUS_Y
    # Distance outside the ellipse in pixels, approximately (radial, scaled by the radii).
    outside = (math.hypot(dx, dy) - 1.0) * min(RADIUS_X, RADIUS_Y)
    return min(1.0, max(0.0, 0.5 - outside / EDGE))


def write_grey_png(path, rows):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + bytes(row) for row in rows)  # filter type 0 on every row
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 0, 0, 0, 0)  # 8-bit grey
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9))
    Path(path).write_bytes(data + chunk(b"IEND", b""))


def main():
    folder = Path(__file__).resolve().parent / "images"
    face = [[round(255 * face_value(x, y)) for x in range(WIDTH)] for y in range(HEIGHT)]
    background = [[255 - v for v in row] for row in face]
    write_grey_png(folder / "chelsea_face_mask.png", face)
    write_grey_png(folder / "chelsea_background_mask.png", background)


if __name__ == "__main__":
    main()
