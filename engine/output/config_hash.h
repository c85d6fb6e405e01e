// The identity of a run's configuration across processes: the SHA-256 of the resolved
// configuration as the summary JSON writes it (config_to_json, compact). Shard choices are
// command-line flags, not configuration, so every shard of a run has the same hash; any
// other difference (a key in the file, a --set, a --seed) changes it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "engine/config/config.h"

namespace nsrg {

// 64 lowercase hex digits.
std::string config_hash(const RenderConfig& config);
std::string config_json_hash(const nlohmann::json& config_json);

// The dotted key of the first place where two configuration JSONs differ ("optimizer.
// iterations", "style.images"), or "" when they are equal.
std::string first_config_difference(const nlohmann::json& a, const nlohmann::json& b);

}  // namespace nsrg
