// The explore page's POST bodies (JSON objects), parsed and bounded before anything acts on
// them: tile ids are the server's own words ("t12"), never paths; every number has a range;
// mode names are the randomization modes'. Anything else is a UserError (HTTP 400) naming
// the field. tests/fuzz/fuzz_explore_request.cpp fuzzes these parsers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace nsrg {

// A tile id as the server makes them: "t" and 1..9 digits.
bool is_tile_id(const std::string& text);

// New siblings of the config's own style (the controls for mode, range, mix, layer, seed).
struct SiblingRequest {
  int count = 1;                              // 1..16
  std::string mode = "scale_eigenvectors";    // a randomization mode
  float range_low = 0.1f, range_high = 1.9f;  // 0 <= low < high <= 10
  float mix = 1.0f;                           // 0..1
  std::string layer;                          // "" or one layer name ([A-Za-z0-9_], <= 32)
  std::optional<uint64_t> seed;               // the first sibling's seed; absent: the next free
};

// "More like this": children of one tile, their range 1 +- strength.
struct BreedRequest {
  std::string tile;
  int count = 4;          // 1..16
  float strength = 0.5f;  // (0, 1]
  std::string mode = "scale_eigenvectors";
  float mix = 1.0f;
};

// Cross (weight of the first tile) or morph (frames from a to b).
struct PairRequest {
  std::string a, b;     // two different tiles
  float weight = 0.5f;  // cross: 0..1
  int frames = 6;       // morph: 2..12
};

struct PromoteRequest {
  std::string tile;
  int size = 512;        // 16..4096
  int iterations = 100;  // per stage, 1..10000
};

struct TileRequest {
  std::string tile;
};

SiblingRequest parse_sibling_request(const std::string& body);
BreedRequest parse_breed_request(const std::string& body);
PairRequest parse_pair_request(const std::string& body);
PromoteRequest parse_promote_request(const std::string& body);
TileRequest parse_tile_request(const std::string& body);

}  // namespace nsrg
