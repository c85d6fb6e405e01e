// Internal to RenderSession: what prepare() loads and captures once and every image of the
// run then uses (render_session.cpp fills it, render_image.cpp reads it).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/backend.h"
#include "engine/core/preprocess.h"
#include "engine/image/image.h"
#include "engine/net/network.h"
#include "engine/render/render_session.h"
#include "engine/stages/distinct_variants.h"
#include "engine/stages/image_style_targets.h"
#include "engine/stages/morph_path.h"
#include "engine/stages/stages.h"

namespace nsrg {

struct RenderSession::State {
  // Shared with a RenderResources when the session was given one (else owned alone).
  std::shared_ptr<Backend> backend;
  std::shared_ptr<Network> network;
  Preprocess preprocess;
  std::string model_source;
  // config.stages as rendered: the memory check may cap their L-BFGS history (the config, and
  // so its hash, keeps the history asked for).
  std::vector<Stage> stages;
  // Per stage: the tile size its capture and evaluation run with (0: the whole image), as
  // [evaluation] tile_size says or the memory check chose for "auto".
  std::vector<int> tile_sizes;
  std::vector<StageInputs> inputs;  // per stage: images, content features, base Grams
  std::vector<std::vector<std::string>> layer_sets;
  std::unique_ptr<StyleTargetsWriter> targets_writer;  // when output.save_targets
  // With randomize.min_distance: each layer set's variant draws (as layer_sets), chosen on
  // the last stage's base Grams; empty without it.
  std::vector<std::vector<VariantDraw>> draws;
  std::vector<PathFrame> frames;  // a [path]'s frames (empty without one)
  Tensor previous_frame;          // the last path frame's result, where the next one starts
  double load_seconds = 0, capture_seconds = 0;
};

}  // namespace nsrg
