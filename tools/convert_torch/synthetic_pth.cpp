// The synthetic checkpoint writer: a protocol-2 pickle of an OrderedDict of
// _rebuild_tensor_v2 calls (the form torch.save writes), and one stored zip entry per
// storage whose bytes a libzip source callback generates on demand.
#include "tools/convert_torch/synthetic_pth.h"

#include <zip.h>

#include <cmath>
#include <cstring>
#include <memory>

#include "engine/core/error.h"

namespace nsrg {
namespace {

uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

uint64_t element_count(const std::vector<int64_t>& shape) {
  uint64_t count = 1;
  for (int64_t size : shape) count *= uint64_t(size);
  return count;
}

// Pickle opcodes, as torch.save emits them for a state_dict.
class PickleWriter {
 public:
  void op(uint8_t code) { bytes_ += char(code); }
  void global(const std::string& module, const std::string& name) {
    op('c');
    bytes_ += module + "\n" + name + "\n";
  }
  void string(const std::string& text) {
    op('X');
    put32(uint32_t(text.size()));
    bytes_ += text;
  }
  void integer(int64_t value) {
    NSRG_CHECK(value >= 0 && value < (int64_t(1) << 31), "synthetic int out of range");
    op('J');
    put32(uint32_t(value));
  }
  void int_tuple(const std::vector<int64_t>& values) {
    op('(');
    for (int64_t value : values) integer(value);
    op('t');
  }
  std::string take() { return std::move(bytes_); }

 private:
  void put32(uint32_t value) {
    for (int i = 0; i < 4; ++i) bytes_ += char(uint8_t(value >> (8 * i)));
  }
  std::string bytes_;
};

std::string state_dict_pickle(const std::vector<SyntheticTensor>& tensors) {
  PickleWriter w;
  w.op(0x80);
  w.op(2);
  w.global("collections", "OrderedDict");
  w.op(')');
  w.op('R');
  w.op('(');
  for (size_t i = 0; i < tensors.size(); ++i) {
    const SyntheticTensor& tensor = tensors[i];
    std::vector<int64_t> stride(tensor.shape.size(), 1);
    for (size_t d = tensor.shape.size(); d-- > 1;) stride[d - 1] = stride[d] * tensor.shape[d];
    w.string(tensor.name);
    w.global("torch._utils", "_rebuild_tensor_v2");
    w.op('(');
    w.op('(');
    w.string("storage");
    w.global("torch", "FloatStorage");
    w.string(std::to_string(i));
    w.string("cpu");
    w.integer(int64_t(element_count(tensor.shape)));
    w.op('t');
    w.op('Q');  // BINPERSID
    w.integer(0);
    w.int_tuple(tensor.shape);
    w.int_tuple(stride);
    w.op(0x89);  // NEWFALSE: requires_grad
    w.global("collections", "OrderedDict");
    w.op(')');
    w.op('R');
    w.op('t');
    w.op('R');
  }
  w.op('u');
  w.op('.');
  return w.take();
}

// A libzip source that produces one tensor's float32 bytes on demand.
struct TensorSource {
  uint64_t seed;
  size_t index;
  std::vector<int64_t> shape;
  uint64_t size = 0, position = 0;
  zip_error_t error;
};

zip_int64_t tensor_source_callback(void* user, void* data, zip_uint64_t length,
                                   zip_source_cmd_t command) {
  auto* source = static_cast<TensorSource*>(user);
  switch (command) {
    case ZIP_SOURCE_OPEN:
      source->position = 0;
      return 0;
    case ZIP_SOURCE_READ: {
      length = std::min<zip_uint64_t>(length, source->size - source->position) & ~zip_uint64_t(3);
      auto* out = static_cast<uint8_t*>(data);
      for (zip_uint64_t i = 0; i < length; i += 4) {
        const float value =
            synthetic_value(source->seed, source->index, source->shape, (source->position + i) / 4);
        std::memcpy(out + i, &value, 4);
      }
      source->position += length;
      return zip_int64_t(length);
    }
    case ZIP_SOURCE_CLOSE:
      return 0;
    case ZIP_SOURCE_STAT: {
      auto* stat = static_cast<zip_stat_t*>(data);
      zip_stat_init(stat);
      stat->size = source->size;
      stat->mtime = 0;
      stat->valid |= ZIP_STAT_SIZE | ZIP_STAT_MTIME;
      return sizeof(zip_stat_t);
    }
    case ZIP_SOURCE_ERROR:
      return zip_error_to_data(&source->error, data, length);
    case ZIP_SOURCE_FREE:
      zip_error_fini(&source->error);
      delete source;
      return 0;
    case ZIP_SOURCE_SUPPORTS:
      return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                            ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
    default:
      zip_error_set(&source->error, ZIP_ER_OPNOTSUPP, 0);
      return -1;
  }
}

struct ZipDiscarder {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};

}  // namespace

std::vector<SyntheticTensor> torchvision_vgg19_tensors(bool classifier) {
  const int config[] = {64,  64,  0,   128, 128, 0,   256, 256, 256, 256, 0,
                        512, 512, 512, 512, 0,   512, 512, 512, 512, 0};
  std::vector<SyntheticTensor> tensors;
  int feature = 0, in = 3;
  for (int out : config) {
    if (out == 0) {
      feature += 1;
      continue;
    }
    const std::string prefix = "features." + std::to_string(feature) + ".";
    tensors.push_back({prefix + "weight", {out, in, 3, 3}});
    tensors.push_back({prefix + "bias", {out}});
    in = out;
    feature += 2;
  }
  if (classifier) {
    tensors.push_back({"classifier.0.weight", {4096, 512 * 7 * 7}});
    tensors.push_back({"classifier.0.bias", {4096}});
    tensors.push_back({"classifier.3.weight", {4096, 4096}});
    tensors.push_back({"classifier.3.bias", {4096}});
    tensors.push_back({"classifier.6.weight", {1000, 4096}});
    tensors.push_back({"classifier.6.bias", {1000}});
  }
  return tensors;
}

float synthetic_value(uint64_t seed, size_t tensor, const std::vector<int64_t>& shape,
                      uint64_t element) {
  const uint64_t bits = splitmix64(seed ^ splitmix64(uint64_t(tensor) * 0x100000001ull + element));
  const double unit = double(bits >> 11) * (1.0 / 9007199254740992.0) * 2.0 - 1.0;  // [-1, 1)
  if (shape.size() < 2) return float(0.01 * unit);
  const double fan_in = double(element_count(shape) / uint64_t(shape[0]));
  return float(std::sqrt(6.0 / fan_in) * unit);
}

void write_synthetic_pth(const std::string& path, const std::vector<SyntheticTensor>& tensors,
                         uint64_t seed, const std::string& archive_name) {
  int code = 0;
  std::unique_ptr<zip_t, ZipDiscarder> archive(
      zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code));
  NSRG_CHECK(archive != nullptr, "zip_open(", path, ") failed with libzip error ", code);
  const auto add = [&](const std::string& name, zip_source_t* source) {
    NSRG_CHECK(source != nullptr, "zip source for ", name, ": ", zip_strerror(archive.get()));
    const zip_int64_t index = zip_file_add(archive.get(), name.c_str(), source, ZIP_FL_ENC_UTF_8);
    if (index < 0) zip_source_free(source);
    NSRG_CHECK(index >= 0, "zip_file_add(", name, "): ", zip_strerror(archive.get()));
    NSRG_CHECK(zip_set_file_compression(archive.get(), zip_uint64_t(index), ZIP_CM_STORE, 0) == 0,
               "zip_set_file_compression(", name, ")");
  };
  // Buffers the small entries must outlive zip_close.
  const std::string pickle = state_dict_pickle(tensors);
  static const char kByteorder[] = "little", kVersion[] = "3\n";
  const std::string prefix = archive_name + "/";
  add(prefix + "data.pkl", zip_source_buffer(archive.get(), pickle.data(), pickle.size(), 0));
  add(prefix + "byteorder", zip_source_buffer(archive.get(), kByteorder, 6, 0));
  for (size_t i = 0; i < tensors.size(); ++i) {
    auto* source =
        new TensorSource{seed, i, tensors[i].shape, element_count(tensors[i].shape) * 4, 0, {}};
    zip_error_init(&source->error);
    zip_source_t* zip_source = zip_source_function(archive.get(), tensor_source_callback, source);
    if (zip_source == nullptr) {
      zip_error_fini(&source->error);
      delete source;
    }
    add(prefix + "data/" + std::to_string(i), zip_source);
  }
  add(prefix + "version", zip_source_buffer(archive.get(), kVersion, 2, 0));
  NSRG_CHECK(zip_close(archive.get()) == 0, "zip_close(", path, "): ", zip_strerror(archive.get()));
  archive.release();  // zip_close freed it
}

}  // namespace nsrg
