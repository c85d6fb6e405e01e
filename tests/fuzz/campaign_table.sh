#!/usr/bin/env bash
# Writes docs/reliability.md's campaign table (Markdown) from the logs that
# tests/fuzz/run_campaign.sh leaves: one row per harness run, in the order of the files.
# - A log (CAMPAIGN/<harness>.log, or an earlier run's <harness>.<time>.log) gives one row
#   from its last "campaign-result:" or "campaign-progress:" line (a resumed run goes on
#   after a result line that says it was stopped), else, for a log from before progress
#   lines, from libFuzzer's last "#N ... cov:" status line. A run whose last line is not a
#   result line is marked not finished, with the time its log last changed, and its
#   executions as "at least" (it is still running, or was cut off: the chunk it was in is
#   not counted). A run stopped by TERM or INT ends with a result line whose counts are
#   exact ("stopped from outside").
# - A file of result lines only (CAMPAIGN/results.log) gives one row per line.
#   tests/fuzz/campaign_table.sh /work/fuzz-campaign/*.log   (results.log is skipped there)
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: campaign_table.sh LOG_OR_RESULTS_FILE ..." >&2; exit 2; }
echo "| Harness | Run | Executions | Edges (cov) | Corpus files | Crashes / leaks | Time fuzzing | CPU | Date |"
echo "| --- | --- | ---: | ---: | ---: | --- | ---: | --- | --- |"
for file in "$@"; do
  base="$(basename "$file")"
  # Skipped: results.log beside the logs, and a chunk's log still being written (.<name>...).
  if [ "$base" = results.log ] && [ $# -gt 1 ]; then continue; fi
  case "$base" in .*) continue ;; esac
  if [ "$base" = results.log ]; then
    grep -h '^campaign-result: ' "$file" || true
    continue
  fi
  # One row per log: the last result or progress line, else libFuzzer's last status line.
  line="$(grep -h -E '^campaign-(result|progress): ' "$file" | tail -n 1 || true)"
  if [ -z "$line" ]; then
    status="$(grep -E '^#[0-9]+[[:space:]].*cov: ' "$file" | tail -n 1 || true)"
    [ -n "$status" ] || continue
    runs="${status%%[[:space:]]*}"
    edges="$(echo "$status" | grep -o 'cov: [0-9]*' | grep -o '[0-9]*$')"
    corpus="$(echo "$status" | grep -o 'corp: [0-9]*' | grep -o '[0-9]*$')"
    line="campaign-status: harness=${base%%.*} executions=${runs#\#} edges=$edges"
    findings="$(grep -c -E '^==[0-9]+==ERROR|^SUMMARY: |Test unit written to' "$file" || true)"
    line+=" corpus_files=$corpus findings=$findings exit=? seconds=? date=$(date -u -r "$file" +%F)"
    line+=" cpu=?"
  fi
  echo "$line last_change=$(date -u -r "$file" +%H:%M)"
done | awk '
  function field(name,    pattern) {
    pattern = " " name "=[^ ]*"
    if (!match($0, pattern)) return ""
    return substr($0, RSTART + length(name) + 2, RLENGTH - length(name) - 2)
  }
  function thousands(number,    text) {
    text = number ""
    while (text ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", text)
    return text
  }
  {
    cpu = $0; sub(/.* cpu=/, "", cpu); sub(/ last_change=.*/, "", cpu)
    finished = $0 ~ /^campaign-result: /
    status = field("exit"); findings = field("findings")
    if (finished && status == "stopped") run = "stopped from outside"
    else if (finished) run = "finished"
    else run = "not finished (log last changed " field("last_change") " UTC)"
    if (findings + 0 > 0) outcome = findings " (see crashes/" field("harness") ")"
    else if (status != "0" && status != "stopped" && status != "?") outcome = "0, but exit " status
    else outcome = "0"
    executions = thousands(field("executions"))
    if (!finished) executions = "at least " executions
    seconds = field("seconds")
    wall = seconds == "?" ? "?" : sprintf("%d min", (seconds + 30) / 60)
    printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", field("harness"), run,
           executions, thousands(field("edges")), thousands(field("corpus_files")), outcome,
           wall, cpu, field("date")
  }'
