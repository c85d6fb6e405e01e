#!/usr/bin/env bash
# Configures and builds nsrg-engine (Release) into build/. The CUDA backend is built when
# nvcc and cuDNN are found (NSRG_CUDA=AUTO); pass -DNSRG_CUDA=OFF or other CMake options
# as arguments to change that.
set -euo pipefail
cd "$(dirname "$0")/.."
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ -f build/CMakeCache.txt ]; then generator=(); fi
cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build build -j "$(nproc)"
