// Legacy V1 layers (NetParameter.layers, enum types) brought into the current LayerParameter
// form, as Caffe's own upgrade does for the fields the converter reads.
#pragma once

#include <string>

#include "caffe_subset.pb.h"

namespace nsrg {

// The current type name of a V1 enum type ("Convolution" for CONVOLUTION), or
// "V1 type <n>" for a value this schema does not know.
std::string v1_type_name(int v1_type);

// Moves name, type, bottoms, tops, blobs and the convolution, pooling, inner-product and ReLU
// parameters of `v1` into a LayerParameter. Throws UserError("<origin>: ...") for a layer in
// the pre-2014 V0 format, which is not supported.
caffe::LayerParameter upgrade_v1_layer(caffe::V1LayerParameter& v1, const std::string& origin);

}  // namespace nsrg
