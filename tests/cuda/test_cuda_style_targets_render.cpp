// A kept style (output.save_targets, style.targets) written and read on the GPU: the Gram
// targets the GPU captures and writes equal the CPU's (un-randomized, so only rounding
// differs); a randomized variant's targets written by the GPU and read back render like the
// variant itself on the GPU (the same targets and start image: the first evaluation within
// kFirstEvaluationTolerance, the run within kOptimizerRunTolerance); and the CPU rendering the
// GPU's file evaluates its first image like the GPU does; a kept style replayed at another
// size (style.replay) on the GPU rebuilds the Grams the CPU's replay does; so do a render's
// layers with sources of their own (style.layer_sources). Skips with "no CUDA device:
// skipped" without a device.
#include <cstdio>

#include "engine/output/output_names.h"
#include "tests/cuda/cuda_render_support.h"
#include "tests/cuda/cuda_test_support.h"
#include "tests/engine/optimizer_run_support.h"
#include "tests/engine/optimizer_run_tolerance.h"
#include "tests/engine/render_test_support.h"
#include "weights/style_targets_file.h"

namespace nsrg::test {
namespace {

using namespace nsrg::testing;

using CudaStyleTargetsRender = CudaParityTest;

// Captured Grams pass through up to 12 convolutions (relu5_1), each within 2e-5 of the CPU's
// in the layer tests (measured errors are ~1e-6); a wrong layer, scale or transpose is off
// by order 1.
constexpr double kCapturedGramTolerance = 1e-4;

// Every Gram of the GPU's file within kCapturedGramTolerance of the CPU's (printed).
void expect_grams_near(const StyleTargets& gpu_file, const StyleTargets& cpu_file,
                       const char* what) {
  ASSERT_EQ(gpu_file.info.layers, cpu_file.info.layers);
  ASSERT_EQ(gpu_file.grams.size(), cpu_file.grams.size());
  for (size_t i = 0; i < gpu_file.grams.size(); ++i) {
    EXPECT_EQ(gpu_file.grams[i].shape, cpu_file.grams[i].shape) << gpu_file.info.layers[i];
    const double error = normalized_error(gpu_file.grams[i].data, cpu_file.grams[i].data);
    std::printf("%s: %s, normalized error %.3g\n", gpu_file.info.layers[i].c_str(), what, error);
    EXPECT_LE(error, kCapturedGramTolerance) << gpu_file.info.layers[i];
  }
}

// The kept style files a render of `config` writes on the CPU and on the GPU (the first
// image's), with `overrides`; the outputs go to cpu/ and cuda/ below the config.
std::pair<StyleTargets, StyleTargets> kept_on_both(const std::filesystem::path& config,
                                                   const std::vector<std::string>& overrides) {
  std::vector<std::string> on_cpu = overrides, on_gpu = overrides;
  on_cpu.push_back("output.path=\"cpu/x.png\"");
  on_gpu.push_back("output.path=\"cuda/x.png\"");
  on_gpu.push_back("backend=\"cuda\"");
  return {read_style_targets(style_targets_path(render(config, on_cpu)[0].path)),
          read_style_targets(style_targets_path(render(config, on_gpu)[0].path))};
}

TEST_F(CudaStyleTargetsRender, CapturedTargetsWrittenOnTheGpuMatchTheCpus) {
  const auto dir = make_scratch_dir("cuda_kept_none");
  const auto config = write_config(dir, 32, 1, "");
  const auto [cpu_file, gpu_file] =
      kept_on_both(config, {"output.save_targets=true", "init.kind=\"image\""});
  expect_grams_near(gpu_file, cpu_file, "GPU-written Gram vs CPU-written");
  std::filesystem::remove_all(dir);
}

TEST_F(CudaStyleTargetsRender, LayerSourcesCapturedOnTheGpuMatchTheCpus) {
  // relu1_1 from its own image (style.layer_sources), the other layers from [style].
  const auto dir = make_scratch_dir("cuda_kept_layer_sources");
  const auto config = write_config(dir, 32, 1, "");
  const auto [cpu_file, gpu_file] = kept_on_both(
      config, {"output.save_targets=true", "init.kind=\"image\"",
               "style.layers=[\"relu1_1\", \"relu2_1\", \"relu3_1\"]",
               "style.layer_sources.relu1_1.images=[\"" + example_image("gravel.png") + "\"]"});
  expect_grams_near(gpu_file, cpu_file, "GPU-written Gram vs CPU-written, layer sources");
  std::filesystem::remove_all(dir);
}

TEST_F(CudaStyleTargetsRender, ARandomizedVariantKeptOnTheGpuRendersLikeItself) {
  const auto dir = make_scratch_dir("cuda_kept_variant");
  // Variant b (seed 8) of scale_eigenvectors at 32 px, 6 iterations from the content image:
  // the settings write_targets_config's kept render uses.
  const auto config =
      write_config(dir, 32, 6, "[randomize]\nmode = \"scale_eigenvectors\"\nvariants = 2\n");
  const std::vector<RenderedImage> variants =
      render(config, {"backend=\"cuda\"", "output.save_targets=true", "init.kind=\"image\"",
                      "output.print_iter=1", "output.path=\"cuda/x.png\""});
  ASSERT_EQ(variants.size(), 2u);
  const RenderedImage& original = variants[1];
  ASSERT_EQ(original.seed, 8u);
  const std::string file = style_targets_path(original.path);
  const auto kept = write_targets_config(dir, file, "");
  const std::vector<RenderedImage> gpu_kept = render(
      kept, {"seed=8", "backend=\"cuda\"", "output.print_iter=1", "output.path=\"kg/x.png\""});
  const std::vector<RenderedImage> cpu_kept =
      render(kept, {"seed=8", "output.print_iter=1", "output.path=\"kc/x.png\""});
  ASSERT_EQ(gpu_kept.size(), 1u);
  ASSERT_EQ(cpu_kept.size(), 1u);
  const std::vector<double> original_losses = totals(original.history);
  const std::vector<double> gpu_losses = totals(gpu_kept[0].history);
  const std::vector<double> cpu_losses = totals(cpu_kept[0].history);
  const double again_first = first_evaluation_difference(gpu_losses, original_losses);
  const double again_run = run_difference(gpu_losses, original_losses);
  const double cpu_first = first_evaluation_difference(cpu_losses, gpu_losses);
  std::printf(
      "variant %.9g, kept on the GPU %.9g (first evaluation difference %.3g, progress %.3g), "
      "kept on the CPU %.9g (first evaluation vs the GPU %.3g)\n",
      original_losses.front(), gpu_losses.front(), again_first, again_run, cpu_losses.front(),
      cpu_first);
  EXPECT_LE(again_first, kFirstEvaluationTolerance) << "the GPU read back other targets";
  EXPECT_LE(again_run, kOptimizerRunTolerance);
  EXPECT_LE(cpu_first, kFirstEvaluationTolerance) << "the CPU reads the GPU's file differently";
  std::filesystem::remove_all(dir);
}

TEST_F(CudaStyleTargetsRender, AReplayOnTheGpuRebuildsTheCpusGrams) {
  const auto dir = make_scratch_dir("cuda_replay");
  // random_gram with mix 0.5 (its draws do not depend on the eigenvectors, so the two
  // eigensolvers cannot pick different bases): a variant kept on the CPU at 32 px.
  const auto config = write_config(dir, 32, 1, "[randomize]\nmode = \"random_gram\"\nmix = 0.5\n");
  const std::string file =
      style_targets_path(render(config, {"output.save_targets=true", "init.kind=\"image\"",
                                         "output.path=\"v/x.png\""})[0]
                             .path);
  const auto kept = write_targets_config(dir, file, "");
  const auto [cpu_file, gpu_file] = kept_on_both(
      kept,
      {"style.replay=true", "image_size=48", "optimizer.iterations=1", "output.save_targets=true"});
  expect_grams_near(gpu_file, cpu_file, "Gram replayed at 48 px on the GPU vs the CPU");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nsrg::test
