// Gathering a strided float32/float16 tensor from its storage bytes, with overflow-checked
// index arithmetic.
#include "tools/convert_torch/tensor_data.h"

#include <cstring>

#include "engine/core/error.h"
#include "engine/core/utf8.h"
#include "weights/half_float.h"

namespace nsrg {
namespace {

std::string tensor_label(const std::string& path, const NamedTensor& tensor) {
  return msg(path, ": tensor '", short_quote(tensor.name), "'");
}

}  // namespace

void check_tensor_layout(const std::string& path, const NamedTensor& tensor) {
  const TensorRecord& record = tensor.record;
  const StorageRef& storage = *record.storage;
  const std::string label = tensor_label(path, tensor);
  if (storage.type != "FloatStorage" && storage.type != "HalfStorage")
    throw UserError(msg(label, " is stored as ", storage.type,
                        "; only float32 (FloatStorage) and float16 (HalfStorage) convert"));
  if (record.offset < 0) throw UserError(msg(label, " has a negative storage offset"));
  // The last element's index: offset + sum (size - 1) * stride, checked for overflow.
  int64_t last = record.offset;
  bool empty = false;
  for (size_t d = 0; d < record.shape.size(); ++d) {
    const int64_t size = record.shape[d], stride = record.stride[d];
    if (size < 0 || stride < 0)
      throw UserError(msg(label, " has a negative size or stride in dimension ", d));
    if (size == 0) empty = true;
    int64_t step = 0;
    if (size > 0 && (__builtin_mul_overflow(size - 1, stride, &step) ||
                     __builtin_add_overflow(last, step, &last)))
      throw UserError(msg(label, " has a size and stride that overflow"));
  }
  int64_t count = 1;
  for (int64_t size : record.shape)
    if (__builtin_mul_overflow(count, size, &count))
      throw UserError(msg(label, " has too many elements"));
  if (!empty && last >= storage.numel)
    throw UserError(
        msg(label, " reaches element ", last, " of a storage of ", storage.numel, " elements"));
}

std::vector<float> read_tensor_float32(const CheckpointReader& reader, const NamedTensor& tensor) {
  check_tensor_layout(reader.path(), tensor);
  const TensorRecord& record = tensor.record;
  const StorageRef& storage = *record.storage;
  const std::vector<uint8_t> bytes = reader.storage_bytes(storage);
  NSRG_CHECK(bytes.size() == size_t(storage.numel) * size_t(storage.element_size), "storage '",
             storage.key, "' read with the wrong size");
  size_t count = 1;
  for (int64_t size : record.shape) count *= size_t(size);
  std::vector<float> values(count);
  if (count == 0) return values;

  const bool half = storage.type == "HalfStorage";
  const auto element = [&](int64_t index) {
    const uint8_t* at = bytes.data() + size_t(index) * size_t(storage.element_size);
    if (half) {
      uint16_t bits;
      std::memcpy(&bits, at, 2);
      return f16_to_float(bits);
    }
    float value;
    std::memcpy(&value, at, 4);
    return value;
  };
  // Row-major walk over the shape with a running storage index (an odometer).
  const size_t dims = record.shape.size();
  std::vector<int64_t> position(dims, 0);
  int64_t index = record.offset;
  for (size_t i = 0; i < count; ++i) {
    values[i] = element(index);
    for (size_t d = dims; d-- > 0;) {
      if (++position[d] < record.shape[d]) {
        index += record.stride[d];
        break;
      }
      index -= (record.shape[d] - 1) * record.stride[d];
      position[d] = 0;
    }
  }
  return values;
}

}  // namespace nsrg
