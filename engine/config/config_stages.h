// The [[stages]] array of tables: which keys a stage may hold, and reading and resolving
// each stage against the top-level settings.
#pragma once

#include <toml++/toml.h>

#include "engine/config/config.h"
#include "engine/config/config_errors.h"

namespace nsrg::config_detail {

// Fails on the first key of a stage table that is not a stage key (`stages[1].size`);
// `stages` is the node of the top-level key (its type is checked when it is read).
void check_stage_keys(const toml::node& stages, const ConfigErrors& errors);

// Reads root["stages"] (when present) into config.stages, after the [optimizer], [style]
// and [loss] sections were read: a stage's optimizer, history, tv_weight and style_scale
// default to those; its learning_rate defaults to optimizer.learning_rate when the stage
// keeps the top-level optimizer kind, else to that kind's default (1 lbfgs, 10 adam).
void read_stages(const toml::table& root, const ConfigErrors& errors, RenderConfig& config);

}  // namespace nsrg::config_detail
