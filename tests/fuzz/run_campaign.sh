#!/usr/bin/env bash
# A fuzzing campaign: each harness (all six, or those named after MINUTES) runs for MINUTES
# minutes on its corpus in FUZZ_BUILD_DIR/corpus/<name> (seeded from tests/fuzz/corpus and
# kept between campaigns), at low priority. Crashes land in FUZZ_BUILD_DIR/crashes/<name>.
# Prints one line per harness: executions, edges covered (libFuzzer's cov), corpus size.
#   tests/fuzz/run_campaign.sh 10            # 10 minutes each
#   FUZZ_JOBS=1 tests/fuzz/run_campaign.sh 3 image config
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
minutes="${1:?usage: run_campaign.sh MINUTES [harness ...]}"
shift
harnesses=("$@")
[ ${#harnesses[@]} -eq 0 ] && harnesses=(image config architecture safetensors style_targets lineage caffemodel prototxt)
"$here/build_fuzzers.sh"
build_dir="${FUZZ_BUILD_DIR:-$here/../../build-fuzz}"
for name in "${harnesses[@]}"; do
  corpus="$build_dir/corpus/$name" crashes="$build_dir/crashes/$name"
  mkdir -p "$corpus" "$crashes"
  log="$build_dir/campaign-$name.log"
  (cd "$crashes" && nice -n 10 "$build_dir/fuzz/fuzz_$name" -max_total_time=$((minutes * 60)) \
    -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 "$corpus" "$here/corpus/$name" \
    >"$log" 2>&1) || echo "$name: the fuzzer stopped early (see $log and $crashes)"
  runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)"
  edges="$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$' || echo 0)"
  echo "$name: $runs executions, $edges edges, $(ls "$corpus" | wc -l) corpus files, $(ls "$crashes" | wc -l) crash files"
done
