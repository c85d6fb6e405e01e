#!/usr/bin/env bash
# Checks scripts/check_layers.sh on two small made-up trees: one whose includes all go down
# the layer order passes; one with an upward include (core -> render) and an include of an
# unplaced folder fails and names both.
set -euo pipefail
script=${1:?usage: test_check_layers.sh CHECK_LAYERS_SCRIPT}
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree"/engine/{core,render,net} "$tree"/kernels "$tree"/weights "$tree"/tools "$tree"/bench
printf '#include <vector>\n#include "engine/core/tensor.h"\n' >"$tree/engine/net/network.h"
printf '#include "weights/model.h"\n#include "toml++/toml.h"\n' >"$tree/engine/net/network.cpp"
printf '#include "engine/net/network.h"\n' >"$tree/engine/render/session.cpp"
if ! out=$(bash "$script" "$tree"); then
  printf 'FAIL: a clean tree was rejected:\n%s\n' "$out"
  exit 1
fi
printf '#include "engine/render/session.h"\n' >"$tree/engine/core/tensor.h"
printf '#include "engine/nowhere/x.h"\n' >"$tree/kernels/k.cuh"
if out=$(bash "$script" "$tree"); then
  printf 'FAIL: an upward include was accepted:\n%s\n' "$out"
  exit 1
fi
for expected in 'engine/core/tensor.h includes "engine/render/session.h"' \
                'kernels/k.cuh includes "engine/nowhere/x.h"'; do
  if [[ "$out" != *"$expected"* ]]; then
    printf 'FAIL: expected a line with %s in:\n%s\n' "$expected" "$out"
    exit 1
  fi
done
echo "check_layers: ok"
