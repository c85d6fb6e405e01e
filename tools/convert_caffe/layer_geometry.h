// Caffe layer parameters turned into the engine's geometry: blob dimensions, convolution and
// pooling kernel/stride/pad with Caffe's defaults, and the checks that reject what the engine
// cannot run (grouped, dilated or N-D convolution, global or stochastic pooling, leaky ReLU).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "caffe_subset.pb.h"
#include "engine/core/geometry.h"

namespace nsrg {

// A layer the engine cannot run. The chain builder reports it as an error naming the layer
// or, with truncation allowed, stops the network before it.
class UnsupportedLayer : public std::runtime_error {
 public:
  explicit UnsupportedLayer(const std::string& reason) : std::runtime_error(reason) {}
};

// The dimensions of a blob: BlobShape.dim, or the legacy num/channels/height/width. Throws
// UserError("<where>: ...") when the blob has no shape, a negative or huge dimension, or a
// value count other than the product of its dimensions.
std::vector<int64_t> blob_dims(const caffe::BlobProto& blob, const std::string& where);

// Product of dims (0 for none).
int64_t element_count(const std::vector<int64_t>& dims);

// "[64,3,3,3]"
std::string dims_text(const std::vector<int64_t>& dims);

// Kernel, stride and pad from `params` (nullptr when neither the caffemodel nor the prototxt
// gives any) with Caffe's defaults (stride 1, pad 0); the kernel, when not given, comes from
// the weight blob [K, C, kh, kw]. Channels are taken from the weights.
ConvGeometry convolution_geometry(const caffe::ConvolutionParameter* params,
                                  const std::vector<int64_t>& weight_dims,
                                  const std::string& where);

// Pool kind, kernel, stride, pad and rounding from `params` (nullptr: none given; Caffe's
// defaults are MAX, stride 1, pad 0 and ceil rounding; the kernel has no default).
PoolGeometry pooling_geometry(const caffe::PoolingParameter* params, const std::string& where);

// Throws UnsupportedLayer for a ReLU with a negative slope.
void check_relu_supported(const caffe::LayerParameter& layer);

}  // namespace nsrg
