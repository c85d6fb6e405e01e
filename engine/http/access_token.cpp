// make_access_token and same_token: the kernel's random bytes as hex, compared in constant
// time.
#include "engine/http/access_token.h"

#include <sys/random.h>

#include <cerrno>
#include <cstdint>

#include "engine/core/error.h"

namespace nsrg {

std::string make_access_token() {
  uint8_t bytes[16];
  size_t filled = 0;
  while (filled < sizeof bytes) {
    const ssize_t got = getrandom(bytes + filled, sizeof bytes - filled, 0);
    if (got < 0 && errno == EINTR) continue;
    NSRG_CHECK(got > 0, "getrandom failed (errno ", errno, ")");
    filled += size_t(got);
  }
  static const char kHex[] = "0123456789abcdef";
  std::string token;
  for (uint8_t byte : bytes) {
    token += kHex[byte >> 4];
    token += kHex[byte & 15];
  }
  return token;
}

bool same_token(const std::string& given, const std::string& expected) {
  const size_t length = given.size() > expected.size() ? given.size() : expected.size();
  unsigned difference = given.size() == expected.size() ? 0u : 1u;
  for (size_t i = 0; i < length; ++i) {
    const unsigned char a = i < given.size() ? given[i] : 0;
    const unsigned char b = i < expected.size() ? expected[i] : 0;
    difference |= unsigned(a ^ b);
  }
  return difference == 0 && !expected.empty();
}

}  // namespace nsrg
