// CheckpointReader::open: format detection by magic bytes, and the state_dict found in the
// pickle's root value (a dict of tensors, or such a dict under "state_dict" / "model").
#include "tools/convert_torch/checkpoint_reader.h"

#include <cstring>
#include <fstream>

#include "engine/core/error.h"
#include "engine/core/utf8.h"

namespace nsrg {
namespace {

// torch.save's legacy format starts with a pickle (protocol 2) of the magic number
// 0x1950a86a20f9469cfc6c as a 10-byte LONG1.
const uint8_t kLegacyStart[] = {0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c,
                                0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};

bool is_tensor_dict(const PickleValue& value) {
  if (value.kind != PickleValue::Kind::Dict) return false;
  for (const auto& [key, item] : value.entries)
    if (item->kind == PickleValue::Kind::Tensor) return true;
  return false;
}

}  // namespace

void CheckpointReader::take_state_dict(const PickleValue& root, const std::string& origin) {
  if (root.kind != PickleValue::Kind::Dict)
    throw UserError(
        msg(origin, " holds ", describe(root), ", not a state_dict (a dict of tensors)"));
  const PickleValue* dict = &root;
  if (!is_tensor_dict(root)) {
    for (const char* key : {"state_dict", "model"})
      for (const auto& [name, item] : root.entries)
        if (dict == &root && name->kind == PickleValue::Kind::String && name->text == key &&
            is_tensor_dict(*item)) {
          dict = item;
          state_dict_.nested_under = key;
        }
  }
  for (const auto& [key, item] : dict->entries) {
    const std::string name =
        key->kind == PickleValue::Kind::String ? key->text : std::to_string(key->integer);
    if (item->kind == PickleValue::Kind::Tensor)
      state_dict_.tensors.push_back({name, *item->tensor});
    else
      state_dict_.non_tensor_entries.push_back(name);
  }
  if (state_dict_.tensors.empty())
    throw UserError(msg(origin, " holds a dict of ", dict->entries.size(),
                        " entries and no tensors, not a state_dict"));
}

std::unique_ptr<CheckpointReader> CheckpointReader::open(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw UserError(msg(path, ": cannot open the file: ", std::strerror(errno)));
  char start[512] = {};
  file.read(start, sizeof start);
  const size_t got = size_t(file.gcount());
  if (got >= 4 && std::memcmp(start, "PK\x03\x04", 4) == 0) return open_zip_checkpoint(path);
  if (got >= sizeof kLegacyStart && std::memcmp(start, kLegacyStart, sizeof kLegacyStart) == 0)
    return open_legacy_checkpoint(path);
  if (got >= 262 && std::memcmp(start + 257, "ustar", 5) == 0)
    throw UserError(msg(path,
                        ": a tar archive (the checkpoint format of early PyTorch, 0.1.x) "
                        "is not supported; load it and torch.save it again with a newer "
                        "PyTorch"));
  throw UserError(msg(path,
                      ": not a PyTorch checkpoint (neither the zip format of torch.save "
                      "nor its legacy format)"));
}

}  // namespace nsrg
