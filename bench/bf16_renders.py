#!/usr/bin/env python3
"""What a render looks like with precision "mixed" and "bf16" on the CPU against "fp32"
(bench/README.md, "bf16 on the CPU"): for each case and model it renders the case in the
three precisions with the same seed, then evaluates every result (its raw, unlevelled PNG)
once more in fp32 (one evaluation of the same objective from that image), and compares the
levelled pictures with the fp32 one (mean absolute pixel difference, 0..255). It writes
OUTDIR/<case>_<model>_<precision>.{png,json}, the three pictures side by side as
OUTDIR/<case>_<model>_side.png, and the table OUTDIR/bf16_renders.txt (and .json).

    bench/bf16_renders.py OUTDIR [--build BUILD] [--vgg16 WEIGHTS] [--size 128]
                          [--case-sizes default=256,variants=128]
                          [--lbfgs-iterations 200] [--threads 0]
                          [--cases default,variants,lbfgs] [--models builtin,vgg16]
                          [--precisions fp32,mixed,bf16]

Cases: the default example (examples/default.toml, Adam 150 steps from the content image);
the variants example (examples/variants.toml) with one style layer (relu3_1) and two
variants, whose fp32 evaluation is left out (each variant has its own randomized targets;
its losses are the render's own); and an L-BFGS render (the default example's objective
from the content image, L-BFGS). All at --size px, unless --case-sizes gives a case its own
(default=256,variants=128 are the examples' own sizes).

Two final losses per render: its own (the last evaluation's, in the render's precision:
exact fp32 for mixed, whose forward pass is fp32, and within the 0.06% that bf16 moves a
loss for bf16, tests/engine/test_bf16_precision.cpp), and "raw in fp32": the saved raw
picture (clamped to [0, 1], 8-bit) evaluated once in fp32, which costs every precision the
same clamping and rounding.
"""
import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "peer"))
from png_io import read_image, write_png  # noqa: E402  pylint: disable=wrong-import-position

import numpy as np  # noqa: E402  pylint: disable=wrong-import-position

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PRECISIONS = ["fp32", "mixed", "bf16"]


def cases(sizes, lbfgs_iterations):
    return {
        "default": ("examples/default.toml", [f"image_size={sizes['default']}"], True),
        "variants": ("examples/variants.toml",
                     [f"image_size={sizes['variants']}", "randomize.variants=2",
                      'sweep.style_layers=["relu3_1"]', "output.contact_sheet=false"], False),
        "lbfgs": ("examples/default.toml",
                  [f"image_size={sizes['lbfgs']}", 'optimizer.kind="lbfgs"',
                   f"optimizer.iterations={lbfgs_iterations}", "optimizer.learning_rate=1.0"],
                  True),
    }


def run_engine(engine, config, settings, log_path):
    """Runs nsrg-engine once (skipped when its log says it finished: a rerun resumes)."""
    if os.path.exists(log_path):
        with open(log_path, encoding="utf-8") as log:
            if "summary:" in log.read():
                return None
    command = [engine, os.path.join(REPO, config)]
    for setting in settings:
        command += ["--set", setting]
    start = time.monotonic()
    with open(log_path, "w", encoding="utf-8") as log:
        subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, check=True, cwd=REPO)
    return time.monotonic() - start


def summary_of(png_path):
    with open(os.path.splitext(png_path)[0] + ".json", encoding="utf-8") as f:
        return json.load(f)


def mean_difference(a_path, b_path):
    a, b = read_image(a_path).astype(int), read_image(b_path).astype(int)
    return float(abs(a - b).mean())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir")
    parser.add_argument("--build", default=os.path.join(REPO, "build"))
    parser.add_argument("--vgg16", default=os.path.join(
        REPO, "..", "shared", "weights", "vgg16_imagenet_conv.safetensors"))
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--case-sizes", default="",
                        help="per-case sizes that override --size, e.g. default=256,variants=128 "
                             "(the examples' own sizes)")
    parser.add_argument("--lbfgs-iterations", type=int, default=200)
    parser.add_argument("--threads", type=int, default=0, help="CPU threads (0: all cores)")
    parser.add_argument("--cases", default="default,variants,lbfgs",
                        help="comma-separated cases to run (default: all three)")
    parser.add_argument("--models", default="builtin,vgg16",
                        help="comma-separated models to run (vgg16 only where its file exists)")
    parser.add_argument("--precisions", default=",".join(PRECISIONS),
                        help="comma-separated precisions; fp32 first, the others are compared with it")
    args = parser.parse_args()
    precisions = args.precisions.split(",")
    if precisions[0] != "fp32" or any(p not in PRECISIONS for p in precisions):
        parser.error(f"--precisions: fp32 first, then any of {PRECISIONS[1:]}")
    sizes = {case: args.size for case in ("default", "variants", "lbfgs")}
    for item in filter(None, args.case_sizes.split(",")):
        case, _, size = item.partition("=")
        if case not in sizes or not size.isdigit():
            parser.error(f"--case-sizes: '{item}' is not CASE=SIZE with CASE one of {list(sizes)}")
        sizes[case] = int(size)
    wanted_cases = args.cases.split(",")
    wanted_models = args.models.split(",")
    outdir = os.path.abspath(args.outdir)
    os.makedirs(outdir, exist_ok=True)
    engine = os.path.join(args.build, "nsrg-engine")
    models = {"builtin": "builtin:vgg19-random"}
    if os.path.exists(args.vgg16):
        models["vgg16"] = os.path.abspath(args.vgg16)
    models = {name: model for name, model in models.items() if name in wanted_models}
    rows = []
    for case, (config, settings, evaluate) in cases(sizes, args.lbfgs_iterations).items():
        if case not in wanted_cases:
            continue
        settings = settings + [f"threads={args.threads}"]
        for model_name, model in models.items():
            outputs = {}
            for precision in precisions:
                stem = f"{case}_{model_name}_{precision}"
                path = os.path.join(outdir, stem + ("_{layer}{variant}.png" if case == "variants"
                                                    else ".png"))
                run_settings = settings + [
                    'backend="cpu"', f'precision="{precision}"', f'model="{model}"',
                    f'output.path="{path}"', "output.save_raw=true"]
                seconds = run_engine(engine, config, run_settings,
                                     os.path.join(outdir, stem + ".log"))
                summary_path = path.replace("_{layer}{variant}", "")
                summary = summary_of(summary_path)
                image = summary["images"][0]
                row = {"case": case, "model": model_name, "precision": precision,
                       "seconds": round(seconds if seconds is not None else image["seconds"], 1),
                       "file": image["file"],
                       "own_loss": image["final_losses"]["total"],
                       "seconds_per_iteration": image["seconds_per_iteration"]}
                if evaluate:
                    eval_png = os.path.join(outdir, stem + "_fp32eval.png")
                    run_engine(engine, config, settings + [
                        'backend="cpu"', 'precision="fp32"', f'model="{model}"',
                        f'output.path="{eval_png}"', "optimizer.iterations=1",
                        'init.kind="image"', f'init.image="{image["raw_file"]}"'],
                        os.path.join(outdir, stem + "_fp32eval.log"))
                    row["fp32_loss"] = summary_of(eval_png)["images"][0]["final_losses"]["total"]
                outputs[precision] = image["file"]
                rows.append(row)
            reference = rows[-len(precisions)]
            for row in rows[-len(precisions):]:
                row["own_loss_vs_fp32_render"] = round(row["own_loss"] / reference["own_loss"] - 1, 4)
                row["mean_abs_pixel_difference"] = round(
                    mean_difference(row["file"], outputs["fp32"]), 2)
                if "fp32_loss" in row:
                    row["fp32_loss_vs_fp32_render"] = round(
                        row["fp32_loss"] / reference["fp32_loss"] - 1, 4)
            pictures = [read_image(outputs[p]) for p in precisions]
            write_png(os.path.join(outdir, f"{case}_{model_name}_side.png"),
                      np.concatenate(pictures, axis=1))
            write_table(outdir, rows)
    return 0


def write_table(outdir, rows):
    with open(os.path.join(outdir, "bf16_renders.json"), "w", encoding="utf-8") as f:
        json.dump(rows, f, indent=2)
    lines = [f"{'case':9} {'model':8} {'precision':9} {'s':>7} {'s/it':>6} {'own loss':>11} "
             f"{'vs fp32':>8} {'raw in fp32':>11} {'vs fp32':>8} {'mean |dpx|':>10}"]
    for r in rows:
        fp32_loss = f"{r['fp32_loss']:11.4e}" if "fp32_loss" in r else f"{'-':>11}"
        versus = f"{r['fp32_loss_vs_fp32_render']:+8.2%}" if "fp32_loss" in r else f"{'-':>8}"
        lines.append(f"{r['case']:9} {r['model']:8} {r['precision']:9} {r['seconds']:7.1f} "
                     f"{r['seconds_per_iteration']:6.3f} {r['own_loss']:11.4e} "
                     f"{r['own_loss_vs_fp32_render']:+8.2%} {fp32_loss} "
                     f"{versus} {r['mean_abs_pixel_difference']:10.2f}")
    with open(os.path.join(outdir, "bf16_renders.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
