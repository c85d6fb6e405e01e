#!/usr/bin/env python3
"""The largest square image whose evaluation fits the device, whole and in tiles (issue 25;
bench/README.md, "Largest square on a GPU"). The memory plan predicts, one real evaluation
of each confirms:

1. Probes: nsrg-engine with memory_limit_mib = 1 stops before capturing anything and prints
   the plan's peak, so a probe costs a process start. Two probes fit the plan as
   a + b * size^2, for the whole image at --probe-sizes and for tiles of --tile px at 2 and 4
   times the tile (an image no larger than one tile is one tile, the whole); the largest size
   (a multiple of 64) under the limit follows, and a probe there checks it (stepping down
   64 px at a time, at most 4 steps, when the fit was optimistic).
2. Confirmations: one Adam evaluation (optimizer.iterations = 1) at the whole image's
   largest size with tile_size = 0, and one at the tiled largest size (at most
   --confirm-cap px, which bounds the time) in tiles of --tile px, both with
   memory_limit_mib = the limit, so the engine's own check is the one the prediction made.

The limit is --limit-mib, or the GPU's free memory (nvidia-smi) with --backend cuda. The
content and style image are both examples/images/brick.png (square), resized to the size;
the default layers (relu1_1..relu5_1, content relu4_2); JPEG output (a PNG of 16384 px takes
long to write). Writes OUTDIR/largest_square.json and OUTDIR/largest/*.{toml,log,json} and
prints one line per probe and run. Exits 0 when both confirmations ran and finished, 1
otherwise.

    largest_square.py OUTDIR ENGINE [--backend cuda] [--precision fp32] [--tile 2048]
        [--limit-mib M] [--probe-sizes 1024 2048] [--confirm-cap 16384] [--timeout 120]
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STEP = 64  # sizes are multiples of this (the stride of relu5_1 is 16)
PLAN = re.compile(r"this render needs ([0-9.]+) (GiB|MiB) at its peak")


def write_config(path, args, size, tile, limit_mib, out):
    image = os.path.join(REPO, "examples", "images", "brick.png")
    with open(path, "w", encoding="utf-8") as f:
        f.write(f'backend = "{args.backend}"\nprecision = "{args.precision}"\nseed = 1\n'
                f"image_size = {size}\nmemory_limit_mib = {limit_mib}\n"
                f'[content]\nimage = "{image}"\n[style]\nimages = ["{image}"]\n'
                f'[optimizer]\nkind = "adam"\niterations = 1\n'
                f"[evaluation]\ntile_size = {tile}\n"
                f'[output]\npath = "{out}"\nprint_iter = 1\nsave_iter = 0\n'
                f"contact_sheet = false\n")


def run_engine(args, name, size, tile, limit_mib, timeout):
    """(exit status or None on timeout, seconds, log text) of one engine run."""
    folder = os.path.join(args.outdir, "largest")
    config = os.path.join(folder, f"{name}.toml")
    write_config(config, args, size, tile, limit_mib, os.path.join(folder, f"{name}.jpg"))
    began = time.monotonic()
    try:
        done = subprocess.run([args.engine, config], capture_output=True, text=True,
                              timeout=timeout, check=False)
        status, text = done.returncode, done.stdout + done.stderr
    except subprocess.TimeoutExpired as e:
        status = None
        text = (e.stdout or b"").decode(errors="replace") + (e.stderr or b"").decode(
            errors="replace")
    with open(os.path.join(folder, f"{name}.log"), "w", encoding="utf-8") as f:
        f.write(text)
    return status, time.monotonic() - began, text


def planned_bytes(args, size, tile):
    """The plan's peak at `size` in tiles of `tile` (0: whole), from a probe, or None."""
    status, seconds, text = run_engine(args, f"probe_{size}_{tile}", size, tile, 1, 120)
    found = PLAN.search(text)
    value = None
    if status == 2 and found:
        value = float(found.group(1)) * (2**30 if found.group(2) == "GiB" else 2**20)
    print(f"probe {size} px, tile_size {tile}: plan "
          f"{'?' if value is None else f'{value / 2**30:.2f} GiB'} ({seconds:.1f} s)", flush=True)
    return value


def largest_size(args, tile, limit):
    """The largest multiple of STEP whose plan fits `limit`, by the a + b s^2 fit and checking
    probes; (size, plan bytes) or (None, None)."""
    small, large = (2 * tile, 4 * tile) if tile else args.probe_sizes
    low, high = planned_bytes(args, small, tile), planned_bytes(args, large, tile)
    if low is None or high is None or high <= low:
        return None, None
    b = (high - low) / (large * large - small * small)
    a = low - b * small * small
    if limit <= a:
        return None, None
    size = int(math.sqrt((limit - a) / b)) // STEP * STEP
    for _ in range(5):
        if size < STEP:
            return None, None
        plan = planned_bytes(args, size, tile)
        if plan is not None and plan <= limit:
            return size, plan
        size -= STEP
    return None, None


def confirm(args, name, size, tile, limit_mib):
    """One evaluation at `size`: what it measured, from its log and summary."""
    status, seconds, text = run_engine(args, name, size, tile, limit_mib, args.timeout)
    summary = {}
    try:
        with open(os.path.join(args.outdir, "largest", f"{name}.json"), encoding="utf-8") as f:
            summary = json.load(f)
    except (OSError, ValueError):
        pass
    image = (summary.get("images") or [{}])[0]
    result = {
        "size": size,
        "tile_size": tile,
        "exit_status": status,
        "finished": status == 0,
        "wall_seconds": round(seconds, 1),
        "seconds_per_evaluation": image.get("seconds_per_iteration"),
        "peak_memory_bytes": summary.get("peak_memory_bytes"),
        "plan_total_bytes": (summary.get("memory_plan") or {}).get("total_bytes"),
    }
    if status != 0:
        result["last_line"] = (text.strip().splitlines() or ["(no output)"])[-1][:300]
    print(f"{name}: {size} px, tile_size {tile}: "
          f"{'finished' if status == 0 else 'timed out' if status is None else f'exit {status}'}"
          f" in {seconds:.1f} s; peak {result['peak_memory_bytes']}", flush=True)
    return result


def free_gpu_mib():
    done = subprocess.run(["nvidia-smi", "--query-gpu=memory.free", "--format=csv,noheader,nounits"],
                          capture_output=True, text=True, timeout=30, check=False)
    return int(done.stdout.split()[0]) if done.returncode == 0 and done.stdout.split() else None


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir")
    parser.add_argument("engine")
    parser.add_argument("--backend", default="cuda", choices=["cpu", "cuda"])
    parser.add_argument("--precision", default="fp32")
    parser.add_argument("--tile", type=int, default=2048)
    parser.add_argument("--limit-mib", type=int)
    parser.add_argument("--probe-sizes", type=int, nargs=2, default=[1024, 2048])
    parser.add_argument("--confirm-cap", type=int, default=16384)
    parser.add_argument("--timeout", type=int, default=120, help="per confirmation, seconds")
    args = parser.parse_args(argv[1:])
    os.makedirs(os.path.join(args.outdir, "largest"), exist_ok=True)
    limit_mib = args.limit_mib
    if limit_mib is None and args.backend == "cuda":
        limit_mib = free_gpu_mib()
    if not limit_mib:
        print("no limit: give --limit-mib (or run with a GPU and nvidia-smi)", file=sys.stderr)
        return 2
    limit = limit_mib * 2**20
    report = {"backend": args.backend, "precision": args.precision, "limit_mib": limit_mib,
              "tile": args.tile, "confirm_cap": args.confirm_cap}
    for key, tile in (("whole", 0), ("tiled", args.tile)):
        size, plan = largest_size(args, tile, limit)
        entry = {"planned_largest": size, "plan_bytes": plan}
        if size is not None:
            confirm_size = min(size, args.confirm_cap) if tile else size
            entry["confirmed"] = confirm(args, f"confirm_{key}", confirm_size, tile, limit_mib)
        report[key] = entry
        with open(os.path.join(args.outdir, "largest_square.json"), "w", encoding="utf-8") as f:
            json.dump(report, f, indent=2)
    finished = all((report[key].get("confirmed") or {}).get("finished") for key in ("whole", "tiled"))
    return 0 if finished else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
