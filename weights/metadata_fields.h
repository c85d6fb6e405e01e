// Reading structured metadata (JSON text inside a file's safetensors metadata) without
// trusting it: typed fields with bounded sizes, each failure one UserError line naming the
// file, the metadata entry and the place inside it ("steps[2].layers[0]").
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/core/enum_names.h"
#include "engine/core/error.h"
#include "engine/core/utf8.h"

namespace nsrg {

// Where a value was read: "<file>: metadata entry <entry>[ at <place>]".
class MetadataSpot {
 public:
  MetadataSpot(std::string file, std::string entry, std::string place = "")
      : file_(std::move(file)), entry_(std::move(entry)), place_(std::move(place)) {}

  // The spot of a member ("root") or an element ("[3]") of this one.
  MetadataSpot member(const std::string& name) const;
  MetadataSpot element(size_t index) const;

  [[noreturn]] void fail(const std::string& what) const;

  // A member that must be present and of the named kind; the strings are at most
  // `max_length` bytes, the arrays at most `max_size` elements.
  const nlohmann::json& object_field(const nlohmann::json& object, const char* name) const;
  const nlohmann::json& array_field(const nlohmann::json& object, const char* name,
                                    size_t max_size) const;
  std::string string_field(const nlohmann::json& object, const char* name, size_t max_length) const;
  // A number that fits a float (finite, |x| <= 3e38).
  float float_field(const nlohmann::json& object, const char* name) const;
  uint64_t unsigned_field(const nlohmann::json& object, const char* name) const;
  // A boolean member, or `absent` when the object lacks it (a field newer than some files).
  bool optional_bool_field(const nlohmann::json& object, const char* name, bool absent) const;
  // A lower-case hexadecimal SHA-256 (64 digits); `allow_empty` also takes "".
  std::string sha256_field(const nlohmann::json& object, const char* name, bool allow_empty) const;

  // A string member that must be one of an enum's names.
  template <typename Enum, size_t N>
  Enum named_field(const nlohmann::json& object, const char* name,
                   const NamedValue<Enum> (&names)[N]) const {
    const std::string text = string_field(object, name, 256);
    const std::optional<Enum> value = value_in(names, text);
    if (!value)
      fail(msg("field \"", name, "\" is \"", short_quote(text), "\", not one of ",
               joined_names(names)));
    return *value;
  }

  // A float read from a JSON value (an array element): finite, |x| <= 3e38.
  float float_value(const nlohmann::json& value, const std::string& what) const;

 private:
  const nlohmann::json& present(const nlohmann::json& object, const char* name) const;
  [[noreturn]] void wrong_field(const char* name, const char* expected) const;

  std::string file_, entry_, place_;
};

// Parses metadata text as JSON; UserError naming the file and entry when it is not JSON.
nlohmann::json parse_metadata_json(const std::string& file, const std::string& entry,
                                   const std::string& text);

// JSON text of a metadata value (invalid UTF-8 replaced, so writing never throws).
std::string metadata_json_text(const nlohmann::json& value);

}  // namespace nsrg
