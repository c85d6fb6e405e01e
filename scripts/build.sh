#!/usr/bin/env bash
# Configures and builds nsrg-engine (Release) into build/:
#
#   scripts/build.sh [all] [CMAKE OPTIONS]    everything: the engine, the tools, the
#                                             benchmark and the tests
#   scripts/build.sh engine [CMAKE OPTIONS]   only build/nsrg-engine (what a render needs;
#                                             the packages of `install_deps.sh engine`)
#   scripts/build.sh converters [CMAKE ...]   only the model converters that
#                                             tools/download_models.sh runs
#
# The CUDA backend is built when nvcc and cuDNN are found (NSRG_CUDA=AUTO); pass
# -DNSRG_CUDA=OFF or other CMake options to change that.
set -euo pipefail
cd "$(dirname "$0")/.."
what=all
case "${1:-}" in
  all | engine | converters) what=$1; shift ;;
esac
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ -f build/CMakeCache.txt ]; then generator=(); fi
# What each part needs switched on. A build folder that exists keeps its settings where the
# part does not need them changed (an engine build leaves a full build's tests in place).
options=()
targets=()
case "$what" in
  all) options=(-DNSRG_BUILD_TESTS=ON -DNSRG_BUILD_CONVERTERS=ON) ;;
  engine)
    [ -f build/CMakeCache.txt ] || options=(-DNSRG_BUILD_TESTS=OFF -DNSRG_BUILD_CONVERTERS=OFF)
    targets=(--target nsrg-engine) ;;
  converters)
    options=(-DNSRG_BUILD_CONVERTERS=ON)
    targets=(--target convert_caffe convert_torch) ;;
esac
cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=Release "${options[@]}" "$@"
cmake --build build -j "$(nproc)" "${targets[@]}"
