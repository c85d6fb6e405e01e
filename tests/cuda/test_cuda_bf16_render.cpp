// precision = "mixed" and "bf16" on the CUDA backend on the real objective
// (tests/engine/optimizer_run_support.h: built-in VGG-19, content relu4_2, style relu1_1..
// relu5_1, 64 px): one evaluation's loss and image gradient against the CPU backend in the
// same precision, and a 30-step bf16 L-BFGS render whose result, evaluated in float32 on the
// CPU, ends within the tolerance tests/engine/test_bf16_precision.cpp holds the CPU's bf16
// render to. Without a device every test skips with "no CUDA device: skipped".
//
// The evaluation bounds are the CPU's own for its precision against float32
// (test_bf16_precision.cpp, measured at the noise start image, where bf16 is furthest off),
// with two changes argued from what differs on the GPU: the loss bound of "bf16" doubled
// (both backends' bf16 forward passes are off from float32 by up to the CPU's bound, in
// different directions); the gradient bound of "mixed" doubled (the CUDA backend rounds each
// backward-data result to bf16 as well, one more rounding of u = 2^-8 per layer beside the
// CPU's rounding of the gradient going in). "bf16"'s gradient bound (0.2, cosine 0.99) already
// covers two independent sets of flipped ReLU masks and max-pool choices (CPU measured 9.8%).
#include <cstdio>
#include <vector>

#include "tests/cuda/cuda_test_support.h"
#include "tests/engine/gradient_agreement.h"
#include "tests/engine/optimizer_run_support.h"

namespace nsrg::test {
namespace {

using namespace nsrg::testing;

Evaluation evaluate_at(Backend& backend, const Model& model, const std::vector<float>& point) {
  ExampleObjective example(backend, model);
  Tensor x = backend.from_host(example.shape(), point.data());
  Tensor grad = backend.empty(example.shape());
  example.objective().evaluate(x, grad);
  return {example.objective().read_losses().total, backend.to_host(grad)};
}

struct Bounds {
  double loss, gradient, cosine;
};

const Bounds kMixedBounds{1e-4, 0.02, 0.9998};  // the loss: float32 forward passes on both
const Bounds kBf16Bounds{0.003, 0.2, 0.99};

// 30 L-BFGS steps; the CUDA render may end at most 3% above the CPU's (one-sided: perturbed
// L-BFGS runs part ways, test_bf16_precision.cpp).
constexpr int kRenderSteps = 30;
constexpr double kRenderLossTolerance = 0.03;

class CudaBf16Render : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string reason = cuda_skip_reason();
    if (!reason.empty()) GTEST_SKIP() << reason;
  }
};

TEST_F(CudaBf16Render, EvaluationMatchesTheCpuInTheSamePrecision) {
  const Model model = load_model("builtin:vgg19-random", "relu5_1");
  const std::unique_ptr<Backend> reference = make_cpu_backend();
  const std::vector<float> start = ExampleObjective(*reference, model).start_image();
  for (Precision precision : {Precision::Mixed, Precision::Bf16}) {
    const Bounds& bounds = precision == Precision::Mixed ? kMixedBounds : kBf16Bounds;
    const auto cpu = make_cpu_backend(with_precision(precision));
    const auto cuda = make_test_cuda_backend(with_precision(precision));
    const Evaluation expected = evaluate_at(*cpu, model, start);
    const Agreement agreement = compare(evaluate_at(*cuda, model, start), expected);
    const double loss = agreement.loss, gradient = agreement.gradient, cosine = agreement.cosine;
    std::printf("%s, CUDA against CPU at the start image: loss %.3g, gradient %.3g, cosine %.6f\n",
                name_in(kPrecisionNames, precision), loss, gradient, cosine);
    EXPECT_LE(loss, bounds.loss) << name_in(kPrecisionNames, precision);
    EXPECT_LE(gradient, bounds.gradient) << name_in(kPrecisionNames, precision);
    EXPECT_GE(cosine, bounds.cosine) << name_in(kPrecisionNames, precision);
  }
}

TEST_F(CudaBf16Render, Bf16RenderReachesTheCpuBf16Loss) {
  const Model model = load_model("builtin:vgg19-random", "relu5_1");
  const OptimizerSettings settings = render_settings(OptimizerSettings::Kind::Lbfgs);
  const auto cpu = make_cpu_backend(with_precision(Precision::Bf16));
  const auto cuda = make_test_cuda_backend(with_precision(Precision::Bf16));
  const auto fp32 = make_cpu_backend();
  std::vector<float> cpu_result, cuda_result;
  optimizer_loss_history(*cpu, model, settings, kRenderSteps, 0.0, &cpu_result);
  const std::vector<double> history =
      optimizer_loss_history(*cuda, model, settings, kRenderSteps, 0.0, &cuda_result);
  const double cpu_final = evaluate_at(*fp32, model, cpu_result).total;
  const double cuda_final = evaluate_at(*fp32, model, cuda_result).total;
  const double difference = (cuda_final - cpu_final) / cpu_final;
  std::printf("%d bf16 L-BFGS steps, final loss in fp32: CPU %.6g, CUDA %.6g (%+.3g)\n",
              kRenderSteps, cpu_final, cuda_final, difference);
  EXPECT_LE(difference, kRenderLossTolerance);
  EXPECT_TRUE(run_optimizes(history));
}

}  // namespace
}  // namespace nsrg::test
