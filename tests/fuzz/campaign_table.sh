#!/usr/bin/env bash
# Writes docs/reliability.md's campaign table (Markdown) from the "campaign-result:" lines
# that tests/fuzz/run_campaign.sh leaves in its logs and in CAMPAIGN/results.log: one row
# per harness run, in the order of the lines.
#   tests/fuzz/campaign_table.sh build-fuzz/campaign/results.log
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: campaign_table.sh RESULTS_OR_LOG_FILE ..." >&2; exit 2; }
echo "| Harness | Executions | Edges (cov) | Corpus files | Crashes / leaks | Wall time | CPU | Date |"
echo "| --- | ---: | ---: | ---: | --- | ---: | --- | --- |"
grep -h '^campaign-result: ' "$@" | awk '
  function field(name,    pattern, value) {
    pattern = " " name "=[^ ]*"
    if (!match($0, pattern)) return ""
    value = substr($0, RSTART + length(name) + 2, RLENGTH - length(name) - 2)
    return value
  }
  function thousands(number,    text) {
    text = number ""
    while (text ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", text)
    return text
  }
  {
    cpu = $0; sub(/.* cpu=/, "", cpu)
    findings = field("findings") + 0; status = field("exit") + 0
    outcome = findings == 0 ? "0" : findings " (see crashes/" field("harness") ")"
    if (findings == 0 && status != 0) outcome = "0, but stopped with exit " status
    seconds = field("seconds") + 0
    wall = sprintf("%d min", (seconds + 30) / 60)
    printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", field("harness"),
           thousands(field("executions")), thousands(field("edges")),
           thousands(field("corpus_files")), outcome, wall, cpu, field("date")
  }'
