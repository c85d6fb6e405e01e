// TileRecipe to and from JSON (the session journal's lines), and the names of tile kinds and
// states.
#include "engine/explore/tile.h"

#include "engine/core/error.h"

namespace nsrg {

namespace {

constexpr const char* kKindNames[] = {"sibling", "child", "cross", "morph", "promote"};
constexpr const char* kStateNames[] = {"queued", "rendering", "done", "failed", "cancelled"};

template <class T>
T field(const nlohmann::json& json, const char* key) {
  NSRG_REQUIRE(json.is_object() && json.contains(key), "tile recipe: \"", key, "\" is missing");
  try {
    return json.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw UserError(msg("tile recipe: \"", key, "\" has the wrong type"));
  }
}

}  // namespace

const char* tile_kind_name(TileKind kind) {
  return kKindNames[int(kind)];
}

TileKind parse_tile_kind(const std::string& name) {
  for (int i = 0; i < int(std::size(kKindNames)); ++i)
    if (name == kKindNames[i]) return TileKind(i);
  throw UserError(msg("unknown tile kind \"", name, "\""));
}

const char* tile_state_name(TileState state) {
  return kStateNames[int(state)];
}

nlohmann::json recipe_to_json(const TileRecipe& r) {
  return {{"id", r.id},           {"kind", tile_kind_name(r.kind)},
          {"parents", r.parents}, {"seed", r.seed},
          {"mode", r.mode},       {"range", {r.range_low, r.range_high}},
          {"mix", r.mix},         {"layer", r.layer},
          {"weight", r.weight},   {"group", r.group},
          {"size", r.size},       {"iterations", r.iterations}};
}

TileRecipe recipe_from_json(const nlohmann::json& json) {
  TileRecipe r;
  r.id = field<std::string>(json, "id");
  r.kind = parse_tile_kind(field<std::string>(json, "kind"));
  r.parents = field<std::vector<std::string>>(json, "parents");
  r.seed = field<uint64_t>(json, "seed");
  r.mode = field<std::string>(json, "mode");
  const auto range = field<std::vector<float>>(json, "range");
  NSRG_REQUIRE(range.size() == 2, "tile recipe: \"range\" must hold two numbers");
  r.range_low = range[0];
  r.range_high = range[1];
  r.mix = field<float>(json, "mix");
  r.layer = field<std::string>(json, "layer");
  r.weight = field<float>(json, "weight");
  r.group = field<std::string>(json, "group");
  r.size = field<int>(json, "size");
  r.iterations = field<int>(json, "iterations");
  return r;
}

}  // namespace nsrg
