#!/usr/bin/env bash
# Builds the libFuzzer harnesses of tests/fuzz with clang (ASan + UBSan) in FUZZ_BUILD_DIR
# (default build-fuzz beside the sources). Exits 77 with a message when clang or its
# libFuzzer runtime is missing (scripts/install_deps.sh installs both).
set -euo pipefail
source_dir="$(cd "$(dirname "$0")/../.." && pwd)"
build_dir="${FUZZ_BUILD_DIR:-$source_dir/build-fuzz}"
cxx="$(command -v clang++ || command -v clang++-14 || true)"
cc="$(command -v clang || command -v clang-14 || true)"
if [ -z "$cxx" ] || [ -z "$cc" ]; then
  echo "SKIP: clang++ is not installed (scripts/install_deps.sh installs it)"
  exit 77
fi
probe="$(mktemp -d)"
trap 'rm -rf "$probe"' EXIT
echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' \
  >"$probe/probe.cpp"
if ! "$cxx" -fsanitize=fuzzer,address,undefined "$probe/probe.cpp" -o "$probe/probe" 2>/dev/null; then
  echo "SKIP: $cxx cannot link libFuzzer with ASan/UBSan (install libclang-rt-14-dev)"
  exit 77
fi
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  cmake -S "$source_dir" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" -DNSRG_CUDA=OFF -DNSRG_FUZZ=ON \
    -DNSRG_BUILD_TESTS=OFF -DNSRG_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$build_dir" -j "${FUZZ_JOBS:-2}" --target fuzz_image fuzz_config \
  fuzz_architecture fuzz_safetensors fuzz_style_targets fuzz_lineage fuzz_explore_request fuzz_caffemodel fuzz_prototxt \
  fuzz_torch_checkpoint
