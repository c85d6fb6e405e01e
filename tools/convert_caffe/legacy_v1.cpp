// V1 -> current layer upgrade: the enum-to-string type table and the field moves.
#include "tools/convert_caffe/legacy_v1.h"

#include <google/protobuf/unknown_field_set.h>

#include <map>

#include "engine/core/error.h"

namespace nsrg {

std::string v1_type_name(int v1_type) {
  using V1 = caffe::V1LayerParameter;
  static const std::map<int, const char*> kNames = {
      {V1::NONE, "None"},
      {V1::ABSVAL, "AbsVal"},
      {V1::ACCURACY, "Accuracy"},
      {V1::ARGMAX, "ArgMax"},
      {V1::BNLL, "BNLL"},
      {V1::CONCAT, "Concat"},
      {V1::CONTRASTIVE_LOSS, "ContrastiveLoss"},
      {V1::CONVOLUTION, "Convolution"},
      {V1::DATA, "Data"},
      {V1::DECONVOLUTION, "Deconvolution"},
      {V1::DROPOUT, "Dropout"},
      {V1::DUMMY_DATA, "DummyData"},
      {V1::EUCLIDEAN_LOSS, "EuclideanLoss"},
      {V1::ELTWISE, "Eltwise"},
      {V1::EXP, "Exp"},
      {V1::FLATTEN, "Flatten"},
      {V1::HDF5_DATA, "HDF5Data"},
      {V1::HDF5_OUTPUT, "HDF5Output"},
      {V1::HINGE_LOSS, "HingeLoss"},
      {V1::IM2COL, "Im2col"},
      {V1::IMAGE_DATA, "ImageData"},
      {V1::INFOGAIN_LOSS, "InfogainLoss"},
      {V1::INNER_PRODUCT, "InnerProduct"},
      {V1::LRN, "LRN"},
      {V1::MEMORY_DATA, "MemoryData"},
      {V1::MULTINOMIAL_LOGISTIC_LOSS, "MultinomialLogisticLoss"},
      {V1::MVN, "MVN"},
      {V1::POOLING, "Pooling"},
      {V1::POWER, "Power"},
      {V1::RELU, "ReLU"},
      {V1::SIGMOID, "Sigmoid"},
      {V1::SIGMOID_CROSS_ENTROPY_LOSS, "SigmoidCrossEntropyLoss"},
      {V1::SILENCE, "Silence"},
      {V1::SOFTMAX, "Softmax"},
      {V1::SOFTMAX_LOSS, "SoftmaxWithLoss"},
      {V1::SPLIT, "Split"},
      {V1::SLICE, "Slice"},
      {V1::TANH, "TanH"},
      {V1::WINDOW_DATA, "WindowData"},
      {V1::THRESHOLD, "Threshold"},
  };
  auto found = kNames.find(v1_type);
  if (found != kNames.end()) return found->second;
  return msg("V1 type ", v1_type);
}

namespace {

// A type value this schema's enum lacks is kept by protobuf as an unknown varint field 5.
int unknown_v1_type(const caffe::V1LayerParameter& v1) {
  const auto& unknown = v1.GetReflection()->GetUnknownFields(v1);
  for (int i = 0; i < unknown.field_count(); ++i) {
    const auto& field = unknown.field(i);
    if (field.number() == 5 && field.type() == google::protobuf::UnknownField::TYPE_VARINT) {
      return int(field.varint());
    }
  }
  return caffe::V1LayerParameter::NONE;
}

}  // namespace

caffe::LayerParameter upgrade_v1_layer(caffe::V1LayerParameter& v1, const std::string& origin) {
  if (v1.has_layer()) {
    throw UserError(msg(origin, ": layer '", v1.name().empty() ? v1.layer().name() : v1.name(),
                        "' uses the pre-2014 V0 layer format; upgrade the file with Caffe's "
                        "upgrade_net_proto_binary first"));
  }
  caffe::LayerParameter layer;
  layer.set_name(v1.name());
  layer.set_type(v1_type_name(v1.has_type() ? int(v1.type()) : unknown_v1_type(v1)));
  layer.mutable_bottom()->Swap(v1.mutable_bottom());
  layer.mutable_top()->Swap(v1.mutable_top());
  layer.mutable_blobs()->Swap(v1.mutable_blobs());
  if (v1.has_convolution_param())
    layer.mutable_convolution_param()->Swap(v1.mutable_convolution_param());
  if (v1.has_pooling_param()) layer.mutable_pooling_param()->Swap(v1.mutable_pooling_param());
  if (v1.has_inner_product_param()) {
    layer.mutable_inner_product_param()->Swap(v1.mutable_inner_product_param());
  }
  if (v1.has_relu_param()) layer.mutable_relu_param()->Swap(v1.mutable_relu_param());
  return layer;
}

}  // namespace nsrg
