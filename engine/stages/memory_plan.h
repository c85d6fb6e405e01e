// The memory plan: before the first iteration, the peak memory a render will use, worked
// out from the network's layer shapes at each stage's size, and the check that it fits.
//
// The plan replays, allocation by allocation, what the render does with Tensor memory (the
// weights; per stage the content tensor and features, the style images' tensors and Grams
// while they are captured, or the kept styles' Grams and their blend; then per image the
// randomized targets, the image, its gradient, the optimizer state and the network's
// activations and gradient buffers as Network and StyleObjective allocate them) and keeps the
// high-water mark with what was live at that moment. To that it adds what is not Tensor
// memory: on the CPU the convolutions' staging and im2col buffers, oneDNN's reordered weight
// copies and the process's own footprint; on CUDA the cuBLAS workspace and an estimate of the
// cuDNN convolution workspace. Each comes from its owner: Network::plan_buffers,
// optimizer_state_bytes, Backend::workspace_bytes, blend_scratch_bytes.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "engine/core/backend.h"
#include "engine/core/gram_blend.h"
#include "engine/optim/optimizer.h"
#include "weights/model.h"

namespace nsrg {

struct MemoryPlanInput {
  std::vector<LayerSpec> layers;  // the network as loaded (up to its last loss layer)
  std::vector<std::string> content_layers;
  std::vector<std::vector<std::string>> style_layer_sets;  // rendered one after another
  std::set<std::string> randomized_layers;                 // style layers with a mode != none
  // style.targets: each kept style's blend weight (empty when the style comes from images)
  // and the blend space; their Grams are loaded and blended at every stage.
  std::vector<float> kept_style_weights;
  BlendSpace blend_space = BlendSpace::Linear;
  // [[regions]]: how many (each keeps its own Grams and randomized targets, has one loss term
  // per style layer, its mask at every style layer's resolution, and the objective a
  // masked-features buffer; the style masks, freed after the capture, are not counted).
  int regions = 0;
  struct Stage {
    Shape content;              // [1,3,h,w]
    std::vector<Shape> styles;  // each style image's [1,3,h,w]
    OptimizerSettings optimizer;
    // Tiled evaluation ([evaluation] tile_size, chosen by check_memory_plan for "auto"): the
    // tile side in pixels, 0 for the whole image. The capture and the evaluation of this
    // stage then run tile by tile.
    int tile_size = 0;
  };
  std::vector<Stage> stages;
  const Backend* backend = nullptr;  // counts its own workspace (Backend::workspace_bytes)
};

struct MemoryPlan {
  // What was live at the peak, by kind (bytes).
  size_t weights = 0;
  size_t activations = 0;        // the network's outputs kept for the backward pass
  size_t gradients = 0;          // image gradient, backward ping-pong buffers, loss scratch
  size_t targets = 0;            // content features, Grams (base and randomized), images as tensors
  size_t optimizer = 0;          // the image itself, L-BFGS history or Adam moments
  size_t tensor_peak = 0;        // their sum: the backend's peak Tensor memory (peak_memory_bytes)
  size_t workspace = 0;          // convolution workspaces, staging buffers, weight copies
  size_t process = 0;            // CPU: the process without Tensors (code, libraries, host images)
  size_t total = 0;              // tensor_peak + workspace + process
  int peak_stage = 0;            // 0-based
  bool peak_in_capture = false;  // the peak is while targets are captured, not while rendering
};

MemoryPlan plan_memory(const MemoryPlanInput& input);

// "1.23 GiB" (or MiB for less than one GiB).
std::string format_bytes(size_t bytes);

// One line: "memory plan: 1.23 GiB at the peak (stage 2 of 3, 1024x768: weights ..., ...)"
// (with ", tiles of N px" after the size when the peak stage is tiled).
std::string describe_memory_plan(const MemoryPlan& plan, const MemoryPlanInput& input);

}  // namespace nsrg
