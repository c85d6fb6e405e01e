#!/usr/bin/env bash
# Checks the one-way layer order of docs/design.md ("Layers"), reading the table from that
# page (its only copy): every source file's folder has a row; every quoted #include (resolved
# against the including file's folder, then the root) reaches only a folder its row lists;
# no angle-bracket #include of a project folder; CUDA headers, .cu files and CUDA keywords
# only where the row says "CUDA headers"; each CMake target of a row's folder links only the
# nsrg_* libraries of folders the row lists. The rules are written out in docs/design.md
# ("How the order is checked"); the parts are in scripts/layers/. Prints one line per
# finding and exits 1 if there is any.
#   scripts/check_layers.sh [ROOT]     (ROOT: the repository, default the script's parent)
set -euo pipefail -o noglob
layers_dir=$(cd "$(dirname "$0")/layers" && pwd)
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"
design=docs/design.md
# The one file outside the "CUDA headers" rows that may spell __host__ __device__: the
# definition of NSRG_HOST_DEVICE, which every host+device core header uses.
host_device_header=engine/core/host_device.h

status=0
finding() {
  echo "$*"
  status=1
}
table_error() {
  echo "$design: Layers table: $*"
  exit 1
}

# shellcheck source=scripts/layers/table.sh
source "$layers_dir/table.sh"
# shellcheck source=scripts/layers/sources.sh
source "$layers_dir/sources.sh"
# shellcheck source=scripts/layers/cmake.sh
source "$layers_dir/cmake.sh"

read_layer_table
place_sources
check_sources
check_cmake_links
[ "$status" -eq 0 ] &&
  echo "check_layers: ${#files[@]} sources and ${#cmake_files[@]} CMakeLists.txt follow the ${#rows[@]} rows of $design (Layers)"
exit "$status"
