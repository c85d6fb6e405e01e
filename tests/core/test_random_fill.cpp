// fill_normals against the element-wise reference stream.normal(i) * scale: the same bits
// for every length (whole and partial last blocks) and an offset-free start.
#include <gtest/gtest.h>

#include <vector>

#include "engine/core/random_fill.h"

namespace nsrg {
namespace {

TEST(FillNormals, MatchesElementwiseDrawsBitForBit) {
  const RandomStream stream{77, 2, 5, RandomPurpose::Test};
  for (size_t count : {size_t(0), size_t(1), size_t(3), size_t(4), size_t(7), size_t(100003)}) {
    std::vector<float> bulk(count + 1, -123.0f);
    fill_normals(stream, 0.5f, bulk.data(), count);
    for (size_t i = 0; i < count; ++i) {
      ASSERT_EQ(bulk[i], stream.normal(i) * 0.5f) << "count " << count << " element " << i;
    }
    EXPECT_EQ(bulk[count], -123.0f) << "wrote past the end, count " << count;
  }
}

}  // namespace
}  // namespace nsrg
