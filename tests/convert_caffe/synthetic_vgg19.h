// Test helper (also for the render tests the lead adds): a synthetic VGG-19 caffemodel in the
// legacy V1 format, as the real VGG_ILSVRC_19_layers.caffemodel is, with the real layer names
// and shapes and pseudo-random (He-scaled) values, converted to a weights file.
#pragma once

#include <string>

namespace nsrg::test {

// Writes "<folder>/synthetic_vgg19.caffemodel" (~80 MB: convolutions only) and converts it to
// "<folder>/synthetic_vgg19.safetensors"; returns the latter. The result loads with
// load_model and has the layer names relu1_1 ... relu5_4.
std::string make_converted_synthetic_vgg19(const std::string& folder);

}  // namespace nsrg::test
