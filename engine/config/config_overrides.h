// --set overrides: "section.key=VALUE" assignments applied to the parsed TOML tree before
// validation. VALUE is TOML (50, 1.5, true, "x.png", ["relu3_3"], {mode = "random_gram"});
// text that is not a valid TOML value is taken as a string, so backend=cpu works.
#pragma once

#include <toml++/toml.h>

#include <string>

namespace nsrg::config_detail {

// Applies one assignment to `root`, creating missing tables on the way, and returns the
// dotted key it set. Throws UserError("--set <assignment>: ...") when it is malformed.
std::string apply_override(toml::table& root, const std::string& assignment);

}  // namespace nsrg::config_detail
