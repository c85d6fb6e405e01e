#!/usr/bin/env bash
# render_spread.sh: the CPU backend's own spread on the render the GPU check compares
# (examples/default.toml), the grounds of image_diff.py's thresholds (bench/README.md,
# "Pass/fail rules"). For each size it renders the example as it is, then again with one
# change at the level of rounding (one thread; oneDNN held to its AVX2 kernels; the style
# weight or the learning rate times 1 + 1e-6) and, for scale, two real changes (10 steps
# fewer; the style weight 1% higher), and compares each with the first by image_diff.py.
#
#   bench/render_spread.sh OUTDIR [BUILD] [--sizes "64 256"]
#
# Writes OUTDIR/<size>_<change>.{png,json,log}, the comparisons OUTDIR/<size>_<change>.diff.json
# and the table OUTDIR/spread.txt. About 8 renders of the example per size: ~10 minutes on 2
# idle cores for 64 and 256 px.
set -uo pipefail

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

repo="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -ge 1 ] || usage
case "$1" in -h | --help) usage ;; esac
mkdir -p "$1" || exit 1
outdir="$(cd "$1" && pwd)"
shift
build="$repo/build" sizes="64 256"
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then
  build="$1"
  shift
fi
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || usage
  case "$1" in
    --sizes) sizes="$2" ;;
    *) usage ;;
  esac
  shift 2
done
engine="$build/nsrg-engine"
python="${PYTHON:-python3}"
cd "$repo" || exit 1

# The changes, in order: each one's environment and --set words.
changes=(ref threads1 isa_avx2 style_weight learning_rate iterations140 style_weight_1pct)
declare -A environment_of=([isa_avx2]="ONEDNN_MAX_CPU_ISA=AVX2")
declare -A settings_of=(
  [threads1]="--set threads=1" [style_weight]="--set style.weight=100.0001"
  [learning_rate]="--set optimizer.learning_rate=10.00001"
  [iterations140]="--set optimizer.iterations=140" [style_weight_1pct]="--set style.weight=101"
)

: >"$outdir/spread.txt"
for size in $sizes; do
  for change in "${changes[@]}"; do
    stem="$outdir/${size}_$change"
    read -r -a env_words <<<"${environment_of[$change]:-}"
    read -r -a set_words <<<"${settings_of[$change]:-}"
    start=$SECONDS
    env "${env_words[@]}" "$engine" examples/default.toml --backend cpu --set "image_size=$size" \
      "${set_words[@]}" --set "output.path=\"$stem.png\"" >"$stem.log" 2>&1 ||
      { echo "error: the $size px $change render failed (see $stem.log)" >&2; exit 1; }
    echo "$size px $change: rendered in $((SECONDS - start)) s"
    [ "$change" = ref ] && continue
    "$python" bench/peer/image_diff.py "$outdir/${size}_ref.png" "$stem.png" --summaries \
      "$outdir/${size}_ref.json" "$stem.json" --json "$stem.diff.json" --max-mean-difference 255 \
      --max-loss-difference 1 | sed -n "1s/^/$size px $change vs ref: /p" |
      tee -a "$outdir/spread.txt"
  done
done
