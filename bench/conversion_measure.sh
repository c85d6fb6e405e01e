# Shared by bench/convert_caffe_scale.sh and bench/convert_torch_scale.sh (sourced, not run):
# one converter run under /usr/bin/time -v, and the machine's description.

# require_conversion_tools SCRIPT BUILD TOOLS BINARY...: exits 2 with a hint when a binary
# in TOOLS or /usr/bin/time is missing.
require_conversion_tools() {
  local script=$1 build=$2 tools=$3 binary
  shift 3
  for binary in "$@"; do
    if [ ! -x "$tools/$binary" ]; then
      echo "$script: $tools/$binary is missing; build it first: cmake --build $build --target $*" >&2
      exit 2
    fi
  done
  [ -x /usr/bin/time ] || { echo "$script: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
}

# measure_conversion WORK CONVERTER INPUT [ARGS...]: converts INPUT to WORK/out.safetensors;
# prints "wall_s max_rss_kb output_bytes"; the summary line is left in WORK/summary.txt.
measure_conversion() {
  local work=$1 converter=$2 input=$3
  shift 3
  local output=$work/out.safetensors log=$work/time.log
  rm -f "$output"
  /usr/bin/time -v "$converter" "$input" -o "$output" "$@" >"$work/summary.txt" 2>"$log"
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\) time/ {
           n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$log")
  rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$log")
  echo "$wall $rss $(stat -c %s "$output")"
}

# rss_ratio RSS_KB FILE_BYTES: max RSS over the input's size, 3 decimals.
rss_ratio() { awk -v rss="$1" -v bytes="$2" 'BEGIN { printf "%.3f", rss * 1024 / bytes }'; }

# machine_description: "<cpu>, <n> cores, <m> GiB RAM, <kernel>".
machine_description() {
  local cpu memory_gib
  cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
  memory_gib=$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)
  echo "$cpu, $(nproc) cores, $memory_gib GiB RAM, $(uname -sr)"
}
