#!/usr/bin/env bash
# Fresh Debian 12 machine -> out/default.png: installs what the engine needs to build and run
# (not the test tools: scripts/run_tests.sh adds those), builds only build/nsrg-engine and
# renders the default example (the cat in the colours of the coffee cup, built-in model,
# 256 px). Arguments are passed to nsrg-engine (e.g. --set image_size=128);
# NSRG_RENDER_ITERATIONS=N renders N iterations instead of the example's (CI's fresh-root
# check uses it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh engine
bash scripts/build.sh engine
overrides=()
if [ -n "${NSRG_RENDER_ITERATIONS:-}" ]; then
  overrides=(--set "optimizer.iterations=$NSRG_RENDER_ITERATIONS")
fi
./build/nsrg-engine examples/default.toml "${overrides[@]}" "$@"
