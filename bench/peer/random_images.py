#!/usr/bin/env python3
"""Seeded random test images for the peer comparison: the same content and style images
for nsrg-engine (as PNG files) and for peer_style.py (in memory or from those files).

    random_images.py OUTDIR --sizes 256 512 1024 [--seed 1]
writes OUTDIR/content_<N>.png and OUTDIR/style_<N>.png.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from png_io import write_png  # noqa: E402  pylint: disable=wrong-import-position


def random_image(size, seed):
    """uint8 [size, size, 3]: uniform noise from a seeded generator (stable across runs)."""
    rng = np.random.Generator(np.random.PCG64(seed))
    return rng.integers(0, 256, size=(size, size, 3), dtype=np.uint8)


def content_and_style(size, seed):
    """The content image (seed) and the style image (seed + 1) of one size."""
    return random_image(size, seed), random_image(size, seed + 1)


def image_paths(folder, size):
    return (os.path.join(folder, f"content_{size}.png"), os.path.join(folder, f"style_{size}.png"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("outdir")
    parser.add_argument("--sizes", type=int, nargs="+", required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    os.makedirs(args.outdir, exist_ok=True)
    for size in args.sizes:
        if size < 16:
            parser.error(f"--sizes: {size} is too small (at least 16)")
        content, style = content_and_style(size, args.seed)
        content_path, style_path = image_paths(args.outdir, size)
        write_png(content_path, content)
        write_png(style_path, style)
        print(f"wrote {content_path} {style_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
