#!/usr/bin/env bash
# gpu_build.sh: builds, on the development machine (CUDA toolkit, no GPU), what a GPU check
# needs, for Hopper (sm_90), and packs it to travel to the GPU machine (at most 64 MiB).
#
#   bench/gpu_build.sh [BUILD] [--jobs N] [--package-only]
#
# BUILD defaults to build-gpu. Builds nsrg-engine, nsrg-bench and the test suites that
# bench/gpu_check.sh runs (test_cuda, test_optim, test_randomize, test_engine, where they
# exist) with libpng, libjpeg and zlib linked statically; copies every shared library the
# binaries need that a bare GPU machine (driver, CUDA libraries, python torch) lacks
# (oneDNN, OpenBLAS, LAPACK(E), libgomp, libgfortran, ...) into BUILD/lib, found with ldd;
# renders the CPU reference of the full-size comparison (examples/default.toml, 256 px, on
# the CPU backend: BUILD/reference/default_cpu.png and its summary JSON; again only when the
# engine is newer than it); writes BUILD/build_info.txt; and packs the binaries, lib/,
# reference/ and build_info.txt into BUILD/gpu-bundle.tar.xz (unpacked about 99 MiB, over the
# limit; the bundle about 16.4 MiB).
# The binaries carry DT_RPATH $ORIGIN/lib:$ORIGIN/../lib (RPATH, not RUNPATH: the loader
# also uses an executable's RPATH for its libraries' own dependencies, and no patchelf is
# at hand to give the copied libraries a RUNPATH), so a command typed by hand on the GPU
# machine finds the bundled libraries without LD_LIBRARY_PATH; the CUDA libraries still come
# from LD_LIBRARY_PATH (gpu_check.sh sets it), which RPATH precedes only for lib/'s contents.
# Carry only that file (`carry: ["build-gpu/gpu-bundle.tar.xz"]`); gpu_check.sh unpacks it.
# --package-only skips the configure and build steps (re-packs an existing build).
set -euo pipefail

usage() { sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

repo="$(cd "$(dirname "$0")/.." && pwd)"
build="build-gpu"
jobs="$(nproc)"
package_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --jobs) [ $# -ge 2 ] || usage; jobs="$2"; shift ;;
    --package-only) package_only=1 ;;
    -h | --help) usage ;;
    -*) usage ;;
    *) build="$1" ;;
  esac
  shift
done
cd "$repo"
case "$build" in /*) ;; *) build="$repo/$build" ;; esac
limit_bytes=$((64 * 1024 * 1024))
multiarch=/usr/lib/x86_64-linux-gnu

# Libraries the GPU machine has: the C/C++ runtime, the driver and the CUDA libraries (under
# /usr/local/cuda or in python's nvidia packages; gpu_check.sh puts them on the path).
provided='^(linux-vdso|ld-linux|libc\.so|libm\.so|libdl\.so|librt\.so|libpthread\.so|libstdc\+\+\.so|libgcc_s\.so|libcuda\.so|libcudart|libcublas|libcublasLt|libcudnn|libcusolver|libcusparse|libcufft|libcurand|libnvJitLink|libnvrtc)'

static_flags=()
for pair in PNG:libpng16.a JPEG:libjpeg.a ZLIB:libz.a; do
  name="${pair%%:*}" file="$multiarch/${pair#*:}"
  if [ -f "$file" ]; then
    static_flags+=("-D${name}_LIBRARY_RELEASE=$file" "-D${name}_LIBRARY=$file")
  else
    echo "note: $file not found: ${name} stays a shared library (copied into lib/)"
  fi
done

if [ "$package_only" -eq 0 ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DNSRG_CUDA=ON \
    -DCMAKE_CUDA_ARCHITECTURES=90 -DNSRG_BUILD_TESTS=ON -DNSRG_BUILD_BENCH=ON \
    -DCMAKE_BUILD_WITH_INSTALL_RPATH=ON "-DCMAKE_INSTALL_RPATH=\$ORIGIN/lib;\$ORIGIN/../lib" \
    -DCMAKE_EXE_LINKER_FLAGS=-Wl,--disable-new-dtags "${static_flags[@]}"
  targets=(nsrg-engine nsrg-bench)
  for suite in cuda optim randomize engine; do
    if compgen -G "tests/$suite/*.cpp" >/dev/null; then targets+=("test_$suite"); fi
  done
  echo "building: ${targets[*]}"
  cmake --build "$build" --target "${targets[@]}" -j "$jobs"
fi

# ldd as the GPU machine will resolve: the binaries search only $ORIGIN/lib and $ORIGIN/../lib,
# the CUDA libraries come from the library path (gpu_check.sh sets it there; the toolkit here).
toolkit_ldd() {
  LD_LIBRARY_PATH="/usr/local/cuda/lib64:/usr/local/cuda/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" ldd "$1"
}

# ---- what travels ----------------------------------------------------------------------------
binaries=()
for file in nsrg-engine nsrg-bench tests/test_cuda tests/test_optim tests/test_randomize \
  tests/test_engine; do
  if [ -x "$build/$file" ]; then binaries+=("$file"); fi
done
[ ${#binaries[@]} -gt 0 ] || { echo "error: no binaries in $build" >&2; exit 1; }

rm -rf "${build:?}/lib"
mkdir -p "$build/lib"
missing=0
declare -A copied=()
for binary in "${binaries[@]}"; do
  while read -r soname arrow path _; do
    [ "$arrow" = "=>" ] || continue
    if [ "$path" = "not" ]; then
      echo "warning: $binary needs $soname, which is not found here" >&2
      missing=1
      continue
    fi
    [[ "$soname" =~ $provided ]] && continue
    [ -n "${copied[$soname]:-}" ] && continue
    cp -L "$path" "$build/lib/$soname"
    chmod u+w "$build/lib/$soname"
    strip --strip-unneeded "$build/lib/$soname" 2>/dev/null || true
    copied[$soname]="$path"
  done < <(toolkit_ldd "$build/$binary")
done

# ---- the CPU reference render -----------------------------------------------------------------
# gpu_check.sh compares the GPU's render of the default example at full size with this one;
# rendering it there would take the GPU machine's time (about a minute on 2 cores here).
reference="$build/reference/default_cpu.png"
if [ ! -f "$reference" ] || [ ! -f "${reference%.png}.json" ] || [ "$build/nsrg-engine" -nt "$reference" ]; then
  echo "rendering the CPU reference: examples/default.toml -> $reference"
  mkdir -p "$build/reference"
  reference_start=$SECONDS
  "$build/nsrg-engine" examples/default.toml --backend cpu \
    --set "output.path=\"$reference\"" >"$build/reference/default_cpu.log" 2>&1 ||
    { echo "error: the CPU reference render failed (see $build/reference/default_cpu.log)" >&2; exit 1; }
  echo "examples/default.toml, --backend cpu, $(nproc) threads, $(sed -n 's/^model name[[:space:]]*: //p' \
    /proc/cpuinfo | head -n 1), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), \
$((SECONDS - reference_start)) s" >"$build/reference/conditions.txt"
  echo "reference rendered: $(cat "$build/reference/conditions.txt")"
fi

# Every ELF file that travels: the binaries and the libraries copied into BUILD/lib.
elf_files=()
for binary in "${binaries[@]}"; do elf_files+=("$build/$binary"); done
for library in "$build"/lib/*; do [ -f "$library" ] && elf_files+=("$library"); done

{
  echo "built: $(date -u +%Y-%m-%dT%H:%MZ) on $(hostname)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "source_dir: $repo"
  echo "nvcc: $(/usr/local/cuda/bin/nvcc --version 2>/dev/null | grep -o 'release [0-9.]*' || echo unknown)"
  header=""
  for candidate in /usr/local/cuda/include/cudnn_version.h /usr/include/cudnn_version.h; do
    if [ -f "$candidate" ]; then header="$candidate"; break; fi
  done
  if [ -n "$header" ]; then
    printf 'cudnn_headers: %s.%s.%s\n' \
      "$(awk '/#define CUDNN_MAJOR/{print $3}' "$header")" \
      "$(awk '/#define CUDNN_MINOR/{print $3}' "$header")" \
      "$(awk '/#define CUDNN_PATCHLEVEL/{print $3}' "$header")"
  fi
  echo "cuda_architectures: $(grep -m1 '^CMAKE_CUDA_ARCHITECTURES' "$build/CMakeCache.txt" | cut -d= -f2 || true)"
  echo "binaries: ${binaries[*]}"
  # The newest glibc symbol version any of them needs (the GPU machine's glibc must be >= it).
  echo "glibc_required: $(for f in "${elf_files[@]}"; do objdump -T "$f" 2>/dev/null; done |
    grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -n 1 || true)"
  echo "runpath: $(readelf -d "$build/nsrg-engine" | sed -n 's/.*(\(RPATH\|RUNPATH\)).*\[\(.*\)\]/\1 \2/p')"
  echo "copied_libraries: ${!copied[*]}"
  echo "reference_render: reference/default_cpu.png ($(cat "$build/reference/conditions.txt" 2>/dev/null))"
  echo "needed_from_the_machine:"
  for binary in "${binaries[@]}"; do toolkit_ldd "$build/$binary"; done | awk '{print $1}' | sort -u |
    { grep -E "$provided" || true; } | { grep -v -E '^(linux-vdso|ld-linux)' || true; } | sed 's/^/  /'
} >"$build/build_info.txt"

echo "packing $build/gpu-bundle.tar.xz"
tar -C "$build" -cf - "${binaries[@]}" lib reference/default_cpu.png reference/default_cpu.json \
  build_info.txt | xz -T0 -6 >"$build/gpu-bundle.tar.xz"

# ---- the report --------------------------------------------------------------------------------
echo
echo "libraries copied into $build/lib (from ldd):"
for soname in "${!copied[@]}"; do
  printf '  %-28s %8s  %s\n' "$soname" "$(du -h "$build/lib/$soname" | cut -f1)" "${copied[$soname]}"
done
echo "needed from the GPU machine:"
sed -n '/^needed_from_the_machine:/,$p' "$build/build_info.txt" | tail -n +2
unpacked=$(cd "$build" && du -cb "${binaries[@]}" lib reference/default_cpu.png \
  reference/default_cpu.json build_info.txt | tail -n 1 | cut -f1)
bundle=$(stat -c %s "$build/gpu-bundle.tar.xz")
tree=$(git ls-files -co --exclude-standard -z | du -cb --files0-from=- 2>/dev/null | tail -n 1 | cut -f1)
awk -v u="$unpacked" -v b="$bundle" -v t="$tree" 'BEGIN {
  printf "unpacked binaries + lib: %.1f MiB; bundle: %.1f MiB; working tree: %.1f MiB; limit 64 MiB\n",
    u / 1048576, b / 1048576, t / 1048576 }'
if [ $((bundle + tree)) -gt "$limit_bytes" ]; then
  echo "error: the bundle plus the working tree exceed 64 MiB" >&2
  exit 1
fi
echo "carry: [\"${build#"$repo"/}/gpu-bundle.tar.xz\"]; on the GPU machine: bench/gpu_check.sh OUTDIR ${build#"$repo"/}"
[ "$missing" -eq 0 ] || { echo "error: some libraries were not found (see above)" >&2; exit 1; }
