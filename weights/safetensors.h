// Reading and writing safetensors files: 8-byte little-endian header length, a JSON header
// of tensor entries (dtype, shape, data_offsets) and string __metadata__, then raw data.
// The reader trusts nothing it reads: header length, JSON, dtypes, shapes and offsets are
// all checked against the file size and against each other.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace nsrg {

// A float32 tensor on the host.
struct HostTensor {
  std::vector<int64_t> shape;
  std::vector<float> data;  // product(shape) elements, row-major
};

struct SafetensorsFile {
  std::map<std::string, std::string> metadata;
  std::map<std::string, HostTensor> tensors;  // every dtype is converted to float32
};

// A tensor to write without copying it first.
struct TensorView {
  std::string name;
  std::vector<int64_t> shape;
  const float* data = nullptr;  // product(shape) floats
};

// Throws UserError("<path>: <what is wrong>") for a missing, truncated or malformed file.
// Accepts F32, F16 and BF16 tensors (converted to float32).
SafetensorsFile read_safetensors(const std::string& path);

// The same, but only the tensors for which `wanted(name)` is true are read and converted
// (every header entry is still validated); the others are skipped without being loaded.
SafetensorsFile read_safetensors(const std::string& path,
                                 const std::function<bool(const std::string&)>& wanted);

// Writes F32 tensors in the order given, atomically (temporary file + rename).
void write_safetensors(const std::string& path, const std::map<std::string, std::string>& metadata,
                       const std::vector<TensorView>& tensors);

}  // namespace nsrg
