// Fuzz harness: the explore page's POST bodies (engine/explore/explore_requests.h), every
// parser on the same bytes. A body either parses into values within their bounds, with tile
// ids that are never paths, or is a UserError.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "engine/core/error.h"
#include "engine/explore/explore_requests.h"

namespace {

template <class Parse>
void try_parse(const std::string& body, Parse parse) {
  try {
    parse(body);
  } catch (const nsrg::UserError&) {
  }
}

void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  try_parse(body, [](const std::string& b) {
    const nsrg::SiblingRequest r = nsrg::parse_sibling_request(b);
    require(r.count >= 1 && r.count <= 16 && r.range_low < r.range_high && r.mix >= 0 &&
            r.mix <= 1 && r.layer.find('/') == std::string::npos);
  });
  try_parse(body, [](const std::string& b) {
    const nsrg::BreedRequest r = nsrg::parse_breed_request(b);
    require(nsrg::is_tile_id(r.tile) && r.strength > 0 && r.strength <= 1);
  });
  try_parse(body, [](const std::string& b) {
    const nsrg::PairRequest r = nsrg::parse_pair_request(b);
    require(nsrg::is_tile_id(r.a) && nsrg::is_tile_id(r.b) && r.a != r.b && r.frames >= 2);
  });
  try_parse(body, [](const std::string& b) {
    const nsrg::PromoteRequest r = nsrg::parse_promote_request(b);
    require(nsrg::is_tile_id(r.tile) && r.size >= 16 && r.size <= 4096);
  });
  try_parse(body, [](const std::string& b) {
    require(nsrg::is_tile_id(nsrg::parse_tile_request(b).tile));
  });
  return 0;
}
