#!/usr/bin/env bash
# Fresh Debian 12 machine -> every test: installs every dependency (the engine's, the
# converters' and the tests'), builds everything (the CUDA backend too where the CUDA
# toolkit is installed: it compiles and links; its tests skip without a GPU) and runs the
# whole GoogleTest suite through ctest.
#   scripts/run_tests.sh           the Release build in build/
#   scripts/run_tests.sh --asan    the suite again under AddressSanitizer (leaks detected)
#                                  and UBSan, CPU only, in build-asan/ (CMakePresets.json
#                                  "asan"; slower; the fuzz smoke test is left to the
#                                  default run)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-}
bash scripts/install_deps.sh all
if [ "$mode" = "--asan" ]; then
  cmake --preset asan
  cmake --build --preset asan -j "$(nproc)"
  ctest --preset asan -j "$(nproc)" --timeout 3600
  exit
elif [ -n "$mode" ]; then
  echo "usage: scripts/run_tests.sh [--asan]" >&2
  exit 2
fi
bash scripts/build.sh all
cd build
ctest --output-on-failure -j "$(nproc)" --timeout 1200
