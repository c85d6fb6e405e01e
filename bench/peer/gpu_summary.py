#!/usr/bin/env python3
"""The short table that bench/gpu_check.sh prints last: the GPU, tests passed/failed per
suite, full-evaluation time at 512 px, the peer ratio at 256 and 512 px, peak memory, the
CPU/GPU render difference, the largest square image whole and tiled, and a verdict per step. Reads what the check wrote to OUTDIR.

Rules: a step passes when its command exited 0 within its time, and besides
  - test_<suite>: its gtest report exists, nothing failed and at least one test ran (a run in
    which every test skipped, e.g. test_cuda without a device, is a failure);
  - bench_cuda_<precision>: its JSON holds every size asked for (256, 512, 1024);
  - render_diff_*: image_diff.py's thresholds (it exits 1 above them);
  - largest_square: largest_square.json holds a finished confirming evaluation for the whole
    image and for tiles (the sizes themselves are reported, not judged);
  - environment: nvidia-smi lists a GPU.
A step skipped for lack of time is SKIP; a comparison that could not run (an input is
missing) is NOT RUN; neither is a pass. The CPU-only steps (render_64_cpu and the CPU test
suites: they show the bundle works on that machine) are judged on their own line and do not
enter the GPU verdict; memcheck_cuda (the op-level CUDA tests under compute-sanitizer, run
only after test_cuda failed) is a diagnosis: it names the first kernel that touched memory it
should not, and enters no verdict. The last line is the GPU verdict: PASS (every GPU step
passed), FAIL (one failed) or INCOMPLETE (none failed, some were skipped or not run). Exits 0
only on PASS.

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
        for precision in ("fp32", "tf32", "mixed", "bf16"):
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


def render_lines(outdir, steps):
    lines = []
    for name, label in (("diff_64", "64 px"), ("diff_full", "full size")):
        diff = load_json(f"{outdir}/render/{name}.json")
        if diff:
            lines.append(
                f"  CUDA vs CPU render, {label}: mean |diff| "
                f"{diff['mean_abs_difference']:.2f}/255, max {diff['max_abs_difference']}, "
                f"final loss rel. diff {fmt(diff.get('final_loss_relative_difference'), '.2e')}"
                f" (limits {fmt(diff.get('max_mean_difference'), 'g')}/255, "
                f"{fmt(diff.get('max_loss_difference'), 'g')})")
        else:
            status, _, note = steps.get(f"render_{name}", ("not run", "0", ""))
            lines.append(f"  CUDA vs CPU render, {label}: no comparison ({status}"
                         f"{': ' + note if note and not note.startswith('logs/') else ''})")
    return lines


def largest_square_confirmed(report):
    """The kinds (whole, tiled) without a finished confirming evaluation in largest_square.json."""
    return [kind for kind in ("whole", "tiled")
            if not ((report or {}).get(kind, {}).get("confirmed") or {}).get("finished")]


def largest_lines(outdir):
    report = load_json(f"{outdir}/largest_square.json")
    if not report:
        return ["  not measured (see logs/largest_square.log)"]
    lines = []
    for kind in ("whole", "tiled"):
        entry = report.get(kind) or {}
        confirmed = entry.get("confirmed") or {}
        size, plan = entry.get("planned_largest"), entry.get("plan_bytes")
        tile = f" in tiles of {report.get('tile')} px" if kind == "tiled" else ""
        text = (f"  {kind}{tile}: plan fits up to {fmt(size, 'd', ' px')} "
                f"({fmt(plan / 2**30 if plan else None, '.2f', ' GiB')} of "
                f"{fmt(report.get('limit_mib'), 'd', ' MiB')} free)")
        if confirmed:
            peak = confirmed.get("peak_memory_bytes")
            outcome = ("finished" if confirmed.get("finished") else
                       f"did not finish (exit {confirmed.get('exit_status')}: "
                       f"{confirmed.get('last_line', '')})")
            text += (f"; evaluated at {confirmed.get('size')} px: {outcome}, "
                     f"{fmt(confirmed.get('seconds_per_evaluation'), '.2f', ' s')} per evaluation,"
                     f" Tensor peak {fmt(peak / 2**30 if peak else None, '.2f', ' GiB')}")
        lines.append(text)
    return lines


BENCH_SIZES = (256, 512, 1024)
# Steps that run on the CPU only: reported apart, outside the GPU verdict.
CPU_ONLY_STEPS = ("render_64_cpu", "test_optim", "test_randomize", "test_engine")
# Steps that diagnose a failure already judged: reported, in no verdict.
DIAGNOSTIC_STEPS = ("memcheck_cuda",)
# compute-sanitizer's exit status when it found a memory error (gpu_check.sh passes it).
MEMCHECK_ERROR_EXIT = 86


def first_memcheck_error(log_lines):
    """(error, where, test) of the first error compute-sanitizer reported, or None: the error
    line ("Invalid __global__ write of size 4 bytes"), its first "at ..." frame (the kernel)
    and the gtest test that was running."""
    test = "?"
    for i, line in enumerate(log_lines):
        if line.startswith("[ RUN      ] "):
            test = line[len("[ RUN      ] "):].strip()
            continue
        text = line[len("========= "):].strip() if line.startswith("========= ") else ""
        if not text or text.startswith(("COMPUTE-SANITIZER", "ERROR SUMMARY", "at ", "by ",
                                         "Address", "Saved host", "Host Frame", "Device Frame")):
            continue
        where = "?"
        for follow in log_lines[i + 1:i + 12]:
            frame = follow[len("========= "):].strip() if follow.startswith("========= ") else ""
            if frame.startswith("at "):
                where = frame[3:]
                break
        return text, where, test
    return None


def memcheck_verdict(outdir, status):
    """(INFO, finding) for the memcheck_cuda row."""
    if status in ("skipped", "not run", "missing"):
        return "INFO", f"not run ({status})"
    found = first_memcheck_error(read_lines(f"{outdir}/logs/memcheck_cuda.log"))
    if found:
        error, where, test = found
        return "INFO", f"first bad kernel: {where}; {error}; in test {test}"
    if status == f"failed({MEMCHECK_ERROR_EXIT})":
        return "INFO", "memory errors reported (see logs/memcheck_cuda.log)"
    if status in ("ok", "failed(1)"):
        return "INFO", "no memory error in the op-level tests (a failure is numeric, or in a run)"
    return "INFO", f"{status} before a verdict (see logs/memcheck_cuda.log)"


def verdict(outdir, name, status):
    """(PASS|FAIL|SKIP|NOT RUN|INFO, reason) for one row of steps.tsv."""
    if name in DIAGNOSTIC_STEPS:
        return memcheck_verdict(outdir, status)
    if status == "skipped":
        return "SKIP", "out of time"
    if status in ("not run", "missing"):
        return "NOT RUN", status
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
    if name == "largest_square":
        unconfirmed = largest_square_confirmed(load_json(f"{outdir}/largest_square.json"))
        return ("FAIL", f"no finished evaluation: {', '.join(unconfirmed)}") if unconfirmed \
            else ("PASS", "")
    return "PASS", ""


def overall(words):
    """PASS when every word is PASS (and there is one), FAIL when one is FAIL, else INCOMPLETE."""
    if not words:
        return "INCOMPLETE"
    if "FAIL" in words:
        return "FAIL"
    return "PASS" if all(word == "PASS" for word in words) else "INCOMPLETE"


def step_lines(outdir, steps):
    """The table's lines (GPU steps and diagnoses, then the CPU-only steps), the GPU steps'
    words and the CPU-only steps' words."""
    lines, cpu_lines, gpu_words, cpu_words = [], [], [], []
    for name, (status, secs, note) in steps.items():
        word, reason = verdict(outdir, name, status)
        if not reason and note and not note.startswith("logs/"):
            reason = note
        elif word == "NOT RUN" and note:
            reason = f"{reason}: {note}"
        line = f"  {name:<18} {word:<7} {secs:>4}s  {reason}".rstrip()
        if name in CPU_ONLY_STEPS:
            cpu_lines.append(line)
            cpu_words.append(word)
        else:
            lines.append(line)
            if name not in DIAGNOSTIC_STEPS:
                gpu_words.append(word)
    return (lines or ["  no GPU step ran"]), cpu_lines, gpu_words, cpu_words


VERDICT_TEXT = {
    "PASS": "PASS (every GPU step passed)",
    "FAIL": "FAIL (see the steps above and their logs)",
    "INCOMPLETE": "INCOMPLETE (no GPU step failed, but some were skipped or not run: not a pass)",
}


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    outdir = argv[1]
    steps = {}
    for line in read_lines(f"{outdir}/steps.tsv"):
        fields = line.split("\t")
        if len(fields) >= 3:
            steps[fields[0]] = (fields[1], fields[2], fields[3] if len(fields) > 3 else "")
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
    out += render_lines(outdir, steps)
    out.append("largest square image (bench/largest_square.py; one evaluation each):")
    out += largest_lines(outdir)
    lines, cpu_lines, gpu_words, cpu_words = step_lines(outdir, steps)
    out.append("GPU steps (in the order run):")
    out += lines
    if cpu_lines:
        out.append("CPU-only steps (the bundle on this machine; not in the GPU verdict):")
        out += cpu_lines
        out.append("CPU-only verdict: " + overall(cpu_words))
    gpu_verdict = overall(gpu_words)
    out.append("verdict: " + VERDICT_TEXT[gpu_verdict])
    print("\n".join(out))
    return 0 if gpu_verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
