// Tensor layouts read from a pickle are checked against the storage before any data is
// touched: dtype, negative sizes or strides, elements past the end, index overflow.
#include <gtest/gtest.h>

#include "tests/weights/weights_test_util.h"
#include "tools/convert_torch/tensor_data.h"

namespace nsrg {
namespace {

using test::contains;
using test::user_error_of;

NamedTensor tensor(const std::string& type, int64_t numel, int64_t offset,
                   std::vector<int64_t> shape, std::vector<int64_t> stride) {
  auto storage = std::make_shared<StorageRef>();
  storage->type = type;
  storage->element_size = 4;
  storage->numel = storage->root_numel = numel;
  return {"w", TensorRecord{storage, offset, std::move(shape), std::move(stride)}};
}

std::string layout_error(const NamedTensor& t) {
  return user_error_of([&] { check_tensor_layout("m.pth", t); });
}

TEST(TensorLayout, AcceptsWhatFitsTheStorage) {
  check_tensor_layout("m.pth", tensor("FloatStorage", 6, 0, {2, 3}, {3, 1}));
  check_tensor_layout("m.pth", tensor("FloatStorage", 6, 0, {3, 2}, {1, 3}));  // transposed
  check_tensor_layout("m.pth", tensor("HalfStorage", 6, 5, {4}, {0}));         // expanded
  check_tensor_layout("m.pth", tensor("FloatStorage", 0, 0, {0, 3}, {3, 1}));  // empty
  check_tensor_layout("m.pth", tensor("FloatStorage", 1, 0, {}, {}));          // scalar
}

TEST(TensorLayout, RefusesWhatDoesNot) {
  const struct {
    NamedTensor tensor;
    const char* expected;
  } cases[] = {
      {tensor("FloatStorage", 6, 1, {2, 3}, {3, 1}), "reaches element 6 of a storage of 6"},
      {tensor("FloatStorage", 6, 0, {3, 3}, {1, 3}), "reaches element 8"},
      {tensor("FloatStorage", 6, -1, {2}, {1}), "negative storage offset"},
      {tensor("FloatStorage", 6, 0, {2, -3}, {3, 1}), "negative size or stride"},
      {tensor("FloatStorage", 6, 5, {2}, {-1}), "negative size or stride"},
      {tensor("FloatStorage", 6, 0, {int64_t(1) << 40, 3}, {int64_t(1) << 40, 1}), "overflow"},
      {tensor("FloatStorage", 0, 0, {int64_t(1) << 40, int64_t(1) << 40, 0}, {0, 0, 0}),
       "too many elements"},
      {tensor("DoubleStorage", 6, 0, {6}, {1}),
       "is stored as DoubleStorage; only float32 (FloatStorage) and float16"},
  };
  for (const auto& bad : cases) {
    const std::string error = layout_error(bad.tensor);
    EXPECT_TRUE(contains(error, "m.pth: tensor 'w'")) << error;
    EXPECT_TRUE(contains(error, bad.expected)) << error;
  }
}

}  // namespace
}  // namespace nsrg
