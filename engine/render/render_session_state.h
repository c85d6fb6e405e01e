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
#include "engine/render/image_style_targets.h"
#include "engine/render/render_session.h"

namespace nsrg {

struct RenderSession::State {
  std::unique_ptr<Backend> backend;
  std::unique_ptr<Network> network;
  Preprocess preprocess;
  std::string model_source;
  Image content_image;
  std::vector<Image> style_images;
  Tensor content_tensor;
  std::map<std::string, Tensor> content_targets;
  std::map<std::string, Tensor> base_grams;
  std::vector<std::vector<std::string>> layer_sets;
  std::unique_ptr<StyleTargetsWriter> targets_writer;  // when output.save_targets
  double load_seconds = 0, capture_seconds = 0;
};

}  // namespace nsrg
