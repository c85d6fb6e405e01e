#!/usr/bin/env python3
"""The short table that bench/gpu_check.sh prints last: the GPU, tests passed/failed per
suite, full-evaluation time at 512 px, the peer ratio at 256 and 512 px, peak memory, the
CPU/GPU render difference, and a PASS/FAIL/SKIP verdict per step. Reads what the check wrote
to OUTDIR. Exits 0 only when every step passed.

Rules: a step passes when its command exited 0 within its time, and besides
  - test_<suite>: its gtest report exists, nothing failed and at least one test ran (a run in
    which every test skipped, e.g. test_cuda without a device, is a failure);
  - bench_cuda_<precision>: its JSON holds every size asked for (256, 512, 1024);
  - render_diff_*: image_diff.py's thresholds (it exits 1 above them);
  - environment: nvidia-smi lists a GPU.
A step skipped for lack of time, or not run, is SKIP, which is not a pass.

    gpu_summary.py OUTDIR
"""
import glob
import json
import os
import re
import sys


def load_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def read_lines(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read().splitlines()
    except OSError:
        return []


def gtest_counts(report):
    """(passed, failed, skipped) from a --gtest_output=json report."""
    passed = failed = skipped = 0
    for suite in report.get("testsuites", []):
        for test in suite.get("testsuite", []):
            if test.get("failures"):
                failed += 1
            elif test.get("result") == "SKIPPED" or test.get("status") == "NOTRUN":
                skipped += 1
            else:
                passed += 1
    return passed, failed, skipped


def test_lines(outdir, steps):
    lines = []
    names = sorted({os.path.basename(p)[:-5] for p in glob.glob(f"{outdir}/tests/*.json")}
                   | {name for name in steps if name.startswith("test_")})
    for name in names:
        report = load_json(f"{outdir}/tests/{name}.json")
        status = steps.get(name, ("not run",))[0]
        if report is None:
            lines.append(f"  {name:<16} no report ({status}; see logs/{name}.log)")
            continue
        passed, failed, skipped = gtest_counts(report)
        note = "" if status == "ok" else f"  [{status}]"
        if skipped and not passed and not failed:
            note += "  [every test skipped: no CUDA device seen?]"
        lines.append(f"  {name:<16} {passed} passed, {failed} failed, {skipped} skipped{note}")
    return lines or ["  no test suite ran"]


def bench_size(outdir, precision, size):
    bench = load_json(f"{outdir}/bench_cuda_{precision}.json") or {}
    for entry in bench.get("sizes", []):
        if entry.get("image_size") == size:
            return entry
    return {}


def fmt(value, form, suffix=""):
    return "-" if value is None else format(value, form) + suffix


def bench_lines(outdir):
    lines = []
    for size in (256, 512, 1024):
        cells = []
        for precision in ("fp32", "tf32"):
            entry = bench_size(outdir, precision, size)
            ms = (entry.get("evaluation") or {}).get("ms")
            peak = entry.get("peak_memory_bytes")
            cells.append(f"{precision} {fmt(ms, '.1f', ' ms')} (peak "
                         f"{fmt(peak / 2**20 if peak else None, '.0f', ' MiB')})")
        lines.append(f"  full evaluation at {size:>4}: " + ", ".join(cells))
    return lines


def peer_lines(outdir):
    report = load_json(f"{outdir}/peer_comparison.json")
    if not report:
        return ["  no peer comparison (see logs/peer_compare.log)"]
    lines = []
    for row in report.get("rows", []):
        if row["image_size"] not in (256, 512, 1024):
            continue
        peak_e, peak_p = row.get("engine_peak_memory_bytes"), row.get("peer_peak_memory_bytes")
        lines.append(
            f"  {row['image_size']:>4} {row['precision']}: engine "
            f"{fmt(row.get('engine_steady_seconds_per_iteration'), '.4f')} s/it, peer "
            f"{fmt(row.get('peer_seconds_per_iteration'), '.4f')} s/it, peer/engine "
            f"{fmt(row.get('ratio_peer_over_engine'), '.2f')}; peak MiB engine "
            f"{fmt(peak_e / 2**20 if peak_e else None, '.0f')} peer "
            f"{fmt(peak_p / 2**20 if peak_p else None, '.0f')}; loss rel. diff @1 "
            f"{fmt(row.get('first_loss_relative_difference'), '.1e')} @N "
            f"{fmt(row.get('final_loss_relative_difference'), '.1e')}")
    return lines


def render_lines(outdir):
    lines = []
    for name, label in (("diff_64", "64 px"), ("diff_full", "full size")):
        diff = load_json(f"{outdir}/render/{name}.json")
        if diff:
            lines.append(
                f"  CUDA vs CPU render, {label}: mean |diff| "
                f"{diff['mean_abs_difference']:.2f}/255, max {diff['max_abs_difference']}, "
                f"final loss rel. diff {fmt(diff.get('final_loss_relative_difference'), '.2e')}")
    return lines or ["  no render comparison (see logs/render_*.log)"]


BENCH_SIZES = (256, 512, 1024)


def verdict(outdir, name, status):
    """(PASS|FAIL|SKIP, reason) for one row of steps.tsv."""
    if status in ("skipped", "not run", "missing"):
        return "SKIP", status
    if status != "ok":
        reason = status
        if name.startswith("bench_cuda_"):
            done = [e.get("image_size") for e in
                    (load_json(f"{outdir}/{name}.json") or {}).get("sizes", [])]
            reason += f"; sizes kept: {done or 'none'}"
        return "FAIL", reason
    if name.startswith("test_"):
        report = load_json(f"{outdir}/tests/{name}.json")
        if report is None:
            return "FAIL", "no gtest report"
        passed, failed, skipped = gtest_counts(report)
        if failed:
            return "FAIL", f"{failed} failed"
        if not passed:
            return "FAIL", f"every test skipped ({skipped}): no CUDA device seen?"
        return "PASS", f"{passed} passed, {skipped} skipped"
    if name.startswith("bench_cuda_"):
        done = [e.get("image_size") for e in
                (load_json(f"{outdir}/{name}.json") or {}).get("sizes", [])]
        missing = [size for size in BENCH_SIZES if size not in done]
        return ("FAIL", f"sizes missing: {missing}") if missing else ("PASS", "")
    return "PASS", ""


def step_lines(outdir, steps):
    lines, all_passed = [], bool(steps)
    for name, (status, secs) in steps.items():
        word, reason = verdict(outdir, name, status)
        all_passed = all_passed and word == "PASS"
        lines.append(f"  {name:<18} {word:<4} {secs:>4}s  {reason}".rstrip())
    return lines or ["  no step ran"], all_passed


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    outdir = argv[1]
    steps = {}
    for line in read_lines(f"{outdir}/steps.tsv"):
        fields = line.split("\t")
        if len(fields) >= 3:
            steps[fields[0]] = (fields[1], fields[2])
    env = read_lines(f"{outdir}/logs/env.log")
    gpu = next((line[5:] for line in env if line.startswith("gpu: ")), "unknown GPU")
    loaded = [re.sub(r"^loaded: .*/", "", line) for line in env if line.startswith("loaded: ")]
    torch_line = next((line for line in env if line.startswith("torch: ")), "torch: ?")
    out = [f"== GPU check summary: {outdir}", f"gpu: {gpu}", "engine loads: "
           + ("; ".join(loaded) if loaded else "?"), torch_line, "tests:"]
    out += test_lines(outdir, steps)
    out.append("nsrg-bench (median of runs):")
    out += bench_lines(outdir)
    out.append("peer comparison (same weights, images, iterations; s/it = one evaluation + "
               "one L-BFGS step):")
    out += peer_lines(outdir)
    out.append("render:")
    out += render_lines(outdir)
    lines, all_passed = step_lines(outdir, steps)
    out.append("steps (in the order run):")
    out += lines
    out.append("verdict: " + ("PASS (every step passed)" if all_passed else
                              "FAIL (see the steps above and their logs)"))
    print("\n".join(out))
    return 0 if all_passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
