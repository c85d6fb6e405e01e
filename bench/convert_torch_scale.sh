#!/usr/bin/env bash
# Scale check of tools/convert_torch on a checkpoint of the real VGG-19 size (torchvision's
# vgg19-dcbb9e9d.pth is 548 MiB): writes a synthetic VGG-19 in torchvision's layout (zip
# format, features.N and classifier.0/3/6, float32) into /tmp, converts it twice under
# /usr/bin/time -v, and writes wall time, max RSS and RSS / file size (limits: 60 s, 2x) to
# bench/results/convert_torch_scale.json.
#
#   bench/convert_torch_scale.sh [BUILD_DIR]      (default: build; needs the targets
#                                                  convert_torch and make_synthetic_pth)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/conversion_measure.sh
source bench/conversion_measure.sh
build=${1:-build}
tools=$build/tools/convert_torch
require_conversion_tools convert_torch_scale "$build" "$tools" convert_torch make_synthetic_pth

work=$(mktemp -d /tmp/nsrg_convert_torch_scale.XXXXXX)
trap 'rm -rf "$work"' EXIT
# torchvision's name, so the preset is detected as in real use.
model=$work/vgg19-dcbb9e9d.pth
"$tools/make_synthetic_pth" -o "$model" --seed 1 >/dev/null
file_bytes=$(stat -c %s "$model")

read -r first_wall first_rss first_bytes < <(measure_conversion "$work" "$tools/convert_torch" "$model")
read -r second_wall second_rss second_bytes < <(measure_conversion "$work" "$tools/convert_torch" "$model")
summary=$(cat "$work/summary.txt")

first_ratio=$(rss_ratio "$first_rss" "$file_bytes")
second_ratio=$(rss_ratio "$second_rss" "$file_bytes")
pass=$(awk -v a="$first_wall" -v b="$second_wall" -v c="$first_ratio" -v d="$second_ratio" \
         'BEGIN { print (a < 60 && b < 60 && c <= 2 && d <= 2) ? "true" : "false" }')
machine=$(machine_description)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

mkdir -p bench/results
cat >bench/results/convert_torch_scale.json <<JSON
{
  "benchmark": "convert_torch_scale",
  "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "commit": "$commit",
  "machine": "$machine",
  "input": {"kind": "synthetic VGG-19, torchvision layout, zip format, with the classifier",
            "bytes": $file_bytes},
  "summary": "${summary//\"/\\\"}",
  "limits": {"wall_s": 60, "rss_over_file_size": 2},
  "runs": [
    {"wall_s": $first_wall, "max_rss_kb": $first_rss,
     "rss_over_file_size": $first_ratio, "output_bytes": $first_bytes},
    {"wall_s": $second_wall, "max_rss_kb": $second_rss,
     "rss_over_file_size": $second_ratio, "output_bytes": $second_bytes}
  ],
  "pass": $pass
}
JSON
echo "wrote bench/results/convert_torch_scale.json"
echo "For bench/README.md:"
echo "| $(date -u +%F) | convert_torch, ${file_bytes}-byte VGG-19 (.pth, zip) | ${first_wall} s, RSS $((first_rss / 1024)) MiB (${first_ratio}x) | again: ${second_wall} s, RSS $((second_rss / 1024)) MiB (${second_ratio}x) | $machine |"
[ "$pass" = true ]
