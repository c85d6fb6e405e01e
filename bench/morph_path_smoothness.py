#!/usr/bin/env python3
"""Morph paths ([path]) and smoothness: the mean absolute difference (0..255) between
consecutive frames of a path whose frames each start from the previous frame's result
(warm start, what [path] does), against the same frames rendered each from the content image
(cold start: one style.targets blend render per frame, the same Grams, the same iterations).
Two kept styles are made first: variants a and b of examples/default.toml's style randomized
by scale_eigenvectors (keep_energy on). Defaults: 128 px, 8 frames a -> b in the Wasserstein
space, 40 Adam steps per frame, the VGG-16 ImageNet weights of ../shared/weights.

    /usr/bin/python3 bench/morph_path_smoothness.py [--engine build/nsrg-engine] [--model FILE]
        [--size 128] [--frames 8] [--iterations 40] [--warm-iterations N] [--no-cold]
        [--out bench/results/morph_path_smoothness] [--pictures docs/images]

--warm-iterations sets path.iterations (the steps of every warm frame after the first;
default --iterations, the cold frames' count); --no-cold renders the warm path only.

Both the saved frames (levels auto, as the example) and their raw copies (output.save_raw:
clamped, no stretch) are measured. --pictures writes morph_strip.png (warm frames above,
cold frames below) and morph.webp (the path's animated WebP) into that folder.
"""
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench", "peer"))
from png_io import read_image, write_png  # noqa: E402  pylint: disable=wrong-import-position
from vgg16_render_args import cpu_model_name, render_bench_parser  # noqa: E402

SPACE = "wasserstein"


def run_engine(args, overrides):
    command = [args.engine, os.path.join(ROOT, "examples", "default.toml"),
               "--set", f"image_size={args.size}", "--set", "threads=2",
               "--set", f'model="{args.model}"', "--set", "output.print_iter=0",
               "--set", "output.save_raw=true", "--set", 'backend="cpu"']
    for override in overrides:
        command += ["--set", override]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def make_styles(args, folder):
    # A kept style's Grams are the randomized targets, whatever the render does with them: one
    # iteration is enough to keep them.
    run_engine(args, ['randomize.mode="scale_eigenvectors"', "randomize.keep_energy=true",
                      "randomize.variants=2", "output.save_targets=true",
                      "output.contact_sheet=false", "optimizer.iterations=1",
                      f'output.path="{folder}/s{{variant}}.png"'])
    return [os.path.join(folder, f"s{v}.style.safetensors") for v in "ab"]


def frame_weights(frames):
    """The weight of the second style at each frame of an open two-style path."""
    return [i / (frames - 1) for i in range(frames)]


def consecutive_differences(paths):
    images = [read_image(p).astype(np.float64) for p in paths]
    return [float(np.abs(b - a).mean()) for a, b in zip(images, images[1:])]


def strip(rows):
    """The frames of each row side by side, rows one above the other, 4 px white gaps."""
    gap = 4
    tiles = [[read_image(p) for p in row] for row in rows]
    h, w, _ = tiles[0][0].shape
    columns = max(len(row) for row in tiles)
    out = np.full((len(tiles) * h + (len(tiles) - 1) * gap, columns * w + (columns - 1) * gap, 3),
                  255, np.uint8)
    for r, row in enumerate(tiles):
        for c, tile in enumerate(row):
            out[r * (h + gap):r * (h + gap) + h, c * (w + gap):c * (w + gap) + w] = tile
    return out


def main():
    parser = render_bench_parser(__doc__.splitlines()[0], 40, "morph_path_smoothness")
    parser.add_argument("--frames", type=int, default=8)
    parser.add_argument("--warm-iterations", type=int, default=0)
    parser.add_argument("--no-cold", action="store_true")
    parser.add_argument("--pictures", default="")
    args = parser.parse_args()
    warm_iterations = args.warm_iterations or args.iterations
    cpu = cpu_model_name()
    lines = [f"# morph path smoothness: {os.path.basename(args.model)}, examples/default.toml at "
             f"{args.size} px, {args.frames} frames a -> b ({SPACE}), {args.iterations} Adam steps "
             f"per frame from the content image (cold, and warm frame 0), {warm_iterations} per "
             f"warm frame after it; CPU: {cpu} (shared with other builds)",
             "# mean |frame k+1 - frame k| over the pixels and channels, 0..255"]
    with tempfile.TemporaryDirectory() as scratch:
        styles = make_styles(args, os.path.join(scratch, "styles"))
        warm = os.path.join(scratch, "warm")
        run_engine(args, [f'path.styles=["{styles[0]}", "{styles[1]}"]',
                          f"path.frames={args.frames}", f'path.space="{SPACE}"',
                          f"path.iterations={warm_iterations}",
                          f"optimizer.iterations={args.iterations}", "style.images=[]",
                          f'output.path="{warm}/f{{frame}}.png"'])
        cold = os.path.join(scratch, "cold")
        for i, t in enumerate([] if args.no_cold else frame_weights(args.frames)):
            run_engine(args, [f'style.targets=["{styles[0]}", "{styles[1]}"]', "style.images=[]",
                              f"style.blend_weights=[{1 - t!r}, {t!r}]",
                              f'style.blend_space="{SPACE}"',
                              f"optimizer.iterations={args.iterations}",
                              f'output.path="{cold}/f{i:03d}.png"'])
        names = [f"f{i:03d}" for i in range(args.frames)]
        results = {}
        for start, folder in (("warm", warm),) + (() if args.no_cold else (("cold", cold),)):
            for kind, suffix in (("levelled", ""), ("raw", "_raw")):
                diffs = consecutive_differences(
                    [os.path.join(folder, n + suffix + ".png") for n in names])
                results[start, kind] = diffs
                lines.append(f"{start}\t{kind}\tmean {np.mean(diffs):.2f}\tmax {max(diffs):.2f}\t"
                             + " ".join(f"{d:.2f}" for d in diffs))
                print(lines[-1], flush=True)
        if not args.no_cold:
            same_first = np.array_equal(read_image(os.path.join(warm, "f000.png")),
                                        read_image(os.path.join(cold, "f000.png")))
            lines.append(f"# frame 0 identical in both (same Grams, iterations and start): "
                         f"{same_first}")
        if args.pictures and not args.no_cold:
            os.makedirs(args.pictures, exist_ok=True)
            write_png(os.path.join(args.pictures, "morph_strip.png"),
                      strip([[os.path.join(warm, n + ".png") for n in names],
                             [os.path.join(cold, n + ".png") for n in names]]))
            shutil.copy(os.path.join(warm, "f.webp"), os.path.join(args.pictures, "morph.webp"))
    with open(args.out + ".txt", "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
