#!/usr/bin/env bash
# Scale check of tools/convert_caffe on a caffemodel of the real VGG-19 size (574,671,192
# bytes): writes a synthetic legacy-V1 VGG-19 with fc6 [4096,25088], fc7 and fc8 into /tmp,
# converts it with and without --keep-fc under /usr/bin/time -v, and writes wall time, max
# RSS and RSS / file size (limits: 60 s, 2.5x) to bench/results/convert_caffe_scale.json.
#
#   bench/convert_caffe_scale.sh [BUILD_DIR]      (default: build; needs the targets
#                                                  convert_caffe and make_synthetic_caffemodel)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/conversion_measure.sh
source bench/conversion_measure.sh
build=${1:-build}
tools=$build/tools/convert_caffe
require_conversion_tools convert_caffe_scale "$build" "$tools" convert_caffe make_synthetic_caffemodel

work=$(mktemp -d /tmp/nsrg_convert_caffe_scale.XXXXXX)
trap 'rm -rf "$work"' EXIT
model=$work/VGG_ILSVRC_19_layers_synthetic.caffemodel
"$tools/make_synthetic_caffemodel" vgg19 "$model" --fc --format v1 --seed 1 >/dev/null
file_bytes=$(stat -c %s "$model")

read -r plain_wall plain_rss plain_bytes < <(measure_conversion "$work" "$tools/convert_caffe" "$model")
read -r fc_wall fc_rss fc_bytes < <(measure_conversion "$work" "$tools/convert_caffe" "$model" --keep-fc)

plain_ratio=$(rss_ratio "$plain_rss" "$file_bytes")
fc_ratio=$(rss_ratio "$fc_rss" "$file_bytes")
pass=$(awk -v a="$plain_wall" -v b="$fc_wall" -v c="$plain_ratio" -v d="$fc_ratio" \
         'BEGIN { print (a < 60 && b < 60 && c <= 2.5 && d <= 2.5) ? "true" : "false" }')
machine=$(machine_description)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

mkdir -p bench/results
cat >bench/results/convert_caffe_scale.json <<JSON
{
  "benchmark": "convert_caffe_scale",
  "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "commit": "$commit",
  "machine": "$machine",
  "input": {"kind": "synthetic VGG-19, legacy V1, with fc6/fc7/fc8", "bytes": $file_bytes},
  "limits": {"wall_s": 60, "rss_over_file_size": 2.5},
  "runs": [
    {"options": "", "wall_s": $plain_wall, "max_rss_kb": $plain_rss,
     "rss_over_file_size": $plain_ratio, "output_bytes": $plain_bytes},
    {"options": "--keep-fc", "wall_s": $fc_wall, "max_rss_kb": $fc_rss,
     "rss_over_file_size": $fc_ratio, "output_bytes": $fc_bytes}
  ],
  "pass": $pass
}
JSON
echo "wrote bench/results/convert_caffe_scale.json"
echo "For bench/README.md:"
echo "| $(date -u +%F) | convert_caffe, ${file_bytes}-byte VGG-19 | ${plain_wall} s, RSS $((plain_rss / 1024)) MiB (${plain_ratio}x) | --keep-fc: ${fc_wall} s, RSS $((fc_rss / 1024)) MiB (${fc_ratio}x) | $machine |"
[ "$pass" = true ]
