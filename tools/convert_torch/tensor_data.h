// A state_dict tensor's values as contiguous float32: the shape, strides and offset read
// from the pickle are checked against the storage, strided layouts are gathered, float16
// is widened exactly.
#pragma once

#include <string>
#include <vector>

#include "tools/convert_torch/checkpoint_reader.h"

namespace nsrg {

// Checks `tensor` against its storage's declared size without reading any data: dtype
// (float32 or float16), non-negative sizes and strides, every element inside the storage.
// UserError "<path>: tensor '<name>' ..." otherwise.
void check_tensor_layout(const std::string& path, const NamedTensor& tensor);

// The tensor's elements in row-major order (check_tensor_layout first).
std::vector<float> read_tensor_float32(const CheckpointReader& reader, const NamedTensor& tensor);

}  // namespace nsrg
