// What the CPU offers for bfloat16 convolutions: AMX (amx_bf16 among /proc/cpuinfo's flags),
// where oneDNN's bf16 convolutions run several times faster than fp32, or not (AVX512-BF16
// alone, or emulation), where they run slower. The flags are an argument so the decision
// can be tested with any CPU's flag line.
#pragma once

#include <string>

#include "engine/core/backend.h"

namespace nsrg::cpu {

// The "flags" line of /proc/cpuinfo (its first processor), empty when it cannot be read.
std::string read_cpu_flags();

// True when the space-separated `flags` hold the word amx_bf16.
bool has_amx_bf16(const std::string& flags);

// One line telling the user that `precision` runs slower than fp32 on a CPU with `flags`
// (mixed and bf16 without AMX), or "" when there is nothing to say.
std::string bf16_speed_note(Precision precision, const std::string& flags);

}  // namespace nsrg::cpu
