#!/usr/bin/env bash
# missing_deps_from_log.sh LOG: names what a failed install/build log says is missing (CMake
# packages, headers, libraries, commands), one comma-separated line; prints nothing when the
# log names nothing. scripts/fresh_root_check.sh uses it to say which dependency
# scripts/install_deps.sh lacks; tests/scripts checks it on sample logs.
set -euo pipefail
log=${1:?usage: missing_deps_from_log.sh LOG}
{ grep -hoE 'Could NOT find [A-Za-z0-9_:+-]+|Could not find a package configuration file provided by "[^"]+"|fatal error: [^:]+: No such file or directory|cannot find -l[A-Za-z0-9_+.-]+|[A-Za-z0-9_.+-]+: command not found|Could not find (toolchain|program|library|file) [A-Za-z0-9_.+/-]+' "$log" || true; } |
  sed -E 's/^Could not find a package configuration file provided by "([^"]+)"/CMake package \1/
          s/^Could NOT find /CMake package /
          s/^fatal error: ([^:]+): No such file or directory/header \1/
          s/^cannot find -l/library lib/
          s/: command not found$/ (command)/
          s/^Could not find (toolchain|program|library|file) /\1 /' |
  sort -u | paste -sd ',' - | sed 's/,/, /g'
