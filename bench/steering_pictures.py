#!/usr/bin/env python3
"""The README's "Steering a family" pictures: a parent variant and children bred from it at
two strengths, and a Wasserstein blend of two variants with three steps between them, as
PNG strips in docs/images/. Every render is one of the examples run as written, with only
the model, the output folder and the one setting a strip varies given by --set:

    examples/variants.toml  the relu3_3 row only: variants a, b, c (kept styles)
    examples/breed.toml     children of variant c, randomize.range [0.8, 1.2], then [0.5, 1.5]
    examples/blend.toml     a -> c, style.blend_weights [0.75, 0.25], [0.5, 0.5], [0.25, 0.75]

Defaults: the VGG-16 ImageNet weights of ../shared/weights, the examples' 128 px and 100
L-BFGS iterations, and min_distance 0.1 for the variants.

    python3 bench/steering_pictures.py [--engine build/nsrg-engine] [--model FILE]
        [--work out/steering] [--images docs/images]
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench", "peer"))
from png_io import read_image, write_png  # noqa: E402  pylint: disable=wrong-import-position

GAP = 4  # white pixels between tiles and rows
BLEND_STEPS = [0.25, 0.5, 0.75]  # the weight of variant c in each step from a to c
STRENGTHS = {"narrow": [0.8, 1.2], "wide": [0.5, 1.5]}


def render(args, example, folder, settings):
    """Runs examples/<example> with the model, an output in `folder` and `settings` set."""
    os.makedirs(folder, exist_ok=True)
    command = [args.engine, os.path.join(ROOT, "examples", example), "--set", "threads=2",
               "--set", f'model="{args.model}"', "--set", "output.contact_sheet=false"]
    for key, value in settings.items():
        command += ["--set", f"{key}={value}"]
    print(" ".join(command[1:]), flush=True)
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def strip(paths):
    """The images side by side (cropped to the smallest height), GAP apart."""
    tiles = [read_image(p) for p in paths]
    height = min(t.shape[0] for t in tiles)
    gap = np.full((height, GAP, 3), 255, np.uint8)
    row = []
    for tile in tiles:
        row += [tile[:height], gap]
    return np.concatenate(row[:-1], axis=1)


def stack(rows):
    """Rows of equal width one above the other, GAP apart."""
    gap = np.full((GAP, rows[0].shape[1], 3), 255, np.uint8)
    out = []
    for row in rows:
        out += [row, gap]
    return np.concatenate(out[:-1], axis=0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default=os.path.join(ROOT, "build", "nsrg-engine"))
    parser.add_argument("--model", default=os.path.join(
        os.path.dirname(ROOT), "shared", "weights", "vgg16_imagenet_conv.safetensors"))
    parser.add_argument("--work", default=os.path.join(ROOT, "out", "steering"))
    parser.add_argument("--images", default=os.path.join(ROOT, "docs", "images"))
    parser.add_argument("--min-distance", type=float, default=0.1)
    args = parser.parse_args()
    work = os.path.abspath(args.work)

    # The parents: relu3_3's row of examples/variants.toml, kept styles on.
    variants = os.path.join(work, "variants")
    render(args, "variants.toml", variants, {
        "sweep.style_layers": "[]", "style.layers": '["relu3_3"]',
        "randomize.min_distance": args.min_distance,
        "output.path": f'"{variants}/compos-{{layer}}{{variant}}.png"'})
    with open(os.path.join(variants, "compos.json"), encoding="utf-8") as f:
        for image in json.load(f)["images"]:
            print(image["label"], "seed", image["seed"], "min_distance", image.get("min_distance"))
    parent = os.path.join(variants, "compos-r33c.png")
    kept = {v: os.path.join(variants, f"compos-r33{v}.style.safetensors") for v in "ac"}

    # Children of c at two strengths.
    rows = []
    for name, (low, high) in STRENGTHS.items():
        folder = os.path.join(work, f"breed_{name}")
        render(args, "breed.toml", folder, {
            "style.targets": f'"{kept["c"]}"', "randomize.range": f"[{low}, {high}]",
            "output.path": f'"{folder}/child-{{variant}}.png"'})
        rows.append(strip([parent] + [os.path.join(folder, f"child-{v}.png") for v in "abc"]))
    write_png(os.path.join(args.images, "steering_breed.png"), stack(rows))

    # a -> c in Wasserstein space.
    steps = []
    for t in BLEND_STEPS:
        folder = os.path.join(work, f"blend_{int(t * 100)}")
        render(args, "blend.toml", folder, {
            "style.targets": f'["{kept["a"]}", "{kept["c"]}"]',
            "style.blend_weights": f"[{1 - t}, {t}]",
            "output.path": f'"{folder}/blend.png"'})
        steps.append(os.path.join(folder, "blend.png"))
    ends = [os.path.join(variants, f"compos-r33{v}.png") for v in "ac"]
    write_png(os.path.join(args.images, "steering_blend.png"), strip([ends[0]] + steps + [ends[1]]))


if __name__ == "__main__":
    main()
