// optimizer.history_precision = "bf16" on the real objective (CPU backend): the L-BFGS loss
// history stays within kBf16HistoryTolerance of the float32 history's, while the ring takes
// half the memory.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "engine/cpu/cpu_backend.h"
#include "tests/engine/optimizer_run_support.h"
#include "tests/engine/render_test_support.h"

namespace nsrg {
namespace {

using namespace nsrg::testing;

// The stated tolerance of a bf16 history: the largest relative difference of the best total
// loss so far over 20 L-BFGS steps (built-in VGG-19, content + five style layers, 64 px)
// from the float32 run's (run_difference). Measured: 7.9e-5 on the development machine of
// 2026-12-01 (twice the spread by which a 1e-6 perturbation of the start image moves a
// float32 run there), and 2.8e-4 on the AMD EPYC one of 2026-12-05, a third of the 8.1e-4
// by which the perturbation moves a float32 run there (optimizer_run_tolerance.h). Longer
// runs part ways as any perturbed run does and end at final losses a few percent apart,
// either way (bench/README.md).
constexpr int kSteps = 20;
constexpr double kBf16HistoryTolerance = 1e-3;

TEST(Bf16HistoryRender, LossHistoryStaysCloseToFloat32) {
  const std::unique_ptr<Backend> backend = make_cpu_backend();
  const Model model = load_model("builtin:vgg19-random", "relu5_1");
  OptimizerSettings settings = render_settings(OptimizerSettings::Kind::Lbfgs);
  const std::vector<double> fp32 = optimizer_loss_history(*backend, model, settings, kSteps);
  settings.history_precision = HistoryPrecision::Bf16;
  const std::vector<double> bf16 = optimizer_loss_history(*backend, model, settings, kSteps);
  const double difference = run_difference(bf16, fp32);
  std::printf(
      "L-BFGS %d steps: fp32 loss %.6g -> %.6g, bf16 -> %.6g; progress "
      "difference %.3g, final %.3g\n",
      kSteps, fp32.front(), fp32.back(), bf16.back(), difference,
      std::fabs(bf16.back() - fp32.back()) / fp32.back());
  EXPECT_GT(difference, 0.0) << "the bf16 history changed nothing";
  EXPECT_LE(difference, kBf16HistoryTolerance);
}

TEST(Bf16HistoryRender, TheHistoryTakesHalfTheMemory) {
  const auto dir = make_scratch_dir("bf16_memory");
  const auto config = write_config(dir, 64, 3);
  std::vector<double> peaks;
  for (const char* precision : {"fp32", "bf16"}) {
    render(config, {std::string("optimizer.history_precision=\"") + precision + "\""});
    std::ifstream in(dir / "out/render.json");
    peaks.push_back(nlohmann::json::parse(in)["peak_memory_bytes"].get<double>());
  }
  // history 100: 2 x 101 rows of 3 x 64 x 43 values, 4 bytes each in fp32, 2 in bf16.
  const double saved = 2.0 * 101 * 3 * 64 * 43 * 2;
  EXPECT_NEAR(peaks[0] - peaks[1], saved, saved * 0.01);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nsrg
