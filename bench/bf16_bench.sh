#!/usr/bin/env bash
# bf16_bench.sh: nsrg-bench's whole-evaluation and L-BFGS-step figures on the CPU backend with
# precision fp32, mixed and bf16, interleaved per size so that a change of the machine's load
# hits all three alike, each run's load average (uptime) written beside it
# (bench/README.md, "bf16 on the CPU").
#
#   bench/bf16_bench.sh OUTDIR [BUILD] [--sizes "256 512"] [--runs 3] [--threads 0]
#                       [--peer PYTHON]
#
# --peer PYTHON: after each size, the PyTorch CPU peer of the same evaluation
# (bench/peer/cpu_evaluation_peer.py: fp32 NCHW, fp32 channels-last, autocast bf16
# channels-last) with that Python (one that has torch), into the same table.
#
# Writes OUTDIR/<size>_<precision>.{json,log} and the table OUTDIR/bf16_bench.txt (CPU model
# and flags from nsrg-bench's host line, load average per run).
set -uo pipefail

usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

repo="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -ge 1 ] || usage
case "$1" in -h | --help) usage ;; esac
mkdir -p "$1" || exit 1
outdir="$(cd "$1" && pwd)"
shift
build="$repo/build" sizes="256 512" runs=3 threads=0 peer=""
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then
  build="$1"
  shift
fi
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || usage
  case "$1" in
    --sizes) sizes="$2" ;;
    --runs) runs="$2" ;;
    --threads) threads="$2" ;;
    --peer) peer="$2" ;;
    *) usage ;;
  esac
  shift 2
done

table="$outdir/bf16_bench.txt"
: >"$table"
for size in $sizes; do
  for precision in fp32 mixed bf16; do
    load="$(cut -d' ' -f1-3 /proc/loadavg)"
    "$build/nsrg-bench" --backend cpu --precision "$precision" --sizes "$size" --skip-layers \
      --threads "$threads" --warmup 1 --runs "$runs" --json "$outdir/${size}_${precision}.json" \
      >"$outdir/${size}_${precision}.log" 2>&1 || { echo "nsrg-bench failed: $outdir/${size}_${precision}.log"; exit 1; }
    [ -s "$table" ] || grep '^host:' "$outdir/${size}_${precision}.log" >>"$table"
    evaluation="$(grep -o 'full evaluation: [0-9.]* ms' "$outdir/${size}_${precision}.log")"
    step="$(grep -o 'L-BFGS step[^:]*: [0-9.]* ms' "$outdir/${size}_${precision}.log")"
    printf '%4s px  %s thr  %-5s  %-28s  %-46s  load before: %s\n' "$size" "$threads" "$precision" "$evaluation" \
      "$step" "$load" | tee -a "$table"
  done
  if [ -n "$peer" ]; then
    peer_threads="$threads"
    [ "$peer_threads" -gt 0 ] || peer_threads="$(nproc)"
    "$peer" "$repo/bench/peer/cpu_evaluation_peer.py" --sizes "$size" --threads "$peer_threads" \
      --runs "$runs" >"$outdir/${size}_peer.log" 2>&1 || { echo "the peer failed: $outdir/${size}_peer.log"; exit 1; }
    grep -v '^host:' "$outdir/${size}_peer.log" | tee -a "$table"
    grep '^host:' "$outdir/${size}_peer.log" >>"$table"
  fi
done
