// The progress line printed every print_iter evaluations:
//   "iter   50/1000  total 1.234e+05  content 2.1e+04  style 1.0e+05  tv 3.2e+02  4.1 it/s  ETA
//   3m52s"
#pragma once

#include <string>

#include "engine/net/objective.h"

namespace nsrg {

std::string format_duration(double seconds);  // "3m52s", "1h02m", "12.3s"
std::string format_progress(int iteration, int iterations, const LossValues& losses,
                            double iterations_per_second);

}  // namespace nsrg
