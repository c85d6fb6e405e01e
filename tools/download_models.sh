#!/usr/bin/env bash
# Downloads the VGG models neural-style uses, checks them, and converts them into
# nsrg-engine weights files in weights/ (ignored by git):
#
#   tools/download_models.sh [vgg19|vgg16|all] [--from DIR] [--dir DIR]
#
#   vgg19 (default)  -> weights/vgg19.safetensors      vgg16  -> weights/vgg16.safetensors
#   --from DIR       take the files from DIR (e.g. neural-style's or neural-style-pt's
#                    models/) instead of the network
#   --dir DIR        where the downloads and the weights files go (default: weights/)
#
# Sizes: vgg19 downloads 575 MB (VGG_ILSVRC_19_layers.caffemodel, 574,671,192 bytes; the
# .pth files below are as large) and becomes an 80 MB weights file (the convolutions only);
# vgg16 downloads about 550 MB. The downloads stay in weights/ beside the weights files.
#
# Sources, tried in this order until one can be fetched (each is checked and converted):
#   1. Caffe: VGG_ILSVRC_19_layers.caffemodel + deploy prototxt (robots.ox.ac.uk, the gist),
#      what neural-style uses                                 (convert_caffe)
#   2. neural-style-pt: vgg19-d01eb7cb.pth, the same Caffe weights saved by PyTorch
#      (web.eecs.umich.edu/~justincj); renders as 1 does       (convert_torch --preset caffe)
#   3. torchvision: vgg19-dcbb9e9d.pth (download.pytorch.org), weights trained by PyTorch's
#      authors with RGB mean/std input: another network, so the style and content weights
#      that suit it differ                                    (convert_torch --preset torchvision)
# VGG-16 likewise (VGG_ILSVRC_16_layers, vgg16-00b39a1b.pth, vgg16-397923af.pth).
#
# The converters are built in NSRG_BUILD_DIR (default build): in build/ this script installs
# their Debian packages (and curl) and builds them when they are not there yet (after
# scripts/render_default.sh, which builds nsrg-engine alone). Then
# model = "weights/vgg19.safetensors" (a path relative to the config file; from examples/ it
# is "../weights/vgg19.safetensors") renders with the layer names relu1_1 ... relu5_4.
set -euo pipefail
cd "$(dirname "$0")/.."

which_models=vgg19
from=""
dest=weights
while [ $# -gt 0 ]; do
  case "$1" in
    vgg19|vgg16|all) which_models=$1 ;;
    --from) from=${2:?--from needs a folder}; shift ;;
    --dir) dest=${2:?--dir needs a folder}; shift ;;
    -h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "download_models: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

build=${NSRG_BUILD_DIR:-build}
caffe_converter=$build/tools/convert_caffe/convert_caffe
torch_converter=$build/tools/convert_torch/convert_torch
converters_built() { [ -x "$caffe_converter" ] && [ -x "$torch_converter" ]; }
if ! converters_built && [ "$build" = build ]; then
  echo "download_models: building the converters first (scripts/install_deps.sh converters," \
       "scripts/build.sh converters)"
  bash scripts/install_deps.sh converters
  bash scripts/build.sh converters
fi
if ! converters_built; then
  echo "download_models: $caffe_converter or $torch_converter not found; build them first" \
       "(scripts/build.sh converters, or cmake --build $build --target convert_caffe" \
       "convert_torch)" >&2
  exit 2
fi
mkdir -p "$dest"

# fetch URL FILE: FILE in $dest, from --from DIR or downloaded (resumable, via a partial file
# named NAME.partial.EXT so that weights/'s git-ignore patterns cover it). Returns 1 (with a
# note) when it cannot be had, so that the next source is tried.
fetch() {
  local url=$1 file=$2 target=$dest/$2 part
  part=$dest/${file%.*}.partial.${file##*.}
  if [ -f "$target" ]; then return 0; fi
  if [ -n "$from" ]; then
    [ -f "$from/$file" ] || { echo "note: $from/$file not found"; return 1; }
    cp "$from/$file" "$part" || exit 2
  elif command -v curl >/dev/null; then
    echo "downloading $url"
    curl -fL --retry 3 -C - -o "$part" "$url" ||
      { echo "note: download of $url failed (partial file kept for resuming)"; return 1; }
  elif command -v wget >/dev/null; then
    echo "downloading $url"
    wget -c -O "$part" "$url" ||
      { echo "note: download of $url failed (partial file kept for resuming)"; return 1; }
  else
    echo "download_models: neither curl nor wget is installed" >&2
    exit 2
  fi
  mv "$part" "$target" || exit 2
}

# check FILE BYTES MD5: an empty BYTES or MD5 is not checked.
check() {
  local target=$dest/$1 bytes=$2 md5=$3 actual
  actual=$(stat -c %s "$target")
  if [ -n "$bytes" ] && [ "$actual" != "$bytes" ]; then
    echo "download_models: $target has $actual bytes, expected $bytes; delete it and run again" >&2
    exit 2
  fi
  actual=$(md5sum "$target" | cut -d' ' -f1)
  if [ -n "$md5" ] && [ "$actual" != "$md5" ]; then
    echo "download_models: $target has MD5 $actual, expected $md5; delete it and run again" >&2
    exit 2
  fi
  if [ -z "$md5" ]; then
    echo "note: no checksum is pinned for $1 (MD5 $actual); the conversion checks its structure"
  fi
}

# check_hash_prefix FILE PREFIX STRICT: PyTorch model files are named <arch>-<the first 8 hex
# digits of their SHA-256>.pth. STRICT=yes (torchvision) refuses a mismatch; otherwise it is
# a note (neural-style-pt's models/download_models.py saves jcjohnson's file again under the
# same name with renamed classifier keys, which changes the hash).
check_hash_prefix() {
  local target=$dest/$1 prefix=$2 strict=$3 actual
  actual=$(sha256sum "$target" | cut -c1-8)
  [ "$actual" = "$prefix" ] && return 0
  if [ "$strict" = yes ]; then
    echo "download_models: $target has SHA-256 prefix $actual, expected $prefix (its name);" \
         "delete it and run again" >&2
    exit 2
  fi
  echo "note: $1 has SHA-256 prefix $actual, not $prefix: not the original download (neural-style-pt" \
       "saves it again); the conversion checks its structure"
}

# caffe_source NAME CAFFEMODEL_URL BYTES MD5 PROTOTXT_URL
caffe_source() {
  local name=$1 caffemodel_url=$2 bytes=$3 md5=$4 prototxt_url=$5
  local caffemodel prototxt
  caffemodel=$(basename "$caffemodel_url")
  prototxt=$(basename "$prototxt_url")
  fetch "$caffemodel_url" "$caffemodel" || return 1
  fetch "$prototxt_url" "$prototxt" || return 1
  check "$caffemodel" "$bytes" "$md5"
  "$caffe_converter" "$dest/$caffemodel" --prototxt "$dest/$prototxt" -o "$dest/$name.safetensors" ||
    exit 2
}

# torch_source NAME URL PRESET STRICT_HASH
torch_source() {
  local name=$1 url=$2 preset=$3 strict=$4 file prefix
  file=$(basename "$url")
  prefix=${file%.pth}
  prefix=${prefix##*-}
  fetch "$url" "$file" || return 1
  check_hash_prefix "$file" "$prefix" "$strict"
  "$torch_converter" "$dest/$file" --preset "$preset" -o "$dest/$name.safetensors" || exit 2
}

# model NAME: the sources of NAME in order; the first one fetched is converted. (The sources
# run inside `||`, where `set -e` does not apply: every failure that must stop exits itself.)
model() {
  local name=$1
  if [ "$name" = vgg19 ]; then
    caffe_source vgg19 \
      http://www.robots.ox.ac.uk/~vgg/software/very_deep/caffe/VGG_ILSVRC_19_layers.caffemodel \
      574671192 b5c644beabd7cf06bdd9065cfd674c97 \
      https://gist.githubusercontent.com/ksimonyan/3785162f95cd2d5fee77/raw/bb2b4fe0a9bb0669211cf3d0bc949dfdda173e9e/VGG_ILSVRC_19_layers_deploy.prototxt ||
    torch_source vgg19 https://web.eecs.umich.edu/~justincj/models/vgg19-d01eb7cb.pth caffe no ||
    torch_source vgg19 https://download.pytorch.org/models/vgg19-dcbb9e9d.pth torchvision yes ||
    { echo "download_models: no source of vgg19 could be fetched (VGG_ILSVRC_19_layers.caffemodel" \
           "+ deploy prototxt, vgg19-d01eb7cb.pth, vgg19-dcbb9e9d.pth)" >&2; exit 2; }
  else
    caffe_source vgg16 \
      http://www.robots.ox.ac.uk/~vgg/software/very_deep/caffe/VGG_ILSVRC_16_layers.caffemodel \
      "" "" \
      https://gist.githubusercontent.com/ksimonyan/211839e770f7b538e2d8/raw/0067c9b32f60362c74f4c445a080beed06b07eb3/VGG_ILSVRC_16_layers_deploy.prototxt ||
    torch_source vgg16 https://web.eecs.umich.edu/~justincj/models/vgg16-00b39a1b.pth caffe no ||
    torch_source vgg16 https://download.pytorch.org/models/vgg16-397923af.pth torchvision yes ||
    { echo "download_models: no source of vgg16 could be fetched (VGG_ILSVRC_16_layers.caffemodel" \
           "+ deploy prototxt, vgg16-00b39a1b.pth, vgg16-397923af.pth)" >&2; exit 2; }
  fi
}

if [ "$which_models" = vgg19 ] || [ "$which_models" = all ]; then model vgg19; fi
if [ "$which_models" = vgg16 ] || [ "$which_models" = all ]; then model vgg16; fi
