// For the pickle reader's tests: hand-made pickles parsed with the origin "t.pth", and the
// one-line error a refused one gives.
#pragma once

#include <string>

#include "tests/weights/weights_test_util.h"
#include "tools/convert_torch/pickle_reader.h"

namespace nsrg::test {

inline const std::string kProto = std::string("\x80\x02");
inline const std::string kOrderedDict = std::string("ccollections\nOrderedDict\n)R");

inline Pickle parse(const std::string& bytes) {
  return read_pickle(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "t.pth");
}

inline std::string error_of(const std::string& bytes) {
  return user_error_of([&] { parse(bytes); });
}

}  // namespace nsrg::test
