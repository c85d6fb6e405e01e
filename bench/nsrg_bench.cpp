// nsrg-bench: what each part of a render costs on a backend. Per conv layer of VGG-19 up to
// relu5_1: forward and backward-data time, FLOPs and GFLOP/s; Gram (SYRK) per style layer;
// the symmetric eigendecomposition of each style Gram; one L-BFGS step; one full evaluation
// (forward to relu5_1, content relu4_2 + five style layers, backward to the image). Medians
// of repeated runs after warm-up; results as a table and optionally JSON.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "bench/bench_timing.h"
#include "engine/backends/backend_factory.h"
#include "engine/core/atomic_file.h"
#include "engine/core/command_main.h"
#include "engine/core/error.h"
#include "engine/core/philox.h"
#include "engine/core/random_fill.h"
#include "engine/net/network.h"
#include "engine/net/objective.h"
#include "engine/net/targets.h"
#include "engine/optim/optimizer.h"
#include "weights/model.h"

namespace nsrg {

std::string host_description() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line, model = "unknown CPU";
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  }
  return model + ", " + std::to_string(std::thread::hardware_concurrency()) + " cores";
}

namespace {

struct BenchOptions {
  std::string backend = "cpu";
  std::string precision = "fp32";
  std::string model = "builtin:vgg19-random";
  std::vector<int> sizes{256, 512};
  int warmup = 1, runs = 5;
  std::string json_path;
  bool skip_layers = false;
  std::string export_weights;
};

// Writes the model (e.g. the built-in one) as a weights file, so that other programs (the
// PyTorch peer in bench/peer) can run the very same network.
void export_model(const Model& model, const std::string& path) {
  std::vector<TensorView> views;
  for (const LayerSpec& layer : model.layers) {
    if (layer.type != LayerType::Conv) continue;
    for (const char* part : {".weight", ".bias"}) {
      const HostTensor& t = model.tensors.at(layer.name + part);
      views.push_back({layer.name + part, t.shape, t.data.data()});
    }
  }
  write_model(path, model.layers, model.preprocess, model.source, views);
}

Tensor random_tensor(Backend& backend, const Shape& shape, uint32_t layer, float scale) {
  std::vector<float> host(shape.numel());
  fill_normals(RandomStream{12345, 0, layer, RandomPurpose::Test}, scale, host.data(), host.size());
  return backend.from_host(shape, host.data());
}

nlohmann::json bench_size(Backend& backend, Network& network, int size, const BenchOptions& o) {
  nlohmann::json result;
  result["image_size"] = size;
  const std::vector<std::string> style_layers{"relu1_1", "relu2_1", "relu3_1", "relu4_1",
                                              "relu5_1"};
  const std::vector<std::string> content_layers{"relu4_2"};
  const Shape input_shape{1, 3, size, size};
  Tensor image = random_tensor(backend, input_shape, 0, 50.0f);
  const int last = network.index_of("relu5_1");
  network.forward(image, last);

  // Per conv layer.
  nlohmann::json layers = nlohmann::json::array();
  double conv_sum_ms = 0;
  if (!o.skip_layers) {
    std::printf("\n%d px: per layer (median of %d)\n%-9s %-16s %10s %10s %9s %10s %9s\n", size,
                o.runs, "layer", "input", "GFLOP", "fwd ms", "GFLOP/s", "bwd ms", "GFLOP/s");
  }
  Shape in_shape = input_shape;
  for (int i = 0; i <= last; ++i) {
    const LayerSpec& layer = network.layer(i);
    const Shape out_shape = network.activation_shape(i);
    if (layer.type == LayerType::Conv && !o.skip_layers) {
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
  result["conv_layers"] = layers;
  result["conv_forward_plus_backward_sum_ms"] = conv_sum_ms;

  // Gram and eigendecomposition per style layer.
  nlohmann::json grams = nlohmann::json::array();
  std::printf("\n%-9s %-18s %10s %9s\n", "gram", "features", "ms", "GFLOP/s");
  // The Gram of random features is full rank, like a real style Gram at these sizes.
  for (const std::string& name : style_layers) {
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
  result["gram"] = grams;

  // One full evaluation with the default layers.
  std::map<std::string, Tensor> content = capture_features(backend, network, image, content_layers);
  Tensor style_image = random_tensor(backend, input_shape, 5, 50.0f);
  std::map<std::string, Tensor> targets =
      capture_grams(backend, network, {&style_image}, {1.0f}, style_layers);
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
  result["evaluation"] = {
      {"ms", eval.median_ms},
      {"conv_flops", eval_flops},
      {"gflops", eval_flops / eval.median_ms / 1e6},
      {"ratio_to_conv_sum", conv_sum_ms > 0 ? eval.median_ms / conv_sum_ms : 0.0}};

  // One L-BFGS step with a full history (m = 100, all pairs in use).
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
  result["lbfgs_step_ms"] = step.median_ms;
  result["peak_memory_bytes"] = backend.peak_memory_bytes();
  return result;
}

int run(int argc, char** argv) {
  CLI::App app{"nsrg-bench: per-layer, Gram, L-BFGS and full-evaluation costs of nsrg-engine"};
  BenchOptions o;
  app.add_option("--backend", o.backend, "cpu, cuda or auto")
      ->check(CLI::IsMember(names_in(kBackendChoiceNames)));
  app.add_option("--precision", o.precision, "fp32 or tf32 (CUDA)")
      ->check(CLI::IsMember(names_in(kPrecisionNames)));
  app.add_option("--model", o.model, "weights file or builtin:vgg19-random");
  app.add_option("--sizes", o.sizes, "image sizes (square), e.g. --sizes 256 512")->expected(1, 16);
  app.add_option("--warmup", o.warmup, "warm-up runs per measurement");
  app.add_option("--runs", o.runs, "timed runs per measurement (median reported)")
      ->check(CLI::PositiveNumber);
  app.add_option("--json", o.json_path, "write the results as JSON here");
  app.add_flag("--skip-layers", o.skip_layers, "skip the per-layer table");
  app.add_option("--export-weights", o.export_weights,
                 "write the model (to relu5_1) as a .safetensors weights file and exit");
  CLI11_PARSE(app, argc, argv);
  if (!o.export_weights.empty()) {
    export_model(load_model(o.model, "relu5_1"), o.export_weights);
    std::printf("wrote %s\n", o.export_weights.c_str());
    return 0;
  }

  BackendOptions options;
  options.precision = *value_in(kPrecisionNames, o.precision);
  std::unique_ptr<Backend> backend =
      create_backend(*value_in(kBackendChoiceNames, o.backend), options);
  const Model model = load_model(o.model, "relu5_1");
  Network network(*backend, model, PoolKind::Max);
  std::printf("backend: %s\nhost: %s\nmodel: %s\n", backend->description().c_str(),
              host_description().c_str(), model.source.c_str());
  nlohmann::json results;
  const std::time_t now = std::time(nullptr);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&now));
  results["date"] = date;
  results["backend"] = backend->description();
  results["host"] = host_description();
  results["precision"] = o.precision;
  // Written after each size, so a run stopped by a timeout keeps the sizes it finished.
  results["sizes"] = nlohmann::json::array();
  for (int size : o.sizes) {
    results["sizes"].push_back(bench_size(*backend, network, size, o));
    if (!o.json_path.empty()) write_bytes_atomically(o.json_path, results.dump(2) + "\n");
  }
  return 0;
}

}  // namespace
}  // namespace nsrg

int main(int argc, char** argv) {
  return nsrg::run_command([&] { return nsrg::run(argc, argv); });
}
