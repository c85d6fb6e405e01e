#!/usr/bin/env python3
"""randomize.keep_energy and the contrast of renders: the luminance (BT.601 Y) standard
deviation and 5-95 percentile range of renders saved without a levels stretch
(output.levels = "clamp"), for each randomization mode with and without keep_energy, beside
the un-randomized render. Defaults: examples/default.toml at 128 px, 100 Adam steps, two
variants per mode, with the VGG-16 ImageNet weights of ../shared/weights.

    python3 bench/keep_energy_contrast.py [--engine build/nsrg-engine] [--model FILE]
        [--size 128] [--iterations 100] [--out bench/results/keep_energy_contrast]
"""
import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench", "peer"))
from png_io import read_image  # noqa: E402  pylint: disable=wrong-import-position
from vgg16_render_args import cpu_model_name, render_bench_parser  # noqa: E402

MODES = ["random_gram", "replace_eigenvectors", "scale_eigenvectors", "scale_eigenvalues"]


def luminance_contrast(path):
    rgb = read_image(path).astype(np.float64)
    y = 0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]
    low, high = np.percentile(y, [5, 95])
    return y.std(), high - low


def render(args, folder, extra):
    command = [args.engine, os.path.join(ROOT, "examples", "default.toml"),
               "--set", f"image_size={args.size}", "--set", "threads=2",
               "--set", f'model="{args.model}"', "--set", f"optimizer.iterations={args.iterations}",
               "--set", 'output.levels="clamp"', "--set", "output.contact_sheet=false",
               "--set", f'output.path="{folder}/v{{variant}}.png"'] + extra
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".png"))


def main():
    args = render_bench_parser(__doc__.splitlines()[0], 100, "keep_energy_contrast").parse_args()
    cpu = cpu_model_name()
    lines = [f"# keep_energy contrast: {os.path.basename(args.model)}, examples/default.toml at "
             f"{args.size} px, {args.iterations} Adam steps, levels clamp, CPU: {cpu}",
             "# mode\tkeep_energy\tvariant\tY std (/255)\tY p5-p95 (/255)"]
    with tempfile.TemporaryDirectory() as scratch:
        for mode in ["none"] + MODES:
            for keep in (["false"] if mode == "none" else ["false", "true"]):
                folder = os.path.join(scratch, f"{mode}-{keep}")
                os.makedirs(folder)
                extra = [] if mode == "none" else [
                    "--set", f'randomize.mode="{mode}"', "--set", "randomize.variants=2",
                    "--set", f"randomize.keep_energy={keep}"]
                for path in render(args, folder, extra):
                    std, spread = luminance_contrast(path)
                    variant = os.path.basename(path)[1:-4] or "-"
                    lines.append(f"{mode}\t{keep}\t{variant}\t{std:.1f}\t{spread:.1f}")
                    print(lines[-1], flush=True)
    with open(args.out + ".txt", "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
