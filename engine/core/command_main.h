// The exit-status contract of every nsrg command-line program, in one place.
#pragma once

#include <functional>

namespace nsrg {

// Runs `body` and returns its status, or maps an escaping exception to the documented exit
// status with one line on stderr: UserError -> "error: <message>", 2; Interrupted -> 130
// (the render saved its image first); anything else -> "internal error: <what>", 1.
int run_command(const std::function<int()>& body);

}  // namespace nsrg
