#!/usr/bin/env bash
# Fresh Debian 12 machine -> out/default.png: installs the dependencies, builds, renders the
# default example (a photo in the style of a texture, built-in model, 256 px).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
bash scripts/build.sh
./build/nsrg-engine examples/default.toml
