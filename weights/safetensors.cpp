// safetensors reading (validating every length, dtype, shape and offset against the file)
// and writing (streamed, atomic).
#include "weights/safetensors.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "weights/half_float.h"
#include "weights/json_quote.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "safetensors data is little-endian; this code reads and writes it in place");

namespace nsrg {
namespace {

using json = nlohmann::json;

constexpr uint64_t kMaxHeaderBytes = 100ull * 1000 * 1000;
constexpr int kMaxJsonDepth = 16;  // a valid header nests 3 deep
constexpr char kMetadataKey[] = "__metadata__";

enum class Dtype { F32, F16, BF16 };

uint64_t dtype_bytes(Dtype dtype) {
  return dtype == Dtype::F32 ? 4 : 2;
}

struct TensorEntry {
  std::string name;
  Dtype dtype = Dtype::F32;
  std::vector<int64_t> shape;
  uint64_t element_count = 0;
  uint64_t begin = 0, end = 0;  // byte offsets in the data region
};

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? "," : "") + std::to_string(shape[i]);
  return text + "]";
}

// A JSON number that is a non-negative integer, as uint64; false for anything else.
bool get_unsigned(const json& value, uint64_t& out) {
  if (value.is_number_unsigned()) {
    out = value.get<uint64_t>();
    return true;
  }
  if (value.is_number_integer() && value.get<int64_t>() >= 0) {
    out = uint64_t(value.get<int64_t>());
    return true;
  }
  return false;
}

// Parses the header text, rejecting duplicate keys (which JSON parsers silently merge) and
// absurd nesting.
json parse_header_json(const std::string& path, const std::string& text) {
  std::vector<std::set<std::string>> open_objects;
  std::string duplicate_key;
  bool too_deep = false;
  json::parser_callback_t watch = [&](int depth, json::parse_event_t event, json& parsed) {
    if (depth > kMaxJsonDepth) too_deep = true;
    if (event == json::parse_event_t::object_start) open_objects.emplace_back();
    if (event == json::parse_event_t::object_end && !open_objects.empty()) open_objects.pop_back();
    if (event == json::parse_event_t::key && !open_objects.empty() && parsed.is_string() &&
        !open_objects.back().insert(parsed.get<std::string>()).second && duplicate_key.empty())
      duplicate_key = parsed.get<std::string>();
    return true;
  };
  json header;
  try {
    header = json::parse(text, watch);
  } catch (const json::exception& error) {
    const auto* parse_error = dynamic_cast<const json::parse_error*>(&error);
    throw UserError(msg(path, ": safetensors header is not valid JSON",
                        parse_error ? msg(" (error at byte ", parse_error->byte, ")") : ""));
  }
  if (too_deep) throw UserError(msg(path, ": safetensors header nests too deeply"));
  if (!duplicate_key.empty())
    throw UserError(
        msg(path, ": safetensors header repeats the key '", short_quote(duplicate_key), "'"));
  if (!header.is_object()) throw UserError(msg(path, ": safetensors header is not a JSON object"));
  return header;
}

std::map<std::string, std::string> parse_metadata(const std::string& path, const json& value) {
  if (!value.is_object()) throw UserError(msg(path, ": __metadata__ is not an object of strings"));
  std::map<std::string, std::string> metadata;
  for (const auto& [key, item] : value.items()) {
    if (!item.is_string())
      throw UserError(msg(path, ": __metadata__ entry '", short_quote(key), "' is not a string"));
    metadata[key] = item.get<std::string>();
  }
  return metadata;
}

TensorEntry parse_entry(const std::string& path, const std::string& name, const json& value,
                        uint64_t data_bytes) {
  const std::string where = msg(path, ": tensor '", short_quote(name), "': ");
  if (!value.is_object()) throw UserError(where + "entry is not an object");
  TensorEntry entry;
  entry.name = name;

  const auto dtype = value.find("dtype");
  if (dtype == value.end() || !dtype->is_string()) throw UserError(where + "no dtype string");
  const std::string dtype_name = dtype->get<std::string>();
  if (dtype_name == "F32")
    entry.dtype = Dtype::F32;
  else if (dtype_name == "F16")
    entry.dtype = Dtype::F16;
  else if (dtype_name == "BF16")
    entry.dtype = Dtype::BF16;
  else
    throw UserError(where + "unsupported dtype '" + short_quote(dtype_name) +
                    "' (F32, F16 and BF16 are read)");

  const auto shape = value.find("shape");
  if (shape == value.end() || !shape->is_array())
    throw UserError(where + "shape is missing or not an array");
  const uint64_t element_limit = std::numeric_limits<uint64_t>::max() / dtype_bytes(entry.dtype);
  entry.element_count = 1;
  for (const json& dim : *shape) {
    uint64_t size = 0;
    if (!get_unsigned(dim, size) || size > uint64_t(std::numeric_limits<int64_t>::max()))
      throw UserError(where + "shape entry " + describe_json_value(dim) +
                      " is not a non-negative integer");
    if (size != 0 && entry.element_count > element_limit / size)
      throw UserError(where + "shape has too many elements");
    entry.element_count *= size;
    entry.shape.push_back(int64_t(size));
  }

  const auto offsets = value.find("data_offsets");
  if (offsets == value.end() || !offsets->is_array() || offsets->size() != 2 ||
      !get_unsigned((*offsets)[0], entry.begin) || !get_unsigned((*offsets)[1], entry.end))
    throw UserError(where + "data_offsets must be [begin, end] with non-negative integers");
  if (entry.begin > entry.end)
    throw UserError(where + "data_offsets begin " + std::to_string(entry.begin) + " is after end " +
                    std::to_string(entry.end));
  if (entry.end > data_bytes)
    throw UserError(where + "data_offsets end " + std::to_string(entry.end) +
                    " is beyond the data region of " + std::to_string(data_bytes) +
                    " bytes (file truncated?)");
  const uint64_t needed = entry.element_count * dtype_bytes(entry.dtype);
  if (entry.end - entry.begin != needed)
    throw UserError(where + "data_offsets hold " + std::to_string(entry.end - entry.begin) +
                    " bytes but " + dtype_name + " shape " + shape_text(entry.shape) + " needs " +
                    std::to_string(needed));
  return entry;
}

void check_no_overlap(const std::string& path, std::vector<TensorEntry>& entries) {
  std::sort(entries.begin(), entries.end(), [](const TensorEntry& a, const TensorEntry& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  const TensorEntry* previous = nullptr;
  for (const TensorEntry& entry : entries) {
    if (entry.begin == entry.end) continue;  // an empty tensor occupies no bytes
    if (previous && entry.begin < previous->end)
      throw UserError(msg(path, ": tensors '", previous->name, "' and '", entry.name,
                          "' overlap (bytes [", previous->begin, ",", previous->end, ") and [",
                          entry.begin, ",", entry.end, "))"));
    previous = &entry;
  }
}

void read_exactly(std::FILE* file, const std::string& path, const std::string& what, void* out,
                  size_t bytes) {
  if (bytes != 0 && std::fread(out, 1, bytes, file) != bytes)
    throw UserError(msg(path, ": cannot read ", what,
                        std::ferror(file) ? msg(": ", std::strerror(errno)) : " (file truncated)"));
}

void seek_to(std::FILE* file, const std::string& path, uint64_t offset) {
  if (fseeko(file, off_t(offset), SEEK_SET) != 0)
    throw UserError(msg(path, ": cannot seek to byte ", offset, ": ", std::strerror(errno)));
}

// Reads one tensor's bytes straight into its float vector (F32) or through a bounded
// conversion buffer (F16, BF16).
HostTensor read_tensor(std::FILE* file, const std::string& path, uint64_t data_start,
                       const TensorEntry& entry) {
  HostTensor tensor;
  tensor.shape = entry.shape;
  tensor.data.resize(entry.element_count);
  seek_to(file, path, data_start + entry.begin);
  const std::string what = "tensor '" + entry.name + "'";
  if (entry.dtype == Dtype::F32) {
    read_exactly(file, path, what, tensor.data.data(), entry.element_count * sizeof(float));
    return tensor;
  }
  constexpr size_t kChunk = size_t(1) << 20;
  std::vector<uint16_t> halves(std::min<uint64_t>(kChunk, entry.element_count));
  for (uint64_t done = 0; done < entry.element_count; done += halves.size()) {
    const size_t count = size_t(std::min<uint64_t>(halves.size(), entry.element_count - done));
    read_exactly(file, path, what, halves.data(), count * sizeof(uint16_t));
    float* out = tensor.data.data() + done;
    if (entry.dtype == Dtype::F16)
      for (size_t i = 0; i < count; ++i) out[i] = f16_to_float(halves[i]);
    else
      for (size_t i = 0; i < count; ++i) out[i] = bf16_to_float(halves[i]);
  }
  return tensor;
}

}  // namespace

SafetensorsFile read_safetensors(const std::string& path) {
  return read_safetensors(path, [](const std::string&) { return true; });
}

SafetensorsFile read_safetensors(const std::string& path,
                                 const std::function<bool(const std::string&)>& wanted) {
  FilePtr file(std::fopen(path.c_str(), "rb"));
  if (!file) throw UserError(msg(path, ": cannot open weights file: ", std::strerror(errno)));
  struct stat info {};
  if (fstat(fileno(file.get()), &info) != 0 || !S_ISREG(info.st_mode))
    throw UserError(msg(path, ": not a regular file"));
  const uint64_t file_bytes = uint64_t(info.st_size);
  if (file_bytes < 8)
    throw UserError(msg(path, ": too short for a safetensors file (", file_bytes, " bytes)"));

  unsigned char length_bytes[8];
  read_exactly(file.get(), path, "the header length", length_bytes, 8);
  uint64_t header_bytes = 0;
  for (int i = 7; i >= 0; --i) header_bytes = (header_bytes << 8) | length_bytes[i];
  if (header_bytes > kMaxHeaderBytes)
    throw UserError(msg(path, ": safetensors header length ", header_bytes,
                        " exceeds the limit of ", kMaxHeaderBytes, " bytes"));
  if (header_bytes > file_bytes - 8)
    throw UserError(msg(path, ": safetensors header length ", header_bytes,
                        " runs past the end of the file (", file_bytes, " bytes)"));

  std::string header_text(size_t(header_bytes), '\0');
  read_exactly(file.get(), path, "the header", header_text.data(), header_text.size());
  const json header = parse_header_json(path, header_text);
  header_text = std::string();

  const uint64_t data_start = 8 + header_bytes;
  const uint64_t data_bytes = file_bytes - data_start;
  SafetensorsFile result;
  std::vector<TensorEntry> entries;
  for (const auto& [key, value] : header.items()) {
    if (key == kMetadataKey)
      result.metadata = parse_metadata(path, value);
    else
      entries.push_back(parse_entry(path, key, value, data_bytes));
  }
  check_no_overlap(path, entries);  // also sorts by offset, so the reads below go forward

  for (const TensorEntry& entry : entries)
    if (wanted(entry.name))
      result.tensors.emplace(entry.name, read_tensor(file.get(), path, data_start, entry));
  return result;
}

void write_safetensors(const std::string& path, const std::map<std::string, std::string>& metadata,
                       const std::vector<TensorView>& tensors) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header[kMetadataKey] = metadata;
  uint64_t offset = 0;
  for (const TensorView& tensor : tensors) {
    NSRG_CHECK(!tensor.name.empty() && tensor.name != kMetadataKey, "bad tensor name '",
               tensor.name, "'");
    NSRG_CHECK(!header.contains(tensor.name), "tensor '", tensor.name, "' given twice");
    uint64_t count = 1;
    for (int64_t size : tensor.shape) {
      NSRG_CHECK(size >= 0, "tensor '", tensor.name, "' has a negative dimension");
      count *= uint64_t(size);
    }
    NSRG_CHECK(count == 0 || tensor.data != nullptr, "tensor '", tensor.name, "' has no data");
    const uint64_t bytes = count * sizeof(float);
    header[tensor.name] = {
        {"dtype", "F32"}, {"shape", tensor.shape}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string header_text;
  try {
    header_text = header.dump();
  } catch (const nlohmann::ordered_json::exception&) {
    throw UserError(msg(path, ": a tensor name or metadata value is not valid UTF-8"));
  }
  // Pad with spaces so the data region starts at a multiple of 8 bytes.
  header_text.append((8 - header_text.size() % 8) % 8, ' ');

  write_file_atomically(path, [&](std::FILE* file) {
    const auto put = [&](const void* bytes, size_t size) {
      if (size != 0 && std::fwrite(bytes, 1, size, file) != size)
        throw UserError(msg(path, ": write failed: ", std::strerror(errno)));
    };
    unsigned char length_bytes[8];
    for (int i = 0; i < 8; ++i) length_bytes[i] = uint8_t(uint64_t(header_text.size()) >> (8 * i));
    put(length_bytes, 8);
    put(header_text.data(), header_text.size());
    for (const TensorView& tensor : tensors) {
      size_t count = 1;
      for (int64_t size : tensor.shape) count *= size_t(size);
      put(tensor.data, count * sizeof(float));
    }
  });
}

}  // namespace nsrg
