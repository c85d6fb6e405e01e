// A tile of the explore page: one small render (or a promoted large one) and what makes it.
// The recipe is what the session journal records and what the tile's render settings are
// made from (tile_overrides.h); the status is what the page shows while it renders.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace nsrg {

enum class TileKind {
  Sibling,  // a variant of the config's own style
  Child,    // a variant of a parent tile's kept style ("more like this")
  Cross,    // two tiles' styles blended in Wasserstein space
  Morph,    // one frame of a short path between two tiles' styles
  Promote   // a tile's style replayed at a larger size, in [[stages]]
};

const char* tile_kind_name(TileKind kind);
TileKind parse_tile_kind(const std::string& name);  // UserError for an unknown name

// What renders a tile. Ids are short words the server makes ("t12"); the page sends them
// back, never a path.
struct TileRecipe {
  std::string id;
  TileKind kind = TileKind::Sibling;
  std::vector<std::string> parents;  // Child, Promote: one; Cross, Morph: two
  uint64_t seed = 1;
  std::string mode = "scale_eigenvectors";  // randomize.mode (Sibling, Child)
  float range_low = 0.1f, range_high = 1.9f, mix = 1.0f;
  std::string layer;    // one style layer for a Sibling; empty: the config's layers
  float weight = 0.5f;  // Cross, Morph: the first parent's blend weight
  std::string group;    // Morph: the frames of one path share it
  int size = 0;         // longest side
  int iterations = 0;
};

nlohmann::json recipe_to_json(const TileRecipe& recipe);
// UserError when a field is missing or of the wrong type (a damaged journal line).
TileRecipe recipe_from_json(const nlohmann::json& json);

enum class TileState { Queued, Rendering, Done, Failed, Cancelled };
const char* tile_state_name(TileState state);

struct TileStatus {
  TileState state = TileState::Queued;
  int iteration = 0, iterations = 0;  // of the whole render (stages counted together)
  int preview_version = 0;            // bumped at each intermediate image written
  bool kept = false;
  std::string error;  // Failed: the render's one line
};

}  // namespace nsrg
