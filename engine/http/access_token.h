// The explore server's access token: random bytes from the operating system (getrandom),
// written as hex, and a comparison whose time does not depend on where two tokens differ.
#pragma once

#include <string>

namespace nsrg {

// 32 hex digits: 128 bits from the kernel's random source. Throws InternalError when the
// kernel cannot give them.
std::string make_access_token();

// True when `given` equals `expected`, comparing every byte of the longer one.
bool same_token(const std::string& given, const std::string& expected);

}  // namespace nsrg
