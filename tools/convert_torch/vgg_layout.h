// Recognizing a VGG state_dict (VGG-11/13/16/19 without batch norm) from its tensor names
// and shapes, in torchvision's naming ("features.N.weight", also neural-style-pt's files) or
// Caffe's ("conv1_1.weight"), and the mapping to the Caffe layer names our configs use
// (conv1_1, relu1_1, ..., pool5).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "tools/convert_torch/checkpoint_reader.h"
#include "weights/model.h"

namespace nsrg {

struct VggLayout {
  std::string arch;               // "vgg11", "vgg13", "vgg16" or "vgg19"
  std::string naming;             // "features.N" or "caffe"
  std::vector<LayerSpec> layers;  // conv1_1 relu1_1 ... pool5
  // (our tensor name, the state_dict tensor), conv weights and biases in network order.
  std::vector<std::pair<std::string, const NamedTensor*>> tensors;
  std::vector<std::string> dropped;  // fully-connected tensors (classifier.* / fc*)
  // The classifier is named as in jcjohnson's pytorch-vgg conversion of the Caffe weights
  // (classifier.1 / .4 / .6, the files neural-style-pt downloads).
  bool caffe_classifier_names = false;
};

// The architectures --arch accepts.
const std::vector<std::string>& vgg_arch_names();

// `arch` empty: the one architecture the tensors fit; otherwise that one. UserError naming
// the file and what was seen (or what differs from `arch`) when they do not fit.
VggLayout recognize_vgg(const std::string& path, const StateDict& state_dict,
                        const std::string& arch);

}  // namespace nsrg
