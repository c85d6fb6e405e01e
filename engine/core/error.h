// Error types and the one check-macro family of nsrg-engine.
//
// UserError: a mistake in the user's input (config key, image file, weights file, layer
// name). The CLI prints its one-line message and exits with status 2.
// InternalError: a failed library or device call, or a broken invariant. Exit status 1.
// Every check macro throws with the failing expression, the file and the line; the CUDA,
// cuDNN, cuBLAS and cuSOLVER members of the family live in engine/cuda/cuda_check.h.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace nsrg {

class UserError : public std::runtime_error {
 public:
  explicit UserError(const std::string& message) : std::runtime_error(message) {}
};

class InternalError : public std::runtime_error {
 public:
  explicit InternalError(const std::string& message) : std::runtime_error(message) {}
};

// Thrown when the user interrupts a render (Ctrl-C) after the current image was saved.
class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted") {}
};

namespace detail {
[[noreturn]] inline void throw_internal(const char* expression, const char* file, int line,
                                        const std::string& detail) {
  std::ostringstream out;
  out << expression << " failed at " << file << ":" << line;
  if (!detail.empty()) out << ": " << detail;
  throw InternalError(out.str());
}

template <typename... Parts>
std::string concat(const Parts&... parts) {
  std::ostringstream out;
  ((out << parts), ...);
  return out.str();
}
}  // namespace detail

// Builds a message from streamable parts: throw UserError(msg("file ", path, ": bad"));
template <typename... Parts>
std::string msg(const Parts&... parts) {
  return detail::concat(parts...);
}

}  // namespace nsrg

// Internal invariant: NSRG_CHECK(cond, parts...) throws InternalError naming the condition
// (give at least one message part).
#define NSRG_CHECK(condition, ...)                                         \
  do {                                                                     \
    if (!(condition))                                                      \
      ::nsrg::detail::throw_internal(#condition, __FILE__, __LINE__,       \
                                     ::nsrg::detail::concat(__VA_ARGS__)); \
  } while (0)

// User input validation: NSRG_REQUIRE(cond, parts...) throws UserError with the message.
#define NSRG_REQUIRE(condition, ...)                                                \
  do {                                                                              \
    if (!(condition)) throw ::nsrg::UserError(::nsrg::detail::concat(__VA_ARGS__)); \
  } while (0)
