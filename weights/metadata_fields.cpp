// MetadataSpot: typed, bounded reads of JSON metadata with one-line errors.
#include "weights/metadata_fields.h"

#include <cmath>

namespace nsrg {

using json = nlohmann::json;

namespace {

constexpr double kFloatLimit = 3.0e38;

bool fits_float(const json& value) {
  return value.is_number() && std::isfinite(value.get<double>()) &&
         std::fabs(value.get<double>()) <= kFloatLimit;
}

}  // namespace

MetadataSpot MetadataSpot::member(const std::string& name) const {
  return MetadataSpot(file_, entry_, place_.empty() ? name : place_ + "." + name);
}

MetadataSpot MetadataSpot::element(size_t index) const {
  return MetadataSpot(file_, entry_, msg(place_, "[", index, "]"));
}

void MetadataSpot::fail(const std::string& what) const {
  throw UserError(
      msg(file_, ": metadata entry ", entry_, place_.empty() ? "" : " at ", place_, ": ", what));
}

void MetadataSpot::wrong_field(const char* name, const char* expected) const {
  fail(msg("field \"", name, "\" is missing or not ", expected));
}

const json& MetadataSpot::present(const json& object, const char* name) const {
  if (!object.is_object()) fail("is not a JSON object");
  const auto it = object.find(name);
  if (it == object.end()) fail(msg("field \"", name, "\" is missing"));
  return *it;
}

const json& MetadataSpot::object_field(const json& object, const char* name) const {
  const json& value = present(object, name);
  if (!value.is_object()) wrong_field(name, "an object");
  return value;
}

const json& MetadataSpot::array_field(const json& object, const char* name, size_t max_size) const {
  const json& value = present(object, name);
  if (!value.is_array()) wrong_field(name, "a list");
  if (value.size() > max_size)
    fail(msg("field \"", name, "\" has ", value.size(), " elements (at most ", max_size, ")"));
  return value;
}

std::string MetadataSpot::string_field(const json& object, const char* name,
                                       size_t max_length) const {
  const json& value = present(object, name);
  if (!value.is_string()) wrong_field(name, "a string");
  const std::string& text = value.get_ref<const std::string&>();
  if (text.size() > max_length)
    fail(msg("field \"", name, "\" is ", text.size(), " bytes long (at most ", max_length, ")"));
  return text;
}

float MetadataSpot::float_field(const json& object, const char* name) const {
  const json& value = present(object, name);
  if (!fits_float(value)) wrong_field(name, "a finite number");
  return float(value.get<double>());
}

bool MetadataSpot::optional_bool_field(const json& object, const char* name, bool absent) const {
  if (!object.is_object()) fail("is not a JSON object");
  const auto it = object.find(name);
  if (it == object.end()) return absent;
  if (!it->is_boolean()) wrong_field(name, "true or false");
  return it->get<bool>();
}

float MetadataSpot::float_value(const json& value, const std::string& what) const {
  if (!fits_float(value)) fail(msg(what, " is not a finite number"));
  return float(value.get<double>());
}

uint64_t MetadataSpot::unsigned_field(const json& object, const char* name) const {
  const json& value = present(object, name);
  if (!value.is_number_unsigned() && !(value.is_number_integer() && value.get<int64_t>() >= 0))
    wrong_field(name, "a non-negative integer");
  return value.get<uint64_t>();
}

std::string MetadataSpot::sha256_field(const json& object, const char* name,
                                       bool allow_empty) const {
  const std::string text = string_field(object, name, 64);
  if (text.empty() && allow_empty) return text;
  bool hex = text.size() == 64;
  for (char c : text) hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  if (!hex) wrong_field(name, "a SHA-256 (64 lower-case hexadecimal digits)");
  return text;
}

json parse_metadata_json(const std::string& file, const std::string& entry,
                         const std::string& text) {
  try {
    return json::parse(text);
  } catch (const json::exception&) {
    throw UserError(msg(file, ": metadata entry ", entry, " is not valid JSON"));
  }
}

std::string metadata_json_text(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace nsrg
