// The convert_torch command on whole files: a synthetic full-size VGG-19 in torchvision's
// layout (548 MB, written here) converts, loads with the right preprocess and values, and
// renders; damaged, truncated, non-zip and foreign-global files and bad outputs end with
// one line naming the file and exit status 2.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/config/config.h"
#include "engine/image/image.h"
#include "engine/render/render_session.h"
#include "tests/weights/weights_test_util.h"
#include "tools/convert_torch/synthetic_pth.h"
#include "weights/model.h"

namespace nsrg {
namespace {

using test::contains;

constexpr uint64_t kSeed = 7;

struct CommandResult {
  int status = -1;
  std::string output;  // stdout and stderr
};

CommandResult convert_torch(const std::string& arguments) {
  const std::string command =
      std::string(NSRG_BINARY_DIR) + "/tools/convert_torch/convert_torch " + arguments + " 2>&1";
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  size_t got;
  while ((got = fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, got);
  const int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string fixture(const std::string& name) {
  return std::string(NSRG_SOURCE_DIR) + "/tests/convert_torch/fixtures/" + name;
}

// ctest runs each test in its own process: each writes the checkpoint it needs (torchvision's
// published name, so the preset is detected from it), the 548 MB one only where it matters.
class ConvertTorchCommand : public ::testing::Test {
 protected:
  void write_checkpoint(bool classifier) {
    checkpoint_ = dir_.file("vgg19-dcbb9e9d.pth");
    write_synthetic_pth(checkpoint_, torchvision_vgg19_tensors(classifier), kSeed);
  }
  test::TempDir dir_;
  std::string checkpoint_;
};

TEST_F(ConvertTorchCommand, FullSizeVgg19ConvertsLoadsAndRenders) {
  write_checkpoint(true);
  EXPECT_GT(std::filesystem::file_size(checkpoint_), 570000000u);
  const std::string weights = dir_.file("vgg19.safetensors");
  const CommandResult result = convert_torch(checkpoint_ + " -o " + weights);
  ASSERT_EQ(result.status, 0) << result.output;
  EXPECT_TRUE(contains(result.output,
                       "vgg19, 37 layers (16 convolution), 20024384 parameters; "
                       "preset torchvision (file name dcbb9e9d"))
      << result.output;

  const Model model = load_model(weights);
  ASSERT_EQ(model.layers.size(), 37u);
  EXPECT_EQ(model.layers[0].name, "conv1_1");
  EXPECT_EQ(model.layers.back().name, "pool5");
  EXPECT_FALSE(model.preprocess.bgr);
  EXPECT_EQ(model.preprocess.scale, 1.0f);
  EXPECT_EQ(model.preprocess.std, (std::array<float, 3>{0.229f, 0.224f, 0.225f}));
  EXPECT_TRUE(contains(model.source, "vgg19-dcbb9e9d.pth")) << model.source;
  EXPECT_TRUE(contains(model.source, "classifier.6.bias")) << model.source;
  // conv4_2 is features.21, tensor number 18 (weight) and 19 (bias) of the checkpoint.
  const std::vector<SyntheticTensor> tensors = torchvision_vgg19_tensors(true);
  ASSERT_EQ(tensors[18].name, "features.21.weight");
  const HostTensor& weight = model.tensors.at("conv4_2.weight");
  for (uint64_t i : {uint64_t(0), uint64_t(12345), uint64_t(weight.data.size() - 1)})
    EXPECT_EQ(weight.data[i], synthetic_value(kSeed, 18, tensors[18].shape, i)) << i;
  EXPECT_EQ(model.tensors.at("conv4_2.bias").data[3], synthetic_value(kSeed, 19, {512}, 3));

  const std::string images = std::string(NSRG_SOURCE_DIR) + "/examples/images/";
  const std::string config_path = dir_.file("config.toml");
  {
    std::ofstream config(config_path);
    config << "backend = \"cpu\"\nimage_size = 32\nmodel = \"" << weights << "\"\n"
           << "[content]\nimage = \"" << images << "chelsea.png\"\nlayers = [\"relu4_2\"]\n"
           << "[style]\nimages = [\"" << images << "brick.png\"]\n"
           << "layers = [\"relu1_1\", \"relu2_1\", \"relu3_1\", \"relu4_1\", \"relu5_1\"]\n"
           << "[optimizer]\niterations = 5\n[output]\npath = \"" << dir_.file("out.png")
           << "\"\nprint_iter = 1\n";
  }
  std::ostringstream log;
  RenderSession session(load_config(config_path), log);
  session.run();
  ASSERT_EQ(session.images().size(), 1u);
  EXPECT_EQ(session.images()[0].evaluations, 5);
  EXPECT_TRUE(std::isfinite(session.images()[0].final_losses.total));
  EXPECT_EQ(std::max(read_image(dir_.file("out.png")).width, 1), 32);
}

TEST_F(ConvertTorchCommand, ArchAndPresetOptions) {
  write_checkpoint(false);
  const std::string weights = dir_.file("caffe.safetensors");
  CommandResult result = convert_torch(checkpoint_ + " --preset caffe --arch vgg19 -o " + weights);
  ASSERT_EQ(result.status, 0) << result.output;
  EXPECT_TRUE(load_model(weights).preprocess.bgr);
  result = convert_torch(checkpoint_ + " --arch vgg16 -o " + weights);
  EXPECT_EQ(result.status, 2);
  EXPECT_TRUE(contains(result.output, "not VGG-16 (--arch vgg16)")) << result.output;
}

// Each bad input: exit status 2 and one line naming the file and what is wrong.
TEST_F(ConvertTorchCommand, BadInputsEndWithOneLineAndStatus2) {
  write_checkpoint(false);
  const std::string bytes = test::read_bytes(checkpoint_);
  const std::string truncated = dir_.file("truncated.pth");
  test::write_bytes(truncated, bytes.substr(0, bytes.size() / 2));
  const std::string damaged = dir_.file("damaged.pth");
  std::string flipped = bytes;
  flipped[20000] ^= 0x5a;  // inside conv1_1's weights (after the pickle)
  test::write_bytes(damaged, flipped);
  const std::string text = dir_.file("notes.pth");
  test::write_bytes(text, "these are not weights\n");
  const std::string empty = dir_.file("empty.pth");
  test::write_bytes(empty, "");
  const std::string tar = dir_.file("old_tar.pth");  // a tar header: "ustar" at byte 257
  test::write_bytes(tar, std::string(257, '\0') + "ustar" + std::string(250, '\0'));

  const struct {
    std::string input, expected;
  } cases[] = {
      {truncated, "not a zip file, or a truncated one"},
      {damaged, "is damaged: CRC error"},
      {text, "not a PyTorch checkpoint"},
      {empty, "not a PyTorch checkpoint"},
      {tar, "a tar archive (the checkpoint format of early PyTorch, 0.1.x) is not supported"},
      {fixture("foreign_global.pth"), "the Python global 'posix.system'"},
      // Found by fuzz_torch_checkpoint: a legacy system info dict that holds itself (leaked).
      {fixture("fuzz_self_containing_dict.pth"), "the system info: a dict would contain itself"},
      {fixture("tiny_features.pth"), "not a VGG-11/13/16/19 state_dict"},
      {dir_.file("missing.pth"), "cannot open the file"},
  };
  for (const auto& bad : cases) {
    SCOPED_TRACE(bad.input);
    const std::string output = dir_.file("bad.safetensors");
    const CommandResult result = convert_torch(bad.input + " --preset torchvision -o " + output);
    EXPECT_EQ(result.status, 2) << result.output;
    EXPECT_TRUE(contains(result.output, bad.input + ": ")) << result.output;
    EXPECT_TRUE(contains(result.output, bad.expected)) << result.output;
    EXPECT_EQ(result.output.find('\n'), result.output.size() - 1) << result.output;
    EXPECT_FALSE(std::filesystem::exists(output));
  }
}

TEST_F(ConvertTorchCommand, RefusesBadOutputs) {
  write_checkpoint(false);
  const std::string input = fixture("tiny_features.pth");
  CommandResult result = convert_torch(input + " -o " + dir_.file("out.bin"));
  EXPECT_EQ(result.status, 2);
  EXPECT_TRUE(contains(result.output, "the output must end in .safetensors")) << result.output;
  // The input itself, spelled differently (a link named .safetensors).
  const std::string link = dir_.file("same.safetensors");
  std::filesystem::create_symlink(checkpoint_, link);
  result = convert_torch(checkpoint_ + " -o " + link);
  EXPECT_EQ(result.status, 2);
  EXPECT_TRUE(contains(result.output, "is the input file")) << result.output;
  EXPECT_GT(std::filesystem::file_size(checkpoint_), 80000000u);
  result = convert_torch(input + " --preset nonsense -o " + dir_.file("x.safetensors"));
  EXPECT_EQ(result.status, 2) << result.output;
}

}  // namespace
}  // namespace nsrg
