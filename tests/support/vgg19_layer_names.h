// The VGG-19 layer names in network order, as neural-style (and Caffe's deploy prototxt)
// name them: the independent expectation the weights and converter tests check against.
#pragma once

#include <string>
#include <vector>

namespace nsrg::test {

inline const std::vector<std::string> kVgg19Names = {
    "conv1_1", "relu1_1", "conv1_2", "relu1_2", "pool1",   "conv2_1", "relu2_1", "conv2_2",
    "relu2_2", "pool2",   "conv3_1", "relu3_1", "conv3_2", "relu3_2", "conv3_3", "relu3_3",
    "conv3_4", "relu3_4", "pool3",   "conv4_1", "relu4_1", "conv4_2", "relu4_2", "conv4_3",
    "relu4_3", "conv4_4", "relu4_4", "pool4",   "conv5_1", "relu5_1", "conv5_2", "relu5_2",
    "conv5_3", "relu5_3", "conv5_4", "relu5_4", "pool5"};

}  // namespace nsrg::test
