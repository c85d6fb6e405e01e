#!/usr/bin/env bash
# Scale check of a weights converter on an input of the real VGG-19 size: writes a synthetic
# VGG-19 into /tmp with the converter's make_synthetic_* tool, converts it twice under
# /usr/bin/time -v, and writes wall time, max RSS and RSS / file size to
# bench/results/convert_<converter>_scale.json, then a row for bench/README.md.
#   caffe: a legacy-V1 caffemodel (574,671,188 bytes) with fc6 [4096,25088], fc7 and fc8,
#          converted without and with --keep-fc; limits 60 s, 2.5x the file.
#   torch: a checkpoint in torchvision's layout (zip format, features.N and
#          classifier.0/3/6, float32; torchvision's vgg19-dcbb9e9d.pth is 548 MiB), named
#          as torchvision names it so the preset is detected as in real use, converted twice;
#          limits 60 s, 2x the file.
#
#   bench/convert_scale.sh caffe|torch [BUILD_DIR]   (default build; needs the targets
#                                                     convert_<converter> and its make_synthetic_*)
set -euo pipefail
cd "$(dirname "$0")/.."
converter=${1:?usage: bench/convert_scale.sh caffe|torch [BUILD_DIR]}
build=${2:-build}
name=convert_${converter}_scale
tools=$build/tools/convert_$converter
work=$(mktemp -d "/tmp/nsrg_$name.XXXXXX")
trap 'rm -rf "$work"' EXIT

# What differs between the converters: the input and its maker, the two runs' options, the
# memory limit, and how the JSON and the README row describe them.
case $converter in
  caffe)
    maker=make_synthetic_caffemodel
    model=$work/VGG_ILSVRC_19_layers_synthetic.caffemodel
    make_model() { "$tools/$maker" vgg19 "$model" --fc --format v1 --seed 1; }
    run_options=("" --keep-fc)
    options_in_json=true summary_in_json=false
    rss_limit=2.5
    input_json='{"kind": "synthetic VGG-19, legacy V1, with fc6/fc7/fc8", "bytes": %s}'
    row_input='%s-byte VGG-19'
    second_run_label='--keep-fc: '
    ;;
  torch)
    maker=make_synthetic_pth
    model=$work/vgg19-dcbb9e9d.pth
    make_model() { "$tools/$maker" -o "$model" --seed 1; }
    run_options=("" "")
    options_in_json=false summary_in_json=true
    rss_limit=2
    input_json='{"kind": "synthetic VGG-19, torchvision layout, zip format, with the classifier",
            "bytes": %s}'
    row_input='%s-byte VGG-19 (.pth, zip)'
    second_run_label='again: '
    ;;
  *)
    echo "$name: the converter is caffe or torch, not '$converter'" >&2
    exit 2
    ;;
esac

for binary in "convert_$converter" "$maker"; do
  if [ ! -x "$tools/$binary" ]; then
    echo "$name: $tools/$binary is missing; build it first: cmake --build $build --target convert_$converter $maker" >&2
    exit 2
  fi
done
[ -x /usr/bin/time ] || { echo "$name: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }

# measure_conversion [ARGS...]: converts the model to $work/out.safetensors; prints
# "wall_s max_rss_kb output_bytes"; the summary line is left in $work/summary.txt.
measure_conversion() {
  local output=$work/out.safetensors log=$work/time.log wall rss
  rm -f "$output"
  /usr/bin/time -v "$tools/convert_$converter" "$model" -o "$output" "$@" >"$work/summary.txt" 2>"$log"
  wall=$(awk -F': ' '/Elapsed \(wall clock\) time/ {
           n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$log")
  rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$log")
  echo "$wall $rss $(stat -c %s "$output")"
}

# "<cpu>, <n> cores, <m> GiB RAM, <kernel>".
machine_description() {
  local cpu memory_gib
  cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
  memory_gib=$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)
  echo "$cpu, $(nproc) cores, $memory_gib GiB RAM, $(uname -sr)"
}

make_model >/dev/null
file_bytes=$(stat -c %s "$model")

runs_json=""
row_cells=""
pass=true
for i in 0 1; do
  read -r wall rss bytes < <(measure_conversion ${run_options[i]:+"${run_options[i]}"})
  ratio=$(awk -v rss="$rss" -v bytes="$file_bytes" 'BEGIN { printf "%.3f", rss * 1024 / bytes }')
  fits=$(awk -v w="$wall" -v r="$ratio" -v l="$rss_limit" 'BEGIN { print (w < 60 && r <= l) ? "yes" : "no" }')
  [ "$fits" = yes ] || pass=false
  options=""
  $options_in_json && options="\"options\": \"${run_options[i]}\", "
  [ -z "$runs_json" ] || runs_json+=$',\n'
  runs_json+="    {$options\"wall_s\": $wall, \"max_rss_kb\": $rss,
     \"rss_over_file_size\": $ratio, \"output_bytes\": $bytes}"
  label=""
  [ "$i" -eq 0 ] || label=$second_run_label
  row_cells+=" | $label$wall s, RSS $((rss / 1024)) MiB (${ratio}x)"
done
summary_line=""
if $summary_in_json; then
  summary=$(cat "$work/summary.txt")
  summary_line=$'\n'"  \"summary\": \"${summary//\"/\\\"}\","
fi
machine=$(machine_description)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

mkdir -p bench/results
# shellcheck disable=SC2059 # the input formats are this script's own
cat >"bench/results/$name.json" <<JSON
{
  "benchmark": "$name",
  "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "commit": "$commit",
  "machine": "$machine",
  "input": $(printf "$input_json" "$file_bytes"),$summary_line
  "limits": {"wall_s": 60, "rss_over_file_size": $rss_limit},
  "runs": [
$runs_json
  ],
  "pass": $pass
}
JSON
echo "wrote bench/results/$name.json"
echo "For bench/README.md:"
# shellcheck disable=SC2059
echo "| $(date -u +%F) | convert_$converter, $(printf "$row_input" "$file_bytes")$row_cells | $machine |"
$pass
