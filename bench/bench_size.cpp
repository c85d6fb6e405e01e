// The measurements of one image size for nsrg-bench (bench/bench_size.h): each part of a
// render timed on random inputs, its FLOPs counted, printed and returned as JSON.
#include "bench/bench_size.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "bench/bench_timing.h"
#include "bench/op_timing_backend.h"
#include "engine/core/lbfgs_two_loop.h"
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

// `runs` more evaluations with the operations timed one by one: the median per operation
// and shape, with its share of the evaluation's summed CPU and wall time, largest first;
// then the same by operation kind (the name before the shape).
nlohmann::json evaluation_op_times(OpTimingBackend& timing, int runs,
                                   const std::function<void()>& evaluate) {
  std::vector<std::map<std::string, OpTotals>> per_run;
  for (int run = 0; run < runs; ++run) {
    timing.reset();
    evaluate();
    per_run.push_back(timing.totals());
  }
  const std::vector<OpShare> shares = median_op_totals(per_run);
  double cpu_sum = 0, wall_sum = 0;
  std::map<std::string, OpTotals> by_kind;
  for (const OpShare& s : shares) {
    cpu_sum += s.median.cpu_ms;
    wall_sum += s.median.wall_ms;
    OpTotals& kind = by_kind[s.name.substr(0, s.name.find(' '))];
    kind.cpu_ms += s.median.cpu_ms;
    kind.wall_ms += s.median.wall_ms;
    kind.calls += s.median.calls;
  }
  std::printf(
      "\nper operation (median of %d evaluations; CPU time of all threads, wall time)\n"
      "%-44s %6s %10s %7s %10s %7s\n",
      runs, "operation", "calls", "cpu ms", "share", "wall ms", "share");
  nlohmann::json rows = nlohmann::json::array();
  for (const OpShare& s : shares) {
    std::printf("%-44s %6ld %10.2f %6.1f%% %10.2f %6.1f%%\n", s.name.c_str(), s.median.calls,
                s.median.cpu_ms, 100 * s.median.cpu_ms / cpu_sum, s.median.wall_ms,
                100 * s.median.wall_ms / wall_sum);
    rows.push_back({{"op", s.name},
                    {"calls", s.median.calls},
                    {"cpu_ms", s.median.cpu_ms},
                    {"wall_ms", s.median.wall_ms}});
  }
  std::printf("%-44s %6s %10.2f %7s %10.2f\n\nby kind\n", "sum", "", cpu_sum, "", wall_sum);
  nlohmann::json kinds = nlohmann::json::object();
  for (const auto& [kind, t] : by_kind) {
    std::printf("%-44s %6ld %10.2f %6.1f%% %10.2f %6.1f%%\n", kind.c_str(), t.calls, t.cpu_ms,
                100 * t.cpu_ms / cpu_sum, t.wall_ms, 100 * t.wall_ms / wall_sum);
    kinds[kind] = {{"calls", t.calls}, {"cpu_ms", t.cpu_ms}, {"wall_ms", t.wall_ms}};
  }
  return {{"ops", rows}, {"by_kind", kinds}, {"cpu_ms", cpu_sum}, {"wall_ms", wall_sum}};
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
  nlohmann::json op_times;
  if (auto* timing = dynamic_cast<OpTimingBackend*>(&backend); timing != nullptr)
    op_times = evaluation_op_times(*timing, o.runs, [&] { objective.evaluate(x, grad); });
  std::printf(
      "\nfull evaluation: %.1f ms  (conv FLOPs fwd+bwd %.1f GFLOP, %.1f GFLOP/s; "
      "sum of per-layer conv times %.1f ms, ratio %.2f)\n",
      eval.median_ms, eval_flops / 1e9, eval_flops / eval.median_ms / 1e6, conv_sum_ms,
      conv_sum_ms > 0 ? eval.median_ms / conv_sum_ms : 0.0);
  return {{"ms", eval.median_ms},
          {"op_times", op_times},
          {"conv_flops", eval_flops},
          {"gflops", eval_flops / eval.median_ms / 1e6},
          {"ratio_to_conv_sum", conv_sum_ms > 0 ? eval.median_ms / conv_sum_ms : 0.0}};
}

// One L-BFGS step with a full history (m = 100, all pairs in use), its rows in `precision`.
double bench_lbfgs_step(Backend& backend, const Shape& input_shape, const MeasureSettings& o,
                        HistoryPrecision precision = HistoryPrecision::Fp32) {
  Tensor x = random_tensor(backend, input_shape, 6, 1.0f);
  OptimizerSettings settings;
  settings.history_precision = precision;
  auto optimizer = make_optimizer(backend, settings, input_shape);
  Tensor loss = backend.zeros({1, 1, 1, 1});
  for (int k = 0; k < 101; ++k) {
    Tensor g = random_tensor(backend, input_shape, 100 + k, 1.0f);
    backend.axpy(0.01f, x, g);  // a gradient correlated with x keeps y.s > 0
    optimizer->step(x, g, {&loss, 0});
  }
  Tensor g = random_tensor(backend, input_shape, 99, 1.0f);
  const Timing step = time_median(backend, 0, o.runs, [&] { optimizer->step(x, g, {&loss, 0}); });
  std::printf("L-BFGS step (history 100, %s rows, %zu values): %.2f ms\n",
              name_in(kHistoryPrecisionNames, precision), input_shape.numel(), step.median_ms);
  return step.median_ms;
}

// A ring of `rows` rows of random values shaped like `row_shape`, stored by ring_store (bf16
// rows rounded as the optimizer stores them).
Tensor random_ring(Backend& backend, const Shape& row_shape, int rows, uint32_t seed, bool bf16) {
  const size_t numel = row_shape.numel();
  Tensor ring = backend.empty(Shape{rows, 1, 1, int(bf16 ? (numel + 1) / 2 : numel)});
  const Tensor counter = backend.zeros(Shape{1, 1, 1, 1});
  for (int r = 0; r < rows; ++r) {
    const Tensor row = random_tensor(backend, row_shape, seed + uint32_t(r), 1.0f);
    backend.ring_store(row, ring, RingRow{&counter, 0, r, bf16});
  }
  return ring;
}

// The two-loop recursion alone over a full history of 100 random pairs, rows in float32 or
// bf16: the backend's fused op (when it has one) and the ring ops, timed alternately in the
// same run; with the bytes of history they read (every s and y row twice) and their rate.
nlohmann::json bench_two_loop(Backend& backend, const Shape& input_shape, const MeasureSettings& o,
                              bool bf16) {
  const int history = 100;
  const Tensor s_ring = random_ring(backend, input_shape, history + 1, 1000, bf16);
  const Tensor y_ring = random_ring(backend, input_shape, history + 1, 2000, bf16);
  Tensor ro_ring = backend.empty(Shape{history + 1, 1, 1, 1});
  backend.fill(ro_ring, 1e-6f);
  const Tensor grad = random_tensor(backend, input_shape, 203, 1.0f);
  Tensor scalars = backend.zeros(Shape{1, 1, 1, 4});
  backend.fill(scalars, 150.0f);  // 150 pairs accepted: a full, wrapped history
  Tensor alphas = backend.zeros(Shape{1, 1, 1, history});
  Tensor d = backend.empty(input_shape);
  LbfgsTwoLoopArgs args;
  args.history = {&s_ring, &y_ring, &ro_ring, RingRow{&scalars, 0, -1, bf16}, history};
  args.hdiag = Coef(1e-3f);
  args.grad = &grad;
  args.alphas = &alphas;
  args.beta = ScalarSlot{&scalars, 1};
  args.temp = ScalarSlot{&scalars, 2};
  args.d = &d;
  auto* fused = dynamic_cast<LbfgsTwoLoop*>(&backend);
  std::vector<double> fused_ms, ring_ms;
  for (int run = 0; run < o.warmup + o.runs; ++run) {
    const double ring = backend.time_ms([&] { lbfgs_two_loop_with_ring_ops(backend, args); });
    const double one =
        fused != nullptr ? backend.time_ms([&] { fused->lbfgs_two_loop(args); }) : 0.0;
    if (run < o.warmup) continue;
    ring_ms.push_back(ring);
    fused_ms.push_back(one);
  }
  std::sort(ring_ms.begin(), ring_ms.end());
  std::sort(fused_ms.begin(), fused_ms.end());
  const double value_bytes = bf16 ? 2.0 : 4.0;
  const double history_bytes = 2.0 * 2.0 * history * double(input_shape.numel()) * value_bytes;
  const double fused_median = fused_ms[fused_ms.size() / 2],
               ring_median = ring_ms[ring_ms.size() / 2];
  const double fused_gbs = fused_median > 0 ? history_bytes / fused_median / 1e6 : 0.0;
  const double ring_gbs = history_bytes / ring_median / 1e6;
  std::printf(
      "L-BFGS two-loop (history 100, %s rows, %zu values, %.3f GB of history read): fused "
      "%.2f ms (%.1f GB/s), ring ops %.2f ms (%.1f GB/s), alternating, median of %d\n",
      bf16 ? "bf16" : "fp32", input_shape.numel(), history_bytes / 1e9, fused_median, fused_gbs,
      ring_median, ring_gbs, o.runs);
  return {{"history_rows", bf16 ? "bf16" : "fp32"},
          {"history_bytes", history_bytes},
          {"fused_ms", fused != nullptr ? nlohmann::json(fused_median) : nlohmann::json()},
          {"fused_gbs", fused != nullptr ? nlohmann::json(fused_gbs) : nlohmann::json()},
          {"ring_ops_ms", ring_median},
          {"ring_ops_gbs", ring_gbs}};
}

}  // namespace

nlohmann::json bench_size(Backend& backend, Network& network, int size,
                          const MeasureSettings& settings) {
  nlohmann::json result;
  result["image_size"] = size;
  const Shape input_shape{1, 3, size, size};
  if (settings.lbfgs_only) {
    for (bool bf16 : {false, true}) {
      const HistoryPrecision precision = bf16 ? HistoryPrecision::Bf16 : HistoryPrecision::Fp32;
      const char* rows = name_in(kHistoryPrecisionNames, precision);
      result["lbfgs_two_loop"][rows] = bench_two_loop(backend, input_shape, settings, bf16);
      result["lbfgs_step_ms"][rows] = bench_lbfgs_step(backend, input_shape, settings, precision);
    }
    return result;
  }
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
