// The render settings of a tile, as `--set` assignments on top of the config file and the
// command line's own (so a tile is exactly `nsrg-engine CONFIG --set ...`): its size and
// iterations, its output inside the session folder with its kept style, and its style: the
// config's images randomized (a sibling), a parent tile's kept style randomized again (a
// child, which appends a lineage step), two tiles' styles blended in Wasserstein space (a
// cross, a morph frame), or one tile's style replayed at a larger size in [[stages]]
// (promote).
#pragma once

#include <string>
#include <vector>

#include "engine/explore/session_files.h"
#include "engine/explore/tile.h"

namespace nsrg {

// `parent_layers`: the layer of the first parent's recipe ("" for the config's layers);
// `parent_is_blend`: the first parent's style is a blend (it has no lineage to replay).
std::vector<std::string> tile_overrides(const TileRecipe& recipe, const SessionFiles& files,
                                        bool parent_is_blend);

// The command that renders a kept style at the config's own size (style.replay when it can):
// `engine` and `config` absolute, `user_overrides` the explore command's own --set list.
std::string full_size_command(const std::string& engine, const std::string& config,
                              const std::vector<std::string>& user_overrides,
                              const TileRecipe& recipe, const SessionFiles& files, bool is_blend);

// A string as a TOML value (quoted, escaped).
std::string toml_string(const std::string& text);

}  // namespace nsrg
