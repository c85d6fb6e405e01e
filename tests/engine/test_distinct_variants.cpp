// randomize.min_distance end to end (CPU, built-in model, 32 px): a minimum that the first
// draws miss forces redraws with the counters after the variants' own, in order; every kept
// variant lies at least the minimum from its siblings (checked on the kept styles' Grams in
// float64) or gave up with a note on the notes stream and in the summary; the choice is the
// same in two runs; a redrawn variant renders again alone with its seed and replays from its
// lineage bit for bit; without the key nothing changes; the gallery page shows each
// variant's distance and redraws.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/output/output_plan.h"
#include "tests/engine/render_test_support.h"
#include "weights/style_targets_file.h"

namespace nsrg {
namespace {

using namespace nsrg::testing;
namespace fs = std::filesystem;

struct FamilyRun {
  std::vector<RenderedImage> images;
  nlohmann::json summary;
  std::string notes;
};

FamilyRun run(const fs::path& config, const std::vector<std::string>& overrides) {
  std::ostringstream log, notes;
  RenderSession session(load_config(config.string(), overrides), log, std::nullopt, notes);
  session.run();
  std::ifstream in(session.summary_path());
  return {session.images(), nlohmann::json::parse(in), notes.str()};
}

// Bytes of a file.
std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The mean over the files' layers of ||A - B||_F / max(||A||_F, ||B||_F), in float64.
double kept_distance(const std::string& a_file, const std::string& b_file) {
  const StyleTargets a = read_style_targets(a_file), b = read_style_targets(b_file);
  double sum = 0.0;
  for (size_t layer = 0; layer < a.grams.size(); ++layer) {
    double difference = 0.0, norm_a = 0.0, norm_b = 0.0;
    const std::vector<float>&x = a.grams[layer].data, &y = b.grams[layer].data;
    for (size_t k = 0; k < x.size(); ++k) {
      difference += (double(x[k]) - double(y[k])) * (double(x[k]) - double(y[k]));
      norm_a += double(x[k]) * double(x[k]);
      norm_b += double(y[k]) * double(y[k]);
    }
    sum += std::sqrt(difference) / std::sqrt(std::max(norm_a, norm_b));
  }
  return sum / double(a.grams.size());
}

class DistinctVariants : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_scratch_dir("distinct");
    config_ = write_config(dir_, 32, 1,
                           "[randomize]\nmode = \"scale_eigenvectors\"\nvariants = 3\n"
                           "range = [0.6, 1.4]\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  FamilyRun family(const std::string& name, const std::vector<std::string>& more) {
    std::vector<std::string> overrides = {"style.layers=[\"relu2_1\", \"relu3_1\"]",
                                          "output.save_targets=true", "init.kind=\"image\"",
                                          "output.contact_sheet=false",
                                          "output.path=\"" + name + "/v{variant}.png\""};
    overrides.insert(overrides.end(), more.begin(), more.end());
    return run(config_, overrides);
  }

  fs::path dir_, config_;
};

TEST_F(DistinctVariants, WithoutTheKeyVariantVDrawsSeedPlusVAndTheSummaryHasNoEntry) {
  const FamilyRun plain = family("plain", {});
  ASSERT_EQ(plain.images.size(), 3u);
  for (size_t v = 0; v < 3; ++v) {
    EXPECT_EQ(plain.images[v].seed, 7u + v);
    EXPECT_FALSE(plain.images[v].draw.has_value());
    EXPECT_FALSE(plain.summary["images"][v].contains("min_distance"));
  }
  EXPECT_EQ(plain.notes, "");
  // A minimum every first draw meets changes nothing in the pictures or the kept styles.
  const FamilyRun near = family("near", {"randomize.min_distance=1e-6"});
  for (size_t v = 0; v < 3; ++v) {
    ASSERT_TRUE(near.images[v].draw.has_value());
    EXPECT_EQ(near.images[v].draw->counter, v);
    EXPECT_EQ(near.images[v].draw->redraws, 0);
    EXPECT_EQ(bytes_of(near.images[v].path), bytes_of(plain.images[v].path));
    EXPECT_EQ(bytes_of(style_targets_path(near.images[v].path)),
              bytes_of(style_targets_path(plain.images[v].path)));
  }
  EXPECT_FALSE(near.images[0].draw->nearest_distance.has_value());  // the first has no sibling
  EXPECT_TRUE(near.summary["images"][0]["min_distance"]["nearest_sibling_distance"].is_null());
  // The recorded distances are the kept Grams' (float64 here).
  EXPECT_NEAR(*near.images[1].draw->nearest_distance,
              kept_distance(style_targets_path(near.images[1].path),
                            style_targets_path(near.images[0].path)),
              1e-5);
}

TEST_F(DistinctVariants, AMinimumTheFirstDrawsMissForcesRedrawsInCounterOrder) {
  // Just above the b-a distance of the first draws: b must draw again.
  const FamilyRun near = family("near", {"randomize.min_distance=1e-6"});
  const double minimum = *near.images[1].draw->nearest_distance * 1.05;
  const std::vector<std::string> keys = {"randomize.min_distance=" + std::to_string(minimum),
                                         "randomize.max_redraws=6"};
  const FamilyRun first = family("first", keys);
  const FamilyRun second = family("second", keys);
  ASSERT_EQ(first.images.size(), 3u);
  EXPECT_GE(first.images[1].draw->redraws, 1);
  uint32_t next_unused = 3;  // the redraws take 3, 4, ... in order
  for (size_t v = 0; v < 3; ++v) {
    const VariantDraw& draw = *first.images[v].draw;
    const uint32_t expected = draw.redraws == 0 ? uint32_t(v) : next_unused + draw.redraws - 1;
    next_unused += uint32_t(draw.redraws);
    EXPECT_EQ(draw.counter, expected) << v;
    EXPECT_EQ(first.images[v].seed, 7u + draw.counter);
    const nlohmann::json& entry = first.summary["images"][v];
    EXPECT_EQ(entry["seed"], 7u + draw.counter);
    EXPECT_EQ(entry["min_distance"]["counter"], draw.counter);
    EXPECT_EQ(entry["min_distance"]["redraws"], draw.redraws);
    // The kept style's lineage records the seed really used.
    const StyleTargetsInfo info = read_style_targets_info(style_targets_path(first.images[v].path));
    EXPECT_EQ(std::get<RandomizeStep>(info.lineage.steps.back()).seed, 7u + draw.counter);
    // Determinism: the same draws, the same bytes.
    EXPECT_EQ(second.images[v].draw->counter, draw.counter);
    EXPECT_EQ(bytes_of(second.images[v].path), bytes_of(first.images[v].path));
    if (v == 0) continue;
    double nearest = 1e9;
    for (size_t w = 0; w < v; ++w)
      nearest = std::min(nearest, kept_distance(style_targets_path(first.images[v].path),
                                                style_targets_path(first.images[w].path)));
    EXPECT_NEAR(*draw.nearest_distance, nearest, 1e-5) << v;
    if (!draw.gave_up) {
      EXPECT_GE(*draw.nearest_distance, minimum) << v;
    }
  }

  // A redrawn variant renders again alone with its seed, and its kept style replays bit for bit.
  const VariantDraw& b = *first.images[1].draw;
  const FamilyRun alone =
      family("alone", {"randomize.variants=1", "seed=" + std::to_string(7 + b.counter)});
  EXPECT_EQ(bytes_of(alone.images[0].path), bytes_of(first.images[1].path));
  const fs::path kept = write_targets_config(dir_, style_targets_path(first.images[1].path), "");
  const FamilyRun replayed =
      run(kept, {"style.replay=true", "optimizer.iterations=1", "output.save_targets=true",
                 "output.path=\"replay/r.png\""});
  EXPECT_EQ(read_style_targets(style_targets_path(replayed.images[0].path)).grams[1].data,
            read_style_targets(style_targets_path(first.images[1].path)).grams[1].data);
}

TEST_F(DistinctVariants, AnUnreachableMinimumGivesUpWithANoteAfterMaxRedraws) {
  // No two variants are 2 apart: every variant after the first gives up after 2 redraws.
  const FamilyRun far = family("far", {"randomize.min_distance=2", "randomize.max_redraws=2"});
  ASSERT_EQ(far.images.size(), 3u);
  EXPECT_FALSE(far.images[0].draw->gave_up);
  EXPECT_EQ(far.images[0].draw->counter, 0u);
  // b: 1, then 3 and 4; c: 2, then 5 and 6.
  EXPECT_EQ(far.images[1].draw->counter, 4u);
  EXPECT_EQ(far.images[2].draw->counter, 6u);
  for (size_t v = 1; v < 3; ++v) {
    EXPECT_TRUE(far.images[v].draw->gave_up);
    EXPECT_EQ(far.images[v].draw->redraws, 2);
    const nlohmann::json& entry = far.summary["images"][v]["min_distance"];
    EXPECT_TRUE(entry["gave_up"].get<bool>());
    const std::string note = entry["note"];
    EXPECT_EQ(note.find('\n'), std::string::npos);
    EXPECT_NE(note.find("randomize.min_distance: variant r21+r31" + std::string(1, char('a' + v)) +
                        " kept seed " + std::to_string(7 + far.images[v].draw->counter) +
                        " after 2 redraws"),
              std::string::npos)
        << note;
    EXPECT_NE(far.notes.find(note + "\n"), std::string::npos) << far.notes;
  }
}

TEST_F(DistinctVariants, TheGalleryShowsEachVariantsDistanceAndRedraws) {
  const FamilyRun far = family("gallery", {"randomize.min_distance=2", "randomize.max_redraws=2",
                                           "output.contact_sheet=true"});
  ASSERT_EQ(far.images.size(), 3u);
  const std::string html =
      bytes_of((fs::path(far.images[0].path).parent_path() / "index.html").string());
  for (size_t v = 1; v < 3; ++v) {
    char expected[160];
    std::snprintf(expected, sizeof expected,
                  "<dd class=\"distance\">%.4g from the nearest sibling, 2 redraws, gave up: below "
                  "the minimum</dd>",
                  *far.images[v].draw->nearest_distance);
    EXPECT_NE(html.find(expected), std::string::npos) << expected << "\n" << html;
  }
  size_t fields = 0;
  for (size_t at = html.find("class=\"distance\""); at != std::string::npos;
       at = html.find("class=\"distance\"", at + 1))
    ++fields;
  EXPECT_EQ(fields, 2u);  // b and c; a (the first) and the un-randomized reference have none
}

}  // namespace
}  // namespace nsrg
