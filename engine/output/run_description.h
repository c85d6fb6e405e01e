// Words for the labels of a run's contact sheet and gallery page: what the run rendered
// (content, style or path, model, settings), and how each image is named (layers, variant,
// seed, path frame).
#pragma once

#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/stages/morph_path.h"

namespace nsrg {

// "built-in random-weight VGG-19" or the weights file's name.
std::string model_caption(const RenderConfig& config);

// Header lines: content and style files, model, then the settings (size, optimizer,
// weights, init, randomization, levels).
std::vector<std::string> run_description_lines(const RenderConfig& config);

// "0.1..1.9" for the scale modes, "-" where the range is not used.
std::string range_text(const RandomizeSettings& randomization);

// A path frame's column label: "frame 003\nt 0.375".
std::string frame_label(const PathFrame& frame);

// A row label: the layer name ("relu3_3"), or short names for several ("r31+r33").
std::string layers_label(const std::vector<std::string>& layers);

}  // namespace nsrg
