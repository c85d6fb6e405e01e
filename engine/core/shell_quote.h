// Quoting a word for a POSIX shell, for the command lines the engine prints or writes.
#pragma once

#include <string>

namespace nsrg {

// `text` quoted for a POSIX shell when it needs it ('...' with ' escaped).
std::string shell_quote(const std::string& text);

}  // namespace nsrg
