// Tiled evaluation (StyleObjective::set_tile_size) against the whole-image evaluation of the
// same image on the CPU: the losses and the gradient, at several tile sizes (tiles smaller
// than the receptive field included), odd image sizes, max and average pooling, floor and
// Caffe ceil-mode pooling, with and without normalize_gradients (each loss's gradient divided
// by its whole-image L1 norm, which the tiles sum in a norm pass). The tolerance is measured, not
// guessed: the whole-image evaluation run again with the Grams' pixels added in another order
// (BackendOptions::gram_tile_depth) shows how far float32 summation order alone moves the loss and
// the gradient, and the tiled evaluation, which only adds the same terms in another order, must
// stay within a margin of it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "engine/cpu/cpu_backend.h"
#include "tests/engine/tiled_objective_support.h"

namespace nsrg {
namespace {

using namespace nsrg::testing;

// How far the tiled evaluation may sit from the whole one, in multiples of the measured
// rounding spread: the tiles add each Gram's pixels in other groups (like another Gram partial
// depth) and, in the backward pass, a halo pixel's terms in two or more tiles' sums. Measured:
// the tiled gradient's difference is 1.1 to 1.6 times the reference spread.
constexpr double kRoundingMargin = 5.0;
// The loss slots are float32, so a loss is only resolved to one float32 ulp (2^-23 relative
// at most): the reference spread of a loss can be 0 (both orders round to the same float),
// and the loss tolerance is taken from at least that ulp.
constexpr double kFloatUlp = 1.0 / double(1 << 23);

class TiledObjective : public ::testing::TestWithParam<TiledCase> {};

TEST_P(TiledObjective, EqualsTheWholeImageUpToSummationOrder) {
  const TiledCase& c = GetParam();
  auto backend = make_cpu_backend();
  BackendOptions other_order;
  other_order.gram_tile_depth = 5;
  auto other_backend = make_cpu_backend(other_order);
  const Evaluation whole = evaluate_case(*backend, c, 0);
  const Evaluation reordered = evaluate_case(*other_backend, c, 0);
  const double loss_spread = relative(reordered.losses.total, whole.losses.total);
  const double gradient_spread = relative_l2(reordered.gradient, whole.gradient);
  std::printf("%s: loss %.9g; rounding spread: loss %.3g, gradient %.3g\n", c.name,
              whole.losses.total, loss_spread, gradient_spread);
  ASSERT_GT(gradient_spread, 0.0) << "the other summation order changed nothing";
  const double loss_tolerance = kRoundingMargin * std::max(loss_spread, kFloatUlp);
  for (const int tile_size : c.tile_sizes) {
    const Evaluation tiled = evaluate_case(*backend, c, tile_size);
    const double loss_difference = relative(tiled.losses.total, whole.losses.total);
    const double gradient_difference = relative_l2(tiled.gradient, whole.gradient);
    std::printf("  tile %d: loss %.3g (content %.3g, style %.3g, tv %.3g), gradient %.3g\n",
                tile_size, loss_difference, relative(tiled.losses.content, whole.losses.content),
                relative(tiled.losses.style, whole.losses.style),
                relative(tiled.losses.tv, whole.losses.tv), gradient_difference);
    EXPECT_LE(loss_difference, loss_tolerance) << "tile " << tile_size;
    EXPECT_LE(relative(tiled.losses.content, whole.losses.content), loss_tolerance)
        << "tile " << tile_size;
    EXPECT_LE(relative(tiled.losses.style, whole.losses.style), loss_tolerance)
        << "tile " << tile_size;
    EXPECT_EQ(tiled.losses.tv, whole.losses.tv) << "total variation is a whole-image term";
    EXPECT_LE(gradient_difference, kRoundingMargin * gradient_spread) << "tile " << tile_size;
  }
}

// Up to relu3_1 (stride 4, halo 12): content relu2_2 on a 41 x 53 image, whose crops the
// halos cut at every tile size.
TiledCase up_to_relu3_1(const char* name, PoolKind pooling, bool ceil_mode,
                        std::vector<int> tile_sizes) {
  return {name, "relu3_1", "relu2_2", {"relu1_1", "relu2_1", "relu3_1"}, pooling, ceil_mode,
          41,   53,        tile_sizes};
}

// Up to relu5_1 (stride 16, halo 80, a receptive field of 156 px): content relu4_2.
TiledCase up_to_relu5_1(const char* name, PoolKind pooling, bool ceil_mode, int height, int width,
                        std::vector<int> tile_sizes) {
  return {name,      "relu5_1", "relu4_2", {"relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"},
          pooling,   ceil_mode, height,    width,
          tile_sizes};
}

// Tiles from one stride (4 px, 16 px: far below the receptive field) to larger than the image;
// at relu5_1 a small image (every crop the whole image) and a 203 x 181 one (crops cut).
// normalize_gradients at both depths, crops cut.
TiledCase normalized(TiledCase c, const char* name) {
  c.name = name;
  c.normalize_gradients = true;
  return c;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TiledObjective,
    ::testing::Values(up_to_relu3_1("relu3_1_max_floor", PoolKind::Max, false, {4, 20, 64}),
                      up_to_relu3_1("relu3_1_max_ceil", PoolKind::Max, true, {12, 28}),
                      up_to_relu3_1("relu3_1_avg_ceil", PoolKind::Average, true, {8, 28}),
                      up_to_relu5_1("relu5_1_small", PoolKind::Max, true, 47, 65, {16}),
                      up_to_relu5_1("relu5_1_max_ceil", PoolKind::Max, true, 203, 181, {48}),
                      up_to_relu5_1("relu5_1_avg_floor", PoolKind::Average, false, 203, 181, {80}),
                      normalized(up_to_relu3_1("", PoolKind::Max, true, {4, 28}),
                                 "relu3_1_max_ceil_normalized"),
                      normalized(up_to_relu5_1("", PoolKind::Max, true, 203, 181, {80}),
                                 "relu5_1_max_ceil_normalized")),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace nsrg
