#!/usr/bin/env bash
# Fresh Debian 12 machine -> every test: installs the dependencies, builds (the CUDA backend
# too where the CUDA toolkit is installed: it compiles and links; its tests skip without a
# GPU) and runs the whole GoogleTest suite through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
bash scripts/build.sh
cd build
ctest --output-on-failure -j "$(nproc)" --timeout 1200
