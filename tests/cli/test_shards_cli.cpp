// Sharded runs on the command line: a randomized sweep rendered as N shards (chosen by
// --shard, by a Slurm array's environment with an array that starts at 1, and by a
// Kubernetes Indexed Job's index with --shard-count) and gathered equals the single-process
// run file for file: every image byte for byte, the contact sheet and the gallery page
// byte for byte, the summary JSON but for its timings; with [[regions]], with
// [style.layer_sources] and with tiled evaluation too. Bad --shard values, a missing, a
// foreign or a doubled shard are one line on stderr and exit status 2.
#include <stdlib.h>

#include <nlohmann/json.hpp>
#include <set>

#include "tests/cli/cli_test_support.h"

namespace nsrg_cli_test {
namespace {

// Removes what differs between two runs of the same images: the times, the memory high-water
// marks the process measured, and the gathered summary's list of shards.
nlohmann::json without_measurements(nlohmann::json json) {
  if (json.is_object()) {
    for (const char* key :
         {"seconds", "seconds_per_iteration", "timings", "peak_rss_bytes", "gathered_from"})
      json.erase(key);
    for (auto& item : json.items()) item.value() = without_measurements(item.value());
  } else if (json.is_array()) {
    for (auto& item : json) item = without_measurements(item);
  }
  return json;
}

bool is_partial_summary(const fs::path& path) {
  return path.filename().string().find(".shard-") != std::string::npos;
}

class ShardsCliTest : public CliTest {
 protected:
  // A refused run: exit status 2 and one line on stderr that holds each of `texts`.
  static void expect_one_line_error(const Result& r, std::initializer_list<std::string> texts) {
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_EQ(line_count(r.err), 1) << r.err;
    for (const std::string& text : texts)
      EXPECT_NE(r.err.find(text), std::string::npos) << "no \"" << text << "\" in " << r.err;
  }

  // 2 sweep layers x (the un-randomized reference + 2 variants) = 6 images, raw copies too.
  std::string sweep_config() {
    return valid_config(
        "save_raw = true\nprint_iter = 1\n[randomize]\nmode = \"scale_eigenvectors\"\n"
        "variants = 2\n[sweep]\nstyle_layers = [\"relu2_1\", \"relu3_1\"]\n");
  }

  // Renders the sweep in one process and keeps its outputs in single/ (their paths inside
  // the summary still say out/, as a later run's do).
  void render_single(const fs::path& config) {
    const Result single = run(config.string());
    ASSERT_EQ(single.status, 0) << single.err;
    fs::rename(dir_ / "out", dir_ / "single");
  }

  // Every file of the single-process run is in out/ with the same bytes (the summary: the
  // same JSON but for measurements), and out/ holds nothing else but partial summaries.
  void expect_same_as_single() {
    std::set<std::string> single_files;
    for (const auto& entry : fs::directory_iterator(dir_ / "single")) {
      const std::string name = entry.path().filename().string();
      single_files.insert(name);
      const fs::path gathered = dir_ / "out" / name;
      ASSERT_TRUE(fs::exists(gathered)) << name;
      if (entry.path().extension() == ".json") {
        const nlohmann::json a = nlohmann::json::parse(read_file(entry.path()));
        const nlohmann::json b = nlohmann::json::parse(read_file(gathered));
        EXPECT_EQ(without_measurements(a), without_measurements(b)) << name;
        EXPECT_EQ(b.at("gathered_from").size(), size_t(shards_)) << name;
      } else {
        EXPECT_TRUE(read_file(entry.path()) == read_file(gathered)) << name << " differs";
      }
    }
    EXPECT_EQ(single_files.size(), expected_files_);
    for (const auto& entry : fs::directory_iterator(dir_ / "out"))
      EXPECT_TRUE(single_files.count(entry.path().filename().string()) ||
                  is_partial_summary(entry.path()))
          << entry.path();
  }

  void gather(const fs::path& config, const std::string& extra = "") {
    const Result gathered = run(config.string() + " --gather" + extra);
    ASSERT_EQ(gathered.status, 0) << gathered.err;
    EXPECT_NE(gathered.out.find("gathered " + std::to_string(expected_images_) + " images from " +
                                std::to_string(shards_) + " shards"),
              std::string::npos)
        << gathered.out;
  }

  // Renders `config` as shards_ shards (--shard I/N), gathers them and compares with the
  // single-process run.
  void expect_shards_equal_single(const fs::path& config) {
    render_single(config);
    for (int index = 0; index < shards_; ++index) {
      const std::string shard = " --shard " + std::to_string(index) + "/" + std::to_string(shards_);
      const Result rendered = run(config.string() + shard);
      ASSERT_EQ(rendered.status, 0) << rendered.err;
    }
    gather(config);
    expect_same_as_single();
  }

  int shards_ = 0;
  // The sweep's: 6 images, 6 raw copies, the sheet, the gallery and the summary.
  int expected_images_ = 6;
  size_t expected_files_ = 15;
};

TEST_F(ShardsCliTest, ShardFlagsAndGatherEqualOneProcess) {
  const fs::path config = write_config(sweep_config());
  render_single(config);
  shards_ = 4;
  for (int index = 0; index < shards_; ++index) {
    const Result shard = run(config.string() + " --shard " + std::to_string(index) + "/4");
    ASSERT_EQ(shard.status, 0) << shard.err;
    EXPECT_TRUE(fs::exists(dir_ / ("out/x.shard-" + std::to_string(index) + "-of-4.json")));
    // A shard writes its own images and partial summary only.
    EXPECT_FALSE(fs::exists(dir_ / "out/x.json"));
    EXPECT_FALSE(fs::exists(dir_ / "out/x_sheet.png"));
    EXPECT_FALSE(fs::exists(dir_ / "out/index.html"));
  }
  gather(config);
  expect_same_as_single();
}

// Tiled evaluation (16 px tiles of the 32 px images) changes nothing about sharding: the
// shards' images are the single tiled process's to the byte.
TEST_F(ShardsCliTest, TiledShardsEqualOneTiledProcess) {
  const fs::path config = write_config(sweep_config() + "[evaluation]\ntile_size = 16\n");
  render_single(config);
  shards_ = 2;
  for (int index = 0; index < shards_; ++index) {
    const Result shard = run(config.string() + " --shard " + std::to_string(index) + "/2");
    ASSERT_EQ(shard.status, 0) << shard.err;
  }
  gather(config);
  expect_same_as_single();
}

// [[regions]] (one with a style mask, one with its own randomization) and, in a second run,
// [style.layer_sources]: 2 variants and the un-randomized reference, in 2 shards.
TEST_F(ShardsCliTest, RegionsAndLayerSourcesShardedEqualOneProcess) {
  const std::string images = std::string(NSRG_SOURCE_DIR) + "/examples/images/";
  const std::string regions =
      "backend = \"cpu\"\nimage_size = 32\n"
      "[[regions]]\nmask = \"" +
      images + "chelsea_face_mask.png\"\nimages = [\"" + images +
      "chelsea.png\"]\nstyle_masks = [\"" + images +
      "chelsea_background_mask.png\"]\n"
      "[regions.randomize]\nmode = \"scale_eigenvalues\"\n"
      "[[regions]]\nmask = \"" +
      images + "chelsea_background_mask.png\"\nimages = [\"" + images +
      "brick.png\"]\n"
      "[content]\nimage = \"" +
      images +
      "chelsea.png\"\n"
      "[style]\nlayers = [\"relu1_1\", \"relu2_1\"]\n"
      "[optimizer]\niterations = 2\n[output]\npath = \"out/x.png\"\n"
      "[randomize]\nmode = \"scale_eigenvectors\"\nvariants = 2\n";
  shards_ = 2;
  expected_images_ = 3;
  expected_files_ = 6;  // 3 images, the sheet, the gallery, the summary
  expect_shards_equal_single(write_config(regions));

  fs::remove_all(dir_ / "out");
  fs::remove_all(dir_ / "single");
  expect_shards_equal_single(
      write_config(valid_config("[style.layer_sources]\nrelu1_1 = { images = [\"" + images +
                                "gravel.png\"] }\n"
                                "[randomize]\nmode = \"scale_eigenvectors\"\nvariants = 2\n")));
}

TEST_F(ShardsCliTest, SlurmArrayFromOneEqualsOneProcess) {
  const fs::path config = write_config(sweep_config());
  render_single(config);
  shards_ = 3;
  setenv("SLURM_ARRAY_TASK_MIN", "1", 1);
  setenv("SLURM_ARRAY_TASK_MAX", "3", 1);
  setenv("SLURM_ARRAY_TASK_COUNT", "3", 1);
  for (int task = 1; task <= 3; ++task) {  // --array=1-3
    setenv("SLURM_ARRAY_TASK_ID", std::to_string(task).c_str(), 1);
    const Result shard = run(config.string());
    ASSERT_EQ(shard.status, 0) << shard.err;
    EXPECT_NE(shard.out.find("shard " + std::to_string(task - 1) + " of 3"), std::string::npos)
        << shard.out;
  }
  for (const char* name : {"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX",
                           "SLURM_ARRAY_TASK_COUNT"})
    unsetenv(name);
  gather(config);
  expect_same_as_single();
}

TEST_F(ShardsCliTest, IndexedJobWithEmptyShardsEqualsOneProcess) {
  const fs::path config = write_config(sweep_config());
  render_single(config);
  shards_ = 8;  // more shards than images: shards 6 and 7 render nothing
  for (int index = 0; index < shards_; ++index) {
    setenv("JOB_COMPLETION_INDEX", std::to_string(index).c_str(), 1);
    const Result shard = run(config.string() + " --shard-count 8");
    ASSERT_EQ(shard.status, 0) << shard.err;
  }
  unsetenv("JOB_COMPLETION_INDEX");
  const nlohmann::json empty = nlohmann::json::parse(read_file(dir_ / "out/x.shard-7-of-8.json"));
  EXPECT_TRUE(empty.at("images").empty());
  EXPECT_TRUE(empty.at("shard").at("cells").empty());
  gather(config);
  expect_same_as_single();
}

TEST_F(ShardsCliTest, BadShardIsOneLineAndNothingWritten) {
  const fs::path config = write_config(sweep_config());
  for (const char* bad : {"4/4", "0/0", "two/4", "1/3/2", "-1/4"})
    expect_one_line_error(run(config.string() + " --shard " + bad), {"--shard ", bad});
  expect_one_line_error(run(config.string() + " --shard-count 4"), {"--shard-count 4"});
  expect_one_line_error(run(config.string() + " --gather --shard 1/4"), {"--gather"});
  expect_one_line_error(run(config.string() + " --gather"), {"no partial summaries"});
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}

TEST_F(ShardsCliTest, MissingForeignAndDoubledShardsAreNamed) {
  const fs::path config = write_config(sweep_config());
  for (int index : {0, 1, 3})
    ASSERT_EQ(run(config.string() + " --shard " + std::to_string(index) + "/4").status, 0);
  // Shard 2 (grid cell 2: x-r21b.png) never ran.
  expect_one_line_error(run(config.string() + " --gather"),
                        {"missing shard 2 of 4", "x.shard-2-of-4.json", "x-r21b.png"});
  EXPECT_FALSE(fs::exists(dir_ / "out/x.json"));

  // Shard 2 from another configuration.
  ASSERT_EQ(run(config.string() + " --shard 2/4 --set optimizer.iterations=3").status, 0);
  expect_one_line_error(
      run(config.string() + " --gather"),
      {"x.shard-2-of-4.json: a shard of another configuration", "optimizer.iterations"});
  EXPECT_FALSE(fs::exists(dir_ / "out/x.json"));

  // Shard 2 as it should be, but shard 3 also lists shard 1's first image.
  ASSERT_EQ(run(config.string() + " --shard 2/4").status, 0);
  const fs::path shard1 = dir_ / "out/x.shard-1-of-4.json",
                 shard3 = dir_ / "out/x.shard-3-of-4.json";
  nlohmann::json doubled = nlohmann::json::parse(read_file(shard3));
  doubled["images"].push_back(nlohmann::json::parse(read_file(shard1)).at("images").at(0));
  std::ofstream(shard3) << doubled.dump(2);
  expect_one_line_error(run(config.string() + " --gather"), {"duplicate image", "x-r21a.png"});
  EXPECT_FALSE(fs::exists(dir_ / "out/x.json"));

  // Shard 3 rendered again: the gather goes through, and a second set of partial summaries
  // beside the first one needs --shard-count.
  ASSERT_EQ(run(config.string() + " --shard 3/4").status, 0);
  EXPECT_EQ(run(config.string() + " --gather").status, 0);
  ASSERT_EQ(run(config.string() + " --shard 0/1").status, 0);
  expect_one_line_error(run(config.string() + " --gather"), {"--shard-count"});
  EXPECT_EQ(run(config.string() + " --gather --shard-count 1").status, 0);
}

TEST_F(ShardsCliTest, AMalformedPartialSummaryIsOneLine) {
  const fs::path config = write_config(sweep_config());
  ASSERT_EQ(run(config.string() + " --shard 0/1").status, 0);
  const fs::path partial = dir_ / "out/x.shard-0-of-1.json";
  const std::string deep = std::string(100, '[') + std::string(100, ']');
  for (const std::string& text : {std::string("{\"shard\": {\"index\": 0, \"count\": 1}, \"im"),
                                  deep, std::string("{\"shard\": {\"index\": \"0\"}}"),
                                  std::string("{\"shard\": {\"index\": 0, \"count\": 1}}")}) {
    std::ofstream(partial) << text;
    expect_one_line_error(run(config.string() + " --gather"), {"x.shard-0-of-1.json"});
  }
  EXPECT_FALSE(fs::exists(dir_ / "out/x.json"));
}

}  // namespace
}  // namespace nsrg_cli_test
