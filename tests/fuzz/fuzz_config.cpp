// Fuzz harness: config loading with --set overrides. The input is the TOML text, then
// NUL-separated --set assignments. The config is written beside a real content image, so
// inputs that name it ("c.png") get past the file checks into the validation.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/core/error.h"
#include "engine/image/image.h"
#include "tests/fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  nsrg::Image pixel;
  pixel.width = pixel.height = 1;
  pixel.rgb = {0.5f, 0.5f, 0.5f};
  nsrg::write_image((nsrg::fuzz::scratch_folder() / "c.png").string(), pixel);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    const size_t end = input.find('\0', start);
    parts.push_back(input.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  const std::string text = parts.front();
  parts.erase(parts.begin());
  const std::string path = nsrg::fuzz::write_input(
      "config.toml", reinterpret_cast<const uint8_t*>(text.data()), text.size());
  try {
    const nsrg::RenderConfig config = nsrg::load_config(path, parts);
    nsrg::config_to_json(config).dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
  } catch (const nsrg::UserError&) {
  }
  return 0;
}
