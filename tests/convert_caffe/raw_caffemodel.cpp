// The hand-written wire-format walk of raw_caffemodel.h.
#include "raw_caffemodel.h"

#include <stdexcept>

namespace nsrg::test {
namespace {

class WireReader {
 public:
  WireReader(const std::string& bytes, size_t begin, size_t end)
      : bytes_(bytes), position_(begin), end_(end) {}

  bool done() const { return position_ >= end_; }

  uint64_t varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (position_ >= end_) throw std::runtime_error("truncated varint");
      const uint8_t byte = uint8_t(bytes_[position_++]);
      value |= uint64_t(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    throw std::runtime_error("varint too long");
  }

  uint64_t little_endian(int size) {
    if (position_ + size_t(size) > end_) throw std::runtime_error("truncated fixed field");
    uint64_t value = 0;
    for (int i = 0; i < size; ++i) value |= uint64_t(uint8_t(bytes_[position_ + i])) << (8 * i);
    position_ += size_t(size);
    return value;
  }

  // A length-delimited field: returns [begin, end) and moves past it.
  std::pair<size_t, size_t> span() {
    const uint64_t length = varint();
    if (position_ + length > end_) throw std::runtime_error("truncated length-delimited field");
    const size_t begin = position_;
    position_ += size_t(length);
    return {begin, position_};
  }

  void skip(int wire_type) {
    switch (wire_type) {
      case 0:
        varint();
        break;
      case 1:
        little_endian(8);
        break;
      case 2:
        span();
        break;
      case 5:
        little_endian(4);
        break;
      default:
        throw std::runtime_error("unsupported wire type");
    }
  }

 private:
  const std::string& bytes_;
  size_t position_, end_;
};

RawBlob read_blob(const std::string& bytes, std::pair<size_t, size_t> range) {
  RawBlob blob;
  WireReader reader(bytes, range.first, range.second);
  while (!reader.done()) {
    const uint64_t tag = reader.varint();
    const int field = int(tag >> 3), wire = int(tag & 7);
    if (field == 5 && wire == 2) {
      auto packed = reader.span();
      WireReader values(bytes, packed.first, packed.second);
      while (!values.done()) blob.float_bits.push_back(uint32_t(values.little_endian(4)));
    } else if (field == 5 && wire == 5) {
      blob.float_bits.push_back(uint32_t(reader.little_endian(4)));
    } else if (field == 8 && wire == 2) {
      auto packed = reader.span();
      WireReader values(bytes, packed.first, packed.second);
      while (!values.done()) blob.double_bits.push_back(values.little_endian(8));
    } else if (field == 8 && wire == 1) {
      blob.double_bits.push_back(reader.little_endian(8));
    } else {
      reader.skip(wire);
    }
  }
  return blob;
}

RawLayer read_layer(const std::string& bytes, std::pair<size_t, size_t> range, bool v1) {
  RawLayer layer;
  const int name_field = v1 ? 4 : 1, blobs_field = v1 ? 6 : 7;
  WireReader reader(bytes, range.first, range.second);
  while (!reader.done()) {
    const uint64_t tag = reader.varint();
    const int field = int(tag >> 3), wire = int(tag & 7);
    if (field == name_field && wire == 2) {
      auto name = reader.span();
      layer.name = bytes.substr(name.first, name.second - name.first);
    } else if (field == blobs_field && wire == 2) {
      layer.blobs.push_back(read_blob(bytes, reader.span()));
    } else {
      reader.skip(wire);
    }
  }
  return layer;
}

}  // namespace

std::vector<RawLayer> read_raw_layers(const std::string& caffemodel_bytes) {
  std::vector<RawLayer> layers;
  WireReader reader(caffemodel_bytes, 0, caffemodel_bytes.size());
  while (!reader.done()) {
    const uint64_t tag = reader.varint();
    const int field = int(tag >> 3), wire = int(tag & 7);
    if ((field == 2 || field == 100) && wire == 2) {
      layers.push_back(read_layer(caffemodel_bytes, reader.span(), field == 2));
    } else {
      reader.skip(wire);
    }
  }
  return layers;
}

}  // namespace nsrg::test
