// The convert_caffe command line: exit statuses, the one-line summary and error formats,
// --help, preprocessing options, and that a failed run leaves an existing output untouched.
#include <gtest/gtest.h>
#include <unistd.h>

#include <sstream>

#include "test_support.h"
#include "tools/convert_caffe/cli.h"
#include "tools/convert_caffe/synthetic_caffemodel.h"
#include "weights/model.h"
#include "weights/safetensors.h"

namespace nsrg::test {
namespace {

struct CliResult {
  int status;
  std::string out, err;
};

CliResult run(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), "convert_caffe");
  std::vector<const char*> argv;
  for (const auto& argument : arguments) argv.push_back(argument.c_str());
  std::ostringstream out, err;
  const int status = run_convert_caffe_cli(int(argv.size()), argv.data(), out, err);
  return {status, out.str(), err.str()};
}

size_t line_count(const std::string& text) {
  return size_t(std::count(text.begin(), text.end(), '\n'));
}

std::string tiny_caffemodel(const TempFolder& folder) {
  const std::string path = folder.path("tiny.caffemodel");
  write_synthetic_caffemodel(path, "tiny",
                             {make_convolution_layer("conv1", "data", "conv1", 4, 3, 3, 1, 1),
                              make_relu_layer("relu1", "conv1"),
                              make_inner_product_layer("fc", "conv1", "fc", 2, 4 * 4 * 4)},
                             {});
  return path;
}

TEST(CommandLine, SuccessPrintsOneSummaryLine) {
  TempFolder folder;
  const std::string output = folder.path("tiny.safetensors");
  const CliResult result = run({tiny_caffemodel(folder), "-o", output});
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(result.err, "");
  EXPECT_EQ(result.out, output +
                            ": 2 layers (1 convolution, 1 ReLU, 0 pooling), 112 parameters, "
                            "fully-connected dropped: fc\n");
  EXPECT_EQ(load_model(output).layers.size(), 2u);
}

TEST(CommandLine, KeepFcAndPreprocessOptions) {
  TempFolder folder;
  const std::string output = folder.path("tiny.safetensors");
  const CliResult result = run({tiny_caffemodel(folder), "--output", output, "--keep-fc", "--order",
                                "rgb", "--scale", "1", "--mean", "0.5,0.25,0.125"});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_NE(result.out.find("fully-connected kept: fc"), std::string::npos);
  const SafetensorsFile file = read_safetensors(output);
  EXPECT_EQ(file.tensors.at("fc.weight").shape, (std::vector<int64_t>{2, 64}));
  const Preprocess preprocess = parse_preprocess(file.metadata.at("nsrg.preprocess"), output);
  EXPECT_FALSE(preprocess.bgr);
  EXPECT_EQ(preprocess.scale, 1.0f);
  EXPECT_EQ(preprocess.mean[1], 0.25f);
}

TEST(CommandLine, BadInputIsOneLineAndStatusTwo) {
  TempFolder folder;
  const std::string output = folder.path("out.safetensors");
  write_file_bytes(output, "previous contents");
  write_file_bytes(folder.path("bad.caffemodel"), "this is not a caffemodel");
  const CliResult result = run({folder.path("bad.caffemodel"), "-o", output});
  EXPECT_EQ(result.status, 2);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(line_count(result.err), 1u) << result.err;
  EXPECT_EQ(result.err.rfind(folder.path("bad.caffemodel") + ": ", 0), 0u) << result.err;
  EXPECT_EQ(read_file_bytes(output), "previous contents");  // nothing partial written

  const CliResult missing = run({folder.path("none.caffemodel"), "-o", output});
  EXPECT_EQ(missing.status, 2);
  EXPECT_EQ(missing.err,
            folder.path("none.caffemodel") + ": cannot open: No such file or directory\n");
}

TEST(CommandLine, UsageErrorsAndHelp) {
  const CliResult no_output = run({"model.caffemodel"});
  EXPECT_EQ(no_output.status, 2);
  EXPECT_EQ(line_count(no_output.err), 1u) << no_output.err;
  EXPECT_NE(no_output.err.find("--output"), std::string::npos) << no_output.err;
  const CliResult bad_mean = run({"model.caffemodel", "-o", "x", "--mean", "1,2"});
  EXPECT_EQ(bad_mean.status, 2);
  EXPECT_EQ(bad_mean.err, "--mean: '1,2' is not three comma-separated numbers\n");
  const CliResult help = run({"--help"});
  EXPECT_EQ(help.status, 0);
  for (const char* text :
       {"--prototxt", "--keep-fc", "--truncate", "What converts", "PReLU", "ceil", "Exit status"}) {
    EXPECT_NE(help.out.find(text), std::string::npos) << text;
  }
}

// Issue 10: an output that is an input is refused before any reading, however spelled.
TEST(CommandLine, OutputThatIsAnInputIsRefused) {
  TempFolder folder;
  const std::string model = tiny_caffemodel(folder);
  const std::string model_bytes = read_file_bytes(model);
  const std::string prototxt = folder.path("net.prototxt");
  write_file_bytes(prototxt, "name: \"tiny\"\n");
  // Inputs named .safetensors, reached through another spelling or a hard link.
  const std::string renamed = folder.path("model.safetensors");
  write_file_bytes(renamed, model_bytes);
  const std::string linked_prototxt = folder.path("definition.safetensors");
  ASSERT_EQ(::link(prototxt.c_str(), linked_prototxt.c_str()), 0);
  for (const auto& [input, output] :
       {std::pair<std::string, std::string>{renamed, folder.path("./sub/../model.safetensors")},
        {model, linked_prototxt}}) {
    SCOPED_TRACE(output);
    std::vector<std::string> arguments = {input, "-o", output};
    if (input == model) arguments.insert(arguments.end(), {"--prototxt", prototxt});
    const CliResult result = run(arguments);
    EXPECT_EQ(result.status, 2);
    EXPECT_EQ(line_count(result.err), 1u) << result.err;
    EXPECT_NE(result.err.find("is the input file"), std::string::npos) << result.err;
  }
  EXPECT_EQ(read_file_bytes(renamed), model_bytes);
  EXPECT_EQ(read_file_bytes(prototxt), "name: \"tiny\"\n");
}

TEST(CommandLine, OutputMustBeSafetensorsInAFolder) {
  TempFolder folder;
  const std::string model = tiny_caffemodel(folder);
  const std::string model_bytes = read_file_bytes(model);
  for (const std::string& output : {model, folder.path("weights.png")}) {
    const CliResult result = run({model, "-o", output});
    EXPECT_EQ(result.status, 2);
    EXPECT_EQ(result.err, output + ": the output must end in .safetensors (nsrg-engine weights)\n");
  }
  write_file_bytes(folder.path("file"), "x");
  const CliResult result = run({model, "-o", folder.path("file/w.safetensors")});
  EXPECT_EQ(result.status, 2);
  EXPECT_NE(result.err.find("file is not a folder"), std::string::npos) << result.err;
  EXPECT_EQ(read_file_bytes(model), model_bytes);
  EXPECT_FALSE(file_exists(folder.path("weights.png")));
}

// Issue 10: protobuf skips an unknown field by recursing once per level, without its limit.
TEST(CommandLine, DeeplyNestedPrototxtIsRefused) {
  TempFolder folder;
  const std::string prototxt = folder.path("deep.prototxt");
  std::string text = "name: \"x\"\n";
  for (int i = 0; i < 20000; ++i) text += "unknown_field {\n";
  write_file_bytes(prototxt, text + std::string(20000, '}'));
  const std::string output = folder.path("w.safetensors");
  const CliResult result = run({tiny_caffemodel(folder), "-o", output, "--prototxt", prototxt});
  EXPECT_EQ(result.status, 2);
  EXPECT_EQ(result.err, prototxt +
                            ":102: messages nest deeper than 100 levels (a Caffe network "
                            "definition nests 3 or 4)\n");
  EXPECT_FALSE(file_exists(output));
}

}  // namespace
}  // namespace nsrg::test
