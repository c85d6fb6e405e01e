// The set of keys a config file may hold, and the check that rejects any other key
// (`unknown key "style.wieght"`) before values are read.
#pragma once

#include <toml++/toml.h>

#include "engine/config/config_errors.h"

namespace nsrg::config_detail {

// Fails on the first key of `root` (depth first, in key order) that is not part of the
// config format. Values of known keys are not looked at here, except that known sections
// are walked when they are tables.
void check_known_keys(const toml::table& root, const ConfigErrors& errors);

}  // namespace nsrg::config_detail
