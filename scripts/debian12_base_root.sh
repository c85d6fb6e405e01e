#!/usr/bin/env bash
# debian12_base_root.sh: makes sure a minimal Debian 12 root file system is cached as a tarball
# and prints its path. It is the base of CI's fresh-root check (scripts/fresh_root_check.sh)
# and of the container image CI builds (scripts/build_image.sh --local-base), so both start
# from the same minimal Debian without pulling anything from a registry.
#
#   bash scripts/debian12_base_root.sh [CACHE [LOG]]      (as root)
#
# The tarball, CACHE/debian12-minbase.tar (CACHE defaults to NSRG_FRESH_ROOT_CACHE, else
# /var/cache/nsrg-engine), is mmdebstrap's minbase variant of bookworm plus sudo, made from the
# Debian mirror this machine's apt uses, and is made again when older than 7 days. Progress
# goes to stderr; mmdebstrap's output to LOG (default CACHE/mmdebstrap.log).
set -euo pipefail
cache=${1:-${NSRG_FRESH_ROOT_CACHE:-/var/cache/nsrg-engine}}
log=${2:-$cache/mmdebstrap.log}
suite=bookworm
base_tar=$cache/debian12-minbase.tar

say() { printf '[debian12-base %s] %s\n' "$(date +%T)" "$*" >&2; }

apt_sources() {
  # The host's deb822 or one-line sources for Debian itself (not third-party repositories).
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    echo /etc/apt/sources.list.d/debian.sources
  elif [ -s /etc/apt/sources.list ]; then
    echo /etc/apt/sources.list
  fi
}

[ "$(id -u)" -eq 0 ] || { echo "debian12_base_root.sh: must run as root (mmdebstrap)" >&2; exit 2; }
mkdir -p "$cache"
if [ -f "$base_tar" ] && [ -z "$(find "$base_tar" -mtime +7)" ]; then
  say "base root: cached $base_tar"
  echo "$base_tar"
  exit 0
fi
command -v mmdebstrap >/dev/null || {
  say "installing mmdebstrap (host tool for the base root)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >/dev/null
}
rm -f "$cache/debian12-minbase.partial.tar"
sources=$(apt_sources)
say "base root: mmdebstrap --variant=minbase $suite (+ sudo) from ${sources:-the default mirror}"
mmdebstrap --quiet --variant=minbase --include=sudo "$suite" "$cache/debian12-minbase.partial.tar" \
  ${sources:+"$sources"} >"$log" 2>&1 || {
  tail -20 "$log" >&2
  say "FAILED: could not make the Debian 12 base root"
  exit 1
}
mv "$cache/debian12-minbase.partial.tar" "$base_tar"
echo "$base_tar"
