// The CPU's bf16 capability from /proc/cpuinfo's flags, and the note printed when the
// requested precision is slower than fp32 here.
#include "engine/cpu/cpu_features.h"

#include <fstream>
#include <sstream>

namespace nsrg::cpu {

std::string read_cpu_flags() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.compare(0, 5, "flags") != 0) continue;
    const size_t colon = line.find(':');
    return colon == std::string::npos ? std::string() : line.substr(colon + 1);
  }
  return std::string();
}

bool has_amx_bf16(const std::string& flags) {
  std::istringstream words(flags);
  std::string word;
  while (words >> word)
    if (word == "amx_bf16") return true;
  return false;
}

std::string bf16_speed_note(Precision precision, const std::string& flags) {
  if (precision != Precision::Mixed && precision != Precision::Bf16) return std::string();
  if (has_amx_bf16(flags)) return std::string();
  return std::string("note: precision \"") + name_in(kPrecisionNames, precision) +
         "\" is slower than \"fp32\" on this CPU (no amx_bf16 in /proc/cpuinfo: its bf16 "
         "convolutions do not run on AMX)";
}

}  // namespace nsrg::cpu
