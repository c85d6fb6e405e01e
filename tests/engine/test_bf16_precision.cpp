// precision = "mixed" and "bf16" on the CPU backend against the float32 CPU backend, on the
// real objective (content relu4_2, style relu1_1..relu5_1, the example images): the losses
// and the image gradient of one evaluation, with the built-in VGG-19 and, when
// shared/weights holds them, the VGG-16 weights; and a short bf16 L-BFGS render whose final
// image, evaluated in float32, reaches the float32 render's loss within a measured bound.
// The bounds are about twice what the AMX machine of 2026-12-06 measured (printed by each
// test; bench/README.md, "bf16 on the CPU").
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "engine/cpu/cpu_backend.h"
#include "tests/engine/gradient_agreement.h"
#include "tests/engine/optimizer_run_support.h"

namespace nsrg {
namespace {

using namespace nsrg::testing;

Evaluation evaluate_at(Precision precision, const Model& model, const std::vector<float>& point,
                       int size) {
  BackendOptions options;
  options.precision = precision;
  const std::unique_ptr<Backend> backend = make_cpu_backend(options);
  ExampleObjective example(*backend, model, size);
  Tensor x = backend->from_host(example.shape(), point.data());
  Tensor grad = backend->empty(example.shape());
  example.objective().evaluate(x, grad);
  return {example.objective().read_losses().total, backend->to_host(grad)};
}

// Bounds of one precision against float32 at one evaluation.
struct Bounds {
  double loss, gradient, cosine;
};

void expect_close(const Model& model, const char* model_name, int size,
                  const std::vector<float>& point, const char* point_name, Precision precision,
                  const Bounds& bounds) {
  const Evaluation reference = evaluate_at(Precision::Fp32, model, point, size);
  const Agreement agreement = compare(evaluate_at(precision, model, point, size), reference);
  std::printf("%s %d px at %s, %s: loss %.3g, gradient %.3g (L2), cosine %.6f\n", model_name, size,
              point_name, name_in(kPrecisionNames, precision), agreement.loss, agreement.gradient,
              agreement.cosine);
  EXPECT_GT(agreement.gradient, 0.0) << "bf16 changed nothing";
  EXPECT_LE(agreement.loss, bounds.loss);
  EXPECT_LE(agreement.gradient, bounds.gradient);
  EXPECT_GE(agreement.cosine, bounds.cosine);
}

// The point 10 float32 L-BFGS steps into the example render (a picture forming; the start
// is noise).
std::vector<float> point_after_steps(const Model& model, int steps) {
  const std::unique_ptr<Backend> backend = make_cpu_backend();
  std::vector<float> point;
  optimizer_loss_history(*backend, model, render_settings(OptimizerSettings::Kind::Lbfgs), steps,
                         0.0, &point);
  return point;
}

// Measured on the AMX machine of 2026-12-06, 64 px (built-in VGG-19 at the start / after 10
// steps; VGG-16 after 10 steps), relative loss error, relative L2 gradient error, cosine:
//   mixed: loss 0 (the forward pass is float32), gradient 3.3e-3 / 6.6e-4; 1.2e-3,
//          cosine 0.999994 / 1.000000; 0.999999;
//   bf16:  loss 6.1e-4 / 5.0e-4; 4.8e-4, gradient 9.8e-2 / 1.3e-2; 2.7e-2,
//          cosine 0.9952 / 0.99992; 0.99964.
// With the backward pass kept on the NHWC layouts and the style Grams and their backward
// as bf16 matmuls, dG + dG^T rounded to bf16 (2026-12-06, later; mixed unchanged):
//   bf16:  loss 6.1e-4 / 5.0e-4; 3.7e-4, gradient 9.8e-2 / 1.3e-2; 2.2e-2,
//          cosine 0.9952 / 0.99991; 0.99977; the render below ended 8.8% below fp32's.
// With relu1_1 in bf16 as well (the first layer's float32 output rounded to bf16 NHWC, its
// Gram a bf16 matmul) and the forward ReLUs fused into the convolutions (2026-12-06, later):
//   bf16:  loss 6.2e-4 / 5.1e-4; 3.7e-4, gradient 9.8e-2 / 1.3e-2; 2.2e-2,
//          cosine 0.9952 / 0.99991; 0.99977; the render below ended 0.5% below fp32's.
// The bf16 gradient is furthest off at the start, a noise image of amplitude 0.001 whose
// activations sit near zero, where bf16 rounding flips most ReLU masks and max-pool choices.
// The bounds are 2-3x the largest measured.
const Bounds kMixedBounds{0.0, 0.01, 0.9999};
const Bounds kBf16Bounds{0.0015, 0.2, 0.99};

TEST(Bf16Precision, BuiltinModelLossAndGradientStayCloseToFloat32) {
  const Model model = load_model("builtin:vgg19-random", "relu5_1");
  const std::unique_ptr<Backend> backend = make_cpu_backend();
  const std::vector<float> start = ExampleObjective(*backend, model).start_image();
  const std::vector<float> later = point_after_steps(model, 10);
  for (const auto& [point, name] : {std::pair{&start, "start"}, std::pair{&later, "step 10"}}) {
    expect_close(model, "builtin", 64, *point, name, Precision::Mixed, kMixedBounds);
    expect_close(model, "builtin", 64, *point, name, Precision::Bf16, kBf16Bounds);
  }
}

TEST(Bf16Precision, Vgg16LossAndGradientStayCloseToFloat32) {
  const std::string path =
      std::string(NSRG_SHARED_DIR) + "/weights/vgg16_imagenet_conv.safetensors";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no VGG-16 weights at " << path;
  const Model model = load_model(path, "relu5_1");
  const std::vector<float> later = point_after_steps(model, 10);
  expect_close(model, "vgg16", 64, later, "step 10", Precision::Mixed, kMixedBounds);
  expect_close(model, "vgg16", 64, later, "step 10", Precision::Bf16, kBf16Bounds);
}

// A bf16 render's result, evaluated in float32, against the float32 render's: 30 L-BFGS
// steps of the example render (built-in VGG-19, 64 px). Measured: the bf16 render ends 10%
// BELOW the float32 render's loss (2.04e12 against 2.28e12). L-BFGS without a line search
// amplifies any rounding difference over 30 steps (a 1e-6 perturbation of the start image
// moves a float32 run's loss by a few percent, tests/engine/test_fp32_sensitivity.cpp), so
// the two runs part ways and the bound is one-sided: a bf16 render may not end more than
// 3% above the float32 one (the goal).
constexpr int kRenderSteps = 30;
constexpr double kRenderLossTolerance = 0.03;

TEST(Bf16Precision, RenderReachesTheFloat32LossWhenEvaluatedInFloat32) {
  const Model model = load_model("builtin:vgg19-random", "relu5_1");
  const OptimizerSettings settings = render_settings(OptimizerSettings::Kind::Lbfgs);
  std::vector<double> finals;
  for (Precision precision : {Precision::Fp32, Precision::Bf16}) {
    BackendOptions options;
    options.precision = precision;
    const std::unique_ptr<Backend> backend = make_cpu_backend(options);
    std::vector<float> result;
    optimizer_loss_history(*backend, model, settings, kRenderSteps, 0.0, &result);
    finals.push_back(evaluate_at(Precision::Fp32, model, result, 64).total);
  }
  const double difference = (finals[1] - finals[0]) / finals[0];
  std::printf("%d L-BFGS steps, final loss in fp32: fp32 render %.6g, bf16 render %.6g (%+.3g)\n",
              kRenderSteps, finals[0], finals[1], difference);
  EXPECT_LE(difference, kRenderLossTolerance);
}

}  // namespace
}  // namespace nsrg
