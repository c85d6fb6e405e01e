// Shards of a run: every grid cell belongs to exactly one shard for any count (empty shards
// when there are more shards than images), the grid follows the single-process order, and
// partial summaries are named after their shard so no two shards write the same file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "engine/config/config.h"
#include "engine/output/output_plan.h"
#include "engine/output/render_grid.h"
#include "engine/cluster/shard.h"
#include "tests/engine/render_test_support.h"

namespace nsrg {
namespace {

using namespace nsrg::testing;

TEST(ShardAssignment, EveryCellExactlyOnceForAnyCount) {
  for (size_t grid_size : {1u, 2u, 6u, 7u, 12u, 104u, 312u}) {
    for (int count : {1, 2, 3, 4, 5, 8, 26, 400}) {
      std::vector<int> owners(grid_size, 0);
      size_t largest = 0, smallest = grid_size;
      for (int index = 0; index < count; ++index) {
        const std::vector<size_t> cells = shard_cells({index, count}, grid_size);
        largest = std::max(largest, cells.size());
        smallest = std::min(smallest, cells.size());
        for (size_t cell : cells) {
          ASSERT_LT(cell, grid_size);
          EXPECT_TRUE(shard_renders({index, count}, cell));
          ++owners[cell];
        }
      }
      for (size_t cell = 0; cell < grid_size; ++cell)
        EXPECT_EQ(owners[cell], 1)
            << "cell " << cell << " of " << grid_size << ", " << count << " shards";
      // Round-robin: the shards' shares differ by one image at most.
      EXPECT_LE(largest - smallest, 1u) << grid_size << " cells, " << count << " shards";
    }
  }
}

TEST(ShardAssignment, MoreShardsThanImagesLeavesSomeEmpty) {
  EXPECT_EQ(shard_cells({0, 8}, 3), (std::vector<size_t>{0}));
  EXPECT_EQ(shard_cells({2, 8}, 3), (std::vector<size_t>{2}));
  EXPECT_TRUE(shard_cells({5, 8}, 3).empty());
  EXPECT_EQ(shard_cells({1, 3}, 8), (std::vector<size_t>{1, 4, 7}));
}

TEST(ShardAssignment, PartialSummaryNamesCannotCollide) {
  EXPECT_EQ(partial_summary_path("/o/compos.json", {1, 4}), "/o/compos.shard-1-of-4.json");
  EXPECT_EQ(partial_summary_path("out/a.b.json", {0, 1}), "out/a.b.shard-0-of-1.json");
  std::set<std::string> names;
  for (int count = 1; count <= 12; ++count)
    for (int index = 0; index < count; ++index)
      names.insert(partial_summary_path("out/x.json", {index, count}));
  EXPECT_EQ(names.size(), size_t(12 * 13 / 2));
  EXPECT_EQ(names.count("out/x.json"), 0u);
}

TEST(ShardAssignment, CountsOfThePartialSummariesPresent) {
  const std::filesystem::path dir = make_scratch_dir("shard_counts");
  const std::string summary = (dir / "x.json").string();
  EXPECT_TRUE(partial_summary_counts(summary).empty());
  for (const char* name : {"x.shard-0-of-4.json", "x.shard-3-of-4.json", "x.shard-1-of-2.json",
                           "y.shard-0-of-3.json", "x.shard-0-of-5.json.tmp", "x.json"})
    std::ofstream(dir / name) << "{}";
  EXPECT_EQ(partial_summary_counts(summary), (std::vector<int>{2, 4}));
  std::filesystem::remove_all(dir);
}

TEST(RenderGrid, TheSingleProcessOrder) {
  const std::filesystem::path dir = make_scratch_dir("render_grid");
  const auto config_path = write_config(dir, 32, 1,
                                        "[randomize]\nmode = \"scale_eigenvectors\"\nvariants = 2\n"
                                        "[sweep]\nstyle_layers = [\"relu2_1\", \"relu3_1\"]\n");
  const RenderConfig config =
      load_config(config_path.string(), {"output.path=\"out/s-{layer}{variant}.png\""});
  const std::vector<GridCell> grid = render_grid(config, plan_outputs(config));
  ASSERT_EQ(grid.size(), 6u);  // per layer: the un-randomized reference, then a and b
  const std::string out = (dir / "out").string();
  const std::vector<std::string> names = {"s-r21-none.png", "s-r21a.png", "s-r21b.png",
                                          "s-r31-none.png", "s-r31a.png", "s-r31b.png"};
  for (size_t i = 0; i < grid.size(); ++i) EXPECT_EQ(grid[i].path, out + "/" + names[i]);
  EXPECT_TRUE(grid[0].reference);
  EXPECT_FALSE(grid[2].reference);
  EXPECT_EQ(grid[2].variant, 1);
  EXPECT_EQ(grid[4].style_layers, (std::vector<std::string>{"relu3_1"}));

  // Without randomization the sheet has no reference column: variants only.
  const RenderConfig plain =
      load_config(config_path.string(), {"randomize.mode=\"none\"", "sweep.style_layers=[]"});
  EXPECT_EQ(render_grid(plain, plan_outputs(plain)).size(), 2u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nsrg
