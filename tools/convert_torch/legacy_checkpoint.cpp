// The legacy format of torch.save (before PyTorch 1.6, or _use_new_zipfile_serialization=
// False): five pickles in a row (magic number, protocol version 1001, system info, the
// object, the list of storage keys), then each listed storage as an 8-byte little-endian
// element count followed by its raw little-endian elements.
#include <cstring>
#include <fstream>
#include <map>

#include "engine/core/error.h"
#include "engine/core/utf8.h"
#include "tools/convert_torch/checkpoint_reader.h"
#include "tools/convert_torch/pickle_reader.h"

namespace nsrg {
namespace {

// The pickles come first and are small (a VGG state_dict's is a few KB).
constexpr uint64_t kMaxPickleBytes = uint64_t(16) << 20;
constexpr int64_t kProtocolVersion = 1001;

struct StoredStorage {
  uint64_t data_offset = 0;  // of the first element
  int64_t numel = 0;
  int element_size = 0;
};

class LegacyCheckpoint : public CheckpointReader {
 public:
  explicit LegacyCheckpoint(const std::string& path)
      : CheckpointReader(path, "legacy"), file_(path, std::ios::binary) {
    if (!file_) throw UserError(msg(path, ": cannot open the file"));
    file_.seekg(0, std::ios::end);
    file_size_ = uint64_t(file_.tellg());
    std::vector<uint8_t> head(size_t(std::min(file_size_, kMaxPickleBytes)));
    read_at(0, head.data(), head.size(), "the pickles");

    size_t offset = 0;
    const auto next_pickle = [&](const char* what) {
      size_t used = 0;
      Pickle pickle =
          read_pickle(head.data() + offset, head.size() - offset, path + ": " + what, &used);
      offset += used;
      return pickle;
    };
    next_pickle("the magic number");  // its bytes were checked by CheckpointReader::open
    const Pickle protocol = next_pickle("the protocol version");
    if (protocol.root().kind != PickleValue::Kind::Int ||
        protocol.root().integer != kProtocolVersion)
      throw UserError(msg(path, ": legacy protocol version is not ", kProtocolVersion));
    check_system_info(next_pickle("the system info").root());
    const Pickle root = next_pickle("the pickled object");
    const Pickle keys = next_pickle("the storage key list");
    take_state_dict(root.root(), path);
    index_storages(keys.root(), offset);
  }

  std::vector<uint8_t> storage_bytes(const StorageRef& storage) const override {
    const auto found = stored_.find(storage.key);
    if (found == stored_.end())
      throw UserError(msg(path(), ": storage '", short_quote(storage.key), "' is not in the file"));
    const StoredStorage& stored = found->second;
    if (stored.numel != storage.root_numel || stored.element_size != storage.element_size)
      throw UserError(msg(path(), ": storage '", short_quote(storage.key), "' holds ", stored.numel,
                          " elements, the pickle says ", storage.root_numel));
    std::vector<uint8_t> bytes(size_t(storage.numel) * size_t(storage.element_size));
    read_at(stored.data_offset + uint64_t(storage.view_offset) * uint64_t(storage.element_size),
            bytes.data(), bytes.size(), "storage '" + short_quote(storage.key) + "'");
    return bytes;
  }

 private:
  void read_at(uint64_t offset, void* data, size_t size, const std::string& what) const {
    if (offset > file_size_ || size > file_size_ - offset)
      throw UserError(msg(path(), ": ", what, " runs past the end of the file"));
    file_.clear();
    file_.seekg(std::streamoff(offset));
    file_.read(static_cast<char*>(data), std::streamsize(size));
    if (!file_) throw UserError(msg(path(), ": reading ", what, " failed"));
  }

  void check_system_info(const PickleValue& info) const {
    if (info.kind == PickleValue::Kind::Dict)
      for (const auto& [key, value] : info.entries)
        if (key->kind == PickleValue::Kind::String && key->text == "little_endian") {
          if (value->kind == PickleValue::Kind::Bool && value->boolean) return;
          throw UserError(msg(path(),
                              ": the tensors are stored big-endian; only little-endian "
                              "files convert"));
        }
    throw UserError(msg(path(), ": the legacy system info does not say the byte order"));
  }

  // Walks the stored storages after the pickles; element sizes come from the tensors'
  // storage types (torch lists exactly the storages its tensors use).
  void index_storages(const PickleValue& keys, uint64_t offset) {
    std::map<std::string, int> element_sizes;
    for (const NamedTensor& tensor : state_dict().tensors) {
      const StorageRef& storage = *tensor.record.storage;
      const auto [it, added] = element_sizes.emplace(storage.key, storage.element_size);
      if (!added && it->second != storage.element_size)
        throw UserError(msg(path(), ": storage '", short_quote(storage.key),
                            "' is used with two element types"));
    }
    if (keys.kind != PickleValue::Kind::List)
      throw UserError(msg(path(), ": the storage key list is ", describe(keys)));
    for (const PickleValue* key : keys.items) {
      if (key->kind != PickleValue::Kind::String)
        throw UserError(msg(path(), ": a storage key is ", describe(*key)));
      const auto size = element_sizes.find(key->text);
      if (size == element_sizes.end())
        throw UserError(msg(path(), ": storage '", short_quote(key->text),
                            "' is stored but no tensor uses it"));
      uint8_t count_bytes[8];
      read_at(offset, count_bytes, 8, "the size of storage '" + short_quote(key->text) + "'");
      uint64_t count = 0;
      for (int i = 0; i < 8; ++i) count |= uint64_t(count_bytes[i]) << (8 * i);
      offset += 8;
      const uint64_t left = file_size_ - offset;
      if (count > left / uint64_t(size->second))
        throw UserError(msg(path(), ": storage '", short_quote(key->text), "' of ", count,
                            " elements runs past the end of the file (truncated?)"));
      if (!stored_.emplace(key->text, StoredStorage{offset, int64_t(count), size->second}).second)
        throw UserError(msg(path(), ": storage '", short_quote(key->text), "' is stored twice"));
      offset += count * uint64_t(size->second);
    }
    if (offset != file_size_)
      throw UserError(msg(path(), ": ", file_size_ - offset, " bytes follow the last storage"));
  }

  mutable std::ifstream file_;
  uint64_t file_size_ = 0;
  std::map<std::string, StoredStorage> stored_;
};

}  // namespace

std::unique_ptr<CheckpointReader> open_legacy_checkpoint(const std::string& path) {
  return std::make_unique<LegacyCheckpoint>(path);
}

}  // namespace nsrg
