#!/usr/bin/env bash
# Refreshes the committed seed corpus tests/fuzz/corpus/<harness> from a grown corpus: the
# seeds already there stay, and the grown files of at most MAX_BYTES (default 1024) that add
# the most edges to them are added, greedily (the smaller of equals first), while each adds
# at least MIN_GAIN (default 3) edges. Per-file edges come from
# libFuzzer's set-cover merge (-set_cover_merge=1 -use_counters=0, into a fresh folder that
# is thrown away). Prints the files and bytes added and the edges covered.
#   FUZZ_BIN_DIR=/work/fuzz-campaign/bin tests/fuzz/pick_seeds.sh architecture \
#     /work/fuzz-campaign/corpus/architecture
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
name="${1:?usage: pick_seeds.sh HARNESS GROWN_CORPUS ...}"
shift
[ $# -gt 0 ] || { echo "usage: pick_seeds.sh HARNESS GROWN_CORPUS ..." >&2; exit 2; }
bin="${FUZZ_BIN_DIR:-$here/../../build-fuzz/fuzz}/fuzz_$name"
seeds="$here/corpus/$name"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/merged"
(cd "$work" && nice -n 19 "$bin" -set_cover_merge=1 -use_counters=0 \
  -merge_control_file="$work/control" "$work/merged" "$seeds" "$@" >"$work/merge.log" 2>&1) ||
  { tail -n 20 "$work/merge.log"; exit 1; }
python3 - "$work/control" "$seeds" "${MIN_GAIN:-3}" "${MAX_BYTES:-1024}" <<'PY'
import os, shutil, sys
control, seeds = sys.argv[1], sys.argv[2]
min_gain, max_bytes = int(sys.argv[3]), int(sys.argv[4])
lines = open(control).read().split("\n")
count = int(lines[0])
paths = lines[2:2 + count]
features = {}
for line in lines[2 + count:]:
    parts = line.split()
    if parts and parts[0] == "FT":
        features[int(parts[1])] = set(map(int, parts[2:]))
every = set().union(*features.values())
seed_dir = os.path.realpath(seeds)
covered = set()
for index, path in enumerate(paths):
    if os.path.dirname(os.path.realpath(path)) == seed_dir:
        covered |= features.get(index, set())
candidates = [i for i in features if os.path.getsize(paths[i]) <= max_bytes]
before, added, added_bytes = len(covered), 0, 0
while candidates:
    gain = lambda i: (len(features[i] - covered), -os.path.getsize(paths[i]))
    best = max(candidates, key=gain)
    if len(features[best] - covered) < min_gain:
        break
    covered |= features[best]
    target = os.path.join(seeds, os.path.basename(paths[best]))
    if not os.path.exists(target):
        shutil.copyfile(paths[best], target)
        added += 1
        added_bytes += os.path.getsize(target)
print(f"{os.path.basename(seeds)}: {added} files ({added_bytes} bytes) added; the seeds cover "
      f"{len(covered)} of the {len(every)} edges of all inputs (before: {before})")
PY
