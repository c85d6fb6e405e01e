// plan_memory: replays a render's allocations on a ledger to find its peak, then adds the
// memory that is not Tensors. The owners count their own bytes: the network's buffers come
// from Network::plan_buffers, the optimizers' state from optimizer_state_bytes and the
// backend's workspace from Backend::workspace_bytes; the replay adds when each is allocated
// and freed, with StyleObjective's scratch buffers, capture_features/capture_grams (or the kept
// styles' Grams and blend_grams' scratch) and randomize_target.
#include "engine/stages/memory_plan.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>

#include "engine/core/error.h"
#include "engine/net/network.h"
#include "engine/net/tile_plan.h"

namespace nsrg {
namespace {

enum Kind { kWeights, kActivations, kGradients, kTargets, kOptimizer, kKindCount };

constexpr size_t kFloat = sizeof(float);
// CPU: what the process holds besides Tensors, the convolution buffers and the host images:
// the shared libraries as loaded and relocated (with the CUDA backend built in, libcublasLt
// and libnvJitLink alone hold about 90 MiB of pages even when the render runs on the CPU;
// oneDNN, the C++ runtime, libjpeg/png) and their start-up buffers. Measured, not fitted: the
// peak RSS of `nsrg-engine missing.toml`, which loads everything and allocates nothing
// (bench/README.md, "Tiled evaluation": 270 MiB on the development machine's CUDA build).
constexpr size_t kCpuProcessBytes = size_t(270) << 20;
constexpr size_t kHostBytesPerPixel = 3 * 4 * 3;  // content + style image + one host copy

size_t bytes_of(const Shape& shape) {
  return shape.numel() * kFloat;
}

// Live bytes by kind, and what was live when the total was highest.
class Ledger {
 public:
  void add(Kind kind, size_t bytes) {
    live_[kind] += bytes;
    total_ += bytes;
    if (total_ > peak_) {
      peak_ = total_;
      at_peak_ = live_;
      peak_stage_ = stage;
      peak_in_capture_ = capture;
    }
  }
  void remove(Kind kind, size_t bytes) {
    NSRG_CHECK(live_[kind] >= bytes, "memory plan: freeing more than was allocated");
    live_[kind] -= bytes;
    total_ -= bytes;
  }
  // A buffer replaced by a larger one: the new one is allocated before the old one is freed.
  void grow(Kind kind, size_t& current, size_t wanted) {
    if (wanted <= current) return;
    add(kind, wanted);
    remove(kind, current);
    current = wanted;
  }
  void release(Kind kind, size_t& current) {
    remove(kind, current);
    current = 0;
  }

  int stage = 0;
  bool capture = false;
  size_t peak() const { return peak_; }
  size_t at_peak(Kind kind) const { return at_peak_[kind]; }
  int peak_stage() const { return peak_stage_; }
  bool peak_in_capture() const { return peak_in_capture_; }

 private:
  std::array<size_t, kKindCount> live_{}, at_peak_{};
  size_t total_ = 0, peak_ = 0;
  int peak_stage_ = 0;
  bool peak_in_capture_ = false;
};

// When Network allocates and frees its buffers (Network::plan_buffers says which): the
// outputs are released and allocated anew when the input shape changes or a deeper layer is
// needed, unless Network::reserve's buffers hold the new shape's (NetworkBuffers::holds);
// the two gradient buffers of the largest activation only grow.
class NetworkModel {
 public:
  NetworkModel(const std::vector<LayerSpec>& layers, Ledger& ledger)
      : layers_(layers), keep_(layers.size(), false), ledger_(ledger) {}

  int index_of(const std::string& name) const {
    for (size_t i = 0; i < layers_.size(); ++i)
      if (layers_[i].name == name) return int(i);
    throw InternalError(msg("memory plan: layer ", name, " is not in the network"));
  }
  int deepest(const std::vector<std::string>& names) const {
    int last = -1;
    for (const std::string& name : names) last = std::max(last, index_of(name));
    return last;
  }
  void keep_output(int index) {
    if (keep_[size_t(index)]) return;
    keep_[size_t(index)] = true;
    allocated_last_ = -1;
  }
  void forward(const Shape& input, int last) {
    if (input == input_ && allocated_last_ >= last) return;
    const NetworkBuffers buffers = Network::plan_buffers(layers_, keep_, input, last);
    if (!reserved_.holds(buffers)) allocate(buffers);
    view(buffers, input, last);
  }
  void reserve(const Shape& largest, int last) {
    const NetworkBuffers buffers = Network::plan_buffers(layers_, keep_, largest, last);
    if (reserved_.holds(buffers)) return;
    allocate(buffers);
    view(buffers, largest, last);
    reserved_ = buffers;
  }
  const Shape& output_shape(int index) const { return shapes_[size_t(index) + 1]; }
  int channels(int index) const { return Network::output_channels(layers_, index); }
  const LayerSpec& layer(int index) const { return layers_[size_t(index)]; }

 private:
  // The old outputs released, then the new ones allocated.
  void allocate(const NetworkBuffers& buffers) {
    ledger_.release(kActivations, activations_);
    reserved_ = NetworkBuffers();
    activations_ = buffers.output_bytes();
    ledger_.add(kActivations, activations_);
  }
  void view(const NetworkBuffers& buffers, const Shape& input, int last) {
    input_ = input;
    shapes_ = buffers.shapes;
    const size_t gradient = buffers.largest * kFloat;
    if (gradient > gradient_buffer_) {  // grad_a_, then grad_b_, each new before old
      size_t a = gradient_buffer_, b = gradient_buffer_;
      ledger_.grow(kGradients, a, gradient);
      ledger_.grow(kGradients, b, gradient);
      gradient_buffer_ = gradient;
    }
    allocated_last_ = last;
  }

  const std::vector<LayerSpec>& layers_;
  std::vector<bool> keep_;
  Ledger& ledger_;
  Shape input_{0, 0, 0, 0};
  std::vector<Shape> shapes_;
  NetworkBuffers reserved_;
  int allocated_last_ = -1;
  size_t activations_ = 0, gradient_buffer_ = 0;
};

size_t gram_bytes(int channels) {
  return size_t(channels) * size_t(channels) * kFloat;
}

std::vector<std::string> all_style_layers(const MemoryPlanInput& input) {
  std::set<std::string> layers;
  for (const auto& set : input.style_layer_sets) layers.insert(set.begin(), set.end());
  return {layers.begin(), layers.end()};
}

// A pass of TiledForward over an image of `image` shape to layer `last` in tiles of
// `tile_size`: the crop tensor and the network's buffers, once for the largest crop, and per tile
// `per_interior(layer, interior bytes)` for each of `layers` whose interior is not empty. The
// caller releases `crop` when the pass's owner is done with it.
template <class PerInterior>
void replay_tiles(NetworkModel& net, Ledger& ledger, const std::vector<LayerSpec>& layers,
                  const Shape& image, int last, int tile_size, const std::vector<int>& loss_layers,
                  size_t& crop, PerInterior per_interior) {
  const NetworkReach reach = network_reach(layers, last);
  const std::vector<Shape> whole =
      Network::plan_buffers(layers, std::vector<bool>(layers.size(), false), image, last).shapes;
  const TilePlan plan = plan_tiles(reach, image.h, image.w, tile_size);
  const Shape largest{1, image.c, plan.crop_h, plan.crop_w};
  ledger.grow(kActivations, crop, bytes_of(largest));
  for (const Tile& tile : plan.tiles) {
    net.reserve(largest, last);
    net.forward({1, image.c, tile.crop.h, tile.crop.w}, last);
    for (const int layer : loss_layers) {
      const Shape& at = whole[size_t(layer) + 1];
      const Window window = layer_interior(reach, layer, tile, image.h, image.w, at.h, at.w, false);
      if (!window.empty()) per_interior(layer, window.area() * size_t(at.c) * kFloat);
    }
  }
}

// blend_kept_styles: every file's Grams of `layers` loaded, then each layer's blend with its
// scratch (none for one file); returns the bytes kept (the blended Grams).
size_t replay_kept_styles(const MemoryPlanInput& input, const std::vector<std::string>& layers,
                          NetworkModel& net, Ledger& ledger) {
  const size_t files = input.kept_style_weights.size();
  size_t grams = 0;
  for (const std::string& name : layers) grams += gram_bytes(net.channels(net.index_of(name)));
  ledger.add(kTargets, files * grams);
  if (files == 1) return grams;
  for (const std::string& name : layers) {
    const int channels = net.channels(net.index_of(name));
    ledger.add(kTargets, gram_bytes(channels));  // the blended Gram
    const size_t scratch =
        blend_scratch_bytes(input.blend_space, input.kept_style_weights, channels);
    ledger.add(kTargets, scratch);
    ledger.remove(kTargets, scratch);
  }
  ledger.remove(kTargets, files * grams);
  return grams;
}

// capture_features and capture_grams (or the kept styles) at one stage's sizes; returns the
// bytes kept.
size_t replay_capture(const MemoryPlanInput& input, const MemoryPlanInput::Stage& stage,
                      NetworkModel& net, Ledger& ledger) {
  size_t kept = bytes_of(stage.content);
  ledger.add(kTargets, kept);
  if (!input.content_layers.empty()) {
    const int last = net.deepest(input.content_layers);
    const std::vector<Shape> whole =
        Network::plan_buffers(input.layers, std::vector<bool>(input.layers.size(), false),
                              stage.content, last)
            .shapes;
    for (const std::string& name : input.content_layers) {
      const size_t bytes = bytes_of(whole[size_t(net.index_of(name)) + 1]);
      ledger.add(kTargets, bytes);
      kept += bytes;
    }
    if (stage.tile_size > 0) {
      size_t crop = 0;
      replay_tiles(net, ledger, input.layers, stage.content, last, stage.tile_size, {}, crop,
                   [](int, size_t) {});
      ledger.release(kActivations, crop);
    } else {
      net.forward(stage.content, last);
    }
  }
  const std::vector<std::string> style_layers = all_style_layers(input);
  if (!input.kept_style_weights.empty())
    kept += replay_kept_styles(input, style_layers, net, ledger);
  size_t style_tensors = 0;
  for (const Shape& style : stage.styles) style_tensors += bytes_of(style);
  ledger.add(kTargets, style_tensors);
  size_t scratch = 0;
  bool first = true;
  std::vector<int> style_indices;
  for (const std::string& name : style_layers) style_indices.push_back(net.index_of(name));
  for (const Shape& style : stage.styles) {
    if (stage.tile_size > 0) {  // capture_grams' tiled pass: crop, interiors, Gram scratch
      size_t crop = 0, interior = 0;
      replay_tiles(net, ledger, input.layers, style, net.deepest(style_layers), stage.tile_size,
                   style_indices, crop, [&](int layer, size_t bytes) {
                     ledger.grow(kTargets, interior, bytes);
                     ledger.grow(kTargets, scratch, gram_bytes(net.channels(layer)));
                   });
      ledger.release(kActivations, crop);
      ledger.release(kTargets, interior);
    } else {
      net.forward(style, net.deepest(style_layers));
    }
    for (const std::string& name : style_layers) {
      const size_t gram = gram_bytes(net.channels(net.index_of(name)));
      if (first) {
        ledger.add(kTargets, gram);
        kept += gram;
      }
      ledger.grow(kTargets, scratch, gram);
    }
    first = false;
  }
  ledger.release(kTargets, scratch);
  ledger.remove(kTargets, style_tensors);
  if (input.regions > 1) {  // the first region's Grams are the `first` set above
    size_t grams = 0;
    for (const std::string& name : style_layers)
      grams += gram_bytes(net.channels(net.index_of(name)));
    ledger.add(kTargets, size_t(input.regions - 1) * grams);
    kept += size_t(input.regions - 1) * grams;
  }
  if (input.regions > 0) {
    // Each region's mask at every style layer's resolution ([1,1,h,w]), kept with the stage.
    const std::vector<Shape> shapes =
        Network::plan_buffers(input.layers, std::vector<bool>(input.layers.size(), false),
                              stage.content, net.deepest(style_layers))
            .shapes;
    size_t masks = 0;
    for (const std::string& name : style_layers) {
      const Shape& layer = shapes[size_t(net.index_of(name)) + 1];
      masks += size_t(layer.h) * size_t(layer.w) * kFloat;
    }
    ledger.add(kTargets, size_t(input.regions) * masks);
    kept += size_t(input.regions) * masks;
  }
  return kept;
}

using Terms = std::vector<std::pair<int, bool>>;  // (layer, is style) in evaluation order

// StyleObjective's first whole-image evaluation.
void replay_whole_evaluation(const MemoryPlanInput::Stage& stage, bool regions, const Terms& terms,
                             int last, NetworkModel& net, Ledger& ledger) {
  // The first evaluation: forward, then the loss gradients from the deepest layer up,
  // growing the objective's scratch buffers (content terms before style terms per layer;
  // with regions, the masked features too).
  net.forward(stage.content, last);
  size_t scratch_features = 0, gram = 0, scratch_gram = 0, scratch_masked = 0;
  for (int layer = last; layer >= 0; --layer) {
    for (bool style : {false, true})
      for (const auto& [term_layer, term_style] : terms) {
        if (term_layer != layer || term_style != style) continue;
        const Shape& features = net.output_shape(layer);
        if (style) {
          const size_t wanted = gram_bytes(features.c);
          if (wanted > gram) {
            ledger.grow(kGradients, gram, wanted);
            ledger.grow(kGradients, scratch_gram, wanted);
          }
          if (regions) ledger.grow(kGradients, scratch_masked, bytes_of(features));
        }
        ledger.grow(kGradients, scratch_features, bytes_of(features));
      }
  }
  ledger.release(kGradients, scratch_features);
  ledger.release(kGradients, gram);
  ledger.release(kGradients, scratch_gram);
  ledger.release(kGradients, scratch_masked);
}

// StyleObjective's first tiled evaluation (objective_tiled.cpp): each style term's
// whole-image Gram and Gram gradient, the loss slot of a tile, then per tile the crop and the
// network's buffers for it, the interior copies (features, content target, loss gradient),
// the Gram scratch and the tile's image gradient, each growing to its largest tile's.
void replay_tiled_evaluation(const MemoryPlanInput& input, const MemoryPlanInput::Stage& stage,
                             const Terms& terms, int last, NetworkModel& net, Ledger& ledger) {
  size_t grams = kFloat;  // the tile's loss slot
  std::vector<int> loss_layers;
  for (const auto& [layer, style] : terms) {
    if (style) grams += 2 * gram_bytes(net.channels(layer));
    loss_layers.push_back(layer);
  }
  ledger.add(kGradients, grams);
  size_t crop = 0, interior = 0, target = 0, interior_grad = 0, scratch_gram = 0, tile_grad = 0;
  replay_tiles(net, ledger, input.layers, stage.content, last, stage.tile_size, loss_layers, crop,
               [&](int layer, size_t bytes) {
                 for (const auto& [term_layer, style] : terms) {
                   if (term_layer != layer) continue;
                   ledger.grow(kGradients, interior, bytes);
                   if (style)
                     ledger.grow(kGradients, scratch_gram, gram_bytes(net.channels(layer)));
                   else
                     ledger.grow(kGradients, target, bytes);
                   ledger.grow(kGradients, interior_grad, bytes);
                 }
               });
  ledger.grow(kGradients, tile_grad, crop);
  for (size_t* buffer : {&interior, &target, &interior_grad, &scratch_gram, &tile_grad})
    ledger.release(kGradients, *buffer);
  ledger.release(kActivations, crop);
  ledger.remove(kGradients, grams);
}

// One image of one style-layer set through every stage.
void replay_image(const MemoryPlanInput& input, const std::vector<std::string>& set,
                  NetworkModel& net, Ledger& ledger) {
  size_t x = 0;
  for (size_t i = 0; i < input.stages.size(); ++i) {
    const MemoryPlanInput::Stage& stage = input.stages[i];
    ledger.stage = int(i);
    ledger.capture = false;
    // Randomized targets, with the eigendecomposition's temporaries.
    size_t randomized = 0;
    for (int region = 0; region < std::max(1, input.regions); ++region)
      for (const std::string& name : set) {
        if (!input.randomized_layers.count(name)) continue;
        const int channels = net.channels(net.index_of(name));
        const size_t gram = gram_bytes(channels);
        ledger.add(kTargets, gram);
        randomized += gram;
        const size_t eigen = gram + size_t(channels) * kFloat;
        ledger.add(kTargets, eigen);
        ledger.remove(kTargets, eigen);
      }
    // The objective: which layers it reads, its loss slots.
    Terms terms;
    for (const std::string& name : input.content_layers)
      terms.push_back({net.index_of(name), false});
    for (int region = 0; region < std::max(1, input.regions); ++region)
      for (const std::string& name : set) terms.push_back({net.index_of(name), true});
    int last = -1;
    for (const auto& [layer, style] : terms) {
      if (net.layer(layer).type == LayerType::Conv) net.keep_output(layer);
      last = std::max(last, layer);
    }
    const size_t slots = (terms.size() + 2) * kFloat;
    ledger.add(kGradients, slots);
    // The image: the last stage's result resized, or the initial image.
    const size_t image = bytes_of(stage.content);
    ledger.add(kOptimizer, image);
    ledger.remove(kOptimizer, x);
    x = image;
    ledger.add(kGradients, image);  // its gradient
    const size_t state = optimizer_state_bytes(stage.optimizer, stage.content);
    ledger.add(kOptimizer, state);
    if (stage.tile_size > 0)
      replay_tiled_evaluation(input, stage, terms, last, net, ledger);
    else
      replay_whole_evaluation(stage, input.regions > 0, terms, last, net, ledger);
    ledger.remove(kOptimizer, state);
    ledger.remove(kGradients, image);
    ledger.remove(kGradients, slots);
    ledger.remove(kTargets, randomized);
  }
  ledger.remove(kOptimizer, x);
}

size_t weight_bytes(const std::vector<LayerSpec>& layers) {
  size_t bytes = 0;
  for (const LayerSpec& layer : layers)
    if (layer.type == LayerType::Conv)
      bytes += bytes_of(layer.conv.weight_shape()) + bytes_of(layer.conv.bias_shape());
  return bytes;
}

// Every convolution the render runs, at each image size of every stage.
std::vector<ConvCall> conv_calls(const MemoryPlanInput& input) {
  std::vector<ConvCall> calls;
  const std::vector<bool> keep(input.layers.size(), false);
  const int last = int(input.layers.size()) - 1;
  auto visit_shape = [&](const Shape& image) {
    const NetworkBuffers buffers = Network::plan_buffers(input.layers, keep, image, last);
    for (size_t i = 0; i < input.layers.size(); ++i)
      if (input.layers[i].type == LayerType::Conv)
        calls.push_back({input.layers[i].conv, buffers.shapes[i]});
  };
  // A tiled stage runs its convolutions on its tiles' crops (each distinct crop shape once).
  auto visit = [&](const Shape& image, int tile_size) {
    if (tile_size <= 0) return visit_shape(image);
    std::set<std::pair<int, int>> crops;
    for (const Tile& tile :
         plan_tiles(network_reach(input.layers, last), image.h, image.w, tile_size).tiles)
      if (crops.insert({tile.crop.h, tile.crop.w}).second)
        visit_shape({1, image.c, tile.crop.h, tile.crop.w});
  };
  for (const MemoryPlanInput::Stage& stage : input.stages) {
    visit(stage.content, stage.tile_size);
    for (const Shape& style : stage.styles) visit(style, stage.tile_size);
  }
  return calls;
}

size_t host_image_bytes(const MemoryPlanInput& input) {
  size_t pixels = 0;
  for (const MemoryPlanInput::Stage& stage : input.stages)
    pixels += size_t(stage.content.h) * size_t(stage.content.w);
  return pixels * kHostBytesPerPixel;
}

}  // namespace

MemoryPlan plan_memory(const MemoryPlanInput& input) {
  NSRG_CHECK(!input.stages.empty() && !input.style_layer_sets.empty() && input.backend != nullptr,
             "memory plan input");
  for (const MemoryPlanInput::Stage& stage : input.stages)
    NSRG_CHECK(stage.tile_size >= 0, "memory plan of an undecided tile size");
  Ledger ledger;
  ledger.add(kWeights, weight_bytes(input.layers));
  NetworkModel net(input.layers, ledger);
  ledger.capture = true;
  for (size_t i = 0; i < input.stages.size(); ++i) {
    ledger.stage = int(i);
    replay_capture(input, input.stages[i], net, ledger);
  }
  for (const auto& set : input.style_layer_sets) replay_image(input, set, net, ledger);

  MemoryPlan plan;
  plan.weights = ledger.at_peak(kWeights);
  plan.activations = ledger.at_peak(kActivations);
  plan.gradients = ledger.at_peak(kGradients);
  plan.targets = ledger.at_peak(kTargets);
  plan.optimizer = ledger.at_peak(kOptimizer);
  plan.tensor_peak = ledger.peak();
  plan.peak_stage = ledger.peak_stage();
  plan.peak_in_capture = ledger.peak_in_capture();
  plan.workspace = input.backend->workspace_bytes(conv_calls(input), plan.weights);
  // The limit is host memory on the CPU backend, device memory on CUDA.
  if (input.backend->kind() == BackendKind::Cpu)
    plan.process = kCpuProcessBytes + host_image_bytes(input);
  plan.total = plan.tensor_peak + plan.workspace + plan.process;
  return plan;
}

std::string format_bytes(size_t bytes) {
  char text[32];
  const double mib = double(bytes) / double(1 << 20);
  if (mib >= 1024.0)
    std::snprintf(text, sizeof text, "%.2f GiB", mib / 1024.0);
  else
    std::snprintf(text, sizeof text, "%.0f MiB", mib);
  return text;
}

std::string describe_memory_plan(const MemoryPlan& plan, const MemoryPlanInput& input) {
  const Shape& at = input.stages[size_t(plan.peak_stage)].content;
  std::string where = msg(input.stages.size() > 1 ? msg("stage ", plan.peak_stage + 1, " of ",
                                                        input.stages.size(), ", ")
                                                  : std::string(),
                          at.w, "x", at.h, plan.peak_in_capture ? ", capturing targets" : "");
  const int tile_size = input.stages[size_t(plan.peak_stage)].tile_size;
  if (tile_size > 0) where += msg(", tiles of ", tile_size, " px");
  std::string parts = msg("activations ", format_bytes(plan.activations), ", gradients ",
                          format_bytes(plan.gradients), ", targets ", format_bytes(plan.targets),
                          ", image and optimizer ", format_bytes(plan.optimizer), ", weights ",
                          format_bytes(plan.weights), ", workspace ", format_bytes(plan.workspace));
  if (plan.process > 0) parts += msg(", process ", format_bytes(plan.process));
  return msg("memory plan: ", format_bytes(plan.total), " at the peak (", where, ": ", parts, ")");
}

}  // namespace nsrg
