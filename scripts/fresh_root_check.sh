#!/usr/bin/env bash
# fresh_root_check.sh: runs the README's two set-up commands in a fresh Debian 12 root file
# system that holds only a minimal Debian (mmdebstrap's minbase variant, plus sudo) and what
# scripts/install_deps.sh installs there. It proves that the package list is complete: a
# package that is on this machine by hand is not in the fresh root, and the build fails there.
#
#   bash scripts/fresh_root_check.sh            (as root; CI runs it from .ci/run)
#
# Steps, inside the fresh root (NSRG_FRESH_ROOT_STEPS, default "render converters tests",
# runs a subset, e.g. "tests" alone to time the test command on its own):
#   render      as a user with sudo: bash scripts/render_default.sh (installs the engine's
#               packages through sudo, builds nsrg-engine alone, renders the default example
#               with NSRG_RENDER_ITERATIONS iterations, default 30): the engine's package set
#               is enough to build and run it
#   converters  as that user: scripts/install_deps.sh converters and scripts/build.sh
#               converters, what tools/download_models.sh does before it downloads: the
#               converters' package set is enough for them
#   tests       as root: bash scripts/run_tests.sh (installs the rest, builds everything, runs
#               every test): the whole package set is enough for everything
# The base root is cached as a tarball in NSRG_FRESH_ROOT_CACHE (default
# /var/cache/nsrg-engine) and rebuilt when older than 7 days; downloaded .deb files are kept
# there too, so a second run downloads nothing. The Debian mirror is the one this machine's
# apt configuration uses. Logs go to NSRG_FRESH_ROOT_LOGS (default build-fresh-root/).
# On failure the last lines of the failing step are printed, with the CMake packages or
# headers that were not found named on one line.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${NSRG_FRESH_ROOT_CACHE:-/var/cache/nsrg-engine}
logs=${NSRG_FRESH_ROOT_LOGS:-$repo/build-fresh-root}
iterations=${NSRG_RENDER_ITERATIONS:-30}
steps=" ${NSRG_FRESH_ROOT_STEPS:-render converters tests} "
base_tar=""
user=nsrg

[ "$(id -u)" -eq 0 ] || { echo "fresh_root_check.sh: must run as root (chroot)" >&2; exit 2; }
mkdir -p "$cache/apt-archives/partial" "$logs"
logs=$(cd "$logs" && pwd)

say() { printf '[fresh-root %s] %s\n' "$(date +%T)" "$*"; }

# ---- the base root ---------------------------------------------------------------------
# Made (or found in the cache) by scripts/debian12_base_root.sh, which the image build shares.
ensure_base_root() {
  base_tar=$(bash "$repo/scripts/debian12_base_root.sh" "$cache" "$logs/mmdebstrap.log")
}

# ---- the root, its mounts and its clean-up -------------------------------------------------
root=""
mounts=()
cleanup() {
  local m
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    m=${mounts[$i]}
    umount -R -l "$m" 2>/dev/null || true
  done
  [ -n "$root" ] || return 0
  # Never delete through a mount that is still there (shared/ is bound in).
  if grep -q " $root/" /proc/self/mounts; then
    echo "fresh_root_check.sh: mounts remain under $root; left it in place" >&2
  else
    rm -rf --one-file-system "$root"
  fi
}
trap cleanup EXIT

bind() { # bind SRC DEST [ro]
  mkdir -p "$2"
  mount --rbind --make-rslave "$1" "$2"
  mounts+=("$2")
  if [ "${3:-}" = ro ]; then mount -o remount,bind,ro "$2"; fi
}

make_root() {
  root=$(mktemp -d /var/tmp/nsrg-fresh-root.XXXXXX)
  tar -C "$root" -xf "$base_tar"
  cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
  printf '127.0.0.1 localhost %s\n' "$(hostname)" >"$root/etc/hosts"
  mount -t proc proc "$root/proc"
  mounts+=("$root/proc")
  bind /dev "$root/dev"
  bind /sys "$root/sys" ro
  bind "$cache/apt-archives" "$root/var/cache/apt/archives"
  # A user with sudo rights, as on a workstation.
  chroot "$root" useradd --create-home --shell /bin/bash "$user"
  echo "$user ALL=(ALL) NOPASSWD: ALL" >"$root/etc/sudoers.d/$user"
  chmod 0440 "$root/etc/sudoers.d/$user"
  # The checkout: what git tracks plus untracked files that git does not ignore, as a clone
  # would hold them; shared/ beside it, read-only, as CI has it.
  local dest=$root/home/$user/nsrg-engine
  mkdir -p "$dest"
  (cd "$repo" && git ls-files -z --cached --others --exclude-standard |
    xargs -0 -r tar -cf - --no-recursion 2>/dev/null) | tar -C "$dest" -xf -
  chroot "$root" chown -R "$user:$user" "/home/$user/nsrg-engine"
  if [ -d "$repo/../shared" ]; then bind "$repo/../shared" "$root/home/$user/shared" ro; fi
}

# ---- running a step and explaining a failure -----------------------------------------------
explain_failure() { # LOG
  local log=$1 missing
  missing=$(bash "$repo/scripts/missing_deps_from_log.sh" "$log")
  tail -40 "$log"
  if [ -n "$missing" ]; then
    say "FAILED: the fresh Debian 12 root lacks: $missing; add the Debian package that provides it to scripts/install_deps.sh"
  else
    say "FAILED: see $log"
  fi
}

# cpu_seconds TIMES_FILE: the user + system seconds of the finished child processes in the
# output of bash's `times`. A step's CPU time, unlike its wall time, hardly grows when other
# work shares the machine. (`times` must run in this shell itself: in a pipe or a command
# substitution it runs in a subshell, which has no finished children.)
cpu_seconds() {
  tail -1 "$1" | awk '{ t = 0; for (i = 1; i <= 2; ++i) { split($i, p, /[ms]/); t += p[1] * 60 + p[2] }
                        printf "%.0f\n", t }'
}

run_step() { # NAME LOG COMMAND...
  local name=$1 log=$2 start status cpu
  shift 2
  start=$(date +%s)
  times >"$logs/.times-before"
  say "$name ..."
  set +e
  "$@" >"$log" 2>&1
  status=$?
  set -e
  times >"$logs/.times-after"
  if [ $status -ne 0 ]; then
    explain_failure "$log"
    exit 1
  fi
  cpu=$(($(cpu_seconds "$logs/.times-after") - $(cpu_seconds "$logs/.times-before")))
  say "$name: ok in $(($(date +%s) - start)) s ($cpu s of CPU; log: $log); root $(root_size), packages installed so far $(deb_size) of .deb files"
}

in_root_as_root() { chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  LANG=C.UTF-8 /bin/bash -c "cd /home/$user/nsrg-engine && $1"; }
in_root_as_user() { chroot --userspec="$user:$user" "$root" /usr/bin/env -i HOME="/home/$user" \
  USER="$user" PATH=/usr/bin:/bin LANG=C.UTF-8 /bin/bash -c "cd /home/$user/nsrg-engine && $1"; }

total_start=$(date +%s)
ensure_base_root
make_root
root_size() { du -sh --exclude=proc --exclude=sys --exclude=dev --exclude=var/cache/apt/archives \
  --exclude=home/$user/shared "$root" 2>/dev/null | cut -f1; }
# The size of the .deb files of every package installed since the base root (they all come
# through the cache, downloaded now or before): what a new user downloads.
deb_size() {
  # shellcheck disable=SC2016 # dpkg-query fields, not shell variables
  chroot "$root" dpkg-query -W -f '${Package} ${Version} ${Architecture}\n' |
    while read -r package version arch; do
      deb="$cache/apt-archives/${package}_${version//:/%3a}_${arch}.deb"
      if [ -f "$deb" ]; then stat -c %s "$deb"; fi
    done | awk '{s += $1} END {printf "%.0f MB\n", s / 1e6}'
}
say "root: $root ($(root_size) before the set-up)"
if [[ $steps == *" render "* ]]; then
  run_step "render_default.sh as user $user (sudo), $iterations iterations" "$logs/render_default.log" \
    in_root_as_user "NSRG_RENDER_ITERATIONS=$iterations bash scripts/render_default.sh"
  test -s "$root/home/$user/nsrg-engine/out/default.png" || {
    say "FAILED: render_default.sh exited 0 but out/default.png is missing"; exit 1; }
  cp "$root/home/$user/nsrg-engine/out/default.png" "$logs/default.png"
fi
if [[ $steps == *" converters "* ]]; then
  run_step "the converters of tools/download_models.sh as user $user" "$logs/converters.log" \
    in_root_as_user "bash scripts/install_deps.sh converters && bash scripts/build.sh converters"
fi
if [[ $steps == *" tests "* ]]; then
  run_step "run_tests.sh as root" "$logs/run_tests.log" in_root_as_root "bash scripts/run_tests.sh"
  grep -E "tests passed|tests failed" "$logs/run_tests.log" | tail -1
fi
say "disk used by the root after the steps ($steps): $(root_size); the packages installed: $(deb_size) of .deb files (cached in $cache/apt-archives, $(du -sh "$cache/apt-archives" | cut -f1) in all)"
say "PASSED in $(($(date +%s) - total_start)) s"
