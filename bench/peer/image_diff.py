#!/usr/bin/env python3
"""Compares two renders of one config (e.g. the CUDA and the CPU backend): mean and largest
absolute pixel difference (0..255 scale) and, given their summary JSONs, the relative
difference of the final total loss.

    image_diff.py A.png B.png [--summaries A.json B.json] [--json OUT]
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
    print(text)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
