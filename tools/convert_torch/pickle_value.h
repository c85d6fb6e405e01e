// The values a torch checkpoint's pickle may build: Python scalars, strings, tuples, lists
// and dicts, plus the two torch objects a state_dict holds (storage references and tensor
// records). Nothing else can be represented, so nothing else can be loaded.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace nsrg {

// A torch storage as the pickle names it (its bytes live elsewhere: a zip entry, or after
// the pickles in the legacy format).
struct StorageRef {
  std::string type;        // "FloatStorage", "HalfStorage", ... (the global's name)
  int element_size = 0;    // bytes per element of `type`
  std::string key;         // the zip entry data/<key>, or the legacy format's storage key
  std::string location;    // "cpu", "cuda:0", ...
  int64_t root_numel = 0;  // elements of the stored storage, as the pickle says
  // Legacy storage views: `numel` elements from `view_offset` of the stored storage (the
  // whole of it, numel == root_numel, otherwise).
  int64_t numel = 0;
  int64_t view_offset = 0;
};

// A tensor: `shape` and `stride` (in elements) over a storage, from `offset`.
struct TensorRecord {
  std::shared_ptr<const StorageRef> storage;
  int64_t offset = 0;
  std::vector<int64_t> shape, stride;
};

struct PickleValue;
using PickleRef = std::shared_ptr<PickleValue>;

struct PickleValue {
  enum class Kind {
    None,
    Bool,
    Int,
    BigInt,
    Float,
    String,
    Tuple,
    List,
    Dict,
    Global,
    Storage,
    Tensor
  };
  Kind kind = Kind::None;
  bool boolean = false;
  int64_t integer = 0;
  double real = 0;
  std::string text;              // String; Global: "module.name"; BigInt: its little-endian bytes
  std::vector<PickleRef> items;  // Tuple, List
  std::vector<std::pair<PickleRef, PickleRef>> entries;  // Dict, in insertion order
  std::shared_ptr<const StorageRef> storage;             // Storage
  std::shared_ptr<const TensorRecord> tensor;            // Tensor
  int depth = 1;  // nesting depth (containers: 1 + their deepest item)
  // Set once the value is inside another one; a frozen list or dict cannot change, so no
  // value can ever contain itself.
  bool frozen = false;
};

// "a tuple of 3", "the string 'x'", ... for one-line messages.
std::string describe(const PickleValue& value);

}  // namespace nsrg
