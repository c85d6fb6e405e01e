// The nsrg.architecture and nsrg.preprocess metadata: JSON parsing with validation, and the
// JSON writers that produce the same form.
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "engine/core/error.h"
#include "engine/core/utf8.h"
#include "weights/json_parse.h"
#include "weights/model.h"

namespace nsrg {
namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

// A valid architecture nests 3 deep (array, layer, [h, w]); the preprocess object 2.
constexpr int kMaxJsonDepth = 8;

// A value from the file for a one-line message: short scalars as JSON, never a whole tree.
std::string describe(const json& value) {
  if (value.is_array()) return msg("an array of ", value.size());
  if (value.is_object()) return msg("an object of ", value.size(), " keys");
  return short_quote(value.dump());
}

const char* type_name(LayerType type) {
  switch (type) {
    case LayerType::Conv:
      return "conv";
    case LayerType::Relu:
      return "relu";
    case LayerType::MaxPool:
      return "maxpool";
    case LayerType::AvgPool:
      return "avgpool";
  }
  return "?";
}

// Reads the fields of one layer object, each error naming the layer.
class LayerReader {
 public:
  LayerReader(const json& object, std::string where) : object_(object), where_(std::move(where)) {}

  const json& field(const char* key) const {
    const auto found = object_.find(key);
    if (found == object_.end()) fail(msg("has no '", key, "'"));
    return *found;
  }

  int positive_int(const char* key) const { return int_value(field(key), key, 1); }

  // [h, w], each >= `minimum`.
  std::pair<int, int> int_pair(const char* key, int minimum) const {
    const json& value = field(key);
    if (!value.is_array() || value.size() != 2) fail(msg("'", key, "' must be an array [h, w]"));
    return {int_value(value[0], key, minimum), int_value(value[1], key, minimum)};
  }

  bool boolean(const char* key) const {
    const json& value = field(key);
    if (!value.is_boolean()) fail(msg("'", key, "' must be true or false"));
    return value.get<bool>();
  }

  void only_keys(std::initializer_list<const char*> allowed) const {
    for (const auto& item : object_.items()) {
      bool known = false;
      for (const char* key : allowed) known = known || item.key() == key;
      if (!known) fail(msg("has an unknown key '", short_quote(item.key()), "'"));
    }
  }

  [[noreturn]] void fail(const std::string& what) const { throw UserError(where_ + " " + what); }

 private:
  int int_value(const json& value, const char* key, int minimum) const {
    constexpr int64_t kLimit = 1 << 20;
    if (!value.is_number_integer() || value.get<int64_t>() < minimum ||
        value.get<int64_t>() > kLimit)
      fail(msg("'", key, "' must hold integers in [", minimum, ", ", kLimit, "], got ",
               describe(value)));
    return int(value.get<int64_t>());
  }

  const json& object_;
  std::string where_;
};

void check_pad_below_kernel(const LayerReader& reader, int pad_h, int pad_w, int kernel_h,
                            int kernel_w) {
  if (pad_h >= kernel_h || pad_w >= kernel_w)
    reader.fail(msg("'pad' [", pad_h, ",", pad_w, "] must be smaller than 'kernel' [", kernel_h,
                    ",", kernel_w, "]"));
}

LayerSpec parse_layer(const json& object, const std::string& where_prefix, size_t index) {
  std::string where = msg(where_prefix, " layer ", index);
  if (!object.is_object()) throw UserError(where + " is not a JSON object");
  const auto name = object.find("name");
  if (name == object.end() || !name->is_string() || name->get<std::string>().empty())
    throw UserError(where + " has no non-empty 'name'");
  LayerSpec layer;
  layer.name = name->get<std::string>();
  where += " (" + short_quote(layer.name) + ")";
  LayerReader reader(object, where);

  const json& type = reader.field("type");
  const std::string type_text = type.is_string() ? type.get<std::string>() : "";
  if (type_text == "conv") {
    reader.only_keys({"name", "type", "out", "kernel", "stride", "pad"});
    layer.type = LayerType::Conv;
    ConvGeometry& conv = layer.conv;
    conv.in_channels = 0;  // filled in from the previous layers
    conv.out_channels = reader.positive_int("out");
    std::tie(conv.kernel_h, conv.kernel_w) = reader.int_pair("kernel", 1);
    std::tie(conv.stride_h, conv.stride_w) = reader.int_pair("stride", 1);
    std::tie(conv.pad_h, conv.pad_w) = reader.int_pair("pad", 0);
    check_pad_below_kernel(reader, conv.pad_h, conv.pad_w, conv.kernel_h, conv.kernel_w);
  } else if (type_text == "relu") {
    reader.only_keys({"name", "type"});
    layer.type = LayerType::Relu;
  } else if (type_text == "maxpool" || type_text == "avgpool") {
    reader.only_keys({"name", "type", "kernel", "stride", "pad", "ceil"});
    const bool is_max = type_text == "maxpool";
    layer.type = is_max ? LayerType::MaxPool : LayerType::AvgPool;
    PoolGeometry& pool = layer.pool;
    pool.kind = is_max ? PoolKind::Max : PoolKind::Average;
    std::tie(pool.kernel_h, pool.kernel_w) = reader.int_pair("kernel", 1);
    std::tie(pool.stride_h, pool.stride_w) = reader.int_pair("stride", 1);
    std::tie(pool.pad_h, pool.pad_w) = reader.int_pair("pad", 0);
    pool.ceil_mode = reader.boolean("ceil");
    check_pad_below_kernel(reader, pool.pad_h, pool.pad_w, pool.kernel_h, pool.kernel_w);
  } else {
    reader.fail("has an unknown type " + describe(type) +
                " (conv, relu, maxpool, avgpool are known)");
  }
  return layer;
}

// The shortest decimal that reads back as the same float, as a double, so JSON shows
// 103.939 rather than 103.93900299072266.
double shortest_double(float value) {
  char text[32];
  const auto result = std::to_chars(text, text + sizeof text, value);
  return std::strtod(std::string(text, result.ptr).c_str(), nullptr);
}

float finite_float(const json& value, const std::string& where) {
  if (!value.is_number() || !std::isfinite(value.get<double>()) ||
      std::fabs(value.get<double>()) > 1e30)
    throw UserError(where + " must be a finite number, got " + describe(value));
  return float(value.get<double>());
}

}  // namespace

std::vector<LayerSpec> parse_architecture(const std::string& json_text, const std::string& origin) {
  const std::string what = origin + ": nsrg.architecture";
  const json layers = parse_json_limited(json_text, kMaxJsonDepth, what);
  if (!layers.is_array()) throw UserError(what + " is not a JSON array of layers");
  if (layers.empty()) throw UserError(what + " has no layers");
  std::vector<LayerSpec> result;
  std::set<std::string> names;
  for (size_t i = 0; i < layers.size(); ++i) {
    LayerSpec layer = parse_layer(layers[i], what, i);
    if (!names.insert(layer.name).second)
      throw UserError(
          msg(what, " layer ", i, ": the name '", short_quote(layer.name), "' is used twice"));
    result.push_back(std::move(layer));
  }
  return result;
}

std::string architecture_to_json(const std::vector<LayerSpec>& layers) {
  ordered_json result = ordered_json::array();
  for (const LayerSpec& layer : layers) {
    ordered_json entry;
    entry["name"] = layer.name;
    entry["type"] = type_name(layer.type);
    if (layer.type == LayerType::Conv) {
      const ConvGeometry& conv = layer.conv;
      entry["out"] = conv.out_channels;
      entry["kernel"] = {conv.kernel_h, conv.kernel_w};
      entry["stride"] = {conv.stride_h, conv.stride_w};
      entry["pad"] = {conv.pad_h, conv.pad_w};
    } else if (layer.type == LayerType::MaxPool || layer.type == LayerType::AvgPool) {
      const PoolGeometry& pool = layer.pool;
      entry["kernel"] = {pool.kernel_h, pool.kernel_w};
      entry["stride"] = {pool.stride_h, pool.stride_w};
      entry["pad"] = {pool.pad_h, pool.pad_w};
      entry["ceil"] = pool.ceil_mode;
    }
    result.push_back(std::move(entry));
  }
  return result.dump();
}

Preprocess parse_preprocess(const std::string& json_text, const std::string& origin) {
  const std::string what = origin + ": nsrg.preprocess";
  const json object = parse_json_limited(json_text, kMaxJsonDepth, what);
  if (!object.is_object()) throw UserError(what + " is not a JSON object");
  for (const auto& item : object.items())
    if (item.key() != "order" && item.key() != "scale" && item.key() != "mean" &&
        item.key() != "std")
      throw UserError(what + " has an unknown key '" + short_quote(item.key()) + "'");
  const auto order = object.find("order");
  const auto scale = object.find("scale");
  const auto mean = object.find("mean");
  if (order == object.end() || scale == object.end() || mean == object.end())
    throw UserError(what + " needs 'order', 'scale' and 'mean'");

  Preprocess preprocess;
  if (*order == "bgr")
    preprocess.bgr = true;
  else if (*order == "rgb")
    preprocess.bgr = false;
  else
    throw UserError(what + " 'order' must be \"bgr\" or \"rgb\", got " + describe(*order));
  preprocess.scale = finite_float(*scale, what + " 'scale'");
  if (!(preprocess.scale > 0)) throw UserError(what + " 'scale' must be positive");
  if (!mean->is_array() || mean->size() != 3)
    throw UserError(what + " 'mean' must be an array of 3 numbers");
  for (int c = 0; c < 3; ++c) preprocess.mean[c] = finite_float((*mean)[c], what + " 'mean'");
  // Optional (files written before it existed divide by nothing): 1 for every channel.
  const auto std = object.find("std");
  if (std != object.end()) {
    if (!std->is_array() || std->size() != 3)
      throw UserError(what + " 'std' must be an array of 3 numbers");
    for (int c = 0; c < 3; ++c) {
      preprocess.std[c] = finite_float((*std)[c], what + " 'std'");
      if (!(preprocess.std[c] > 0)) throw UserError(what + " 'std' values must be positive");
    }
  }
  return preprocess;
}

std::string preprocess_to_json(const Preprocess& preprocess) {
  ordered_json result;
  result["order"] = preprocess.bgr ? "bgr" : "rgb";
  result["scale"] = shortest_double(preprocess.scale);
  result["mean"] = {shortest_double(preprocess.mean[0]), shortest_double(preprocess.mean[1]),
                    shortest_double(preprocess.mean[2])};
  // Written only when it is not the default, so Caffe-style files keep their old form.
  if (preprocess.std != Preprocess{}.std)
    result["std"] = {shortest_double(preprocess.std[0]), shortest_double(preprocess.std[1]),
                     shortest_double(preprocess.std[2])};
  return result.dump();
}

}  // namespace nsrg
