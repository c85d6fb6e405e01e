#!/usr/bin/env bash
# Checks that scripts/install_deps.sh's runtime set (the container images' final stage) covers
# what the built nsrg-engine loads: every shared library `ldd` resolves must belong to a
# package of the set, to one of their dependencies, or to Debian's required base (libc6,
# libstdc++6, ...). A library that no package owns (the CUDA toolkit's, installed by hand) is
# named and passed over: the CUDA image copies those from NVIDIA's image.
# A quick guard between image builds; tests/container/image_test.sh renders inside the image.
set -euo pipefail
engine=${1:?usage: test_runtime_packages.sh NSRG_ENGINE INSTALL_DEPS_SH}
install_deps=${2:?usage: test_runtime_packages.sh NSRG_ENGINE INSTALL_DEPS_SH}
if ! command -v dpkg-query >/dev/null || ! command -v apt-cache >/dev/null; then
  echo "SKIP: not a Debian system (no dpkg-query/apt-cache)"
  exit 77
fi
# The runtime_packages=( ... ) block of the script, read without running the script.
runtime=$(sed -n '/^runtime_packages=(/,/^)/p' "$install_deps" | sed 's/#.*//' |
  tr -s ' \n()' '\n' | grep -v -e '^runtime_packages=' -e '^$' || true)
[ -n "$runtime" ] || { echo "FAIL: no runtime_packages=( ... ) block in $install_deps"; exit 1; }
# shellcheck disable=SC2086 # one package name per word
allowed=$( {
  apt-cache depends --recurse --installed --no-recommends --no-suggests --no-conflicts \
    --no-breaks --no-replaces --no-enhances --no-pre-depends $runtime 2>/dev/null | grep -v '^ '
  dpkg-query -W -f '${Package} ${Priority}\n' | awk '$2 == "required" {print $1}'
} | sed 's/:.*//' | sort -u)
# Each library's path as ldd gives it and resolved, in its /usr-merged and its /lib spelling
# (dpkg knows one of them); one dpkg-query call for all (each call reads dpkg's whole database).
mapfile -t libraries < <(ldd "$engine" | awk '$2 == "=>" && $3 ~ /^\// {print $1 " " $3}')
[ ${#libraries[@]} -gt 0 ] || { echo "FAIL: ldd named no library of $engine"; exit 1; }
spellings() { local real; real=$(readlink -f "$1"); printf '%s\n' "$1" "$real" "${real#/usr}" "/usr${real#/usr}"; }
candidates=()
for entry in "${libraries[@]}"; do mapfile -t -O ${#candidates[@]} candidates < <(spellings "${entry#* }"); done
declare -A owner
while IFS= read -r line; do
  case "$line" in diversion* | *", "*": "*) continue ;; esac
  owner[${line#*: }]=${line%%: *}
done < <(dpkg-query -S "${candidates[@]}" 2>/dev/null || true)
failures=0
checked=0
for entry in "${libraries[@]}"; do
  lib=${entry%% *}
  package=""
  while read -r spelling; do
    if [ -n "${owner[$spelling]:-}" ]; then package=${owner[$spelling]%%:*}; break; fi
  done < <(spellings "${entry#* }")
  if [ -z "$package" ]; then
    echo "note: $lib (${entry#* }) belongs to no package; passed over"
    continue
  fi
  checked=$((checked + 1))
  if ! grep -qx "$package" <<<"$allowed"; then
    echo "FAIL: $lib comes from $package, which install_deps.sh's runtime set does not install"
    failures=$((failures + 1))
  fi
done
[ "$checked" -gt 0 ] || { echo "FAIL: ldd named no library of $engine"; exit 1; }
[ "$failures" -eq 0 ] || exit 1
echo "ok: the $checked packaged libraries nsrg-engine loads all come with the runtime set"
