// Parsing untrusted JSON text with a nesting limit, so that nothing done with the value
// afterwards (comparing, dumping, destroying it) recurses without bound. A mistake is one
// UserError line that quotes nothing from the text.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "engine/core/error.h"

namespace nsrg {

// "<what> is not valid JSON (error at byte N)" or "<what> nests deeper than <max_depth>
// levels" on failure.
inline nlohmann::json parse_json_limited(const std::string& text, int max_depth,
                                         const std::string& what) {
  using json = nlohmann::json;
  const auto limit_depth = [&](int depth, json::parse_event_t event, json&) {
    if (depth > max_depth &&
        (event == json::parse_event_t::object_start || event == json::parse_event_t::array_start))
      throw UserError(msg(what, " nests deeper than ", max_depth, " levels"));
    return true;
  };
  try {
    return json::parse(text, limit_depth);
  } catch (const json::exception& error) {
    const auto* parse_error = dynamic_cast<const json::parse_error*>(&error);
    throw UserError(msg(what, " is not valid JSON",
                        parse_error ? msg(" (error at byte ", parse_error->byte, ")") : ""));
  }
}

}  // namespace nsrg
