// convert_torch's command line: options, help text, summary line; exit statuses via
// run_command (0 done, 2 "<file>: <reason>" for bad input, 1 internal failure).
#pragma once

namespace nsrg {

int run_convert_torch_cli(int argc, const char* const* argv);

}  // namespace nsrg
