// The explore page's request parsers: a JSON object read field by field with its bounds.
#include "engine/explore/explore_requests.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "engine/core/error.h"
#include "engine/core/randomization.h"

namespace nsrg {

namespace {

using nlohmann::json;

json parse_object(const std::string& body) {
  json value = json::parse(body, nullptr, false);
  NSRG_REQUIRE(!value.is_discarded() && value.is_object(),
               "the request body must be a JSON object");
  return value;
}

// The field's value when present, checked by `read`.
template <class T, class Read>
void optional_field(const json& object, const char* key, T& out, Read read) {
  const auto at = object.find(key);
  if (at == object.end() || at->is_null()) return;
  out = read(*at, key);
}

int integer_in(const json& value, const char* key, int64_t low, int64_t high) {
  NSRG_REQUIRE(value.is_number_integer(), "\"", key, "\" must be a whole number");
  const int64_t n = value.is_number_unsigned() && value.get<uint64_t>() > uint64_t(INT64_MAX)
                        ? INT64_MAX
                        : value.get<int64_t>();
  NSRG_REQUIRE(n >= low && n <= high, "\"", key, "\" must be in ", low, "..", high);
  return int(n);
}

float number_in(const json& value, const char* key, double low, double high) {
  NSRG_REQUIRE(value.is_number(), "\"", key, "\" must be a number");
  const double n = value.get<double>();
  NSRG_REQUIRE(std::isfinite(n) && n >= low && n <= high, "\"", key, "\" must be in ", low, "..",
               high);
  return float(n);
}

// Readers of a bounded field, for optional_field.
auto integer_between(int64_t low, int64_t high) {
  return [=](const json& value, const char* key) { return integer_in(value, key, low, high); };
}
auto number_between(double low, double high) {
  return [=](const json& value, const char* key) { return number_in(value, key, low, high); };
}

std::string tile_id(const json& value, const char* key) {
  NSRG_REQUIRE(value.is_string() && is_tile_id(value.get<std::string>()), "\"", key,
               "\" must be a tile id (t and digits)");
  return value.get<std::string>();
}

std::string required_tile(const json& object, const char* key) {
  NSRG_REQUIRE(object.contains(key), "\"", key, "\" is missing");
  return tile_id(object.at(key), key);
}

std::string mode_name(const json& value, const char* key) {
  NSRG_REQUIRE(value.is_string(), "\"", key, "\" must be a string");
  const std::string name = value.get<std::string>();
  NSRG_REQUIRE(name.size() <= 32, "\"", key, "\" is too long");
  return randomize_mode_name(parse_randomize_mode(name));
}

std::string layer_name(const json& value, const char* key) {
  NSRG_REQUIRE(value.is_string(), "\"", key, "\" must be a string");
  const std::string name = value.get<std::string>();
  NSRG_REQUIRE(name.size() <= 32, "\"", key, "\" is too long");
  for (char c : name)
    NSRG_REQUIRE(std::isalnum(static_cast<unsigned char>(c)) || c == '_', "\"", key,
                 "\" must be a layer name (letters, digits, _)");
  return name;
}

}  // namespace

bool is_tile_id(const std::string& text) {
  if (text.size() < 2 || text.size() > 10 || text[0] != 't') return false;
  for (size_t i = 1; i < text.size(); ++i)
    if (text[i] < '0' || text[i] > '9') return false;
  return true;
}

SiblingRequest parse_sibling_request(const std::string& body) {
  const json object = parse_object(body);
  SiblingRequest r;
  optional_field(object, "count", r.count, integer_between(1, 16));
  optional_field(object, "mode", r.mode, mode_name);
  if (object.contains("range")) {
    const json& range = object.at("range");
    NSRG_REQUIRE(range.is_array() && range.size() == 2, "\"range\" must be two numbers");
    r.range_low = number_in(range[0], "range", 0, 10);
    r.range_high = number_in(range[1], "range", 0, 10);
    NSRG_REQUIRE(r.range_low < r.range_high, "\"range\" must be [low, high] with low < high");
  }
  optional_field(object, "mix", r.mix, number_between(0, 1));
  optional_field(object, "layer", r.layer, layer_name);
  if (object.contains("seed") && !object.at("seed").is_null()) {
    const json& seed = object.at("seed");
    NSRG_REQUIRE(
        seed.is_number_unsigned() || (seed.is_number_integer() && seed.get<int64_t>() >= 0),
        "\"seed\" must be a whole number >= 0");
    NSRG_REQUIRE(seed.get<uint64_t>() <= uint64_t(1) << 53, "\"seed\" must be at most 2^53");
    r.seed = seed.get<uint64_t>();
  }
  return r;
}

BreedRequest parse_breed_request(const std::string& body) {
  const json object = parse_object(body);
  BreedRequest r;
  r.tile = required_tile(object, "tile");
  optional_field(object, "count", r.count, integer_between(1, 16));
  optional_field(object, "strength", r.strength, number_between(0, 1));
  NSRG_REQUIRE(r.strength > 0, "\"strength\" must be above 0");
  optional_field(object, "mode", r.mode, mode_name);
  optional_field(object, "mix", r.mix, number_between(0, 1));
  return r;
}

PairRequest parse_pair_request(const std::string& body) {
  const json object = parse_object(body);
  PairRequest r;
  r.a = required_tile(object, "a");
  r.b = required_tile(object, "b");
  NSRG_REQUIRE(r.a != r.b, "\"a\" and \"b\" must be two different tiles");
  optional_field(object, "weight", r.weight, number_between(0, 1));
  optional_field(object, "frames", r.frames, integer_between(2, 12));
  return r;
}

PromoteRequest parse_promote_request(const std::string& body) {
  const json object = parse_object(body);
  PromoteRequest r;
  r.tile = required_tile(object, "tile");
  optional_field(object, "size", r.size, integer_between(16, 4096));
  optional_field(object, "iterations", r.iterations, integer_between(1, 10000));
  return r;
}

TileRequest parse_tile_request(const std::string& body) {
  return {required_tile(parse_object(body), "tile")};
}

}  // namespace nsrg
