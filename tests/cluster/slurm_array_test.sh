#!/usr/bin/env bash
# A real Slurm job array: munged, slurmctld and slurmd started here as a one-node cluster on
# localhost (slurm.conf generated in a temporary folder: no cgroups, proctrack/linuxproc,
# task/none), a small randomized sweep submitted with sbatch --wait --array=1-4 (an array
# that starts at 1, so the shard index is SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN), then
# nsrg-engine --gather; the result must equal a single-process run of the same config: every
# image, the contact sheet and the gallery page byte for byte, the summary JSON but for its
# timings. Every daemon started here is stopped on the way out, on failure too.
#
#   tests/cluster/slurm_array_test.sh NSRG_ENGINE
#
# Exit status: 0 passed, 1 failed, 77 skipped (ctest's SKIP_RETURN_CODE) with a message when
# Slurm or munge is not installed (scripts/install_deps.sh installs them) or this machine
# refuses to run the daemons (not root, or a container that stops them).
set -euo pipefail

engine=$(realpath "$1")
skip() {
  echo "SKIPPED: $*"
  exit 77
}

for tool in munged mungekey slurmctld slurmd sbatch sinfo squeue scancel python3; do
  command -v "$tool" >/dev/null ||
    skip "$tool is not installed (scripts/install_deps.sh installs munge, slurmctld, slurmd and slurm-client)"
done
[ "$(id -u)" -eq 0 ] || skip "slurmd must run as root to start jobs; run the tests as root"

# munged wants every folder on the way to its socket searchable by all, its key folder private.
work=$(mktemp -d /tmp/nsrg-slurm.XXXXXX)
chmod 755 "$work"
mkdir -p "$work/munge" "$work/key" "$work/state" "$work/spool" "$work/log" "$work/run"
chmod 700 "$work/key"
export SLURM_CONF=$work/slurm.conf
daemon_pids=()
test_status=1

# Stops a daemon this script started: SIGTERM, up to 10 s, then SIGKILL.
stop_daemon() {
  local pid=$1 state
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do
    state=$(ps -o stat= -p "$pid" 2>/dev/null) || break
    [[ $state == Z* ]] && break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

show_logs() {
  for log in "$work"/log/*; do
    [ -s "$log" ] || continue
    echo "--- last lines of $log"
    tail -n 15 "$log"
  done
}

cleanup() {
  local status=$?
  trap - EXIT
  # Jobs first (their processes belong to slurmstepd, which ends with them), then the daemons
  # in the reverse order of their start.
  if [ ${#daemon_pids[@]} -ge 2 ]; then
    scancel --quiet --user=root 2>/dev/null || true
    for _ in $(seq 50); do
      [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
      sleep 0.2
    done
  fi
  for ((i = ${#daemon_pids[@]} - 1; i >= 0; i--)); do stop_daemon "${daemon_pids[i]}"; done
  if [ "$status" -ne 0 ] && [ "$status" -ne 77 ]; then show_logs; fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
trap 'echo "FAILED: line $LINENO: $BASH_COMMAND"' ERR

# Waits up to $1 seconds for the command after it to succeed; 1 when it never does.
wait_for() {
  local seconds=$1
  shift
  for _ in $(seq $((seconds * 10))); do
    "$@" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# munge: a fresh key and a daemon of our own on its own socket.
mungekey --create --keyfile="$work/key/munge.key" >/dev/null 2>&1 || skip "mungekey cannot make a key"
munged --foreground --socket="$work/munge/munge.socket" --key-file="$work/key/munge.key" \
  --pid-file="$work/run/munged.pid" --log-file="$work/log/munged.log" \
  --seed-file="$work/key/munged.seed" >"$work/log/munged.out" 2>&1 &
daemon_pids+=($!)
if ! wait_for 10 test -S "$work/munge/munge.socket"; then
  show_logs
  skip "munged would not start here (see its log above)"
fi

# The node as slurmd sees this machine (CPUs, sockets, cores, threads, RealMemory).
node_hardware=$(slurmd -C | head -n 1 | sed -e 's/^NodeName=[^ ]* //')
cpus=$(sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' <<<"$node_hardware")
cat >"$SLURM_CONF" <<CONF
ClusterName=nsrgtest
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge/munge.socket
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/run/slurmctld.pid
SlurmdPidFile=$work/run/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
KillWait=5
NodeName=nsrgnode NodeAddr=127.0.0.1 $node_hardware State=UNKNOWN
PartitionName=local Nodes=nsrgnode Default=YES MaxTime=INFINITE State=UP
CONF

slurmctld -D >"$work/log/slurmctld.out" 2>&1 &
daemon_pids+=($!)
slurmd -D -N nsrgnode >"$work/log/slurmd.out" 2>&1 &
daemon_pids+=($!)
node_idle() { [ "$(sinfo -h -N -n nsrgnode -o %t)" = idle ]; }
if ! wait_for 30 node_idle; then
  show_logs
  skip "slurmctld and slurmd would not bring the node up here (see their logs above)"
fi
echo "one-node cluster up: $cpus CPUs ($node_hardware)"

# A small randomized sweep: 2 layers x (the un-randomized reference + 3 variants) = 8 images.
images=$(realpath "$(dirname "$0")/../../examples/images")
cat >"$work/sweep.toml" <<CONF
backend = "cpu"
threads = 1
image_size = 40
seed = 11
[content]
image = "$images/chelsea.png"
layers = ["relu3_1"]
weight = 60.0
[style]
images = ["$images/brick.png"]
[optimizer]
iterations = 6
[output]
path = "out/sweep-{layer}{variant}.png"
print_iter = 2
save_iter = 0
[randomize]
mode = "scale_eigenvectors"
variants = 3
[sweep]
style_layers = ["relu2_1", "relu3_1"]
CONF

cd "$work"
start=$(date +%s.%N)
"$engine" sweep.toml >"$work/log/single.out" 2>&1
single_seconds=$(python3 -c "import time; print(round(time.time() - $start, 1))")
mv out single

start=$(date +%s.%N)
cat >"$work/render_shard.sh" <<JOB
#!/bin/bash
# One task of the array: nsrg-engine takes its shard from SLURM_ARRAY_TASK_ID.
exec "$engine" "$work/sweep.toml"
JOB
# In the background, so that a signal to this script runs its clean-up at once.
timeout 100 sbatch --wait --array=1-4 --cpus-per-task=1 --chdir="$work" \
  --output="$work/log/task-%a.out" --job-name=nsrg-sweep "$work/render_shard.sh" &
wait $!
array_seconds=$(python3 -c "import time; print(round(time.time() - $start, 1))")
for task in 1 2 3 4; do
  grep -q "^shard $((task - 1)) of 4 (SLURM_ARRAY_TASK_ID=$task, SLURM_ARRAY_TASK_MIN=1" \
    "$work/log/task-$task.out" || {
    echo "FAILED: task $task did not render shard $((task - 1)) of 4"
    exit 1
  }
done

"$engine" sweep.toml --gather

# Every file of the single-process run, the same (summaries: but for measurements).
python3 - "$work/single" "$work/out" <<'PY'
import json, os, sys
single, gathered = sys.argv[1], sys.argv[2]
MEASURED = {"seconds", "seconds_per_iteration", "timings", "peak_rss_bytes", "gathered_from"}
def strip(value):
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k not in MEASURED}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value
names = sorted(os.listdir(single))
bad = []
for name in names:
    other = os.path.join(gathered, name)
    if not os.path.exists(other):
        bad.append(name + " is missing")
    elif name.endswith(".json"):
        if strip(json.load(open(os.path.join(single, name)))) != strip(json.load(open(other))):
            bad.append(name + " differs")
    elif open(os.path.join(single, name), "rb").read() != open(other, "rb").read():
        bad.append(name + " differs")
extra = [n for n in os.listdir(gathered) if n not in names and ".shard-" not in n]
if bad or extra or len(names) != 11:
    sys.exit("FAILED: %s; extra files %s; %d files" % (bad, extra, len(names)))
print("the gathered run equals the single-process run: %d files" % len(names))
PY
echo "single process: ${single_seconds} s; the 4-task array through Slurm: ${array_seconds} s"
test_status=0
