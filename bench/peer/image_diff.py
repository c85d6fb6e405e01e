#!/usr/bin/env python3
"""Compares two renders of one config (e.g. the CUDA and the CPU backend): mean and largest
absolute pixel difference (0..255 scale) and, given their summary JSONs, the relative
difference of the final total loss. Exits 1 when either is above its threshold, 2 when the
images cannot be compared.

    image_diff.py A.png B.png [--summaries A.json B.json] [--json OUT]
                  [--max-mean-difference 9] [--max-loss-difference 0.03]

The default thresholds come from the CPU backend's own spread on the render the GPU check
compares, examples/default.toml (150 Adam steps from the content image, levels auto) at 64
and 256 px (bench/README.md, "Pass/fail rules"; Intel Xeon, 2 cores, 2026-12-06). Changes
at the level of rounding (style weight or learning rate times 1 + 1e-6, one thread instead
of two, oneDNN's AVX2 kernels instead of its AVX-512 ones) move the result by
  - mean |a-b|: 3.1 to 4.5/255 (0 where the change left the bits alone): Adam's steps have
    the learning rate's size whatever the gradient's, so pixels whose gradient is near zero
    take other turns, and any such change lands on the same floor;
  - final total loss: 1.7e-4 to 3.0e-3 (relative).
A GPU differs from the CPU by rounding of that kind. The thresholds are 2x the largest pixel
spread (9/255: above the floor that any rounding change reaches) and 10x the largest loss
spread (0.03). For scale: the same render stopped 10 steps early differs by only 0.4-0.8/255
but by 4.3e-2 to 4.8e-2 in final loss (caught by the loss); with the style weight 1% higher
(64 px), 3.5/255 and 9.0e-3 (not caught: a change of the objective that small is
rounding-sized in the result). bench/render_spread.sh measures these again.
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from png_io import ImageError, read_image  # noqa: E402  pylint: disable=wrong-import-position


def pixel_difference(a, b):
    if a.shape != b.shape:
        raise ImageError(f"the images differ in size: {a.shape} and {b.shape}")
    diff = np.abs(a.astype(np.int32) - b.astype(np.int32))
    return {"mean_abs_difference": float(diff.mean()), "max_abs_difference": int(diff.max()),
            "fraction_over_16": float((diff > 16).mean())}


def final_loss(summary_path):
    with open(summary_path, encoding="utf-8") as f:
        summary = json.load(f)
    return float(summary["images"][0]["final_losses"]["total"])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--summaries", nargs=2, metavar=("A_JSON", "B_JSON"))
    parser.add_argument("--json", help="write the result here")
    parser.add_argument("--max-mean-difference", type=float, default=9.0,
                        help="largest mean |a-b| (of 255) that passes (default 9)")
    parser.add_argument("--max-loss-difference", type=float, default=0.03,
                        help="largest relative final-loss difference that passes (default 0.03)")
    args = parser.parse_args(argv)
    try:
        result = {"a": args.a, "b": args.b,
                  **pixel_difference(read_image(args.a), read_image(args.b))}
    except ImageError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.summaries:
        try:
            loss_a, loss_b = (final_loss(p) for p in args.summaries)
            result.update(final_loss_a=loss_a, final_loss_b=loss_b,
                          final_loss_relative_difference=abs(loss_a - loss_b)
                          / max(abs(loss_a), abs(loss_b), 1e-30))
        except (OSError, KeyError, IndexError, ValueError) as e:
            print(f"warning: summaries not compared: {e}", file=sys.stderr)
    text = (f"mean |a-b| {result['mean_abs_difference']:.2f}/255, max "
            f"{result['max_abs_difference']}, {100 * result['fraction_over_16']:.1f}% of values "
            "differ by more than 16")
    if "final_loss_relative_difference" in result:
        text += (f"; final loss {result['final_loss_a']:.4e} vs {result['final_loss_b']:.4e} "
                 f"(relative difference {result['final_loss_relative_difference']:.2e})")
    failures = []
    if result["mean_abs_difference"] > args.max_mean_difference:
        failures.append(f"mean |a-b| over {args.max_mean_difference}/255")
    if args.summaries and "final_loss_relative_difference" not in result:
        failures.append("final losses not compared")
    elif result.get("final_loss_relative_difference", 0.0) > args.max_loss_difference:
        failures.append(f"final loss difference over {args.max_loss_difference}")
    result.update(max_mean_difference=args.max_mean_difference,
                  max_loss_difference=args.max_loss_difference, passed=not failures)
    print(text)
    print("FAIL: " + "; ".join(failures) if failures else "PASS")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=2)
            f.write("\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
