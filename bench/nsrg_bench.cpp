// nsrg-bench: what each part of a render costs on a backend. Per conv layer of VGG-19 up to
// relu5_1: forward and backward-data time, FLOPs and GFLOP/s; Gram (SYRK) per style layer;
// the symmetric eigendecomposition of each style Gram; one L-BFGS step; one full evaluation
// (forward to relu5_1, content relu4_2 + five style layers, backward to the image); with
// --stream, the memory bandwidth first (STREAM-like loops). Medians
// of repeated runs after warm-up; results as a table and optionally JSON.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "bench/bench_size.h"
#include "bench/memory_bandwidth.h"
#include "bench/op_timing_backend.h"
#include "engine/backends/backend_factory.h"
#include "engine/core/atomic_file.h"
#include "engine/core/command_main.h"
#include "engine/core/error.h"
#include "engine/core/philox.h"
#include "engine/core/random_fill.h"
#include "engine/cpu/cpu_features.h"
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
  // The vector and matrix extensions that decide the convolutions' speed per precision.
  std::istringstream flags(cpu::read_cpu_flags());
  std::string flag, vector_flags;
  while (flags >> flag)
    if (flag == "avx2" || flag == "fma" || flag.rfind("avx512", 0) == 0 ||
        flag.rfind("amx", 0) == 0)
      vector_flags += (vector_flags.empty() ? "" : " ") + flag;
  return model + ", " + std::to_string(std::thread::hardware_concurrency()) +
         " cores, flags: " + (vector_flags.empty() ? "none of avx2/avx512/amx" : vector_flags);
}

namespace {

struct BenchOptions {
  std::string backend = "cpu";
  std::string precision = "fp32";
  int threads = 0;
  std::string model = "builtin:vgg19-random";
  std::vector<int> sizes{256, 512};
  MeasureSettings measure;
  std::string json_path;
  std::string export_weights;
  size_t stream_mib = 0;  // > 0: measure the memory bandwidth on arrays of this size
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

int run(int argc, char** argv) {
  CLI::App app{"nsrg-bench: per-layer, Gram, L-BFGS and full-evaluation costs of nsrg-engine"};
  BenchOptions o;
  app.add_option("--backend", o.backend, "cpu, cuda or auto")
      ->check(CLI::IsMember(names_in(kBackendChoiceNames)));
  app.add_option("--precision", o.precision, "fp32, tf32 (CUDA), mixed or bf16")
      ->check(CLI::IsMember(names_in(kPrecisionNames)));
  app.add_option("--threads", o.threads, "CPU threads (0: all cores)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--model", o.model, "weights file or builtin:vgg19-random");
  app.add_option("--sizes", o.sizes, "image sizes (square), e.g. --sizes 256 512")->expected(1, 16);
  app.add_option("--warmup", o.measure.warmup, "warm-up runs per measurement");
  app.add_option("--runs", o.measure.runs, "timed runs per measurement (median reported)")
      ->check(CLI::PositiveNumber);
  app.add_option("--json", o.json_path, "write the results as JSON here");
  app.add_flag("--skip-layers", o.measure.skip_layers, "skip the per-layer table");
  app.add_flag("--lbfgs-only", o.measure.lbfgs_only, "measure the L-BFGS step alone");
  app.add_flag("--op-times", o.measure.op_times,
               "also time the full evaluation per operation (the backend wrapped in a timer; "
               "the L-BFGS step then runs the ring ops, not the fused two-loop)");
  app.add_option("--stream", o.stream_mib,
                 "measure the memory bandwidth (STREAM-like read and triad) on arrays of this "
                 "many MiB first");
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
  options.threads = o.threads;
  std::unique_ptr<Backend> engine_backend =
      create_backend(*value_in(kBackendChoiceNames, o.backend), options);
  std::unique_ptr<OpTimingBackend> timing;
  if (o.measure.op_times) timing = std::make_unique<OpTimingBackend>(*engine_backend);
  Backend* backend = timing ? static_cast<Backend*>(timing.get()) : engine_backend.get();
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
  if (o.stream_mib > 0)
    results["memory_bandwidth"] = measure_memory_bandwidth(
        o.threads > 0 ? o.threads : int(std::thread::hardware_concurrency()), o.stream_mib,
        o.measure.runs);
  // Written after each size, so a run stopped by a timeout keeps the sizes it finished.
  results["sizes"] = nlohmann::json::array();
  for (int size : o.sizes) {
    results["sizes"].push_back(bench_size(*backend, network, size, o.measure));
    if (!o.json_path.empty()) write_bytes_atomically(o.json_path, results.dump(2) + "\n");
  }
  return 0;
}

}  // namespace
}  // namespace nsrg

int main(int argc, char** argv) {
  return nsrg::run_command([&] { return nsrg::run(argc, argv); });
}
