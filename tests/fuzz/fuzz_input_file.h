// For the fuzz harnesses: the readers under test take a path, so each input is written to a
// file in a private temporary folder (created once, removed at exit). The folder is in
// /dev/shm (memory) where there is one: on a disk-backed /tmp, writing each input cost 0.2 ms
// of system time, more than most harnesses' own work (fuzz_image ran 8,000 inputs in 24 s
// with /tmp on the virtual disk and in 1.1 s with /dev/shm).
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

namespace nsrg::fuzz {

// A temporary folder for the whole fuzzing process.
inline const std::filesystem::path& scratch_folder() {
  static const std::filesystem::path folder = [] {
    std::error_code no_shm;
    const std::filesystem::path base =
        std::filesystem::is_directory("/dev/shm", no_shm) && ::access("/dev/shm", W_OK) == 0
            ? std::filesystem::path("/dev/shm")
            : std::filesystem::temp_directory_path();
    std::string pattern = (base / "nsrg_fuzz_XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    static const std::string remove_at_exit = pattern;
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(remove_at_exit, ignored);
    });
    return std::filesystem::path(pattern);
  }();
  return folder;
}

// Writes `size` bytes to `name` in the scratch folder and returns its path.
inline std::string write_input(const std::string& name, const uint8_t* data, size_t size) {
  const std::string path = (scratch_folder() / name).string();
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, file) != size) std::abort();
  std::fclose(file);
  return path;
}

}  // namespace nsrg::fuzz
