// The Pickle that owns one read's values, and the bounded walk over a value's contents.
#include "tools/convert_torch/pickle_value.h"

#include <algorithm>
#include <unordered_map>

#include "engine/core/error.h"

namespace nsrg {

PickleValue& Pickle::add(PickleValue::Kind kind) {
  values_.push_back(std::make_unique<PickleValue>());
  values_.back()->kind = kind;
  return *values_.back();
}

const PickleValue& Pickle::root() const {
  NSRG_CHECK(root_ != nullptr, "a Pickle without a root value");
  return *root_;
}

namespace {

// Depth first, remembering each value's depth once it is known (a shared value is walked
// once) and marking the values on the current path (a value met again there contains
// itself).
class ShapeWalk {
 public:
  explicit ShapeWalk(int max_depth) : max_depth_(max_depth) {}

  PickleShape run(const PickleValue& root) {
    shape_.depth = depth_of(root, 1);
    shape_.values = depths_.size();
    return shape_;
  }

 private:
  static constexpr int kOnPath = -1;

  int depth_of(const PickleValue& value, int level) {
    if (level > max_depth_) {
      shape_.too_deep = true;
      return 0;
    }
    const auto [known, added] = depths_.emplace(&value, kOnPath);
    if (!added) {
      if (known->second == kOnPath) shape_.contains_itself = true;
      return std::max(known->second, 0);
    }
    int depth = 1;
    for (const PickleValue* item : value.items)
      depth = std::max(depth, 1 + depth_of(*item, level + 1));
    for (const auto& [key, item] : value.entries) {
      depth = std::max(depth, 1 + depth_of(*key, level + 1));
      depth = std::max(depth, 1 + depth_of(*item, level + 1));
    }
    depths_[&value] = depth;
    return depth;
  }

  const int max_depth_;
  PickleShape shape_;
  std::unordered_map<const PickleValue*, int> depths_;
};

}  // namespace

PickleShape measure_shape(const PickleValue& root, int max_depth) {
  return ShapeWalk(max_depth).run(root);
}

}  // namespace nsrg
