// safetensors: write/read round trip, F16/BF16 conversion, and rejection of corrupt files
// with messages naming the file and the tensor.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <vector>

#include "weights/half_float.h"
#include "weights/safetensors.h"
#include "weights_test_util.h"

namespace nsrg {
namespace {

using test::contains;
using test::safetensors_bytes;
using test::TempDir;
using test::user_error_of;

std::string u16_bytes(std::initializer_list<uint16_t> values) {
  std::string bytes;
  for (uint16_t value : values) {
    bytes += char(value & 0xFF);
    bytes += char(value >> 8);
  }
  return bytes;
}

std::string f32_bytes(std::initializer_list<float> values) {
  std::string bytes;
  for (float value : values) {
    char raw[4];
    std::memcpy(raw, &value, 4);
    bytes.append(raw, 4);
  }
  return bytes;
}

// IEEE binary16 decoded from its definition, for comparison with f16_to_float.
double f16_reference(uint16_t half) {
  const int sign = half >> 15, exponent = (half >> 10) & 31, mantissa = half & 1023;
  double magnitude;
  if (exponent == 31)
    magnitude = mantissa ? NAN : INFINITY;
  else if (exponent == 0)
    magnitude = std::ldexp(double(mantissa), -24);
  else
    magnitude = std::ldexp(double(1024 + mantissa), exponent - 25);
  return sign ? -magnitude : magnitude;
}

TEST(Safetensors, RoundTripKeepsMetadataShapesAndData) {
  TempDir dir;
  const std::string path = dir.file("model.safetensors");
  const std::vector<float> weight = {1.5f, -2.25f, 3e-8f, 4e8f, -0.0f, 6.0f};
  const std::vector<float> bias = {0.125f, -7.0f};
  const float scalar = 42.0f;
  const std::map<std::string, std::string> metadata = {
      {"nsrg.format", "1"}, {"nsrg.preprocess", R"({"order":"bgr"})"}, {"note", "ünïcödé"}};
  write_safetensors(path, metadata,
                    {{"z.weight", {2, 3, 1, 1}, weight.data()},
                     {"a.bias", {2}, bias.data()},
                     {"scalar", {}, &scalar},
                     {"empty", {0, 4}, nullptr}});

  const SafetensorsFile file = read_safetensors(path);
  EXPECT_EQ(file.metadata, metadata);
  ASSERT_EQ(file.tensors.size(), 4u);
  EXPECT_EQ(file.tensors.at("z.weight").shape, (std::vector<int64_t>{2, 3, 1, 1}));
  EXPECT_EQ(file.tensors.at("z.weight").data, weight);
  EXPECT_TRUE(std::signbit(file.tensors.at("z.weight").data[4]));
  EXPECT_EQ(file.tensors.at("a.bias").data, bias);
  EXPECT_EQ(file.tensors.at("scalar").shape, std::vector<int64_t>{});
  EXPECT_EQ(file.tensors.at("scalar").data, std::vector<float>{42.0f});
  EXPECT_EQ(file.tensors.at("empty").shape, (std::vector<int64_t>{0, 4}));
  EXPECT_TRUE(file.tensors.at("empty").data.empty());

  // The layout: header padded to a multiple of 8, metadata first, tensors in the order
  // given with contiguous ascending offsets.
  const std::string bytes = test::read_bytes(path);
  uint64_t header_length = 0;
  for (int i = 7; i >= 0; --i) header_length = (header_length << 8) | uint8_t(bytes[size_t(i)]);
  EXPECT_EQ(header_length % 8, 0u);
  EXPECT_EQ(bytes.size(), 8 + header_length + (6 + 2 + 1) * 4);
  const auto header = nlohmann::ordered_json::parse(bytes.substr(8, header_length));
  std::vector<std::string> keys;
  for (const auto& item : header.items()) keys.push_back(item.key());
  EXPECT_EQ(keys,
            (std::vector<std::string>{"__metadata__", "z.weight", "a.bias", "scalar", "empty"}));
  EXPECT_EQ(header["z.weight"]["data_offsets"], nlohmann::ordered_json::parse("[0,24]"));
  EXPECT_EQ(header["a.bias"]["data_offsets"], nlohmann::ordered_json::parse("[24,32]"));
  EXPECT_EQ(header["scalar"]["data_offsets"], nlohmann::ordered_json::parse("[32,36]"));
  EXPECT_EQ(header["empty"]["data_offsets"], nlohmann::ordered_json::parse("[36,36]"));
  EXPECT_EQ(header["z.weight"]["dtype"], "F32");

  // The atomic write left no temporary file behind.
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) files += entry.exists();
  EXPECT_EQ(files, 1);
}

TEST(Safetensors, WritesWithoutMetadata) {
  TempDir dir;
  const std::string path = dir.file("plain.safetensors");
  const float value = 3.0f;
  write_safetensors(path, {}, {{"x", {1}, &value}});
  const SafetensorsFile file = read_safetensors(path);
  EXPECT_TRUE(file.metadata.empty());
  EXPECT_EQ(file.tensors.at("x").data, std::vector<float>{3.0f});
}

TEST(Safetensors, ReadsOnlyWantedTensors) {
  TempDir dir;
  const std::string path = dir.file("some.safetensors");
  const std::vector<float> a = {1, 2}, b = {3, 4, 5};
  write_safetensors(path, {{"k", "v"}}, {{"a", {2}, a.data()}, {"b", {3}, b.data()}});
  const SafetensorsFile file =
      read_safetensors(path, [](const std::string& name) { return name == "b"; });
  EXPECT_EQ(file.metadata.at("k"), "v");
  ASSERT_EQ(file.tensors.size(), 1u);
  EXPECT_EQ(file.tensors.at("b").data, b);
}

TEST(HalfFloat, EveryF16ValueMatchesItsDefinition) {
  for (uint32_t bits = 0; bits < 65536; ++bits) {
    const float got = f16_to_float(uint16_t(bits));
    const double expected = f16_reference(uint16_t(bits));
    if (std::isnan(expected)) {
      EXPECT_TRUE(std::isnan(got)) << bits;
    } else {
      ASSERT_EQ(double(got), expected) << "bits 0x" << std::hex << bits;
      ASSERT_EQ(std::signbit(got), std::signbit(expected)) << "bits 0x" << std::hex << bits;
    }
  }
}

TEST(HalfFloat, Bf16KnownValues) {
  EXPECT_EQ(bf16_to_float(0x3F80), 1.0f);
  EXPECT_EQ(bf16_to_float(0xC040), -3.0f);
  EXPECT_EQ(bf16_to_float(0x4049), 3.140625f);
  EXPECT_EQ(bf16_to_float(0x0001), std::ldexp(1.0f, -133));  // smallest subnormal
  EXPECT_TRUE(std::isinf(bf16_to_float(0xFF80)) && bf16_to_float(0xFF80) < 0);
  EXPECT_TRUE(std::isnan(bf16_to_float(0x7FC0)));
}

TEST(Safetensors, ConvertsHandMadeF16AndBf16Tensors) {
  TempDir dir;
  const std::string path = dir.file("half.safetensors");
  // half: [0,8), brain: [8,14), a 2-byte gap, single: [16,20).
  const std::string header = R"({"half":{"dtype":"F16","shape":[2,2],"data_offsets":[0,8]},)"
                             R"("brain":{"dtype":"BF16","shape":[3],"data_offsets":[8,14]},)"
                             R"("single":{"dtype":"F32","shape":[1],"data_offsets":[16,20]}})";
  const std::string data = u16_bytes({0x3C00, 0xC000, 0x7BFF, 0x0001}) +
                           u16_bytes({0x3F80, 0xC040, 0x4049}) + std::string(2, '\0') +
                           f32_bytes({0.5f});
  test::write_bytes(path, safetensors_bytes(header, data));

  const SafetensorsFile file = read_safetensors(path);
  EXPECT_EQ(file.tensors.at("half").shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(file.tensors.at("half").data,
            (std::vector<float>{1.0f, -2.0f, 65504.0f, std::ldexp(1.0f, -24)}));
  EXPECT_EQ(file.tensors.at("brain").data, (std::vector<float>{1.0f, -3.0f, 3.140625f}));
  EXPECT_EQ(file.tensors.at("single").data, std::vector<float>{0.5f});
}

TEST(Safetensors, LargeF16TensorIsConvertedAcrossChunks) {
  TempDir dir;
  const std::string path = dir.file("big.safetensors");
  const size_t count = (size_t(1) << 20) + 3;  // more than one conversion chunk
  std::string data;
  data.reserve(count * 2);
  for (size_t i = 0; i < count; ++i) data += u16_bytes({uint16_t(i * 7)});
  const std::string header = R"({"big":{"dtype":"F16","shape":[)" + std::to_string(count) +
                             R"(],"data_offsets":[0,)" + std::to_string(count * 2) + "]}}";
  test::write_bytes(path, safetensors_bytes(header, data));
  const SafetensorsFile file = read_safetensors(path);
  const std::vector<float>& got = file.tensors.at("big").data;
  ASSERT_EQ(got.size(), count);
  for (size_t i : {size_t(0), size_t(1), size_t(1) << 20, count - 1}) {
    const double expected = f16_reference(uint16_t(i * 7));
    if (!std::isnan(expected)) {
      EXPECT_EQ(double(got[i]), expected) << i;
    }
  }
}

// ---- corrupt files -------------------------------------------------------------------------

// Writes `bytes` and returns the UserError message of reading it, which must name the file.
std::string read_error(const std::string& bytes) {
  TempDir dir;
  const std::string path = dir.file("bad.safetensors");
  test::write_bytes(path, bytes);
  const std::string message = user_error_of([&] { read_safetensors(path); });
  EXPECT_TRUE(contains(message, path)) << message;
  return message;
}

std::string header_error(const std::string& header,
                         const std::string& data = std::string(64, 'x')) {
  return read_error(safetensors_bytes(header, data));
}

TEST(SafetensorsCorrupt, MissingFile) {
  const std::string message =
      user_error_of([] { read_safetensors("/nonexistent/folder/missing.safetensors"); });
  EXPECT_TRUE(contains(message, "/nonexistent/folder/missing.safetensors")) << message;
}

TEST(SafetensorsCorrupt, TooShort) {
  EXPECT_TRUE(contains(read_error("12345"), "too short")) << read_error("12345");
  EXPECT_TRUE(contains(read_error(""), "too short"));
}

TEST(SafetensorsCorrupt, HeaderLengthBeyondEndOfFile) {
  const std::string message = read_error(test::length_prefix(1000) + "{}");
  EXPECT_TRUE(contains(message, "past the end")) << message;
}

TEST(SafetensorsCorrupt, HeaderLengthOverLimit) {
  const std::string message = read_error(test::length_prefix(uint64_t(1) << 40) + "{}");
  EXPECT_TRUE(contains(message, "exceeds the limit")) << message;
  EXPECT_TRUE(contains(read_error(test::length_prefix(~uint64_t(0)) + "{}"), "exceeds"));
}

TEST(SafetensorsCorrupt, HeaderNotJson) {
  EXPECT_TRUE(contains(header_error("{not json"), "not valid JSON"));
  EXPECT_TRUE(contains(header_error(""), "not valid JSON"));
  EXPECT_TRUE(contains(header_error(std::string("{\"a\":\"\xff\"}")), "not valid JSON"));
}

TEST(SafetensorsCorrupt, HeaderNotAnObject) {
  EXPECT_TRUE(contains(header_error("[1,2,3]"), "not a JSON object"));
  EXPECT_TRUE(contains(header_error("\"text\""), "not a JSON object"));
}

TEST(SafetensorsCorrupt, HeaderNestedTooDeeply) {
  EXPECT_TRUE(contains(header_error(std::string(500, '[') + std::string(500, ']')), "too deeply"));
}

TEST(SafetensorsCorrupt, DuplicateKeys) {
  const std::string message = header_error(
      R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})");
  EXPECT_TRUE(contains(message, "repeats the key 'w'")) << message;
}

TEST(SafetensorsCorrupt, MetadataNotStrings) {
  std::string message = header_error(R"({"__metadata__":{"nsrg.format":1}})");
  EXPECT_TRUE(contains(message, "__metadata__ entry 'nsrg.format' is not a string")) << message;
  message = header_error(R"({"__metadata__":["a"]})");
  EXPECT_TRUE(contains(message, "__metadata__ is not an object")) << message;
}

TEST(SafetensorsCorrupt, BadDtype) {
  const std::string message =
      header_error(R"({"conv1.weight":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}})");
  EXPECT_TRUE(contains(message, "tensor 'conv1.weight'")) << message;
  EXPECT_TRUE(contains(message, "unsupported dtype 'I64'")) << message;
  EXPECT_TRUE(contains(header_error(R"({"t":{"shape":[1],"data_offsets":[0,4]}})"), "tensor 't'"));
}

TEST(SafetensorsCorrupt, BadShape) {
  const std::string negative =
      header_error(R"({"t":{"dtype":"F32","shape":[-1,2],"data_offsets":[0,8]}})");
  EXPECT_TRUE(contains(negative, "tensor 't'") && contains(negative, "non-negative")) << negative;
  const std::string fraction =
      header_error(R"({"t":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}})");
  EXPECT_TRUE(contains(fraction, "non-negative integer")) << fraction;
  const std::string not_array =
      header_error(R"({"t":{"dtype":"F32","shape":4,"data_offsets":[0,16]}})");
  EXPECT_TRUE(contains(not_array, "not an array")) << not_array;
  const std::string overflow = header_error(
      R"({"t":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,16]}})");
  EXPECT_TRUE(contains(overflow, "tensor 't'") && contains(overflow, "too many elements"))
      << overflow;
  const std::string huge =
      header_error(R"({"t":{"dtype":"F32","shape":[18446744073709551615],"data_offsets":[0,16]}})");
  EXPECT_TRUE(contains(huge, "tensor 't'")) << huge;
}

TEST(SafetensorsCorrupt, OffsetsOutOfRange) {
  const std::string beyond =
      header_error(R"({"t":{"dtype":"F32","shape":[32],"data_offsets":[0,128]}})");
  EXPECT_TRUE(contains(beyond, "tensor 't'") && contains(beyond, "beyond the data region"))
      << beyond;
  const std::string reversed =
      header_error(R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}})");
  EXPECT_TRUE(contains(reversed, "tensor 't'") && contains(reversed, "after end")) << reversed;
  const std::string three =
      header_error(R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}})");
  EXPECT_TRUE(contains(three, "[begin, end]")) << three;
  const std::string negative =
      header_error(R"({"t":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}})");
  EXPECT_TRUE(contains(negative, "[begin, end]")) << negative;
}

TEST(SafetensorsCorrupt, WrongByteCount) {
  const std::string message =
      header_error(R"({"conv.bias":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}})");
  EXPECT_TRUE(contains(message, "tensor 'conv.bias'")) << message;
  EXPECT_TRUE(contains(message, "hold 4 bytes") && contains(message, "needs 8")) << message;
  const std::string half =
      header_error(R"({"h":{"dtype":"F16","shape":[2],"data_offsets":[0,8]}})");
  EXPECT_TRUE(contains(half, "needs 4")) << half;
}

TEST(SafetensorsCorrupt, OverlappingTensors) {
  const std::string message = header_error(
      R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})");
  EXPECT_TRUE(contains(message, "'a' and 'b' overlap")) << message;
  // Empty tensors occupy nothing and overlap nothing.
  TempDir dir;
  const std::string path = dir.file("empty_inside.safetensors");
  test::write_bytes(
      path,
      safetensors_bytes(
          R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"e":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}})",
          f32_bytes({1, 2})));
  EXPECT_EQ(read_safetensors(path).tensors.at("e").data.size(), 0u);
}

TEST(SafetensorsCorrupt, TruncatedData) {
  TempDir dir;
  const std::string path = dir.file("truncated.safetensors");
  const std::vector<float> values(100, 1.0f);
  write_safetensors(path, {{"nsrg.format", "1"}},
                    {{"first", {50}, values.data()}, {"second", {50}, values.data()}});
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 4);
  const std::string message = user_error_of([&] { read_safetensors(path); });
  EXPECT_TRUE(contains(message, path)) << message;
  EXPECT_TRUE(contains(message, "tensor 'second'") && contains(message, "truncated")) << message;
}

}  // namespace
}  // namespace nsrg
