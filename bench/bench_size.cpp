// The measurements of one image size for nsrg-bench (bench/bench_size.h): each part of a
// render timed on random inputs, its FLOPs counted, printed and returned as JSON.
#include "bench/bench_size.h"

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "bench/bench_timing.h"
#include "engine/core/philox.h"
#include "engine/core/random_fill.h"
#include "engine/net/objective.h"
#include "engine/net/targets.h"
#include "engine/optim/optimizer.h"

namespace nsrg {
namespace {

const std::vector<std::string> kStyleLayers{"relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"};
const std::vector<std::string> kContentLayers{"relu4_2"};

Tensor random_tensor(Backend& backend, const Shape& shape, uint32_t layer, float scale) {
  std::vector<float> host(shape.numel());
  fill_normals(RandomStream{12345, 0, layer, RandomPurpose::Test}, scale, host.data(), host.size());
  return backend.from_host(shape, host.data());
}

// Forward and backward-data of every conv layer up to `last`; adds their median times to
// `conv_sum_ms`.
nlohmann::json bench_conv_layers(Backend& backend, Network& network, const Shape& input_shape,
                                 int last, const MeasureSettings& o, double& conv_sum_ms) {
  nlohmann::json layers = nlohmann::json::array();
  std::printf("\n%d px: per layer (median of %d)\n%-9s %-16s %10s %10s %9s %10s %9s\n",
              input_shape.w, o.runs, "layer", "input", "GFLOP", "fwd ms", "GFLOP/s", "bwd ms",
              "GFLOP/s");
  Shape in_shape = input_shape;
  for (int i = 0; i <= last; ++i) {
    const LayerSpec& layer = network.layer(i);
    const Shape out_shape = network.activation_shape(i);
    if (layer.type == LayerType::Conv) {
      const double flops = layer.conv.flops(in_shape);
      Tensor x = random_tensor(backend, in_shape, 1, 1.0f);
      Tensor y = backend.empty(out_shape);
      Tensor dy = random_tensor(backend, out_shape, 2, 1.0f);
      Tensor dx = backend.empty(in_shape);
      Tensor w = random_tensor(backend, layer.conv.weight_shape(), 3, 0.05f);
      Tensor b = backend.zeros(layer.conv.bias_shape());
      const Timing fwd = time_median(backend, o.warmup, o.runs,
                                     [&] { backend.conv_forward(layer.conv, x, w, b, y); });
      const Timing bwd = time_median(backend, o.warmup, o.runs,
                                     [&] { backend.conv_backward_data(layer.conv, dy, w, dx); });
      conv_sum_ms += fwd.median_ms + bwd.median_ms;
      std::printf("%-9s %-16s %10.2f %10.3f %9.1f %10.3f %9.1f\n", layer.name.c_str(),
                  in_shape.str().c_str(), flops / 1e9, fwd.median_ms, flops / fwd.median_ms / 1e6,
                  bwd.median_ms, flops / bwd.median_ms / 1e6);
      layers.push_back({{"layer", layer.name},
                        {"input", in_shape.str()},
                        {"flops", flops},
                        {"forward_ms", fwd.median_ms},
                        {"forward_gflops", flops / fwd.median_ms / 1e6},
                        {"backward_data_ms", bwd.median_ms},
                        {"backward_data_gflops", flops / bwd.median_ms / 1e6}});
    }
    in_shape = out_shape;
  }
  return layers;
}

// The Gram (SYRK) and the symmetric eigendecomposition of each style layer's Gram.
nlohmann::json bench_grams(Backend& backend, Network& network, const MeasureSettings& o) {
  nlohmann::json grams = nlohmann::json::array();
  std::printf("\n%-9s %-18s %10s %9s\n", "gram", "features", "ms", "GFLOP/s");
  // The Gram of random features is full rank, like a real style Gram at these sizes.
  for (const std::string& name : kStyleLayers) {
    const Shape f = network.activation_shape(network.index_of(name));
    Tensor features = random_tensor(backend, f, 4, 1.0f);
    Tensor gram = backend.empty({1, 1, f.c, f.c});
    const float scale = 1.0f / float(f.numel());
    const Timing t =
        time_median(backend, o.warmup, o.runs, [&] { backend.gram(features, scale, gram); });
    // SYRK: C(C+1)/2 dot products of length HW, 2 flops each.
    const double flops = double(f.c) * (f.c + 1) * double(f.h) * f.w;
    Tensor values = backend.empty({1, 1, 1, f.c});
    Tensor vectors = backend.empty({1, 1, f.c, f.c});
    const Timing eig = time_median(backend, o.warmup, o.runs,
                                   [&] { backend.symmetric_eigen(gram, values, vectors); });
    std::printf("%-9s %-18s %10.3f %9.1f   eigen (syevd) %dx%d: %.3f ms\n", name.c_str(),
                f.str().c_str(), t.median_ms, flops / t.median_ms / 1e6, f.c, f.c, eig.median_ms);
    grams.push_back({{"layer", name},
                     {"features", f.str()},
                     {"ms", t.median_ms},
                     {"flops", flops},
                     {"eigen_ms", eig.median_ms}});
  }
  return grams;
}

// One full evaluation with the default layers, the content taken from `image`;
// `conv_sum_ms` (the per-layer sum, 0 when skipped) gives the ratio of the whole to its
// convolutions.
nlohmann::json bench_evaluation(Backend& backend, Network& network, const Tensor& image, int last,
                                const MeasureSettings& o, double conv_sum_ms) {
  const Shape input_shape = image.shape();
  std::map<std::string, Tensor> content = capture_features(backend, network, image, kContentLayers);
  Tensor style_image = random_tensor(backend, input_shape, 5, 50.0f);
  std::map<std::string, Tensor> targets =
      capture_grams(backend, network, {&style_image}, {1.0f}, kStyleLayers);
  std::map<std::string, const Tensor*> content_ptr, style_ptr;
  for (auto& [k, v] : content) content_ptr[k] = &v;
  for (auto& [k, v] : targets) style_ptr[k] = &v;
  StyleObjective objective(backend, network, ObjectiveWeights{}, content_ptr, style_ptr);
  Tensor x = random_tensor(backend, input_shape, 6, 1.0f);
  Tensor grad = backend.empty(input_shape);
  const Timing eval = time_median(backend, o.warmup, o.runs, [&] { objective.evaluate(x, grad); });
  const double eval_flops = 2.0 * network.forward_flops(last);  // forward + backward-data
  std::printf(
      "\nfull evaluation: %.1f ms  (conv FLOPs fwd+bwd %.1f GFLOP, %.1f GFLOP/s; "
      "sum of per-layer conv times %.1f ms, ratio %.2f)\n",
      eval.median_ms, eval_flops / 1e9, eval_flops / eval.median_ms / 1e6, conv_sum_ms,
      conv_sum_ms > 0 ? eval.median_ms / conv_sum_ms : 0.0);
  return {{"ms", eval.median_ms},
          {"conv_flops", eval_flops},
          {"gflops", eval_flops / eval.median_ms / 1e6},
          {"ratio_to_conv_sum", conv_sum_ms > 0 ? eval.median_ms / conv_sum_ms : 0.0}};
}

// One L-BFGS step with a full history (m = 100, all pairs in use).
double bench_lbfgs_step(Backend& backend, const Shape& input_shape, const MeasureSettings& o) {
  Tensor x = random_tensor(backend, input_shape, 6, 1.0f);
  OptimizerSettings settings;
  auto optimizer = make_optimizer(backend, settings, input_shape);
  Tensor loss = backend.zeros({1, 1, 1, 1});
  for (int k = 0; k < 101; ++k) {
    Tensor g = random_tensor(backend, input_shape, 100 + k, 1.0f);
    backend.axpy(0.01f, x, g);  // a gradient correlated with x keeps y.s > 0
    optimizer->step(x, g, {&loss, 0});
  }
  Tensor g = random_tensor(backend, input_shape, 99, 1.0f);
  const Timing step = time_median(backend, 0, o.runs, [&] { optimizer->step(x, g, {&loss, 0}); });
  std::printf("L-BFGS step (history 100, %zu values): %.2f ms\n", input_shape.numel(),
              step.median_ms);
  return step.median_ms;
}

}  // namespace

nlohmann::json bench_size(Backend& backend, Network& network, int size,
                          const MeasureSettings& settings) {
  nlohmann::json result;
  result["image_size"] = size;
  const Shape input_shape{1, 3, size, size};
  const int last = network.index_of("relu5_1");
  // Plans the network's buffers at this size before anything is timed.
  Tensor image = random_tensor(backend, input_shape, 0, 50.0f);
  network.forward(image, last);
  double conv_sum_ms = 0;
  result["conv_layers"] = settings.skip_layers ? nlohmann::json::array()
                                               : bench_conv_layers(backend, network, input_shape,
                                                                   last, settings, conv_sum_ms);
  result["conv_forward_plus_backward_sum_ms"] = conv_sum_ms;
  result["gram"] = bench_grams(backend, network, settings);
  result["evaluation"] = bench_evaluation(backend, network, image, last, settings, conv_sum_ms);
  result["lbfgs_step_ms"] = bench_lbfgs_step(backend, input_shape, settings);
  result["peak_memory_bytes"] = backend.peak_memory_bytes();
  return result;
}

}  // namespace nsrg
