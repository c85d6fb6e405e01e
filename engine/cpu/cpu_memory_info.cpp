// CpuBackend::available_memory_bytes: MemAvailable (/proc/meminfo) plus this process's
// resident memory (/proc/self/status VmRSS), for the memory plan.
#include <fstream>
#include <sstream>
#include <string>

#include "engine/cpu/cpu_backend_impl.h"

namespace nsrg {
namespace {

// The value of a "Name:   123 kB" line of a /proc file, in bytes; 0 when absent.
size_t proc_kib_field(const char* path, const std::string& name) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, name.size() + 1, name + ":") != 0) continue;
    std::istringstream fields(line.substr(name.size() + 1));
    size_t kib = 0;
    fields >> kib;
    return kib * 1024;
  }
  return 0;
}

}  // namespace

size_t CpuBackend::available_memory_bytes() const {
  const size_t available = proc_kib_field("/proc/meminfo", "MemAvailable");
  if (available == 0) return 0;
  return available + proc_kib_field("/proc/self/status", "VmRSS");
}

}  // namespace nsrg
