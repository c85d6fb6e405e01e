// A PyTorch checkpoint file (torch.save output) opened for conversion: its format detected
// (the zip format of PyTorch >= 1.6, or the legacy pickle-stream format), its pickle read
// with the strict subset reader, the state_dict's tensors listed, and storage bytes read on
// demand with every size checked against the file.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tools/convert_torch/pickle_value.h"

namespace nsrg {

struct NamedTensor {
  std::string name;
  TensorRecord record;
};

struct StateDict {
  std::vector<NamedTensor> tensors;             // in file order
  std::vector<std::string> non_tensor_entries;  // keys whose values are not tensors
  std::string nested_under;  // "state_dict" when the tensors were found under that key
};

class CheckpointReader {
 public:
  virtual ~CheckpointReader() = default;
  // Detects the format from the first bytes and reads the pickle(s). UserError
  // "<path>: <reason>" for anything that is not a state_dict checkpoint we can read.
  static std::unique_ptr<CheckpointReader> open(const std::string& path);

  const std::string& path() const { return path_; }
  const std::string& format() const { return format_; }  // "zip" or "legacy"
  const StateDict& state_dict() const { return state_dict_; }
  // The storage's stored bytes for `storage` (its view, for a legacy view): numel *
  // element_size bytes, checked against what the file holds.
  virtual std::vector<uint8_t> storage_bytes(const StorageRef& storage) const = 0;

 protected:
  CheckpointReader(std::string path, std::string format)
      : path_(std::move(path)), format_(std::move(format)) {}
  void take_state_dict(const PickleValue& root, const std::string& origin);

 private:
  std::string path_, format_;
  StateDict state_dict_;
};

std::unique_ptr<CheckpointReader> open_zip_checkpoint(const std::string& path);
std::unique_ptr<CheckpointReader> open_legacy_checkpoint(const std::string& path);

}  // namespace nsrg
