#!/usr/bin/env bash
# Checks that every folder's #includes follow the one-way layer order of docs/design.md:
# each folder may include itself and the folders listed for it here, nothing else (the
# CMake libraries link the same way). Prints each upward or sideways include and exits 1.
#   scripts/check_layers.sh [ROOT]     (ROOT: the repository, default the script's parent)
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}

# folder -> the folders below it that it may use, lowest first.
declare -A may_use=(
  [engine/core]=""
  [kernels]="engine/core"
  [engine/image]="engine/core"
  [weights]="engine/core"
  [engine/cpu]="engine/core"
  [engine/optim]="engine/core"
  [engine/cuda]="engine/core kernels"
  [engine/backends]="engine/core engine/cpu engine/cuda"
  [engine/net]="engine/core weights"
  [engine/config]="engine/core engine/image weights engine/optim"
  [engine/stages]="engine/core engine/image weights engine/backends engine/net engine/optim engine/config"
  [engine/output]="engine/core engine/image weights engine/net engine/optim engine/config engine/stages"
  [engine/cluster]="engine/core engine/image weights engine/config engine/stages engine/output"
  [engine/render]="engine/core engine/image weights engine/backends engine/net engine/optim engine/config engine/stages engine/output engine/cluster"
  [engine]="engine/core engine/config engine/cluster engine/render"
  [tools/convert_common]="engine/core weights"
  [tools/convert_caffe]="engine/core weights tools/convert_common"
  [tools/convert_torch]="engine/core weights tools/convert_common"
  [tools/calibrate_builtin_vgg]="engine/core engine/image weights engine/cpu engine/net"
  [bench]="engine/core engine/image weights engine/cpu engine/backends engine/net engine/optim"
)

# The folder (a key of may_use) that holds a repository path, or nothing.
folder_of() {
  local dir
  dir=$(dirname "$1")
  while [ "$dir" != "." ]; do
    if [ -n "${may_use[$dir]+set}" ]; then
      echo "$dir"
      return
    fi
    dir=$(dirname "$dir")
  done
}

status=0
cd "$root"
while IFS= read -r file; do
  from=$(folder_of "$file")
  [ -n "$from" ] || continue
  while IFS= read -r included; do
    [[ "$included" == */* ]] || continue  # a file beside it or a generated header
    to=$(folder_of "$included")
    if [ -z "$to" ]; then
      case "$included" in
        engine/* | kernels/* | weights/* | tools/* | bench/*)
          echo "$file includes \"$included\": a folder with no place in the layer order"
          status=1 ;;
      esac
      continue                            # not one of ours (e.g. toml++/toml.h)
    fi
    [ "$to" = "$from" ] && continue
    if [[ " ${may_use[$from]} " != *" $to "* ]]; then
      echo "$file includes \"$included\": $from may not use $to (docs/design.md, Layers)"
      status=1
    fi
  done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$file")
done < <(find engine kernels weights tools bench -type f \
           \( -name '*.h' -o -name '*.cpp' -o -name '*.cu' -o -name '*.cuh' \) | sort)
[ "$status" -eq 0 ] && echo "check_layers: every #include goes down the layer order"
exit "$status"
