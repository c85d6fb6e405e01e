#!/usr/bin/env bash
# Checks scripts/missing_deps_from_log.sh: the failed-build sample log names each missing
# piece (a CMake package from both kinds of CMake message, a header, a library, a command),
# and a log without failures names nothing.
set -euo pipefail
script=${1:?usage: test_missing_deps_from_log.sh SCRIPT SAMPLE_LOG}
sample=${2:?usage: test_missing_deps_from_log.sh SCRIPT SAMPLE_LOG}
expected="CMake package CLI11, CMake package OpenCL, cmake (command), header toml++/toml.h, library liblapacke"
got=$(bash "$script" "$sample")
if [ "$got" != "$expected" ]; then
  printf 'FAIL: expected\n  %s\ngot\n  %s\n' "$expected" "$got"
  exit 1
fi
clean=$(mktemp)
trap 'rm -f "$clean"' EXIT
printf -- '-- Configuring done\n[100%%] Built target nsrg-engine\n' >"$clean"
got=$(bash "$script" "$clean")
if [ -n "$got" ]; then
  printf 'FAIL: a clean log named: %s\n' "$got"
  exit 1
fi
echo "missing_deps_from_log: ok"
