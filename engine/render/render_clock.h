// The clock a render times its phases and progress with.
#pragma once

#include <chrono>

namespace nsrg {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace nsrg
