#!/usr/bin/env bash
# A fuzzing campaign: each harness (all eight, or those named after MINUTES) runs on its own,
# one core at `nice 19`, for MINUTES minutes or until FUZZ_RUNS executions, on its corpus in
# CAMPAIGN/corpus/<name> (seeded from tests/fuzz/corpus and kept between campaigns).
# libFuzzer runs in chunks of FUZZ_CHUNK_SECONDS (default 600) on the growing corpus, so that
# the count of executions is exact after every chunk: a "campaign-progress:" line (the
# executions so far, edges, corpus files, findings) follows each chunk in CAMPAIGN/<name>.log,
# and a campaign stopped from outside still shows how far it got. At the end one
# "campaign-result:" line per harness is printed and appended to the log and to
# CAMPAIGN/results.log; tests/fuzz/campaign_table.sh turns the logs into docs/reliability.md's
# table. A finding (crash-*, leak-*, timeout-*, oom-* in CAMPAIGN/crashes/<name>) ends the
# harness's campaign. A log left by an earlier run is kept as <name>.<its time>.log, unless
# FUZZ_RESUME is set and that run can go on (same binary, goal and time cap; stopped or cut
# off without a finding): then its counts carry on in its log after a "campaign-resume:"
# line, as after any chunk (the chunk cut off without a progress line is not counted).
#   tests/fuzz/run_campaign.sh 10                              # 10 minutes each
#   FUZZ_RUNS=10000000 tests/fuzz/run_campaign.sh 600 image    # 10M executions, 10 h at most
# Environment: FUZZ_BUILD_DIR (default build-fuzz; built by build_fuzzers.sh), FUZZ_BIN_DIR
# (harness binaries to use instead, nothing built), FUZZ_CAMPAIGN_DIR (default
# FUZZ_BUILD_DIR/campaign), FUZZ_SEEDS (default tests/fuzz/corpus), FUZZ_RUNS,
# FUZZ_CHUNK_SECONDS, FUZZ_RESUME.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
minutes="${1:?usage: run_campaign.sh MINUTES [harness ...]}"
shift
harnesses=("$@")
[ ${#harnesses[@]} -eq 0 ] && harnesses=(image config architecture safetensors style_targets
  lineage caffemodel prototxt torch_checkpoint)
build_dir="${FUZZ_BUILD_DIR:-$here/../../build-fuzz}"
if [ -z "${FUZZ_BIN_DIR:-}" ]; then
  "$here/build_fuzzers.sh"
fi
bin_dir="${FUZZ_BIN_DIR:-$build_dir/fuzz}"
campaign="${FUZZ_CAMPAIGN_DIR:-$build_dir/campaign}"
seeds="${FUZZ_SEEDS:-$here/corpus}"
target_runs="${FUZZ_RUNS:-0}"
chunk_seconds="${FUZZ_CHUNK_SECONDS:-600}"
cpu="$(grep -m 1 '^model name' /proc/cpuinfo | sed 's/^[^:]*: *//')"

# The fuzzer of the chunk now running; a TERM or INT stops it with SIGINT, so that libFuzzer
# still prints its final counts and the campaign records them before it ends.
fuzzer_pid=""
stopped=""
stop_fuzzer() {
  stopped=yes
  [ -n "$fuzzer_pid" ] && kill -INT "$fuzzer_pid" 2>/dev/null || true
}
trap stop_fuzzer TERM INT

# One line of the campaign's state: "campaign-KIND: harness=... executions=... ...".
# `seconds` counts the time spent fuzzing, the earlier runs of a resumed campaign included.
state_line() {
  local kind="$1"
  echo "campaign-$kind: harness=$name executions=$executions edges=$edges" \
    "corpus_files=$(find "$corpus" -type f | wc -l) findings=$findings exit=$status" \
    "seconds=$((seconds_before + $(date +%s) - resumed_at)) date=$(date -u +%Y-%m-%d) cpu=$cpu"
}

# A field of a campaign line: line_field LINE NAME.
line_field() {
  echo "$1" | grep -o " $2=[^ ]*" | cut -d= -f2
}

# Findings in the crashes folder since the campaign began (epoch seconds).
count_findings() {
  find "$crashes" -maxdepth 1 -type f -newermt "@$1" \
    \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l
}

for name in "${harnesses[@]}"; do
  corpus="$campaign/corpus/$name" crashes="$campaign/crashes/$name" log="$campaign/$name.log"
  binary="$bin_dir/fuzz_$name"
  mkdir -p "$corpus" "$crashes"
  binary_sum="$(sha256sum "$binary" | cut -c 1-16)"
  status=0 executions=0 edges=0 findings=0 seconds_before=0 resumed_at="$(date +%s)"
  began="$resumed_at"
  # FUZZ_RESUME: go on with the counts of an unfinished run of the same binary and goal.
  resumable=""
  if [ -n "${FUZZ_RESUME:-}" ] && [ -e "$log" ]; then
    first="$(grep -m 1 '^campaign-start: ' "$log" || true)"
    last="$(grep -E '^campaign-(progress|result): ' "$log" | tail -n 1 || true)"
    if [ -n "$last" ] && [ "$(line_field "$first" binary)" = "$binary_sum" ] &&
      [ "$(line_field "$first" target_executions)" = "$target_runs" ] &&
      [ "$(line_field "$first" minutes)" = "$minutes" ] &&
      [ "$(line_field "$last" findings)" = 0 ] &&
      [ "$(count_findings "$(line_field "$first" began)")" -eq 0 ] &&
      { [ "${last%%:*}" = campaign-progress ] || [ "$(line_field "$last" exit)" = stopped ]; }; then
      resumable=yes
      began="$(line_field "$first" began)"
      executions="$(line_field "$last" executions)"
      edges="$(line_field "$last" edges)"
      seconds_before="$(line_field "$last" seconds)"
    fi
  fi
  if [ -n "$resumable" ]; then
    echo "campaign-resume: harness=$name executions=$executions at=$(date -u +%FT%TZ)" >>"$log"
    state_line progress >>"$log"  # so the log reads as a run going on, not a stopped one
  else
    if [ -e "$log" ]; then
      mv "$log" "$campaign/$name.$(date -u -r "$log" +%Y%m%dT%H%M%SZ).log"
    fi
    echo "campaign-start: harness=$name target_executions=$target_runs minutes=$minutes" \
      "binary=$binary_sum began=$began start=$(date -u +%FT%TZ)" >"$log"
  fi
  while [ -z "$stopped" ]; do
    seconds_left=$((minutes * 60 - seconds_before - ($(date +%s) - resumed_at)))
    runs_left=$((target_runs - executions))
    [ "$seconds_left" -gt 0 ] || break
    [ "$target_runs" -eq 0 ] || [ "$runs_left" -gt 0 ] || break
    runs_option=()
    [ "$target_runs" -eq 0 ] || runs_option=(-runs="$runs_left")
    chunk_log="$campaign/.$name.chunk.log"
    (cd "$crashes" && exec nice -n 19 "$binary" \
      -max_total_time=$((seconds_left < chunk_seconds ? seconds_left : chunk_seconds)) \
      "${runs_option[@]}" -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 \
      -artifact_prefix="$crashes/" "$corpus" "$seeds/$name" >"$chunk_log" 2>&1) &
    fuzzer_pid=$!
    # wait returns early when a trapped signal arrives; wait again for the fuzzer's exit.
    wait "$fuzzer_pid" || status=$?
    while kill -0 "$fuzzer_pid" 2>/dev/null; do wait "$fuzzer_pid" || status=$?; done
    fuzzer_pid=""
    cat "$chunk_log" >>"$log"
    chunk_runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$chunk_log" |
      grep -o '[0-9]*$' || echo 0)"
    executions=$((executions + ${chunk_runs:-0}))
    chunk_edges="$(grep -o 'cov: [0-9]*' "$chunk_log" | tail -n 1 | grep -o '[0-9]*$' || true)"
    edges="${chunk_edges:-$edges}"
    findings="$(count_findings "$began")"
    rm -f "$chunk_log"
    state_line progress >>"$log"
    # A finding, or a fuzzer that did not end by itself, ends this harness's campaign.
    [ "$status" -eq 0 ] && [ "$findings" -eq 0 ] || break
    [ "${chunk_runs:-0}" -gt 0 ] || break
  done
  [ -z "$stopped" ] || status=stopped
  result="$(state_line result)"
  echo "$result" | tee -a "$log" >>"$campaign/results.log"
  echo "$result"
  [ -z "$stopped" ] || exit 130
done
