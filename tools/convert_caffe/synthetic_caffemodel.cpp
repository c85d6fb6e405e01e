// Synthetic caffemodels: layer builders, the VGG and NIN layer lists, the value generator and
// the streaming writer.
#include "tools/convert_caffe/synthetic_caffemodel.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/wire_format_lite.h>

#include <cmath>
#include <cstdio>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "tools/convert_caffe/legacy_v1.h"

namespace nsrg {
namespace {

using google::protobuf::internal::WireFormatLite;

void add_blob(caffe::LayerParameter* layer, const std::vector<int64_t>& dims) {
  auto* shape = layer->add_blobs()->mutable_shape();
  for (int64_t d : dims) shape->add_dim(d);
}

uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

void vgg_block(std::vector<caffe::LayerParameter>* layers, int block, int convs, int out, int in,
               std::string* blob) {
  for (int i = 1; i <= convs; ++i) {
    const std::string name = msg("conv", block, "_", i);
    layers->push_back(make_convolution_layer(name, *blob, name, out, i == 1 ? in : out, 3, 1, 1));
    layers->push_back(make_relu_layer(msg("relu", block, "_", i), name));
    *blob = name;
  }
  const std::string pool = msg("pool", block);
  layers->push_back(make_pooling_layer(pool, *blob, pool, true, 2, 2));
  *blob = pool;
}

std::vector<caffe::LayerParameter> vgg_layers(int convs_in_late_blocks, bool fully_connected) {
  std::vector<caffe::LayerParameter> layers;
  std::string blob = "data";
  vgg_block(&layers, 1, 2, 64, 3, &blob);
  vgg_block(&layers, 2, 2, 128, 64, &blob);
  vgg_block(&layers, 3, convs_in_late_blocks, 256, 128, &blob);
  vgg_block(&layers, 4, convs_in_late_blocks, 512, 256, &blob);
  vgg_block(&layers, 5, convs_in_late_blocks, 512, 512, &blob);
  if (fully_connected) {
    layers.push_back(make_inner_product_layer("fc6", "pool5", "fc6", 4096, 512 * 7 * 7));
    layers.push_back(make_relu_layer("relu6", "fc6"));
    layers.push_back(make_layer("drop6", "Dropout", {"fc6"}, {"fc6"}));
    layers.push_back(make_inner_product_layer("fc7", "fc6", "fc7", 4096, 4096));
    layers.push_back(make_relu_layer("relu7", "fc7"));
    layers.push_back(make_layer("drop7", "Dropout", {"fc7"}, {"fc7"}));
    layers.push_back(make_inner_product_layer("fc8", "fc7", "fc8", 1000, 4096));
    layers.push_back(make_layer("prob", "Softmax", {"fc8"}, {"prob"}));
  }
  return layers;
}

int v1_type_of(const std::string& type) {
  const auto* descriptor = caffe::V1LayerParameter_LayerType_descriptor();
  for (int i = 0; i < descriptor->value_count(); ++i) {
    const int number = descriptor->value(i)->number();
    if (v1_type_name(number) == type) return number;
  }
  NSRG_CHECK(false, "no V1 layer type for '", type, "'");
  return 0;
}

// Fills a blob's values; V1 blobs get legacy num/channels/height/width dims instead of shape.
void fill_blob(caffe::BlobProto* blob, const SyntheticOptions& options, size_t layer,
               size_t index) {
  std::vector<int64_t> dims(blob->shape().dim().begin(), blob->shape().dim().end());
  int64_t count = 1, fan_in = 1;
  for (size_t i = 0; i < dims.size(); ++i) {
    count *= dims[i];
    if (i > 0) fan_in *= dims[i];
  }
  if (options.double_data) {
    auto* data = blob->mutable_double_data();
    data->Reserve(int(count));
    for (int64_t i = 0; i < count; ++i) {
      data->AddAlreadyReserved(synthetic_value(options.seed, layer, index, size_t(i), fan_in));
    }
  } else {
    auto* data = blob->mutable_data();
    data->Resize(int(count), 0.0f);
    float* values = data->mutable_data();
    for (int64_t i = 0; i < count; ++i) {
      values[i] = synthetic_value(options.seed, layer, index, size_t(i), fan_in);
    }
  }
  if (options.format == CaffeFormat::LegacyV1) {
    NSRG_CHECK(dims.size() <= 4, "a V1 blob has at most 4 dims");
    while (dims.size() < 4) dims.insert(dims.begin(), 1);
    blob->clear_shape();
    blob->set_num(int(dims[0]));
    blob->set_channels(int(dims[1]));
    blob->set_height(int(dims[2]));
    blob->set_width(int(dims[3]));
  }
}

// protobuf output into the FILE* that write_file_atomically provides.
class FileSink : public google::protobuf::io::CopyingOutputStream {
 public:
  explicit FileSink(std::FILE* file) : file_(file) {}
  bool Write(const void* buffer, int size) override {
    return std::fwrite(buffer, 1, size_t(size), file_) == size_t(size);
  }

 private:
  std::FILE* file_;
};

void write_message(google::protobuf::io::CodedOutputStream* out, int field,
                   const google::protobuf::MessageLite& message) {
  const size_t size = message.ByteSizeLong();
  NSRG_CHECK(size < (size_t(1) << 31), "synthetic layer of ", size, " bytes is too large");
  out->WriteTag(WireFormatLite::MakeTag(field, WireFormatLite::WIRETYPE_LENGTH_DELIMITED));
  out->WriteVarint32(uint32_t(size));
  message.SerializeWithCachedSizes(out);
}

}  // namespace

caffe::LayerParameter make_layer(const std::string& name, const std::string& type,
                                 const std::vector<std::string>& bottoms,
                                 const std::vector<std::string>& tops) {
  caffe::LayerParameter layer;
  layer.set_name(name);
  layer.set_type(type);
  for (const auto& bottom : bottoms) layer.add_bottom(bottom);
  for (const auto& top : tops) layer.add_top(top);
  return layer;
}

caffe::LayerParameter make_convolution_layer(const std::string& name, const std::string& bottom,
                                             const std::string& top, int out, int in, int kernel,
                                             int stride, int pad) {
  caffe::LayerParameter layer = make_layer(name, "Convolution", {bottom}, {top});
  auto* params = layer.mutable_convolution_param();
  params->set_num_output(uint32_t(out));
  params->add_kernel_size(uint32_t(kernel));
  if (stride != 1) params->add_stride(uint32_t(stride));
  if (pad != 0) params->add_pad(uint32_t(pad));
  add_blob(&layer, {out, in, kernel, kernel});
  add_blob(&layer, {out});
  return layer;
}

caffe::LayerParameter make_relu_layer(const std::string& name, const std::string& blob) {
  return make_layer(name, "ReLU", {blob}, {blob});
}

caffe::LayerParameter make_pooling_layer(const std::string& name, const std::string& bottom,
                                         const std::string& top, bool max, int kernel, int stride) {
  caffe::LayerParameter layer = make_layer(name, "Pooling", {bottom}, {top});
  auto* params = layer.mutable_pooling_param();
  params->set_pool(max ? caffe::PoolingParameter::MAX : caffe::PoolingParameter::AVE);
  params->add_kernel_size(uint32_t(kernel));
  params->add_stride(uint32_t(stride));
  return layer;
}

caffe::LayerParameter make_inner_product_layer(const std::string& name, const std::string& bottom,
                                               const std::string& top, int out, int in) {
  caffe::LayerParameter layer = make_layer(name, "InnerProduct", {bottom}, {top});
  layer.mutable_inner_product_param()->set_num_output(uint32_t(out));
  add_blob(&layer, {out, in});
  add_blob(&layer, {out});
  return layer;
}

std::vector<caffe::LayerParameter> vgg19_layers(bool fully_connected) {
  return vgg_layers(4, fully_connected);
}

std::vector<caffe::LayerParameter> vgg16_layers(bool fully_connected) {
  return vgg_layers(3, fully_connected);
}

std::vector<caffe::LayerParameter> nin_imagenet_layers() {
  std::vector<caffe::LayerParameter> layers;
  layers.push_back(make_layer("data", "Data", {}, {"data", "label"}));
  auto conv_relu = [&](const std::string& conv, const std::string& relu, const std::string& bottom,
                       int out, int in, int kernel, int stride, int pad) {
    layers.push_back(make_convolution_layer(conv, bottom, conv, out, in, kernel, stride, pad));
    layers.push_back(make_relu_layer(relu, conv));
  };
  conv_relu("conv1", "relu0", "data", 96, 3, 11, 4, 0);
  conv_relu("cccp1", "relu1", "conv1", 96, 96, 1, 1, 0);
  conv_relu("cccp2", "relu2", "cccp1", 96, 96, 1, 1, 0);
  layers.push_back(make_pooling_layer("pool0", "cccp2", "pool0", true, 3, 2));
  conv_relu("conv2", "relu3", "pool0", 256, 96, 5, 1, 2);
  conv_relu("cccp3", "relu5", "conv2", 256, 256, 1, 1, 0);
  conv_relu("cccp4", "relu6", "cccp3", 256, 256, 1, 1, 0);
  layers.push_back(make_pooling_layer("pool2", "cccp4", "pool2", true, 3, 2));
  conv_relu("conv3", "relu7", "pool2", 384, 256, 3, 1, 1);
  conv_relu("cccp5", "relu8", "conv3", 384, 384, 1, 1, 0);
  conv_relu("cccp6", "relu9", "cccp5", 384, 384, 1, 1, 0);
  layers.push_back(make_pooling_layer("pool3", "cccp6", "pool3", true, 3, 2));
  layers.push_back(make_layer("drop", "Dropout", {"pool3"}, {"pool3"}));
  conv_relu("conv4-1024", "relu10", "pool3", 1024, 384, 3, 1, 1);
  conv_relu("cccp7-1024", "relu11", "conv4-1024", 1024, 1024, 1, 1, 0);
  conv_relu("cccp8-1024", "relu12", "cccp7-1024", 1000, 1024, 1, 1, 0);
  layers.push_back(make_pooling_layer("pool4", "cccp8-1024", "pool4", false, 6, 1));
  layers.push_back(make_layer("accuracy", "Accuracy", {"pool4", "label"}, {"accuracy"}));
  layers.push_back(make_layer("loss", "SoftmaxWithLoss", {"pool4", "label"}, {"loss"}));
  return layers;
}

float synthetic_value(uint64_t seed, size_t layer, size_t blob, size_t index, int64_t fan_in) {
  const uint64_t key = splitmix64(seed ^ splitmix64(uint64_t(layer) << 8 | uint64_t(blob)));
  const uint64_t bits = splitmix64(key + uint64_t(index));
  const float unit = float(bits >> 40) * (2.0f / 16777216.0f) - 1.0f;  // [-1, 1)
  if (blob > 0) return unit * 0.01f;
  return unit * std::sqrt(6.0f / float(fan_in > 0 ? fan_in : 1));
}

void write_synthetic_caffemodel(const std::string& path, const std::string& net_name,
                                const std::vector<caffe::LayerParameter>& layers,
                                const SyntheticOptions& options) {
  write_file_atomically(path, [&](std::FILE* file) {
    FileSink sink(file);
    google::protobuf::io::CopyingOutputStreamAdaptor stream(&sink, 1 << 20);
    {
      google::protobuf::io::CodedOutputStream out(&stream);
      WireFormatLite::WriteString(1, net_name, &out);
      // A deploy net's input declaration (input "data", input_dim 10,3,224,224): fields the
      // converter must skip.
      WireFormatLite::WriteString(3, "data", &out);
      for (int dim : {10, 3, 224, 224}) WireFormatLite::WriteInt32(4, dim, &out);
      for (size_t i = 0; i < layers.size(); ++i) {
        caffe::LayerParameter layer = layers[i];
        for (int b = 0; b < layer.blobs_size(); ++b) {
          fill_blob(layer.mutable_blobs(b), options, i, size_t(b));
        }
        if (options.strip_layer_params) {
          layer.clear_convolution_param();
          layer.clear_pooling_param();
        }
        if (options.format == CaffeFormat::LegacyV1) {
          caffe::V1LayerParameter v1;
          v1.set_name(layer.name());
          v1.set_type(caffe::V1LayerParameter::LayerType(v1_type_of(layer.type())));
          for (const auto& bottom : layer.bottom()) v1.add_bottom(bottom);
          for (const auto& top : layer.top()) v1.add_top(top);
          v1.mutable_blobs()->Swap(layer.mutable_blobs());
          if (layer.has_convolution_param())
            *v1.mutable_convolution_param() = layer.convolution_param();
          if (layer.has_pooling_param()) *v1.mutable_pooling_param() = layer.pooling_param();
          if (layer.has_inner_product_param()) {
            *v1.mutable_inner_product_param() = layer.inner_product_param();
          }
          write_message(&out, 2, v1);
        } else {
          write_message(&out, 100, layer);
        }
        NSRG_CHECK(!out.HadError(), "writing ", path);
      }
    }
    NSRG_CHECK(stream.Flush(), "writing ", path);
  });
}

}  // namespace nsrg
