// Files the reader must reject with one clear "<path>: <reason>" (missing, empty, truncated,
// corrupted, not Caffe at all, mixed formats, V0, over 2 GiB) and encodings it must accept
// (unpacked float data).
#include <fcntl.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/wire_format_lite.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <random>

#include "engine/core/error.h"
#include "test_support.h"
#include "tools/convert_caffe/caffemodel_reader.h"
#include "tools/convert_caffe/convert.h"
#include "tools/convert_caffe/synthetic_caffemodel.h"

namespace nsrg::test {
namespace {

using google::protobuf::internal::WireFormatLite;

// The UserError text of converting `path`, or "" when it converts. Any other exception fails.
std::string conversion_error(const TempFolder& folder, const std::string& path) {
  ConvertOptions options;
  options.caffemodel_path = path;
  options.output_path = folder.path("out.safetensors");
  try {
    convert_caffe(options);
  } catch (const UserError& error) {
    return error.what();
  }
  return "";
}

std::string small_caffemodel(const TempFolder& folder, CaffeFormat format) {
  const std::string path =
      folder.path(format == CaffeFormat::LegacyV1 ? "v1.caffemodel" : "current.caffemodel");
  SyntheticOptions options;
  options.format = format;
  write_synthetic_caffemodel(
      path, "small",
      {make_layer("data", "Data", {}, {"data", "label"}),
       make_convolution_layer("conv1", "data", "conv1", 4, 3, 3, 1, 1),
       make_relu_layer("relu1", "conv1"), make_pooling_layer("pool1", "conv1", "pool1", true, 2, 2),
       make_convolution_layer("conv2", "pool1", "conv2", 5, 4, 3, 1, 1)},
      options);
  return path;
}

TEST(BadInput, MissingAndEmptyFiles) {
  TempFolder folder;
  const std::string missing = folder.path("missing.caffemodel");
  EXPECT_EQ(conversion_error(folder, missing),
            missing + ": cannot open: No such file or directory");
  write_file_bytes(folder.path("empty.caffemodel"), "");
  EXPECT_EQ(conversion_error(folder, folder.path("empty.caffemodel")),
            folder.path("empty.caffemodel") + ": empty file, not a caffemodel");
  EXPECT_NE(conversion_error(folder, folder.path("")).find(": not a regular file"),
            std::string::npos);
}

TEST(BadInput, TruncatedFilesAreRejectedOrLoseWholeLayers) {
  TempFolder folder;
  for (CaffeFormat format : {CaffeFormat::LegacyV1, CaffeFormat::Current}) {
    const std::string bytes = read_file_bytes(small_caffemodel(folder, format));
    const std::string cut_path = folder.path("cut.caffemodel");
    int rejected = 0;
    // Every cut inside a layer is an error. A cut exactly between two layers leaves a valid,
    // shorter protobuf (the format has no end marker): it must then read fewer layers.
    for (size_t keep = 1; keep < bytes.size(); keep += (keep < 400 ? 1 : 37)) {
      write_file_bytes(cut_path, bytes.substr(0, keep));
      try {
        const CaffeNet net = read_caffemodel(cut_path);
        EXPECT_LT(net.layers.size(), 5u) << "cut at " << keep;
      } catch (const UserError& error) {
        EXPECT_EQ(std::string(error.what()).rfind(cut_path + ": ", 0), 0u) << error.what();
        ++rejected;
      }
    }
    EXPECT_GT(rejected, 100);
  }
  write_file_bytes(folder.path("half.caffemodel"),
                   read_file_bytes(small_caffemodel(folder, CaffeFormat::Current)).substr(0, 700));
  const std::string error = conversion_error(folder, folder.path("half.caffemodel"));
  EXPECT_NE(error.find("truncated"), std::string::npos) << error;
}

TEST(BadInput, TruncatedRealFile) {
  NSRG_SKIP_WITHOUT_CAFFE_FIXTURES();
  TempFolder folder;
  const std::string bytes = read_file_bytes(caffe_fixture("new_VDSR_Adam.caffemodel"));
  write_file_bytes(folder.path("vdsr.caffemodel"), bytes.substr(0, bytes.size() / 2));
  const std::string error = conversion_error(folder, folder.path("vdsr.caffemodel"));
  EXPECT_NE(error.find("vdsr.caffemodel: layer of "), std::string::npos) << error;
  EXPECT_NE(error.find("(truncated or corrupt file)"), std::string::npos) << error;
}

TEST(BadInput, CorruptedBytesNeverCrashAndBadLengthsAreCaught) {
  TempFolder folder;
  const std::string bytes = read_file_bytes(small_caffemodel(folder, CaffeFormat::LegacyV1));
  const std::string path = folder.path("corrupt.caffemodel");
  // The first layer's length prefix (after name, input and input_dim fields) made huge.
  std::string bad_length = bytes;
  const size_t layer_tag = bad_length.find(char(0x12), 20);  // field 2, length-delimited
  ASSERT_NE(layer_tag, std::string::npos);
  bad_length[layer_tag + 1] = char(0xff);
  bad_length[layer_tag + 2] = char(0xff);
  bad_length[layer_tag + 3] = char(0x7f);
  write_file_bytes(path, bad_length);
  EXPECT_NE(conversion_error(folder, path).find("(truncated or corrupt file)"), std::string::npos)
      << conversion_error(folder, path);

  std::mt19937 random(7);
  int rejected = 0;
  for (int trial = 0; trial < 300; ++trial) {
    std::string damaged = bytes;
    const size_t position = random() % std::min<size_t>(damaged.size(), 600);
    damaged[position] = char(random() & 0xff);
    write_file_bytes(path, damaged);
    const std::string error = conversion_error(folder, path);  // UserError or success only
    if (!error.empty()) {
      ++rejected;
      EXPECT_EQ(error.rfind(path + ": ", 0), 0u) << error << " | " << position;
    }
  }
  EXPECT_GT(rejected, 30);
}

TEST(BadInput, NonCaffeFilesAreRejected) {
  TempFolder folder;
  std::string random_bytes;
  std::mt19937 random(3);
  for (int i = 0; i < 4096; ++i) random_bytes += char(random() & 0xff);
  const std::vector<std::pair<std::string, std::string>> files = {
      {"image.png", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x20", 20) + random_bytes},
      {"deploy.prototxt", "name: \"VGG\"\nlayers {\n  name: \"conv1\"\n  type: CONVOLUTION\n}\n"},
      {"data.json", "{\"layers\": [1, 2, 3]}\n"},
      {"random.bin", random_bytes},
  };
  for (const auto& [name, bytes] : files) {
    write_file_bytes(folder.path(name), bytes);
    const std::string error = conversion_error(folder, folder.path(name));
    EXPECT_EQ(error.rfind(folder.path(name) + ": ", 0), 0u) << name << ": " << error;
  }
  // A converted weights file given back as input.
  ConvertOptions options;
  options.caffemodel_path = small_caffemodel(folder, CaffeFormat::Current);
  options.output_path = folder.path("weights.safetensors");
  convert_caffe(options);
  EXPECT_FALSE(conversion_error(folder, options.output_path).empty());
  EXPECT_FALSE(file_exists(folder.path("out.safetensors")));
}

// Writes a current-format net by hand: one conv layer whose weights use the unpacked
// encoding (one fixed32 field per value), which protobuf allows for repeated floats.
std::string unpacked_caffemodel() {
  std::string blob_weights, blob_bias, layer, net;
  {
    google::protobuf::io::StringOutputStream stream(&blob_weights);
    google::protobuf::io::CodedOutputStream out(&stream);
    std::string shape;
    {
      google::protobuf::io::StringOutputStream shape_stream(&shape);
      google::protobuf::io::CodedOutputStream shape_out(&shape_stream);
      for (int d : {2, 1, 1, 1}) WireFormatLite::WriteInt64(1, d, &shape_out);  // unpacked too
    }
    for (float value : {1.5f, -2.25f}) WireFormatLite::WriteFloat(5, value, &out);
    WireFormatLite::WriteBytes(7, shape, &out);
  }
  {
    google::protobuf::io::StringOutputStream stream(&blob_bias);
    google::protobuf::io::CodedOutputStream out(&stream);
    for (float value : {0.25f, 0.5f}) WireFormatLite::WriteFloat(5, value, &out);
    WireFormatLite::WriteBytes(7, std::string("\x0a\x01\x02", 3), &out);  // packed [2]
  }
  {
    google::protobuf::io::StringOutputStream stream(&layer);
    google::protobuf::io::CodedOutputStream out(&stream);
    WireFormatLite::WriteString(1, "conv1", &out);
    WireFormatLite::WriteString(2, "Convolution", &out);
    WireFormatLite::WriteString(3, "data", &out);
    WireFormatLite::WriteString(4, "conv1", &out);
    WireFormatLite::WriteBytes(7, blob_weights, &out);
    WireFormatLite::WriteBytes(7, blob_bias, &out);
  }
  {
    google::protobuf::io::StringOutputStream stream(&net);
    google::protobuf::io::CodedOutputStream out(&stream);
    WireFormatLite::WriteString(1, "unpacked", &out);
    WireFormatLite::WriteBytes(100, layer, &out);
  }
  return net;
}

TEST(BadInput, UnpackedFloatDataIsAccepted) {
  TempFolder folder;
  write_file_bytes(folder.path("unpacked.caffemodel"), unpacked_caffemodel());
  const CaffeNet net = read_caffemodel(folder.path("unpacked.caffemodel"));
  ASSERT_EQ(net.layers.size(), 1u);
  ASSERT_EQ(net.layers[0].blobs_size(), 2);
  EXPECT_EQ(net.layers[0].blobs(0).data(0), 1.5f);
  EXPECT_EQ(net.layers[0].blobs(0).data(1), -2.25f);
  EXPECT_EQ(net.layers[0].blobs(0).shape().dim_size(), 4);
  EXPECT_EQ(net.layers[0].blobs(1).data(1), 0.5f);
  EXPECT_EQ(net.format, CaffeFormat::Current);
}

TEST(BadInput, MixedFormatsAndV0LayersAreRejected) {
  TempFolder folder;
  const std::string v1 = read_file_bytes(small_caffemodel(folder, CaffeFormat::LegacyV1));
  const std::string current = read_file_bytes(small_caffemodel(folder, CaffeFormat::Current));
  write_file_bytes(folder.path("mixed.caffemodel"), v1 + current);
  EXPECT_NE(conversion_error(folder, folder.path("mixed.caffemodel"))
                .find("holds both legacy V1 'layers' and current 'layer' entries"),
            std::string::npos);

  std::string v0_layer, net;
  {
    google::protobuf::io::StringOutputStream stream(&v0_layer);
    google::protobuf::io::CodedOutputStream out(&stream);
    WireFormatLite::WriteBytes(1, std::string("\x0a\x05\x63onv1", 7), &out);  // V0 layer {name}
  }
  {
    google::protobuf::io::StringOutputStream stream(&net);
    google::protobuf::io::CodedOutputStream out(&stream);
    WireFormatLite::WriteBytes(2, v0_layer, &out);
  }
  write_file_bytes(folder.path("v0.caffemodel"), net);
  EXPECT_NE(conversion_error(folder, folder.path("v0.caffemodel")).find("pre-2014 V0 layer format"),
            std::string::npos)
      << conversion_error(folder, folder.path("v0.caffemodel"));
}

TEST(BadInput, FilesOverTwoGibibytesAreRejectedBeforeReading) {
  TempFolder folder;
  const std::string path = folder.path("huge.caffemodel");
  const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, off_t(3) << 30), 0);  // sparse: no disk space used
  ::close(fd);
  EXPECT_NE(conversion_error(folder, path).find("more than the 2 GiB a protobuf message can hold"),
            std::string::npos);
}

}  // namespace
}  // namespace nsrg::test
