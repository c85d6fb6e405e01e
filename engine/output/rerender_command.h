// The command line that renders one image of a run again, alone: the run's config and
// --set overrides, then the image's seed and style layers (and, for a sheet's
// un-randomized reference, mode none) with its own output path.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/core/shell_quote.h"

namespace nsrg {

// "./build/nsrg-engine CONFIG [--set ...] --seed S --variants 1 --set 'style.layers=[...]' ...
// --set 'output.path="..."'". The config path is relative to `working_folder` when it lies
// below it; `output_path` is written relative to the config's folder (as the config reads
// it). `reference` adds mode none (and keeps the run's levels).
std::string rerender_command(const RenderConfig& config, const std::vector<std::string>& layers,
                             uint64_t seed, bool reference, const std::string& output_path,
                             const std::string& working_folder);

}  // namespace nsrg
