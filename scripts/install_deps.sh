#!/usr/bin/env bash
# Installs the Debian 12 packages nsrg-engine needs, in four sets:
#
#   scripts/install_deps.sh runtime     only what a built nsrg-engine loads and reads (its
#                                       shared libraries and the label font): the container
#                                       image's final stage (Containerfile), no compilers
#   scripts/install_deps.sh engine      to build and run nsrg-engine (scripts/render_default.sh)
#   scripts/install_deps.sh converters  engine + the model converters and a downloader
#                                       (tools/download_models.sh)
#   scripts/install_deps.sh [all]       everything: converters + what the tests need
#                                       (scripts/run_tests.sh; the default)
#
# Idempotent; skips apt-get entirely when every package is already present.
set -euo pipefail
set_name=${1:-all}
# Each package and what the build asks for (CMakeLists.txt, tools/, tests/): the fresh-root
# check in CI (scripts/fresh_root_check.sh) fails when a list misses one (it builds
# nsrg-engine with the engine set alone, then everything with all of them).
engine_packages=(
  build-essential cmake ninja-build             # compilers, OpenMP (libgomp), Threads
  libpng-dev zlib1g-dev                         # find_package(PNG)
  libjpeg62-turbo-dev                           # find_package(JPEG)
  libfreetype-dev                               # find_package(Freetype) (sheet labels)
  pkg-config libwebp-dev                        # pkg_check_modules(libwebpmux) ([path] WebP)
  fonts-dejavu-core                             # DejaVuSans.ttf, the sheet labels' font
  libdnnl-dev                                   # find_package(dnnl)
  ocl-icd-opencl-dev                            # find_package(OpenCL), inside dnnl's config
  libopenblas-dev liblapacke-dev                # find_package(BLAS), lapacke.h, -llapacke
  libtomlplusplus-dev                           # find_package(tomlplusplus)
  nlohmann-json3-dev                            # find_package(nlohmann_json)
  libcli11-dev                                  # find_package(CLI11)
  libssl-dev                                    # find_package(OpenSSL) (SHA-256, weights/)
  libcpp-httplib-dev                            # httplib.h, -lcpp-httplib (nsrg-engine explore)
)
# The runtime libraries of the engine set's -dev packages (what `ldd build/nsrg-engine`
# resolves to, less the C/C++ runtime every Debian has); the container image test
# (tests/container/image_test.sh) renders with this set alone.
runtime_packages=(
  libopenblas0-pthread liblapacke               # BLAS/LAPACK(E), OpenBLAS first so that it,
                                                # not the reference BLAS, provides libblas.so.3
  libpng16-16 zlib1g libjpeg62-turbo            # PNG, JPEG
  libfreetype6 fonts-dejavu-core                # sheet labels and their font
  libdnnl2 ocl-icd-libopencl1                   # oneDNN and the OpenCL loader it links
  libtomlplusplus3                              # toml++
  libssl3 libgomp1                              # OpenSSL (SHA-256), OpenMP
  libwebpmux3 libwebp7                          # a [path]'s animated WebP
  libcpp-httplib0.11                            # nsrg-engine explore's server
)
converter_packages=(
  libprotobuf-dev protobuf-compiler             # find_package(Protobuf) (convert_caffe)
  libzip-dev                                    # pkg_check_modules(libzip) (convert_torch)
  curl ca-certificates                          # tools/download_models.sh's downloads
)
test_packages=(
  libgtest-dev                                  # find_package(GTest) (tests)
  python3 python3-numpy                         # bench/peer tests (GPU-check verdicts)
  time                                          # /usr/bin/time -v: bench/multires_chain.py
  clang libclang-rt-14-dev libomp-14-dev        # tests/fuzz (libFuzzer, ASan, UBSan)
  munge slurmctld slurmd slurm-client           # tests/cluster: a one-node Slurm cluster that
                                                # runs a job array of shards (docs/cluster.md)
  chromium chromium-driver python3-selenium     # tests/explore/browser_test.py: the explore
                                                # page driven in headless Chromium
)
case "$set_name" in
  runtime) packages=("${runtime_packages[@]}") ;;
  engine) packages=("${engine_packages[@]}") ;;
  converters) packages=("${engine_packages[@]}" "${converter_packages[@]}") ;;
  all) packages=("${engine_packages[@]}" "${converter_packages[@]}" "${test_packages[@]}") ;;
  *) echo "usage: scripts/install_deps.sh [runtime|engine|converters|all]" >&2; exit 2 ;;
esac
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  # The munge and Slurm packages start their daemons when installed; the test starts its
  # own, so a policy-rc.d that refuses every start (exit 101) is in place while apt runs,
  # unless the machine has one of its own (containers usually do).
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# nsrg-engine install_deps.sh: no service starts while it installs\nexit 101\n' |
      $sudo_cmd tee "$policy" >/dev/null
    $sudo_cmd chmod 755 "$policy"
    trap '$sudo_cmd rm -f "$policy"' EXIT
  fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
