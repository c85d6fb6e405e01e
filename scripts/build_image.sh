#!/usr/bin/env bash
# build_image.sh: builds the nsrg-engine container image with buildah (no container daemon,
# no registry account) and writes it as two archives that podman, docker and Apptainer read:
#
#   bash scripts/build_image.sh [--cuda] [--local-base] [OUTDIR]      (as root)
#
#   OUTDIR/nsrg-engine.oci.tar      OCI archive:    podman load -i ...
#   OUTDIR/nsrg-engine.docker.tar   docker archive: docker load -i ...;
#                                   apptainer build nsrg.sif docker-archive://...
# (nsrg-engine-cuda.*.tar with --cuda). OUTDIR defaults to out/image. The image is also left
# in buildah's storage as localhost/nsrg-engine:latest (:cuda), and docs/cluster.md says how
# to push it to a registry.
#
#   --cuda        Containerfile.cuda (the CUDA backend; pulls NVIDIA's CUDA images, which
#                 needs their registry) instead of Containerfile (CPU backend, Debian 12)
#   --local-base  the Debian 12 base is not pulled: scripts/debian12_base_root.sh's
#                 mmdebstrap root (the fresh-root check's cached tarball) is imported as
#                 localhost/nsrg-debian12-base, and its .deb cache is lent to apt during
#                 the build. CI builds this way (tests/container/image_test.sh).
#
# buildah runs with the vfs storage driver and chroot isolation, which work on machines
# without overlay mounts or user namespaces (CI's). NSRG_IMAGE_STORAGE=DIR keeps buildah's
# storage in DIR instead of its default (/var/lib/containers/storage).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
containerfile=Containerfile
name=nsrg-engine
tag=latest
local_base=false
outdir=$repo/out/image
while [ $# -gt 0 ]; do
  case "$1" in
    --cuda) containerfile=Containerfile.cuda; name=nsrg-engine-cuda; tag=cuda ;;
    --local-base) local_base=true ;;
    -*) echo "usage: scripts/build_image.sh [--cuda] [--local-base] [OUTDIR]" >&2; exit 2 ;;
    *) outdir=$1 ;;
  esac
  shift
done
command -v buildah >/dev/null || {
  echo "build_image.sh: buildah not found (Debian package buildah: apt-get install buildah)" >&2
  exit 2
}
storage=(--storage-driver vfs)
if [ -n "${NSRG_IMAGE_STORAGE:-}" ]; then
  storage+=(--root "$NSRG_IMAGE_STORAGE/root" --runroot "$NSRG_IMAGE_STORAGE/run")
fi
bah() { buildah "${storage[@]}" "$@"; }
say() { printf '[build_image %s] %s\n' "$(date +%T)" "$*"; }

build_args=()
if $local_base; then
  cache=${NSRG_FRESH_ROOT_CACHE:-/var/cache/nsrg-engine}
  base_tar=$(bash "$repo/scripts/debian12_base_root.sh" "$cache")
  say "importing $base_tar as localhost/nsrg-debian12-base"
  ctr=$(bah from scratch)
  bah add "$ctr" "$base_tar" / >/dev/null
  bah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --cmd /bin/bash "$ctr"
  bah commit --quiet --rm "$ctr" localhost/nsrg-debian12-base:latest >/dev/null
  mkdir -p "$cache/apt-archives/partial"
  build_args=(--pull=never --build-arg BASE=localhost/nsrg-debian12-base:latest
    --volume "$cache/apt-archives:/var/cache/apt/archives")
fi

start=$(date +%s)
say "buildah build -f $containerfile -t localhost/$name:$tag"
bah build --isolation chroot --layers=false "${build_args[@]}" -f "$repo/$containerfile" \
  -t "localhost/$name:$tag" "$repo"
built=$(date +%s)
mkdir -p "$outdir"
rm -f "$outdir/$name.oci.tar" "$outdir/$name.docker.tar"
bah push --quiet "localhost/$name:$tag" "oci-archive:$outdir/$name.oci.tar:$name:$tag"
bah push --quiet "localhost/$name:$tag" "docker-archive:$outdir/$name.docker.tar:$name:$tag"
say "built localhost/$name:$tag in $((built - start)) s (archives $(($(date +%s) - built)) s)"
say "image: $(du -m "$outdir/$name.docker.tar" | cut -f1) MB uncompressed (the docker archive)," \
  "$(du -m "$outdir/$name.oci.tar" | cut -f1) MB as the OCI archive (gzip layers), in $outdir"
