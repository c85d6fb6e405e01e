"""Minimal image I/O for the peer comparison, needing only numpy and the standard library:
write 8-bit RGB PNGs, and read images (Pillow when importable, else our own decoder for
8-bit, non-interlaced PNGs of every colour type and filter). Images are uint8 [H, W, 3].
"""
import struct
import zlib

import numpy as np

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # colour type -> samples per pixel (8-bit only)


class ImageError(ValueError):
    """An image file that cannot be read."""


def _chunk(kind, payload):
    body = kind + payload
    return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))


def write_png(path, rgb):
    """Writes uint8 [H, W, 3] as an RGB PNG (filter 0 on every row)."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    if rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"write_png wants [H, W, 3], got {rgb.shape}")
    height, width, _ = rgb.shape
    rows = np.concatenate([np.zeros((height, 1), np.uint8), rgb.reshape(height, -1)], axis=1)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(_SIGNATURE + _chunk(b"IHDR", header)
                + _chunk(b"IDAT", zlib.compress(rows.tobytes(), 6)) + _chunk(b"IEND", b""))


def _paeth_row(raw, prior, bpp):
    out = raw.astype(np.int32)
    prior = prior.astype(np.int32)
    for i in range(len(out)):
        a = out[i - bpp] if i >= bpp else 0
        b = prior[i]
        c = prior[i - bpp] if i >= bpp else 0
        p = a + b - c
        pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
        predictor = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
        out[i] = (out[i] + predictor) & 0xFF
    return out.astype(np.uint8)


def _average_row(raw, prior, bpp):
    out = raw.astype(np.int32)
    prior = prior.astype(np.int32)
    for i in range(len(out)):
        a = out[i - bpp] if i >= bpp else 0
        out[i] = (out[i] + ((a + prior[i]) >> 1)) & 0xFF
    return out.astype(np.uint8)


def _unfilter(data, width, height, bpp):
    stride = width * bpp
    if len(data) != height * (stride + 1):
        raise ImageError(f"image data is {len(data)} bytes, expected {height * (stride + 1)}")
    rows = np.frombuffer(data, np.uint8).reshape(height, stride + 1)
    result = np.zeros((height, stride), np.uint8)
    prior = np.zeros(stride, np.uint8)
    for y in range(height):
        kind, raw = rows[y, 0], rows[y, 1:]
        if kind == 0:
            row = raw.copy()
        elif kind == 1:  # Sub: running sum per channel, modulo 256
            row = (np.cumsum(raw.reshape(width, bpp).astype(np.int64), axis=0) & 0xFF)
            row = row.astype(np.uint8).reshape(-1)
        elif kind == 2:  # Up
            row = (raw.astype(np.int32) + prior).astype(np.uint8)
        elif kind == 3:
            row = _average_row(raw, prior, bpp)
        elif kind == 4:
            row = _paeth_row(raw, prior, bpp)
        else:
            raise ImageError(f"row {y} has unknown filter type {kind}")
        result[y] = row
        prior = row
    return result


def decode_png(blob, origin="PNG"):
    """Our own PNG decoder: 8-bit samples, no interlace, grey/RGB with or without alpha.
    Alpha is dropped; grey is repeated to three channels."""
    if blob[:8] != _SIGNATURE:
        raise ImageError(f"{origin}: not a PNG file")
    pos, header, idat = 8, None, []
    while pos + 8 <= len(blob):
        (length,) = struct.unpack(">I", blob[pos:pos + 4])
        kind = blob[pos + 4:pos + 8]
        if pos + 12 + length > len(blob):
            raise ImageError(f"{origin}: chunk {kind!r} runs past the end of the file")
        payload = blob[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", payload)
        elif kind == b"IDAT":
            idat.append(payload)
        elif kind == b"IEND":
            break
        pos += 12 + length
    if header is None or not idat:
        raise ImageError(f"{origin}: no IHDR or IDAT chunk")
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in _CHANNELS or interlace != 0 or width == 0 or height == 0:
        raise ImageError(f"{origin}: only 8-bit non-interlaced grey/RGB(A) PNGs are supported "
                         f"here (depth {depth}, colour type {colour}, interlace {interlace}); "
                         "install Pillow for others")
    channels = _CHANNELS[colour]
    try:
        data = zlib.decompress(b"".join(idat))
    except zlib.error as e:
        raise ImageError(f"{origin}: corrupt image data: {e}") from e
    pixels = _unfilter(data, width, height, channels).reshape(height, width, channels)
    if channels in (1, 2):
        pixels = np.repeat(pixels[:, :, :1], 3, axis=2)
    return np.ascontiguousarray(pixels[:, :, :3])


def read_image(path):
    """uint8 [H, W, 3] from a PNG or JPEG (JPEG and unusual PNGs need Pillow)."""
    try:
        from PIL import Image  # pylint: disable=import-outside-toplevel
    except ImportError:
        Image = None
    if Image is not None:
        try:
            with Image.open(path) as image:
                return np.asarray(image.convert("RGB"), dtype=np.uint8).copy()
        except OSError as e:
            raise ImageError(f"{path}: {e}") from e
    try:
        with open(path, "rb") as f:
            blob = f.read()
    except OSError as e:
        raise ImageError(f"{path}: cannot read: {e.strerror}") from e
    return decode_png(blob, path)
