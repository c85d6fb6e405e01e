#!/usr/bin/env bash
# Offline check of tools/download_models.sh --from DIR: the order of the sources (Caffe, then
# neural-style-pt's .pth, then torchvision's), the hash-prefix checks, and the message when
# no source is there. Synthetic files stand in for the models (no network here).
#
#   test_download_models.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir=$1
build=$2
script=$source_dir/tools/download_models.sh
work=$(mktemp -d /tmp/nsrg_download_models_test.XXXXXX)
trap 'rm -rf "$work"' EXIT
export NSRG_BUILD_DIR=$build
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
expect_in() { grep -qF -- "$2" "$1" || fail "$3: '$2' not in output: $(tr '\n' ' ' <"$1")"; }

# A synthetic VGG-19 / VGG-16 checkpoint (convolutions only) and a synthetic VGG-16 caffemodel.
"$build/tools/convert_torch/make_synthetic_pth" -o "$work/vgg19.pth" --no-classifier >/dev/null
"$build/tools/convert_caffe/make_synthetic_caffemodel" vgg16 "$work/vgg16.caffemodel" >/dev/null

# 1. Nothing in --from: every source is tried, then one clear error.
mkdir -p "$work/empty"
status=0
"$script" vgg19 --from "$work/empty" --dir "$work/out1" >"$work/log1" 2>&1 || status=$?
[ "$status" = 2 ] || fail "empty --from: status $status"
expect_in "$work/log1" "VGG_ILSVRC_19_layers.caffemodel not found" "empty --from"
expect_in "$work/log1" "vgg19-d01eb7cb.pth not found" "empty --from"
expect_in "$work/log1" "vgg19-dcbb9e9d.pth not found" "empty --from"
expect_in "$work/log1" "no source of vgg19 could be fetched" "empty --from"

# 2. neural-style-pt's file before torchvision's; converted with the Caffe preset.
mkdir -p "$work/pt"
cp "$work/vgg19.pth" "$work/pt/vgg19-d01eb7cb.pth"
cp "$work/vgg19.pth" "$work/pt/vgg19-dcbb9e9d.pth"
"$script" vgg19 --from "$work/pt" --dir "$work/out2" >"$work/log2" 2>&1 || fail "neural-style-pt: $(cat "$work/log2")"
expect_in "$work/log2" "not the original download" "neural-style-pt"
expect_in "$work/log2" "preset caffe (--preset caffe)" "neural-style-pt"
[ -f "$work/out2/vgg19.safetensors" ] || fail "neural-style-pt: no vgg19.safetensors"
[ -f "$work/out2/vgg19-dcbb9e9d.pth" ] && fail "neural-style-pt: torchvision's file was fetched too"

# 3. torchvision's file alone: its name carries the SHA-256 prefix, which a synthetic file
#    cannot have, so it is refused.
mkdir -p "$work/tv"
cp "$work/vgg19.pth" "$work/tv/vgg19-dcbb9e9d.pth"
status=0
"$script" vgg19 --from "$work/tv" --dir "$work/out3" >"$work/log3" 2>&1 || status=$?
[ "$status" = 2 ] || fail "torchvision hash: status $status"
expect_in "$work/log3" "expected dcbb9e9d (its name)" "torchvision hash"
[ -f "$work/out3/vgg19.safetensors" ] && fail "torchvision hash: converted anyway"

# 4. The Caffe files come first when they are there (VGG-16 has no pinned checksum).
mkdir -p "$work/caffe"
cp "$work/vgg16.caffemodel" "$work/caffe/VGG_ILSVRC_16_layers.caffemodel"
echo 'name: "VGG_ILSVRC_16_layers"' >"$work/caffe/VGG_ILSVRC_16_layers_deploy.prototxt"
cp "$work/vgg19.pth" "$work/caffe/vgg16-00b39a1b.pth"
"$script" vgg16 --from "$work/caffe" --dir "$work/out4" >"$work/log4" 2>&1 || fail "caffe: $(cat "$work/log4")"
expect_in "$work/log4" "no checksum is pinned for VGG_ILSVRC_16_layers.caffemodel" "caffe"
[ -f "$work/out4/vgg16.safetensors" ] || fail "caffe: no vgg16.safetensors"
[ -f "$work/out4/vgg16-00b39a1b.pth" ] && fail "caffe: the .pth was fetched too"

# 5. Unknown arguments.
status=0
"$script" vgg21 >/dev/null 2>&1 || status=$?
[ "$status" = 2 ] || fail "unknown argument: status $status"

if [ "$failures" -ne 0 ]; then exit 1; fi
echo "download_models.sh --from: all checks passed"
