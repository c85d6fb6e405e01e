// Helpers of the CUDA tests that render through a RenderSession on both backends: the total
// losses of a stage's history, and the mean absolute difference of two saved images.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine/image/image.h"
#include "engine/output/run_record.h"

namespace nsrg::test {

// The total loss of every recorded evaluation of a stage (print_iter = 1 records them all).
inline std::vector<double> totals(const std::vector<HistoryEntry>& history) {
  std::vector<double> result;
  for (const HistoryEntry& entry : history) result.push_back(entry.losses.total);
  return result;
}

// Mean |a - b| over every value of two images of one size (values in [0, 1]).
inline double mean_abs_difference(const Image& a, const Image& b) {
  EXPECT_EQ(a.rgb.size(), b.rgb.size());
  double sum = 0.0;
  for (size_t i = 0; i < a.rgb.size() && i < b.rgb.size(); ++i)
    sum += std::fabs(double(a.rgb[i]) - double(b.rgb[i]));
  return a.rgb.empty() ? 0.0 : sum / double(a.rgb.size());
}

}  // namespace nsrg::test
