// config_hash and the key that tells two configurations apart.
#include "engine/output/config_hash.h"

#include "weights/sha256.h"

namespace nsrg {

std::string config_json_hash(const nlohmann::json& config_json) {
  return sha256_hex(config_json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::string config_hash(const RenderConfig& config) {
  return config_json_hash(config_to_json(config));
}

std::string first_config_difference(const nlohmann::json& a, const nlohmann::json& b) {
  if (a == b) return "";
  if (!a.is_object() || !b.is_object()) return "";
  for (const auto& [key, value] : a.items()) {
    if (!b.contains(key)) return key;
    if (value == b.at(key)) continue;
    const std::string inner = first_config_difference(value, b.at(key));
    return inner.empty() ? key : key + "." + inner;
  }
  for (const auto& item : b.items())
    if (!a.contains(item.key())) return item.key();
  return "";
}

}  // namespace nsrg
