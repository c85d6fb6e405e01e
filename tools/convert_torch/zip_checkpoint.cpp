// The zip format of torch.save (PyTorch >= 1.6): <dir>/data.pkl holds the pickle, and each
// storage is the entry <dir>/data/<key>, raw little-endian; <dir>/byteorder (newer files)
// must say "little".
#include <algorithm>

#include "engine/core/error.h"
#include "engine/core/utf8.h"
#include "tools/convert_torch/checkpoint_reader.h"
#include "tools/convert_torch/pickle_reader.h"
#include "tools/convert_torch/zip_archive.h"

namespace nsrg {
namespace {

constexpr uint64_t kMaxPickleBytes = uint64_t(64) << 20;

class ZipCheckpoint : public CheckpointReader {
 public:
  explicit ZipCheckpoint(const std::string& path) : CheckpointReader(path, "zip"), zip_(path) {
    std::string pickle_name;
    for (const std::string& name : zip_.names()) {
      const size_t slash = name.find('/');
      if (slash == std::string::npos || name.compare(slash, std::string::npos, "/data.pkl") != 0)
        continue;
      if (!pickle_name.empty())
        throw UserError(msg(path, ": the zip archive holds two pickles, '",
                            short_quote(pickle_name), "' and '", short_quote(name), "'"));
      pickle_name = name;
      prefix_ = name.substr(0, slash + 1);
    }
    if (pickle_name.empty())
      throw UserError(msg(path, ": a zip archive without <name>/data.pkl, not a torch.save file"));
    const std::string byteorder = prefix_ + "byteorder";
    if (zip_.contains(byteorder)) {
      const std::vector<uint8_t> order = zip_.read(byteorder, UINT64_MAX, 16);
      if (std::string(order.begin(), order.end()) != "little")
        throw UserError(msg(path,
                            ": the tensors are stored big-endian; only little-endian "
                            "files convert"));
    }
    const std::vector<uint8_t> pickle = zip_.read(pickle_name, UINT64_MAX, kMaxPickleBytes);
    const std::string origin = path + ": " + short_quote(pickle_name);
    size_t used = 0;
    const Pickle values = read_pickle(pickle.data(), pickle.size(), origin, &used);
    if (used != pickle.size())
      throw UserError(msg(origin, " has ", pickle.size() - used, " bytes after its end"));
    take_state_dict(values.root(), origin);
  }

  std::vector<uint8_t> storage_bytes(const StorageRef& storage) const override {
    if (storage.view_offset != 0 || storage.numel != storage.root_numel)
      throw UserError(msg(path(), ": storage '", short_quote(storage.key),
                          "' is a storage view, which the zip format never writes"));
    uint64_t bytes = 0;
    if (__builtin_mul_overflow(uint64_t(storage.numel), uint64_t(storage.element_size), &bytes))
      throw UserError(msg(path(), ": storage '", short_quote(storage.key), "' is too large"));
    const std::string name = prefix_ + "data/" + storage.key;
    if (!zip_.contains(name))
      throw UserError(msg(path(), ": the zip archive has no storage entry '", short_quote(name),
                          "' for storage '", short_quote(storage.key), "'"));
    return zip_.read(name, bytes);
  }

 private:
  ZipArchive zip_;
  std::string prefix_;
};

}  // namespace

std::unique_ptr<CheckpointReader> open_zip_checkpoint(const std::string& path) {
  return std::make_unique<ZipCheckpoint>(path);
}

}  // namespace nsrg
