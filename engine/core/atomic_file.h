// Atomic file output: write to a temporary file beside the target, then rename over it,
// so a reader (or a crash) never sees a partial file.
#pragma once

#include <cstdio>
#include <functional>
#include <string>

namespace nsrg {

// Calls write(FILE*) on a temporary file in the target's folder, flushes and fsyncs it and
// renames it to `path`. Creates missing parent folders. On any failure the temporary file is
// removed and a UserError naming `path` is thrown (so nothing partial is left behind).
void write_file_atomically(const std::string& path, const std::function<void(std::FILE*)>& write);

// The same for a byte string.
void write_bytes_atomically(const std::string& path, const std::string& bytes);

}  // namespace nsrg
