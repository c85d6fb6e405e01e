// The values a torch checkpoint's pickle may build: Python scalars, strings, tuples, lists
// and dicts, plus the two torch objects a state_dict holds (storage references and tensor
// records). Nothing else can be represented, so nothing else can be loaded. A Pickle owns
// all the values one read built; a bounded walk measures their shape.
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
  std::string text;  // String; Global: "module.name"; BigInt: its little-endian bytes
  // Tuple, List; Dict (in insertion order). The values pointed to belong to the same Pickle.
  std::vector<const PickleValue*> items;
  std::vector<std::pair<const PickleValue*, const PickleValue*>> entries;
  std::shared_ptr<const StorageRef> storage;   // Storage
  std::shared_ptr<const TensorRecord> tensor;  // Tensor
  int depth = 1;                               // nesting depth (containers: 1 + their deepest item)
  // Set once the value is inside another one; a frozen list or dict cannot change, and no
  // value may be put inside itself, so no value can ever contain itself.
  bool frozen = false;
};

// One pickle as read: every value it built, owned here and freed together whatever they
// point to (so no shape they form can leak), and the root value.
class Pickle {
 public:
  Pickle() = default;
  Pickle(Pickle&&) = default;
  Pickle& operator=(Pickle&&) = default;

  // A new value, owned by this pickle until it is destroyed.
  PickleValue& add(PickleValue::Kind kind);
  size_t value_count() const { return values_.size(); }
  void set_root(const PickleValue& root) { root_ = &root; }
  const PickleValue& root() const;

 private:
  std::vector<std::unique_ptr<PickleValue>> values_;
  const PickleValue* root_ = nullptr;
};

// What a walk over a value and everything inside it found. The walk visits each value once
// (a value the memo shares counts once) and goes at most `max_depth` levels down, so it
// ends on any input, a value that contains itself included.
struct PickleShape {
  size_t values = 0;             // distinct values reached
  int depth = 0;                 // levels below and including the root (a scalar: 1)
  bool contains_itself = false;  // some value was reached again inside itself
  bool too_deep = false;         // values more than max_depth levels down were not visited
};
PickleShape measure_shape(const PickleValue& root, int max_depth);

// "a tuple of 3", "the string 'x'", ... for one-line messages.
std::string describe(const PickleValue& value);

}  // namespace nsrg
