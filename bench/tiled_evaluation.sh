#!/usr/bin/env bash
# tiled_evaluation.sh: the figures of tiled evaluation (bench/README.md, "Tiled evaluation").
# For each SIZE:TILE pair it renders examples/images/brick.png (square) in the style of
# hubble_deep_field.jpg with the default layers (relu1_1..relu5_1, content relu4_2), Adam,
# ITERATIONS evaluations, at SIZE x SIZE px (the style image's longest side SIZE too), with
# [evaluation] tile_size = TILE (0: the whole image; "auto"), and reports the memory plan's
# total and its tile choice, the process's peak RSS (/usr/bin/time -v), and the seconds per
# evaluation from the summary (the Adam step included; it is a few element-wise passes).
#
#   bench/tiled_evaluation.sh OUTDIR [BUILD] [--iterations N] SIZE:TILE...
#
# PRECISION (default fp32) sets the config's `precision` (mixed and bf16: the CPU with AMX).
#
# Writes OUTDIR/<size>_<tile>.{toml,log,time,json} and appends one line per run to
# OUTDIR/tiled.txt, with `uptime` before each run (the machine may be shared).
set -uo pipefail

usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

repo="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -ge 2 ] || usage
case "$1" in -h | --help) usage ;; esac
mkdir -p "$1" || exit 1
outdir="$(cd "$1" && pwd)"
shift
build="$repo/build" iterations=2
if [ "${1#*:}" = "$1" ] && [ "${1#--}" = "$1" ]; then
  build="$1"
  shift
fi
if [ "${1:-}" = "--iterations" ]; then
  iterations="$2"
  shift 2
fi
engine="$build/nsrg-engine"
images="$repo/examples/images"
for run in "$@"; do
  size="${run%%:*}" tile="${run#*:}"
  [ "$tile" = auto ] && tile_value='"auto"' || tile_value="$tile"
  name="${size}_${tile}"
  config="$outdir/$name.toml"
  cat >"$config" <<TOML
backend = "cpu"
precision = "${PRECISION:-fp32}"
seed = 1
image_size = $size
[content]
image = "$images/brick.png"
[style]
images = ["$images/hubble_deep_field.jpg"]
[optimizer]
kind = "adam"
iterations = $iterations
[evaluation]
tile_size = $tile_value
[output]
path = "$outdir/$name.png"
print_iter = 1
save_iter = 0
contact_sheet = false
TOML
  load="$(uptime)"
  /usr/bin/time -v "$engine" "$config" >"$outdir/$name.log" 2>"$outdir/$name.time"
  status=$?
  rss_kib="$(sed -n 's/^\tMaximum resident set size (kbytes): //p' "$outdir/$name.time")"
  plan="$(grep -o 'memory plan: [0-9.]* [GM]iB at the peak[^)]*)' "$outdir/$name.log" | tail -1)"
  choice="$(grep -o 'evaluates in tiles of [0-9]* px' "$outdir/$name.log" | tail -1)"
  seconds="$(jq -r '.images[0].seconds_per_iteration // empty' "$outdir/$name.json" 2>/dev/null)"
  {
    echo "== $size px, tile_size $tile: exit $status; ${load# }"
    echo "   seconds per evaluation: ${seconds:-?}; peak RSS: $((${rss_kib:-0} / 1024)) MiB"
    echo "   $plan ${choice:+($choice)}"
    [ $status -eq 0 ] || tail -1 "$outdir/$name.log" | sed 's/^/   /'
  } | tee -a "$outdir/tiled.txt"
done
