// Untrusted JSON values quoted in one-line messages: short scalars as JSON, never a whole
// tree (dumping a deep value recurses once per level and pastes it all into the message).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "engine/core/error.h"
#include "engine/core/utf8.h"

namespace nsrg {

inline std::string describe_json_value(const nlohmann::json& value) {
  if (value.is_array()) return msg("an array of ", value.size());
  if (value.is_object()) return msg("an object of ", value.size(), " keys");
  return short_quote(value.dump());
}

}  // namespace nsrg
