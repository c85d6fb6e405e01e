// The convert_caffe command line, as a function tests can call: parses arguments, runs the
// conversion, prints one summary line (exit 0) or one "<file>: <reason>" line (exit 2; 1 for
// an internal failure).
#pragma once

#include <ostream>

namespace nsrg {

int run_convert_caffe_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace nsrg
