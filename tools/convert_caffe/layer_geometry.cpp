// Blob dimensions and convolution/pooling parameter resolution, following Caffe's rules
// (ConvolutionLayer/BaseConvolutionLayer::LayerSetUp and PoolingLayer::LayerSetUp).
#include "tools/convert_caffe/layer_geometry.h"

#include <google/protobuf/unknown_field_set.h>

#include "engine/core/error.h"

namespace nsrg {
namespace {

// Sizes beyond this are not plausible for a kernel, stride or padding: a corrupt file.
constexpr uint32_t kMaxWindow = 4096;
constexpr int64_t kMaxDimension = int64_t(1) << 31;

int checked_window(uint32_t value, const char* what, const std::string& where, bool allow_zero) {
  if (value > kMaxWindow || (!allow_zero && value == 0)) {
    throw UserError(msg(where, ": implausible ", what, " ", value));
  }
  return int(value);
}

// Caffe's repeated "one value for both dimensions, or one per dimension" fields.
void pick_pair(const google::protobuf::RepeatedField<uint32_t>& values, const char* what,
               const std::string& where, bool allow_zero, int* h, int* w) {
  if (values.size() == 1) {
    *h = *w = checked_window(values[0], what, where, allow_zero);
  } else if (values.size() == 2) {
    *h = checked_window(values[0], what, where, allow_zero);
    *w = checked_window(values[1], what, where, allow_zero);
  } else if (values.size() > 2) {
    throw UnsupportedLayer(
        msg(values.size(), " ", what, " values (only 2-D layers are supported)"));
  }
}

// The window fields that ConvolutionParameter and PoolingParameter share (same names and
// numbering), read into a ConvGeometry or PoolGeometry.

// kernel_h and kernel_w together, or kernel_size; the kernel is left as it is when none is
// given.
template <typename Params, typename Geometry>
void read_kernel(const Params& params, const std::string& where, Geometry* geometry) {
  if (params.has_kernel_h() || params.has_kernel_w()) {
    if (!params.has_kernel_h() || !params.has_kernel_w() || params.kernel_size_size() > 0) {
      throw UserError(msg(where, ": give kernel_h and kernel_w together, without kernel_size"));
    }
    geometry->kernel_h = checked_window(params.kernel_h(), "kernel_h", where, false);
    geometry->kernel_w = checked_window(params.kernel_w(), "kernel_w", where, false);
  } else {
    pick_pair(params.kernel_size(), "kernel_size", where, false, &geometry->kernel_h,
              &geometry->kernel_w);
  }
}

// stride_h and stride_w together, or stride; pad_h and/or pad_w (an absent one reads 0), or
// pad. Stride and pad are left as they are when not given.
template <typename Params, typename Geometry>
void read_stride_and_pad(const Params& params, const std::string& where, Geometry* geometry) {
  if (params.has_stride_h() || params.has_stride_w()) {
    if (!params.has_stride_h() || !params.has_stride_w() || params.stride_size() > 0) {
      throw UserError(msg(where, ": give stride_h and stride_w together, without stride"));
    }
    geometry->stride_h = checked_window(params.stride_h(), "stride_h", where, false);
    geometry->stride_w = checked_window(params.stride_w(), "stride_w", where, false);
  } else {
    pick_pair(params.stride(), "stride", where, false, &geometry->stride_h, &geometry->stride_w);
  }
  if (params.has_pad_h() || params.has_pad_w()) {
    if (params.pad_size() > 0) {
      throw UserError(msg(where, ": give pad_h and pad_w, or pad, not both"));
    }
    geometry->pad_h = checked_window(params.pad_h(), "pad_h", where, true);
    geometry->pad_w = checked_window(params.pad_w(), "pad_w", where, true);
  } else {
    pick_pair(params.pad(), "pad", where, true, &geometry->pad_h, &geometry->pad_w);
  }
}

// A value outside a closed proto2 enum lands in the unknown fields; the field then reads as
// its default, which must not be taken for the real setting.
bool has_unknown_field(const google::protobuf::Message& message, int number) {
  const auto& unknown = message.GetReflection()->GetUnknownFields(message);
  for (int i = 0; i < unknown.field_count(); ++i) {
    if (unknown.field(i).number() == number) return true;
  }
  return false;
}

}  // namespace

int64_t element_count(const std::vector<int64_t>& dims) {
  if (dims.empty()) return 0;
  int64_t count = 1;
  for (int64_t d : dims) count *= d;  // each d < 2^31 and checked below to stay small
  return count;
}

std::string dims_text(const std::vector<int64_t>& dims) {
  std::string text = "[";
  for (size_t i = 0; i < dims.size(); ++i) text += (i ? "," : "") + std::to_string(dims[i]);
  return text + "]";
}

std::vector<int64_t> blob_dims(const caffe::BlobProto& blob, const std::string& where) {
  std::vector<int64_t> dims;
  if (blob.has_shape()) {
    dims.assign(blob.shape().dim().begin(), blob.shape().dim().end());
  } else if (blob.has_num() || blob.has_channels() || blob.has_height() || blob.has_width()) {
    dims = {blob.num(), blob.channels(), blob.height(), blob.width()};
  } else {
    throw UserError(msg(where, ": a blob has no shape"));
  }
  if (dims.empty() || dims.size() > 8) {
    throw UserError(msg(where, ": a blob has ", dims.size(), " dimensions"));
  }
  // Bounded so the product cannot overflow: at most 2^40 elements in all.
  int64_t count = 1;
  for (int64_t d : dims) {
    if (d < 0 || d >= kMaxDimension) {
      throw UserError(msg(where, ": a blob has an invalid shape ", dims_text(dims)));
    }
    count *= d;
    if (count > (int64_t(1) << 40)) {
      throw UserError(msg(where, ": a blob has an implausible shape ", dims_text(dims)));
    }
  }
  if (count != blob.data_size()) {
    throw UserError(msg(where, ": a blob of shape ", dims_text(dims), " needs ", count,
                        " values but holds ", blob.data_size()));
  }
  return dims;
}

ConvGeometry convolution_geometry(const caffe::ConvolutionParameter* params,
                                  const std::vector<int64_t>& weight_dims,
                                  const std::string& where) {
  if (weight_dims.size() != 4) {
    throw UnsupportedLayer(msg("weights of shape ", dims_text(weight_dims),
                               " (only 2-D convolutions with [K,C,kh,kw] weights are supported)"));
  }
  ConvGeometry geometry;
  geometry.out_channels = int(weight_dims[0]);
  geometry.in_channels = int(weight_dims[1]);
  const int weight_kh = int(weight_dims[2]), weight_kw = int(weight_dims[3]);
  if (geometry.out_channels == 0 || geometry.in_channels == 0 || weight_kh == 0 || weight_kw == 0) {
    throw UserError(msg(where, ": empty weights ", dims_text(weight_dims)));
  }
  geometry.kernel_h = weight_kh;
  geometry.kernel_w = weight_kw;
  geometry.stride_h = geometry.stride_w = 1;
  geometry.pad_h = geometry.pad_w = 0;
  if (params == nullptr) return geometry;

  if (params->group() != 1) {
    throw UnsupportedLayer(msg("grouped convolution (group ", params->group(), ")"));
  }
  for (uint32_t dilation : params->dilation()) {
    if (dilation != 1) throw UnsupportedLayer(msg("dilated convolution (dilation ", dilation, ")"));
  }
  if (params->axis() != 1) throw UnsupportedLayer(msg("convolution over axis ", params->axis()));

  read_kernel(*params, where, &geometry);
  read_stride_and_pad(*params, where, &geometry);

  if (geometry.kernel_h != weight_kh || geometry.kernel_w != weight_kw) {
    throw UserError(msg(where, ": kernel ", geometry.kernel_h, "x", geometry.kernel_w,
                        " does not match its weights ", dims_text(weight_dims)));
  }
  if (params->has_num_output() && int64_t(params->num_output()) != weight_dims[0]) {
    throw UserError(msg(where, ": num_output ", params->num_output(),
                        " does not match its weights ", dims_text(weight_dims)));
  }
  return geometry;
}

PoolGeometry pooling_geometry(const caffe::PoolingParameter* params, const std::string& where) {
  PoolGeometry geometry;
  geometry.kind = PoolKind::Max;
  geometry.stride_h = geometry.stride_w = 1;
  geometry.pad_h = geometry.pad_w = 0;
  geometry.ceil_mode = true;
  if (params == nullptr) {
    throw UserError(msg(where,
                        ": pooling layer without a kernel size (give the network's "
                        "definition with --prototxt)"));
  }
  if (has_unknown_field(*params, 1)) throw UnsupportedLayer("unknown pooling method");
  if (has_unknown_field(*params, 13)) throw UnsupportedLayer("unknown pooling round_mode");
  switch (params->pool()) {
    case caffe::PoolingParameter::MAX:
      geometry.kind = PoolKind::Max;
      break;
    case caffe::PoolingParameter::AVE:
      geometry.kind = PoolKind::Average;
      break;
    default:
      throw UnsupportedLayer("stochastic pooling");
  }
  if (params->global_pooling()) throw UnsupportedLayer("global pooling");
  geometry.ceil_mode = params->round_mode() == caffe::PoolingParameter::CEIL;

  geometry.kernel_h = geometry.kernel_w = 0;
  read_kernel(*params, where, &geometry);
  if (geometry.kernel_h == 0) {
    throw UserError(msg(where,
                        ": pooling layer without a kernel size (give the network's "
                        "definition with --prototxt)"));
  }
  read_stride_and_pad(*params, where, &geometry);
  if (geometry.pad_h >= geometry.kernel_h || geometry.pad_w >= geometry.kernel_w) {
    throw UserError(msg(where, ": pooling pad ", geometry.pad_h, "x", geometry.pad_w,
                        " must be smaller than its kernel ", geometry.kernel_h, "x",
                        geometry.kernel_w));
  }
  return geometry;
}

void check_relu_supported(const caffe::LayerParameter& layer) {
  if (layer.has_relu_param() && layer.relu_param().negative_slope() != 0.0f) {
    throw UnsupportedLayer(
        msg("leaky ReLU (negative_slope ", layer.relu_param().negative_slope(), ")"));
  }
}

}  // namespace nsrg
