#!/usr/bin/env bash
# Runs a campaign over a queue of harnesses, FUZZ_AT_ONCE (default 2) at a time, one core
# each: every worker takes the next harness in the order given and runs
# run_campaign.sh MINUTES HARNESS (FUZZ_* settings as there). Prints a line as each harness
# starts and ends, and after each (and every 10 minutes) rewrites CAMPAIGN/results.md
# (campaign_table.sh over every harness log in CAMPAIGN). Meant to be left running:
#   FUZZ_RUNS=10000000 FUZZ_CAMPAIGN_DIR=/work/fuzz-campaign FUZZ_BIN_DIR=... \
#     nohup setsid tests/fuzz/campaign_queue.sh 600 image config ... >>queue.out 2>&1 &
# Its process group is in CAMPAIGN/queue.pgid; `kill -TERM -- -PGID` stops every harness
# running, each recording how far it got ("stopped from outside"), and starts no other.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
minutes="${1:?usage: campaign_queue.sh MINUTES HARNESS ...}"
shift
[ $# -gt 0 ] || { echo "usage: campaign_queue.sh MINUTES HARNESS ..." >&2; exit 2; }
campaign="${FUZZ_CAMPAIGN_DIR:?campaign_queue.sh needs FUZZ_CAMPAIGN_DIR}"
mkdir -p "$campaign"
queue="$campaign/.queue"
printf '%s\n' "$@" >"$queue"
ps -o pgid= $$ | tr -d ' ' >"$campaign/queue.pgid"

# Takes the first harness off the queue (under a lock); prints nothing when it is empty.
next_harness() {
  (
    flock 8
    head -n 1 "$queue"
    sed -i 1d "$queue"
  ) 8>"$queue.lock"
}

write_table() {
  local logs=()
  mapfile -t logs < <(find "$campaign" -maxdepth 1 -name '*.log' ! -name results.log ! -name '.*' | sort)
  [ ${#logs[@]} -gt 0 ] || return 0
  "$here/campaign_table.sh" "${logs[@]}" >"$campaign/.results.md.$1" &&
    mv "$campaign/.results.md.$1" "$campaign/results.md"
}

worker() {
  local name
  while name="$(next_harness)" && [ -n "$name" ]; do
    echo "$(date -u +%FT%TZ) worker $1 starts $name"
    "$here/run_campaign.sh" "$minutes" "$name" >/dev/null || {
      echo "$(date -u +%FT%TZ) worker $1: $name ended with status $?; no more from this worker"
      write_table "$1"
      return 0
    }
    echo "$(date -u +%FT%TZ) worker $1 finished $name"
    write_table "$1"
  done
}

workers=()
for worker_number in $(seq 1 "${FUZZ_AT_ONCE:-2}"); do
  worker "$worker_number" &
  workers+=($!)
done
# The table also every 10 minutes, so that it shows the harnesses still running.
(while sleep 600; do write_table refresh; done) &
refresher=$!
wait "${workers[@]}" || true
kill "$refresher" 2>/dev/null || true
write_table done
echo "$(date -u +%FT%TZ) queue done: $*"
