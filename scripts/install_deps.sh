#!/usr/bin/env bash
# Installs the Debian 12 packages nsrg-engine needs to build, test and render.
# Idempotent; skips apt-get entirely when every package is already present.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config
  libpng-dev libjpeg62-turbo-dev zlib1g-dev
  libdnnl-dev libopenblas-dev liblapacke-dev
  libtomlplusplus-dev nlohmann-json3-dev libcli11-dev libgtest-dev
  libprotobuf-dev protobuf-compiler libssl-dev
  clang libclang-rt-14-dev libomp-14-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
