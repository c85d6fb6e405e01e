// The network's reach (engine/net/tile_plan.h) against the architecture worked out by hand and
// against a brute-force probe: one pixel of the image changed, which positions of the deepest
// layer change (the built-in VGG-19); and the tiles' interiors partitioning the image.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "engine/core/philox.h"
#include "engine/cpu/cpu_backend.h"
#include "engine/net/network.h"
#include "engine/net/tile_plan.h"
#include "weights/model.h"

namespace nsrg {
namespace {

// By hand: relu5_1 follows conv1_1..conv5_1 (3x3, pad 1) with 1, 1, 2, 2, 4 x 4, 8 x 4 and
// 16 pixels between their input positions, and four 2x2 pools of stride 2 and no padding:
// 2*1 + 2*2 + 4*4 + 4*8 + 1*16 = 70 pixels on each side, stride 16, halo 80.
TEST(NetworkReach, Vgg19Relu51FromTheArchitecture) {
  const Model model = load_model("builtin:vgg19-random", "relu5_1");
  const NetworkReach reach = network_reach(model.layers, int(model.layers.size()) - 1);
  for (const AxisReach* axis : {&reach.rows, &reach.columns}) {
    EXPECT_EQ(axis->total_stride(), 16);
    EXPECT_EQ(axis->before, 70);
    EXPECT_EQ(axis->after, 70);
    EXPECT_EQ(axis->halo, 80);
  }
  const NetworkReach relu3_1 = network_reach(model.layers, 11);  // conv1_1 .. relu3_1
  EXPECT_EQ(model.layers[11].name, "relu3_1");
  EXPECT_EQ(relu3_1.rows.total_stride(), 4);
  EXPECT_EQ(relu3_1.rows.before, 10);  // 2*1 + 2*2 + 1*4
  EXPECT_EQ(relu3_1.rows.halo, 12);
}

// Which positions [first, last] of the deepest layer's rows and columns changed when the image
// pixel (row, column) changed, on the network of `model` with `pooling`.
struct ChangedSpan {
  int first_row = 1 << 30, last_row = -1, first_column = 1 << 30, last_column = -1;
};

ChangedSpan probe(const Model& model, PoolKind pooling, int size, int row, int column) {
  auto backend = make_cpu_backend();
  Network network(*backend, model, pooling);
  const Shape shape{1, 3, size, size};
  std::vector<float> image(shape.numel());
  const RandomStream stream{5, 0, 0, RandomPurpose::Test};
  for (size_t i = 0; i < image.size(); ++i) image[i] = 50.0f * stream.normal(i);
  const int last = network.layer_count() - 1;
  // The probe compares conv5_1's output (before its ReLU hides changes below zero).
  const int conv = last - 1;
  network.keep_output(conv);
  Tensor x = backend->from_host(shape, image.data());
  network.forward(x, last);
  const std::vector<float> before = backend->to_host(network.activation(conv));
  for (int c = 0; c < 3; ++c) image[(size_t(c) * size + row) * size + column] += 500.0f;
  backend->upload(image.data(), x);
  network.forward(x, last);
  const std::vector<float> after = backend->to_host(network.activation(conv));
  const Shape out = network.activation_shape(conv);
  ChangedSpan span;
  for (int k = 0; k < out.c; ++k)
    for (int i = 0; i < out.h; ++i)
      for (int j = 0; j < out.w; ++j) {
        const size_t index = (size_t(k) * out.h + i) * out.w + j;
        if (before[index] == after[index]) continue;
        span.first_row = std::min(span.first_row, i), span.last_row = std::max(span.last_row, i);
        span.first_column = std::min(span.first_column, j);
        span.last_column = std::max(span.last_column, j);
      }
  return span;
}

// A position o of stride S reads the pixels [o S - before, o S + S + after): the pixel p changes
// the positions with o S - before <= p < o S + S + after.
std::pair<int, int> predicted_positions(const AxisReach& axis, int pixel, int positions) {
  const int stride = axis.total_stride();
  int first = positions, last = -1;
  for (int o = 0; o < positions; ++o)
    if (o * stride - axis.before <= pixel && pixel < o * stride + stride + axis.after)
      first = std::min(first, o), last = std::max(last, o);
  return {first, last};
}

// Average pooling passes every change on, so the changed positions are exactly the predicted
// ones; max pooling may drop a change that does not win its window, so they lie inside.
TEST(NetworkReach, Vgg19Relu51AgainstAOnePixelProbe) {
  const Model model = load_model("builtin:vgg19-random", "relu5_1");
  const NetworkReach reach = network_reach(model.layers, int(model.layers.size()) - 1);
  const int size = 192, row = 101, column = 86;
  const int positions = size / 16;
  const auto rows = predicted_positions(reach.rows, row, positions);
  const auto columns = predicted_positions(reach.columns, column, positions);
  const ChangedSpan average = probe(model, PoolKind::Average, size, row, column);
  EXPECT_EQ(average.first_row, rows.first);
  EXPECT_EQ(average.last_row, rows.second);
  EXPECT_EQ(average.first_column, columns.first);
  EXPECT_EQ(average.last_column, columns.second);
  const ChangedSpan max = probe(model, PoolKind::Max, size, row, column);
  EXPECT_LE(max.last_row, rows.second);
  EXPECT_GE(max.first_row, rows.first);
  EXPECT_LE(max.last_column, columns.second);
  EXPECT_GE(max.first_column, columns.first);
  EXPECT_GE(max.last_row, max.first_row) << "the probe changed nothing";
}

TEST(TilePlan, InteriorsPartitionTheImageOnTheStrideWithHalosCutAtTheEdges) {
  const Model model = load_model("builtin:vgg19-random", "relu5_1");
  const NetworkReach reach = network_reach(model.layers, int(model.layers.size()) - 1);
  for (const int tile_size : {1, 16, 40, 48, 200}) {
    const int height = 197, width = 131;
    const TilePlan plan = plan_tiles(reach, height, width, tile_size);
    EXPECT_EQ(plan.tile_h % 16, 0);
    EXPECT_GE(plan.tile_h, 16);
    std::vector<int> covered(size_t(height) * width, 0);
    for (const Tile& tile : plan.tiles) {
      const Window& in = tile.interior;
      EXPECT_EQ(in.y % 16, 0);
      EXPECT_EQ(in.x % 16, 0);
      EXPECT_TRUE(in.y + in.h == height || in.h == plan.tile_h);
      EXPECT_TRUE(in.x + in.w == width || in.w == plan.tile_w);
      for (int i = in.y; i < in.y + in.h; ++i)
        for (int j = in.x; j < in.x + in.w; ++j) ++covered[size_t(i) * width + j];
      const Window& crop = tile.crop;
      EXPECT_EQ(crop.y, std::max(0, in.y - 80));
      EXPECT_EQ(crop.x, std::max(0, in.x - 80));
      EXPECT_EQ(crop.y + crop.h, std::min(height, in.y + in.h + 80));
      EXPECT_EQ(crop.x + crop.w, std::min(width, in.x + in.w + 80));
    }
    EXPECT_TRUE(std::all_of(covered.begin(), covered.end(), [](int n) { return n == 1; }))
        << "tile size " << tile_size;
  }
}

// The layer interiors of the tiles partition each layer's whole-image positions, at floor and
// at ceil pooling sizes (197 px: 12 positions at relu5_1 floored, 13 with ceil).
TEST(TilePlan, LayerInteriorsPartitionEveryLayer) {
  const Model model = load_model("builtin:vgg19-random", "relu5_1");
  const int last = int(model.layers.size()) - 1;
  const NetworkReach reach = network_reach(model.layers, last);
  const int size = 197;
  for (const int positions : {12, 13}) {
    const TilePlan plan = plan_tiles(reach, size, size, 32);
    std::vector<int> covered(size_t(positions), 0);
    for (const Tile& tile : plan.tiles) {
      if (tile.interior.x != 0) continue;  // one column of tiles: the rows
      const Window window =
          layer_interior(reach, last, tile, size, size, positions, positions, false);
      for (int i = window.y; i < window.y + window.h; ++i) ++covered[size_t(i)];
      const Window in_crop =
          layer_interior(reach, last, tile, size, size, positions, positions, true);
      EXPECT_EQ(in_crop.y, window.y - tile.crop.y / 16);
      EXPECT_EQ(in_crop.h, window.h);
    }
    EXPECT_TRUE(std::all_of(covered.begin(), covered.end(), [](int n) { return n == 1; }))
        << positions << " positions";
  }
}

}  // namespace
}  // namespace nsrg
