// An independent reference reader for the tests: walks a caffemodel's protobuf wire format by
// hand (no protobuf library, no converter code) and returns each layer's name and the raw
// bit patterns of its blobs' values, so converted tensors can be compared bit for bit.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nsrg::test {

struct RawBlob {
  std::vector<uint32_t> float_bits;   // BlobProto.data (packed or not)
  std::vector<uint64_t> double_bits;  // BlobProto.double_data
};

struct RawLayer {
  std::string name;
  std::vector<RawBlob> blobs;
};

// Layers of NetParameter field 2 (V1) or 100 (current), in file order. Throws
// std::runtime_error on malformed input.
std::vector<RawLayer> read_raw_layers(const std::string& caffemodel_bytes);

}  // namespace nsrg::test
