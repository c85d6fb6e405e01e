#!/usr/bin/env bash
# A fuzzing campaign: each harness (all eight, or those named after MINUTES) runs on its own,
# one core at `nice 19`, for MINUTES minutes or until FUZZ_RUNS executions, on its corpus in
# CAMPAIGN/corpus/<name> (seeded from tests/fuzz/corpus and kept between campaigns).
# Findings land in CAMPAIGN/crashes/<name>, libFuzzer's output in CAMPAIGN/<name>.log, and
# one "campaign-result:" line per harness (executions, edges, corpus files, findings, CPU,
# date) is printed and appended to CAMPAIGN/results.log; tests/fuzz/campaign_table.sh turns
# those lines into docs/reliability.md's table.
#   tests/fuzz/run_campaign.sh 10                              # 10 minutes each
#   FUZZ_RUNS=10000000 tests/fuzz/run_campaign.sh 600 image    # 10M executions, 10 h at most
# Environment: FUZZ_BUILD_DIR (default build-fuzz; built by build_fuzzers.sh), FUZZ_BIN_DIR
# (harness binaries to use instead, nothing built), FUZZ_CAMPAIGN_DIR (default
# FUZZ_BUILD_DIR/campaign), FUZZ_SEEDS (default tests/fuzz/corpus), FUZZ_RUNS.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
minutes="${1:?usage: run_campaign.sh MINUTES [harness ...]}"
shift
harnesses=("$@")
[ ${#harnesses[@]} -eq 0 ] && harnesses=(image config architecture safetensors style_targets
  caffemodel prototxt torch_checkpoint)
build_dir="${FUZZ_BUILD_DIR:-$here/../../build-fuzz}"
if [ -z "${FUZZ_BIN_DIR:-}" ]; then
  "$here/build_fuzzers.sh"
fi
bin_dir="${FUZZ_BIN_DIR:-$build_dir/fuzz}"
campaign="${FUZZ_CAMPAIGN_DIR:-$build_dir/campaign}"
seeds="${FUZZ_SEEDS:-$here/corpus}"
runs_option=()
[ -n "${FUZZ_RUNS:-}" ] && runs_option=(-runs="$FUZZ_RUNS")
cpu="$(grep -m 1 '^model name' /proc/cpuinfo | sed 's/^[^:]*: *//')"
for name in "${harnesses[@]}"; do
  corpus="$campaign/corpus/$name" crashes="$campaign/crashes/$name" log="$campaign/$name.log"
  mkdir -p "$corpus" "$crashes"
  start="$(date +%s)"
  status=0
  (cd "$crashes" && nice -n 19 "$bin_dir/fuzz_$name" -max_total_time=$((minutes * 60)) \
    "${runs_option[@]}" -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 \
    -artifact_prefix="$crashes/" "$corpus" "$seeds/$name" >"$log" 2>&1) || status=$?
  runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)"
  edges="$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$' || echo 0)"
  findings="$(find "$crashes" -maxdepth 1 -type f -newermt "@$start" \
    \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)"
  result="campaign-result: harness=$name executions=${runs:-0} edges=${edges:-0}"
  result+=" corpus_files=$(find "$corpus" -type f | wc -l) findings=$findings exit=$status"
  result+=" seconds=$(($(date +%s) - start)) date=$(date -u +%Y-%m-%d) cpu=$cpu"
  echo "$result" | tee -a "$log" >>"$campaign/results.log"
  echo "$result"
done
