// RenderResources (engine/render/render_resources.h): a render that takes the backend, the
// network and the captured targets from it writes the same bytes as one that loads them
// itself, whether it loaded them into it (a miss) or found them there (a hit); what it
// holds is bounded (least recently used out first); a changed file or backend is a new key.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/backends/backend_factory.h"
#include "engine/render/render_resources.h"
#include "engine/render/render_session.h"
#include "tests/engine/render_test_support.h"

namespace nsrg {
namespace {

namespace fs = std::filesystem;
using namespace nsrg::testing;

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Renders `config` with `overrides` (and the output `name` beside the config), through
// `resources` when given.
void render_into(const fs::path& config, std::vector<std::string> overrides,
                 const std::string& name, RenderResources* resources) {
  overrides.push_back("output.path=\"out/" + name + ".png\"");
  std::ostringstream log;
  RenderSession session(load_config(config.string(), overrides), log);
  session.set_resources(resources);
  session.run();
}

TEST(RenderResources, ARenderIsTheSameToTheByteWithAMissAndWithAHit) {
  const fs::path dir = make_scratch_dir("resources_bytes");
  const fs::path config = write_config(dir, 32, 3);
  // The style file of a mode-none render holds the un-randomized Grams as captured; bf16
  // keeps its converted weights and layouts in the shared backend and network.
  for (const auto& [mode, precision] : std::vector<std::pair<std::string, std::string>>{
           {"none", "fp32"}, {"scale_eigenvectors", "fp32"}, {"scale_eigenvectors", "bf16"}}) {
    const std::string name = mode + "_" + precision;
    const std::string set_precision = "precision=\"" + precision + "\"";
    const std::vector<std::string> set = {"randomize.mode=\"" + mode + "\"", "seed=11",
                                          set_precision, "output.save_targets=true"};
    render_into(config, set, "fresh_" + name, nullptr);
    RenderResources resources(64 << 20);
    render_into(config, set, "miss_" + name, &resources);
    // Another seed and randomization between them: the same capture, a hit.
    render_into(config,
                {"randomize.mode=\"scale_eigenvalues\"", "seed=3", set_precision,
                 "output.save_targets=true"},
                "other_" + name, &resources);
    render_into(config, set, "hit_" + name, &resources);
    const ResourceCounts counts = resources.counts();
    EXPECT_EQ(counts.backends_made, 1);
    EXPECT_EQ(counts.networks_loaded, 1);
    EXPECT_EQ(counts.network_hits, 2);
    EXPECT_EQ(counts.captures, 1);
    EXPECT_EQ(counts.capture_hits, 2);
    EXPECT_EQ(counts.evictions, 0);
    // The five style layers decomposed once, by the first render that randomized them.
    EXPECT_EQ(counts.eigens_made, 5);
    EXPECT_EQ(counts.eigen_hits, mode == "none" ? 0 : 10);
    // The style image's SHA-256 for the kept style files: read once.
    EXPECT_EQ(counts.files_hashed, 1);
    EXPECT_EQ(counts.hash_hits, 2);
    for (const std::string suffix : {".png", ".style.safetensors"}) {
      const std::string fresh = file_bytes(dir / "out" / ("fresh_" + name + suffix));
      EXPECT_EQ(fresh, file_bytes(dir / "out" / ("miss_" + name + suffix))) << name << suffix;
      EXPECT_EQ(fresh, file_bytes(dir / "out" / ("hit_" + name + suffix))) << name << suffix;
    }
  }
  fs::remove_all(dir);
}

TEST(RenderResources, ANewSizeOrAChangedStyleFileIsANewCapture) {
  const fs::path dir = make_scratch_dir("resources_keys");
  fs::copy_file(example_image("hubble_deep_field.jpg"), dir / "style.img");
  const fs::path config = write_config(dir, 32, 2, "");
  const std::vector<std::string> style = {"style.images=[\"" + (dir / "style.img").string() +
                                          "\"]"};
  RenderResources resources(64 << 20);
  render_into(config, style, "a", &resources);
  std::vector<std::string> larger = style;
  larger.push_back("image_size=40");
  render_into(config, larger, "b", &resources);
  EXPECT_EQ(resources.counts().captures, 2);
  // The style image rewritten (another size, a later time): captured again, not reused.
  fs::copy_file(example_image("brick.png"), dir / "style.img",
                fs::copy_options::overwrite_existing);
  render_into(config, style, "c", &resources);
  EXPECT_EQ(resources.counts().captures, 3);
  EXPECT_EQ(resources.counts().capture_hits, 0);
  EXPECT_EQ(resources.counts().networks_loaded, 1);
  // Another thread count is another backend: everything held before is dropped.
  std::vector<std::string> one_thread = style;
  one_thread.push_back("threads=1");
  render_into(config, one_thread, "d", &resources);
  EXPECT_EQ(resources.counts().backends_made, 2);
  EXPECT_EQ(resources.counts().networks_loaded, 2);
  fs::remove_all(dir);
}

// A capture whose Gram holds `mib` MiB of `value`.
std::function<void(StageInputs&)> fake_capture(Backend& backend, size_t mib, float value,
                                               int& calls) {
  return [&backend, mib, value, &calls](StageInputs& inputs) {
    ++calls;
    inputs.content_tensor = backend.empty({1, 3, 2, 2});
    backend.fill(inputs.content_tensor, value);
    const int side = int(mib) * 512;  // side * 512 floats = mib MiB
    inputs.base_grams["g"] = backend.empty({1, 1, side, 512});
    backend.fill(inputs.base_grams["g"], value);
  };
}

float first_gram_value(Backend& backend, const StageInputs& inputs) {
  float value = 0;
  std::vector<float> host(inputs.base_grams.at("g").numel());
  backend.download(inputs.base_grams.at("g"), host.data());
  value = host.front();
  EXPECT_EQ(host.back(), value);
  return value;
}

TEST(RenderResources, TheLeastRecentlyUsedCaptureGoesBeyondTheLimit) {
  RenderResources resources(size_t(3) << 20);  // room for two 1 MiB captures and a bit
  Backend& backend = *resources.backend(
      "cpu", [] { return create_backend(BackendChoice::Cpu, BackendOptions{}); });
  int calls = 0;
  auto ask = [&](const std::string& key, size_t mib, float value) {
    StageInputs inputs;
    resources.capture(key, inputs, fake_capture(backend, mib, value, calls), {});
    return first_gram_value(backend, inputs);
  };
  EXPECT_EQ(ask("a", 1, 1.0f), 1.0f);
  EXPECT_EQ(ask("b", 1, 2.0f), 2.0f);
  EXPECT_EQ(ask("a", 1, 9.0f), 1.0f);  // held: the copy of the first capture, not a new one
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(ask("c", 1, 3.0f), 3.0f);  // b is the least recently used: it goes
  EXPECT_EQ(resources.counts().evictions, 1);
  EXPECT_EQ(ask("a", 1, 9.0f), 1.0f);
  EXPECT_EQ(ask("b", 1, 5.0f), 5.0f);  // captured again
  EXPECT_EQ(calls, 4);
  // One capture larger than the whole limit is used but not kept.
  EXPECT_EQ(ask("big", 4, 6.0f), 6.0f);
  EXPECT_EQ(ask("big", 4, 7.0f), 7.0f);
  EXPECT_EQ(calls, 6);
  EXPECT_LE(resources.counts().bytes_held, size_t(3) << 20);
  // No key: captured every time, never kept.
  StageInputs inputs;
  resources.capture(std::nullopt, inputs, fake_capture(backend, 1, 8.0f, calls), {});
  resources.capture(std::nullopt, inputs, fake_capture(backend, 1, 8.0f, calls), {});
  EXPECT_EQ(calls, 8);
}

}  // namespace
}  // namespace nsrg
