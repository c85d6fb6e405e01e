#!/usr/bin/env bash
# The fuzz smoke test run by ctest: builds the harnesses (build_fuzzers.sh) and runs each one
# for a few seconds on its committed seed corpus; fails on any crash, leak or sanitizer
# report. Exits 77 (skipped) with a message when clang's libFuzzer is not installed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
status=0
# The build log goes to this run's own folder: worktrees building at the same time do not
# share one log.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$here/build_fuzzers.sh" >"$work/build.log" 2>&1 || status=$?
if [ "$status" -eq 77 ]; then
  tail -n 1 "$work/build.log"
  exit 77
elif [ "$status" -ne 0 ]; then
  tail -n 30 "$work/build.log"
  exit 1
fi
build_dir="${FUZZ_BUILD_DIR:-$here/../../build-fuzz}"
seconds="${FUZZ_SMOKE_SECONDS:-4}"
for harness in fuzz_image fuzz_config fuzz_architecture fuzz_safetensors fuzz_style_targets \
  fuzz_lineage fuzz_explore_request fuzz_caffemodel fuzz_prototxt fuzz_torch_checkpoint; do
  name="${harness#fuzz_}"
  mkdir -p "$work/$name"
  if ! (cd "$work" && "$build_dir/fuzz/$harness" -max_total_time="$seconds" -rss_limit_mb=2048 \
    -timeout=20 -print_final_stats=1 "$work/$name" "$here/corpus/$name" >"$work/$name.log" 2>&1); then
    echo "FAIL: $harness"
    tail -n 40 "$work/$name.log"
    exit 1
  fi
  runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$name.log" | grep -o '[0-9]*$')"
  echo "ok: $harness, $runs executions in ${seconds}s"
done
