#!/usr/bin/env bash
# The L-BFGS step against the memory bandwidth, in one command (bench/README.md, "The L-BFGS
# step and the memory bandwidth"):
#
#   bash bench/lbfgs_step_bench.sh [BUILD_DIR] [REPETITIONS]      (defaults: build 3)
#
# Prints the CPU (model, vector flags, caches), then per repetition the load average before
# and after one `nsrg-bench --lbfgs-only --stream` run at 512 px with a history of 100 pairs,
# fp32 and bf16 rows: the STREAM-like read and triad GB/s, the two-loop recursion (the CPU
# backend's fused op and the ring ops) in ms and GB/s of the history it reads, that rate
# against the read figure, and one whole L-BFGS step in ms. THREADS (default 2), RUNS
# (default 5) and STREAM_MIB (default 1024, past the L3) override the settings.
set -euo pipefail

build=${1:-build}
repetitions=${2:-3}
threads=${THREADS:-2}
runs=${RUNS:-5}
stream_mib=${STREAM_MIB:-1024}
bench="$build/nsrg-bench"
[[ -x "$bench" ]] || { echo "lbfgs_step_bench.sh: no $bench (build the nsrg-bench target)" >&2; exit 2; }

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores"
echo "flags: $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|fma|avx512|amx)' | tr '\n' ' ')"
echo "caches: $(lscpu | grep -E '^L[23] cache' | sed 's/  */ /g' | tr '\n' ';')"
echo "command: $bench --lbfgs-only --sizes 512 --threads $threads --runs $runs --stream $stream_mib"

json=$(mktemp)
trap 'rm -f "$json"' EXIT
for ((r = 1; r <= repetitions; ++r)); do
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  "$bench" --lbfgs-only --sizes 512 --threads "$threads" --runs "$runs" --stream "$stream_mib" \
    --json "$json" >/dev/null
  load_after=$(cut -d' ' -f1-3 /proc/loadavg)
  python3 - "$json" "$r" "$load_before" "$load_after" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))
bandwidth = results["memory_bandwidth"]
size = results["sizes"][0]
read = bandwidth["read_gbs"]
print(f"repetition {sys.argv[2]}: load average {sys.argv[3]} before, {sys.argv[4]} after; "
      f"{bandwidth['threads']} threads; STREAM read {read:.1f} GB/s, triad "
      f"{bandwidth['triad_gbs']:.1f} GB/s")
for rows, loop in size["lbfgs_two_loop"].items():
    fused = (f"fused {loop['fused_ms']:.1f} ms, {loop['fused_gbs']:.1f} GB/s = "
             f"{loop['fused_gbs'] / read:.2f} x read" if loop["fused_ms"] is not None
             else "no fused op")
    print(f"  {rows} rows: two-loop reads {loop['history_bytes'] / 1e9:.3f} GB of history: "
          f"{fused}; ring ops {loop['ring_ops_ms']:.1f} ms, {loop['ring_ops_gbs']:.1f} GB/s = "
          f"{loop['ring_ops_gbs'] / read:.2f} x read; whole step "
          f"{size['lbfgs_step_ms'][rows]:.1f} ms")
PY
done
