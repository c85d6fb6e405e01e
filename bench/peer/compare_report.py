#!/usr/bin/env python3
"""Gathers what compare.sh ran into OUTDIR/peer_comparison.json and a table.

    compare_report.py WORKDIR --out OUTDIR/peer_comparison.json
                      [--bench-json fp32=bench_cuda_fp32.json --bench-json tf32=...]

WORKDIR holds peer.json (peer_style.py's results, one run per size and precision) and, per
run, nsrg-engine's summary engine_<size>_<precision>.json and log engine_<size>_<precision>.log.
For the engine it reports images[0].seconds_per_iteration (whole loop, first evaluation and
the final save included) and the steady rate printed on its last progress line (iterations
2..N, from the log); the ratio peer/engine uses the steady rate where there is one. Engine
peak memory comes from the summary when it has one, else from nsrg-bench's JSON for that
precision and size (that process's high-water mark). The losses at the first and the last
evaluation of both programs are compared as a check that they optimize the same objective.
"""
import argparse
import json
import os
import re
import sys

_PROGRESS = re.compile(r"iter\s+(\d+)/(\d+)\s.*?([0-9.]+) it/s")


def load_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, json.JSONDecodeError):
        return None


def steady_seconds_per_iteration(log_path):
    """1 / the it/s of the last progress line whose iteration is the last (None if absent)."""
    try:
        with open(log_path, encoding="utf-8", errors="replace") as f:
            lines = f.readlines()
    except OSError:
        return None
    for line in reversed(lines):
        match = _PROGRESS.search(line)
        if match and match.group(1) == match.group(2) and float(match.group(3)) > 0:
            return 1.0 / float(match.group(3))
    return None


def find_key(tree, key):
    """The first value stored under `key` anywhere in a JSON tree (depth first)."""
    if isinstance(tree, dict):
        if key in tree:
            return tree[key]
        children = tree.values()
    elif isinstance(tree, list):
        children = tree
    else:
        return None
    for child in children:
        found = find_key(child, key)
        if found is not None:
            return found
    return None


def bench_peak(bench, size):
    for entry in (bench or {}).get("sizes", []):
        if entry.get("image_size") == size:
            return entry.get("peak_memory_bytes")
    return None


def relative_difference(a, b):
    if a is None or b is None:
        return None
    scale = max(abs(a), abs(b))
    return abs(a - b) / scale if scale > 0 else 0.0


def engine_row(workdir, size, precision, benches):
    stem = os.path.join(workdir, f"engine_{size}_{precision}")
    summary = load_json(stem + ".json")
    row = {"engine_summary": stem + ".json" if summary else None}
    image = ((summary or {}).get("images") or [{}])[0]
    row["engine_seconds_per_iteration"] = image.get("seconds_per_iteration")
    row["engine_evaluations"] = image.get("evaluations")
    row["engine_steady_seconds_per_iteration"] = steady_seconds_per_iteration(stem + ".log")
    history = image.get("history") or []
    row["engine_first_loss"] = history[0].get("total") if history else None
    row["engine_final_loss"] = (image.get("final_losses") or {}).get("total")
    peak = find_key(summary, "peak_memory_bytes") if summary else None
    row["engine_peak_memory_source"] = "summary" if peak is not None else None
    if peak is None:
        peak = bench_peak(benches.get(precision), size)
        if peak is not None:
            row["engine_peak_memory_source"] = "nsrg-bench"
    row["engine_peak_memory_bytes"] = peak
    row["engine_backend"] = (summary or {}).get("backend")
    return row


def build_rows(workdir, peer, benches, sizes, precisions):
    runs = {(r["image_size"], r["precision"]): r for r in (peer or {}).get("runs", [])}
    rows = []
    for size in sizes:
        for precision in precisions:
            row = {"image_size": size, "precision": precision}
            row.update(engine_row(workdir, size, precision, benches))
            run = runs.get((size, precision), {})
            row["peer_seconds_per_iteration"] = run.get("seconds_per_iteration")
            row["peer_evaluations"] = run.get("evaluations")
            row["peer_peak_memory_bytes"] = run.get("peak_memory_bytes")
            row["peer_first_loss"] = (run.get("first_losses") or {}).get("total")
            row["peer_final_loss"] = (run.get("final_losses") or {}).get("total")
            engine = row["engine_steady_seconds_per_iteration"]
            row["ratio_basis"] = "engine steady rate"
            if engine is None:
                engine = row["engine_seconds_per_iteration"]
                row["ratio_basis"] = "engine summary"
            peer_time = row["peer_seconds_per_iteration"]
            row["ratio_peer_over_engine"] = peer_time / engine if peer_time and engine else None
            row["first_loss_relative_difference"] = relative_difference(
                row["engine_first_loss"], row["peer_first_loss"])
            row["final_loss_relative_difference"] = relative_difference(
                row["engine_final_loss"], row["peer_final_loss"])
            rows.append(row)
    return rows


def _cell(value, form):
    return "-" if value is None else format(value, form)


def _mib(value):
    return "-" if value is None else f"{value / 2**20:.0f}"


def format_table(rows):
    header = (f"{'size':>5} {'prec':<5} {'engine s/it':>11} {'steady':>9} {'peer s/it':>9} "
              f"{'peer/eng':>8} {'eng MiB':>8} {'peer MiB':>8} {'dloss@1':>8} {'dloss@N':>8}")
    lines = [header]
    for r in rows:
        lines.append(
            f"{r['image_size']:>5} {r['precision']:<5} "
            f"{_cell(r['engine_seconds_per_iteration'], '.4f'):>11} "
            f"{_cell(r['engine_steady_seconds_per_iteration'], '.4f'):>9} "
            f"{_cell(r['peer_seconds_per_iteration'], '.4f'):>9} "
            f"{_cell(r['ratio_peer_over_engine'], '.2f'):>8} "
            f"{_mib(r['engine_peak_memory_bytes']):>8} {_mib(r['peer_peak_memory_bytes']):>8} "
            f"{_cell(r['first_loss_relative_difference'], '.1e'):>8} "
            f"{_cell(r['final_loss_relative_difference'], '.1e'):>8}")
    return "\n".join(lines)


def parse_bench_options(values):
    benches = {}
    for value in values or []:
        precision, _, path = value.partition("=")
        if not path:
            raise SystemExit(f"--bench-json wants PRECISION=FILE, got {value!r}")
        benches[precision] = load_json(path)
    return benches


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workdir")
    parser.add_argument("--out", required=True, help="peer_comparison.json to write")
    parser.add_argument("--sizes", type=int, nargs="+", default=[256, 512, 1024])
    parser.add_argument("--precisions", nargs="+", default=["fp32", "tf32"])
    parser.add_argument("--bench-json", action="append", help="PRECISION=nsrg-bench JSON")
    args = parser.parse_args(argv)
    peer = load_json(os.path.join(args.workdir, "peer.json"))
    rows = build_rows(args.workdir, peer, parse_bench_options(args.bench_json), args.sizes,
                      args.precisions)
    table = format_table(rows)
    engine_backend = next((r["engine_backend"] for r in rows if r["engine_backend"]), None)
    report = {
        "date": (peer or {}).get("date"),
        "device": (peer or {}).get("device"),
        "engine_backend": engine_backend,
        "torch_version": (peer or {}).get("torch_version"),
        "cudnn_version_torch": (peer or {}).get("cudnn_version"),
        "columns": "s/it = seconds per iteration (one evaluation + one L-BFGS step); "
                   "steady = engine iterations 2..N from its last progress line; dloss@1 and "
                   "dloss@N = relative difference of the total loss at the first and last "
                   "evaluation",
        "rows": rows,
        "table": table.splitlines(),
    }
    with open(args.out + ".tmp", "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    os.replace(args.out + ".tmp", args.out)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
