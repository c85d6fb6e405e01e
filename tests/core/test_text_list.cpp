// joined() (engine/core/text_list.h): lists in messages, notes and headers.
#include <gtest/gtest.h>

#include "engine/core/text_list.h"

namespace nsrg {
namespace {

TEST(TextList, JoinsWithCommaAndSpaceByDefault) {
  EXPECT_EQ(joined({}), "");
  EXPECT_EQ(joined({"fc6"}), "fc6");
  EXPECT_EQ(joined({"fc6", "fc7", "fc8"}), "fc6, fc7, fc8");
}

TEST(TextList, KeepsEmptyItemsAndTakesAnySeparator) {
  EXPECT_EQ(joined({"", "b"}), ", b");
  EXPECT_EQ(joined({"relu4_2", "relu5_2"}, "+"), "relu4_2+relu5_2");
}

}  // namespace
}  // namespace nsrg
