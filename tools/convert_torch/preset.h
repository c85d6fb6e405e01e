// How a PyTorch VGG expects its input, by source: torchvision's ImageNet models (RGB in
// [0,1], mean 0.485/0.456/0.406, std 0.229/0.224/0.225) or the Caffe VGG weights that
// neural-style-pt uses (BGR, x255, mean 103.939/116.779/123.68), chosen by --preset or
// detected from what identifies the file.
#pragma once

#include <string>

#include "engine/core/preprocess.h"
#include "tools/convert_torch/vgg_layout.h"

namespace nsrg {

struct PresetChoice {
  std::string name;  // "torchvision" or "caffe"
  Preprocess preprocess;
  std::string reason;  // why: "--preset", "sha256 prefix dcbb9e9d (torchvision's vgg19)", ...
};

// `requested` "torchvision", "caffe" or "" (detect). Detection, in order: the file's SHA-256
// prefix or its name carries a known published hash (torchvision names its files
// <arch>-<first 8 hex digits of the SHA-256>.pth; neural-style-pt keeps jcjohnson's names);
// jcjohnson's classifier names (classifier.1/.4); Caffe layer names. Otherwise a UserError
// asking for --preset.
PresetChoice choose_preset(const std::string& requested, const std::string& path,
                           const std::string& sha256, const VggLayout& layout);

}  // namespace nsrg
