// Progress line formatting.
#include "engine/render/progress.h"

#include <cmath>
#include <cstdio>

namespace nsrg {

std::string format_duration(double seconds) {
  char text[32];
  if (!(seconds >= 0) || !std::isfinite(seconds)) return "?";
  if (seconds < 60) {
    std::snprintf(text, sizeof text, "%.1fs", seconds);
  } else if (seconds < 3600) {
    const int s = int(std::lround(seconds));
    std::snprintf(text, sizeof text, "%dm%02ds", s / 60, s % 60);
  } else {
    const int m = int(std::lround(seconds / 60));
    std::snprintf(text, sizeof text, "%dh%02dm", m / 60, m % 60);
  }
  return text;
}

std::string format_progress(int iteration, int iterations, const LossValues& losses,
                            double iterations_per_second) {
  const int width = int(std::to_string(iterations).size());
  char text[256];
  const double remaining =
      iterations_per_second > 0 ? (iterations - iteration) / iterations_per_second : -1;
  std::snprintf(text, sizeof text,
                "iter %*d/%d  total %.4e  content %.3e  style %.3e  tv %.3e  %.2f it/s  ETA %s",
                width, iteration, iterations, losses.total, losses.content, losses.style, losses.tv,
                iterations_per_second, format_duration(remaining).c_str());
  return text;
}

}  // namespace nsrg
