// The .pth fixtures made by real PyTorch (make_fixtures.py): every tensor the reader gathers
// (float32, float16, strided, legacy format) equals what PyTorch wrote in expected.json, and
// the checkpoint with a foreign global is refused before anything is built from it.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/weights/weights_test_util.h"
#include "tools/convert_torch/checkpoint_reader.h"
#include "tools/convert_torch/tensor_data.h"

namespace nsrg {
namespace {

using test::contains;
using test::user_error_of;

std::string fixture(const std::string& name) {
  return std::string(NSRG_SOURCE_DIR) + "/tests/convert_torch/fixtures/" + name;
}

nlohmann::json expected_fixtures() {
  std::ifstream in(fixture("expected.json"));
  return nlohmann::json::parse(in)["fixtures"];
}

TEST(TorchFixtures, EveryTensorMatchesWhatPyTorchWrote) {
  const nlohmann::json fixtures = expected_fixtures();
  int checked = 0;
  for (const auto& [name, tensors] : fixtures.items()) {
    if (name == "foreign_global.pth") continue;
    SCOPED_TRACE(name);
    const auto reader = CheckpointReader::open(fixture(name));
    EXPECT_EQ(reader->format(), contains(name, "legacy") ? "legacy" : "zip");
    const StateDict& dict = reader->state_dict();
    ASSERT_EQ(dict.tensors.size(), tensors.size());
    for (size_t i = 0; i < tensors.size(); ++i) {
      const NamedTensor& tensor = dict.tensors[i];
      const nlohmann::json& want = tensors[i];
      SCOPED_TRACE(tensor.name);
      EXPECT_EQ(tensor.name, want["name"].get<std::string>());
      EXPECT_EQ(tensor.record.shape, want["shape"].get<std::vector<int64_t>>());
      EXPECT_EQ(tensor.record.stride, want["stride"].get<std::vector<int64_t>>());
      EXPECT_EQ(tensor.record.storage->type,
                want["dtype"] == "float16" ? "HalfStorage" : "FloatStorage");
      const std::vector<float> values = read_tensor_float32(*reader, tensor);
      const std::vector<double> expected = want["values"].get<std::vector<double>>();
      ASSERT_EQ(values.size(), expected.size());
      for (size_t k = 0; k < values.size(); ++k) ASSERT_EQ(values[k], float(expected[k])) << k;
      ++checked;
    }
  }
  EXPECT_GE(checked, 30);
}

TEST(TorchFixtures, StridedLayoutsAreReallyStrided) {
  const auto reader = CheckpointReader::open(fixture("tiny_strided.pth"));
  std::map<std::string, TensorRecord> by_name;
  for (const NamedTensor& tensor : reader->state_dict().tensors)
    by_name[tensor.name] = tensor.record;
  EXPECT_EQ(by_name.at("transposed").stride, (std::vector<int64_t>{1, 6}));
  EXPECT_EQ(by_name.at("sliced").offset, 8);
  EXPECT_EQ(by_name.at("expanded").stride[0], 0);
  EXPECT_EQ(by_name.at("channels_last").stride, (std::vector<int64_t>{27, 1, 9, 3}));
}

TEST(TorchFixtures, ForeignGlobalIsRefused) {
  const std::string error =
      user_error_of([] { CheckpointReader::open(fixture("foreign_global.pth")); });
  EXPECT_TRUE(contains(error, "foreign_global.pth")) << error;
  EXPECT_TRUE(contains(error, "the Python global 'posix.system'")) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos);
}

TEST(TorchFixtures, NonTensorEntriesAndNestingAreReported) {
  const auto reader = CheckpointReader::open(fixture("tiny_features.pth"));
  EXPECT_TRUE(reader->state_dict().non_tensor_entries.empty());
  EXPECT_TRUE(reader->state_dict().nested_under.empty());
  EXPECT_EQ(reader->state_dict().tensors.front().name, "features.0.weight");
}

}  // namespace
}  // namespace nsrg
