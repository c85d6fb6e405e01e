#!/usr/bin/env bash
# image_test.sh: CI's check of the container image (.ci/run runs it after the fresh-root
# check; it is too heavy for ctest: a whole Release build inside the image). As root:
#
#   bash tests/container/image_test.sh [HOST_ENGINE]    (default build/nsrg-engine)
#
#   1. installs its tools (scripts/install_container_tools.sh: buildah, mmdebstrap, hadolint)
#      and lints Containerfile and Containerfile.cuda with hadolint;
#   2. builds the CPU image with scripts/build_image.sh --local-base (no registry, no daemon:
#      the Debian 12 base is the fresh-root check's mmdebstrap root, buildah uses vfs storage
#      and chroot isolation) into its own storage in a temporary folder;
#   3. checks the final image: it runs as uid 1000 with nsrg-engine as the entry point, and has
#      no compiler, CMake, Ninja or build tree;
#   4. renders examples/default.toml at 32 px inside the image (buildah run, chroot
#      isolation, as uid 1000) and the same on this machine with HOST_ENGINE, built from the
#      same commit, and compares the two PNG files byte for byte;
#   5. checks that both archives are there (the OCI one has index.json, the docker one
#      manifest.json).
# Everything it made (storage, archives, renders) is removed at the end, unless
# NSRG_IMAGE_TEST_KEEP=DIR is set: then it works in DIR and keeps it, and a second run with the
# same DIR reuses the image built there instead of building it again.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
host_engine=${1:-$repo/build/nsrg-engine}
image=localhost/nsrg-engine:latest
render_args=(--backend cpu --set image_size=32 --set optimizer.iterations=10 --set threads=2)

[ "$(id -u)" -eq 0 ] || { echo "image_test.sh: must run as root (buildah, chroot)" >&2; exit 2; }
[ -x "$host_engine" ] || { echo "image_test.sh: $host_engine not found; build it first" >&2; exit 2; }
if [ -n "${NSRG_IMAGE_TEST_KEEP:-}" ]; then
  work=$NSRG_IMAGE_TEST_KEEP
  mkdir -p "$work"
else
  work=$(mktemp -d /var/tmp/nsrg-image-test.XXXXXX)
fi
work=$(cd "$work" && pwd)
storage=(--storage-driver vfs --root "$work/storage/root" --runroot "$work/storage/run")
bah() { buildah "${storage[@]}" "$@"; }
ctr=""
cleanup() {
  if [ -n "$ctr" ]; then bah rm "$ctr" >/dev/null 2>&1 || true; fi
  if [ -z "${NSRG_IMAGE_TEST_KEEP:-}" ]; then
    bah rmi --all --force >/dev/null 2>&1 || true
    rm -rf --one-file-system "$work"
  fi
}
trap cleanup EXIT
say() { printf '[image-test %s] %s\n' "$(date +%T)" "$*"; }
fail() { say "FAILED: $*"; exit 1; }
start=$(date +%s)

# 1. tools and lint
hadolint=$(bash "$repo/scripts/install_container_tools.sh" | tail -1)
say "hadolint ($("$hadolint" --version)): Containerfile Containerfile.cuda"
(cd "$repo" && "$hadolint" Containerfile Containerfile.cuda) || fail "hadolint findings above"

# 2. the image
if bah inspect --type image "$image" >/dev/null 2>&1; then
  say "reusing $image in $work/storage"
else
  build_start=$(date +%s)
  NSRG_IMAGE_STORAGE=$work/storage bash "$repo/scripts/build_image.sh" --local-base "$work/archives" \
    >"$work/build_image.log" 2>&1 || { tail -40 "$work/build_image.log"; fail "image build"; }
  grep '^\[build_image' "$work/build_image.log"
  say "image built in $(($(date +%s) - build_start)) s (log: $work/build_image.log)"
fi

# 3. what the final image is
user=$(bah inspect --type image --format '{{.OCIv1.Config.User}}' "$image")
entrypoint=$(bah inspect --type image --format '{{.OCIv1.Config.Entrypoint}}' "$image")
[ "$user" = "1000:1000" ] || fail "the image runs as '$user', not 1000:1000"
[ "$entrypoint" = '[nsrg-engine]' ] || fail "the entry point is $entrypoint, not [nsrg-engine]"
ctr=$(bah from --pull=never "$image")
# shellcheck disable=SC2016 # $t expands in the container's shell
bah run --isolation chroot "$ctr" -- /bin/sh -c \
  'for t in cc c++ gcc g++ cmake ninja nvcc; do if command -v $t; then exit 1; fi; done; test ! -e /src' ||
  fail "the final image holds a compiler or build tool (named above) or /src"
say "image: user $user, entry point $entrypoint, no compiler or build tree"

# 4. the same render inside the image and here
mkdir -p "$work/render-image" "$work/render-host"
chmod 0777 "$work/render-image"
render_start=$(date +%s)
bah run --isolation chroot --user 1000:1000 --volume "$work/render-image:/out" "$ctr" -- \
  nsrg-engine /opt/nsrg-engine/examples/default.toml "${render_args[@]}" \
  --set output.path=/out/default.png >"$work/render-image.log" 2>&1 ||
  { tail -20 "$work/render-image.log"; fail "the render inside the image"; }
image_seconds=$(($(date +%s) - render_start))
render_start=$(date +%s)
"$host_engine" "$repo/examples/default.toml" "${render_args[@]}" \
  --set "output.path=$work/render-host/default.png" >"$work/render-host.log" 2>&1 ||
  { tail -20 "$work/render-host.log"; fail "the render on this machine"; }
host_seconds=$(($(date +%s) - render_start))
cmp "$work/render-image/default.png" "$work/render-host/default.png" ||
  fail "the 32 px render inside the image differs from the one on this machine ($work/render-*)"
say "32 px render: the same $(stat -c %s "$work/render-host/default.png") bytes inside the image" \
  "(${image_seconds} s) and on this machine (${host_seconds} s)"

# 5. the archives users load
if [ -d "$work/archives" ]; then
  tar -tf "$work/archives/nsrg-engine.oci.tar" index.json >/dev/null || fail "the OCI archive has no index.json"
  tar -tf "$work/archives/nsrg-engine.docker.tar" manifest.json >/dev/null ||
    fail "the docker archive has no manifest.json"
  say "archives: $(du -m "$work/archives/nsrg-engine.oci.tar" | cut -f1) MB OCI," \
    "$(du -m "$work/archives/nsrg-engine.docker.tar" | cut -f1) MB docker"
fi
say "PASSED in $(($(date +%s) - start)) s"
