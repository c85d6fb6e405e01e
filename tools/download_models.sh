#!/usr/bin/env bash
# Downloads the original Caffe VGG models that neural-style uses (models/download_models.sh
# there), checks them, and converts them into nsrg-engine weights files in weights/ (ignored
# by git):
#
#   tools/download_models.sh [vgg19|vgg16|all] [--from DIR] [--dir DIR]
#
#   vgg19 (default)  VGG_ILSVRC_19_layers.caffemodel + deploy prototxt -> weights/vgg19.safetensors
#   vgg16            VGG_ILSVRC_16_layers.caffemodel + deploy prototxt -> weights/vgg16.safetensors
#   --from DIR       take the files from DIR (e.g. neural-style's models/) instead of the network
#   --dir DIR        where the downloads and the weights files go (default: weights/)
#
# Environment: NSRG_BUILD_DIR (default build) holds tools/convert_caffe/convert_caffe.
# Then: model = "weights/vgg19.safetensors" (a path relative to the config file; from
# examples/ it is "../weights/vgg19.safetensors") renders with
# the neural-style layer names relu1_1 ... relu5_4.
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
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "download_models: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

converter=${NSRG_BUILD_DIR:-build}/tools/convert_caffe/convert_caffe
if [ ! -x "$converter" ]; then
  echo "download_models: $converter not found; build it first (scripts/build.sh, or" \
       "cmake --build ${NSRG_BUILD_DIR:-build} --target convert_caffe)" >&2
  exit 2
fi
mkdir -p "$dest"

# fetch URL FILE: FILE in $dest, from --from DIR or downloaded (resumable, via a partial file
# named NAME.partial.EXT so that weights/'s git-ignore patterns cover it).
fetch() {
  local url=$1 file=$2 target=$dest/$2 part
  part=$dest/${file%.*}.partial.${file##*.}
  if [ -f "$target" ]; then return 0; fi
  if [ -n "$from" ]; then
    [ -f "$from/$file" ] || { echo "download_models: $from/$file not found" >&2; exit 2; }
    cp "$from/$file" "$part"
  elif command -v curl >/dev/null; then
    echo "downloading $url"
    curl -fL --retry 3 -C - -o "$part" "$url" ||
      { echo "download_models: download of $url failed (partial file kept for resuming)" >&2; exit 2; }
  elif command -v wget >/dev/null; then
    echo "downloading $url"
    wget -c -O "$part" "$url" ||
      { echo "download_models: download of $url failed (partial file kept for resuming)" >&2; exit 2; }
  else
    echo "download_models: neither curl nor wget is installed" >&2
    exit 2
  fi
  mv "$part" "$target"
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

# model NAME CAFFEMODEL_URL BYTES MD5 PROTOTXT_URL
model() {
  local name=$1 caffemodel_url=$2 bytes=$3 md5=$4 prototxt_url=$5
  local caffemodel prototxt
  caffemodel=$(basename "$caffemodel_url")
  prototxt=$(basename "$prototxt_url")
  fetch "$caffemodel_url" "$caffemodel"
  fetch "$prototxt_url" "$prototxt"
  check "$caffemodel" "$bytes" "$md5"
  "$converter" "$dest/$caffemodel" --prototxt "$dest/$prototxt" -o "$dest/$name.safetensors"
}

if [ "$which_models" = vgg19 ] || [ "$which_models" = all ]; then
  model vgg19 \
    http://www.robots.ox.ac.uk/~vgg/software/very_deep/caffe/VGG_ILSVRC_19_layers.caffemodel \
    574671192 b5c644beabd7cf06bdd9065cfd674c97 \
    https://gist.githubusercontent.com/ksimonyan/3785162f95cd2d5fee77/raw/bb2b4fe0a9bb0669211cf3d0bc949dfdda173e9e/VGG_ILSVRC_19_layers_deploy.prototxt
fi
if [ "$which_models" = vgg16 ] || [ "$which_models" = all ]; then
  model vgg16 \
    http://www.robots.ox.ac.uk/~vgg/software/very_deep/caffe/VGG_ILSVRC_16_layers.caffemodel \
    "" "" \
    https://gist.githubusercontent.com/ksimonyan/211839e770f7b538e2d8/raw/0067c9b32f60362c74f4c445a080beed06b07eb3/VGG_ILSVRC_16_layers_deploy.prototxt
fi
