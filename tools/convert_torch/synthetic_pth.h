// Synthetic PyTorch checkpoints for tests and the scale benchmark: a torch.save-layout zip
// (<name>/data.pkl, <name>/data/<i>, <name>/byteorder, <name>/version) holding an
// OrderedDict of float32 tensors with deterministic pseudo-random values, written through
// libzip with the values generated while the archive is written (no whole-file buffer).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nsrg {

struct SyntheticTensor {
  std::string name;
  std::vector<int64_t> shape;
};

// The tensors of torchvision's vgg19 state_dict (features.N conv weights and biases, then,
// with `classifier`, classifier.0/3/6), in torchvision's order and shapes.
std::vector<SyntheticTensor> torchvision_vgg19_tensors(bool classifier);

// Element `element` of tensor number `tensor` (in the list given to write_synthetic_pth):
// uniform in +-sqrt(6 / fan_in) for weights (fan_in = product of the shape after the first
// dimension), +-0.01 for one-dimensional tensors.
float synthetic_value(uint64_t seed, size_t tensor, const std::vector<int64_t>& shape,
                      uint64_t element);

// Writes the checkpoint (InternalError on a libzip failure).
void write_synthetic_pth(const std::string& path, const std::vector<SyntheticTensor>& tensors,
                         uint64_t seed, const std::string& archive_name = "archive");

}  // namespace nsrg
