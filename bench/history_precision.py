#!/usr/bin/env python3
"""The L-BFGS history precision trade-off of bench/README.md: final loss, peak Tensor memory
and time of renders of examples/default.toml with optimizer.history_precision = "fp32" and
"bf16" (and fp32 on one thread, whose other summation order gives a rounding-level
perturbation: the spread any float32 change causes), at a few sizes; and the memory plan of
one 2048 px render with each precision (plan only: memory_limit_mib = 1 stops the run right
after printing it).

    python3 bench/history_precision.py [--engine build/nsrg-engine] [--sizes 128 256]
        [--iterations 100] [--out bench/results/history_precision_cpu_2core]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG = os.path.join(ROOT, "examples", "default.toml")


def render(engine, work, name, settings):
    out = os.path.join(work, name + ".png")
    command = [engine, CONFIG, "--backend", "cpu", "--set", "output.print_iter=0",
               "--set", f'output.path="{out}"']
    for setting in settings:
        command += ["--set", setting]
    start = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{done.stdout}{done.stderr}")
    summary = json.load(open(os.path.join(work, name + ".json")))
    return {"settings": settings, "wall_seconds": time.monotonic() - start,
            "render_seconds": summary["images"][0]["seconds"],
            "final_loss": summary["images"][0]["final_losses"]["total"],
            "peak_tensor_bytes": summary["peak_memory_bytes"],
            "memory_plan_total_bytes": summary["memory_plan"]["total_bytes"],
            "optimizer_bytes": summary["memory_plan"]["optimizer_bytes"]}


def plan_only(engine, size, precision):
    command = [engine, CONFIG, "--backend", "cpu", "--set", f"image_size={size}",
               "--set", f'optimizer.history_precision="{precision}"', "--set", "memory_limit_mib=1",
               "--set", 'output.path="/tmp/nsrg_plan_only.png"']
    done = subprocess.run(command, capture_output=True, text=True)
    return next(l for l in done.stdout.splitlines() if l.startswith("memory plan:"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", default=os.path.join(ROOT, "build", "nsrg-engine"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[128, 256])
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "results",
                                                      "history_precision_cpu_2core"))
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="nsrg_history_")
    rows, lines = [], ["| size | history | final loss | vs fp32 | peak Tensor memory | render time |",
                       "|---|---|---|---|---|---|"]
    for size in args.sizes:
        base = [f"image_size={size}", f"optimizer.iterations={args.iterations}"]
        runs = {
            "fp32": render(args.engine, work, f"fp32_{size}", base),
            "bf16": render(args.engine, work, f"bf16_{size}", base + ['optimizer.history_precision="bf16"']),
            "fp32, 1 thread": render(args.engine, work, f"fp32t1_{size}", base + ["threads=1"]),
        }
        reference = runs["fp32"]["final_loss"]
        for name, r in runs.items():
            r["relative_to_fp32"] = r["final_loss"] / reference - 1.0
            rows.append({"size": size, "history": name, **r})
            lines.append(f"| {size} | {name} | {r['final_loss']:.4g} | {100 * r['relative_to_fp32']:+.2f}% | "
                         f"{r['peak_tensor_bytes'] / 2**20:.0f} MiB | {r['render_seconds']:.1f} s |")
    plans = {p: plan_only(args.engine, 2048, p) for p in ("fp32", "bf16")}
    lines += ["", f"2048 px, history 100, fp32: {plans['fp32']}", f"2048 px, history 100, bf16: {plans['bf16']}"]
    results = {"command": " ".join(sys.argv), "iterations": args.iterations, "runs": rows,
               "plans_2048": plans, "machine": os.uname().nodename, "cpu_count": os.cpu_count()}
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out + ".json", "w") as f:
        json.dump(results, f, indent=2)
    with open(args.out + ".txt", "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
