#!/usr/bin/env python3
"""The multi-scale figures of bench/README.md: one nsrg-engine run with three [[stages]]
(examples/multires.toml at 512 -> 1024 -> 2048 px, with small iteration counts) against the
same three sizes rendered by three separate runs chained by hand (each next run starts from
the previous run's saved image, init.kind = "image"). Records per-stage time and the
process's peak RSS (the summary's per-stage peak_rss_bytes; /usr/bin/time's maximum RSS for
each separate run), wall-clock totals and the memory plan, as JSON and as a table.

    python3 bench/multires_chain.py [--engine build/nsrg-engine] [--iterations 10 5 3]
        [--sizes 512 1024 2048] [--out bench/results/multires_cpu_2core]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(command):
    """Runs `command` under /usr/bin/time -v; returns (stdout, wall seconds, max RSS bytes)."""
    start = time.monotonic()
    done = subprocess.run(["/usr/bin/time", "-v"] + command, capture_output=True, text=True)
    wall = time.monotonic() - start
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stdout}\n{done.stderr}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    return done.stdout, wall, rss * 1024


def plan_line(stdout):
    return next(line for line in stdout.splitlines() if line.startswith("memory plan:"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", default=os.path.join(ROOT, "build", "nsrg-engine"))
    parser.add_argument("--sizes", type=int, nargs=3, default=[512, 1024, 2048])
    parser.add_argument("--iterations", type=int, nargs=3, default=[10, 5, 3])
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "multires_cpu_2core"))
    args = parser.parse_args()
    config = os.path.join(ROOT, "examples", "multires.toml")
    work = tempfile.mkdtemp(prefix="nsrg_multires_")
    load_before = os.getloadavg()
    common = ["--backend", "cpu", "--set", "output.print_iter=1", "--set", "output.save_stages=false"]

    # One process, three stages.
    stages = ",".join(f"{{image_size = {s}, iterations = {n}}}" for s, n in zip(args.sizes, args.iterations))
    staged_out = os.path.join(work, "staged.png")
    stdout, wall, rss = run([args.engine, config, *common, "--set", f"stages=[{stages}]",
                             "--set", f'output.path="{staged_out}"'])
    summary = json.load(open(os.path.join(work, "staged.json")))
    image = summary["images"][0]
    one_run = {
        "wall_seconds": wall, "max_rss_bytes": rss, "memory_plan": plan_line(stdout),
        "memory_plan_total_bytes": summary["memory_plan"]["total_bytes"],
        "load_seconds": summary["timings"]["load_seconds"],
        "capture_seconds": summary["timings"]["capture_seconds"],
        "stages": [{k: s[k] for k in ("image_size", "width", "height", "iterations", "seconds",
                                      "peak_rss_bytes", "final_losses")} for s in image["stages"]],
    }

    # Three runs chained by hand: each from the previous run's saved (levelled, 8-bit) image.
    chained = []
    previous = None
    for index, (size, iterations) in enumerate(zip(args.sizes, args.iterations)):
        out = os.path.join(work, f"chained{index + 1}.png")
        init = ["--set", 'init.kind="image"', "--set", f'init.image="{previous}"'] if previous else []
        stdout, wall, rss = run([args.engine, config, *common, *init,
                                 "--set", f"stages=[{{image_size = {size}, iterations = {iterations}}}]",
                                 "--set", f'output.path="{out}"'])
        s = json.load(open(os.path.join(work, f"chained{index + 1}.json")))
        chained.append({"image_size": size, "iterations": iterations, "wall_seconds": wall,
                        "max_rss_bytes": rss, "render_seconds": s["images"][0]["seconds"],
                        "memory_plan": plan_line(stdout),
                        "final_losses": s["images"][0]["final_losses"]})
        previous = out

    results = {"command": " ".join(sys.argv), "sizes": args.sizes, "iterations": args.iterations,
               "one_run": one_run, "chained_runs": chained,
               "chained_total_wall_seconds": sum(c["wall_seconds"] for c in chained),
               "machine": os.uname().nodename, "cpu_count": os.cpu_count(),
               "load_average_before": load_before, "load_average_after": os.getloadavg()}
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out + ".json", "w") as f:
        json.dump(results, f, indent=2)
    gib = 1 << 30
    lines = ["| stage | size | iterations | one run: stage time | one run: peak RSS so far | "
             "separate run: wall time | separate run: max RSS |", "|---|---|---|---|---|---|---|"]
    for i, (s, c) in enumerate(zip(one_run["stages"], chained)):
        lines.append(f"| {i + 1} | {s['width']}x{s['height']} | {s['iterations']} | {s['seconds']:.1f} s | "
                     f"{s['peak_rss_bytes'] / gib:.2f} GiB | {c['wall_seconds']:.1f} s | "
                     f"{c['max_rss_bytes'] / gib:.2f} GiB |")
    lines.append(f"| all | | | {one_run['wall_seconds']:.1f} s wall (load {one_run['load_seconds']:.1f} s, "
                 f"capture {one_run['capture_seconds']:.1f} s) | {one_run['max_rss_bytes'] / gib:.2f} GiB | "
                 f"{results['chained_total_wall_seconds']:.1f} s wall | |")
    lines.append("")
    lines.append("one run: " + one_run["memory_plan"])
    lines.append(f"load average (1, 5, 15 min) before {load_before}, after {os.getloadavg()}")
    with open(args.out + ".txt", "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
