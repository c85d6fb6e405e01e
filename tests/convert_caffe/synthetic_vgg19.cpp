// make_converted_synthetic_vgg19: synthetic V1 VGG-19 caffemodel -> converted weights file.
#include "synthetic_vgg19.h"

#include "tools/convert_caffe/convert.h"
#include "tools/convert_caffe/synthetic_caffemodel.h"

namespace nsrg::test {

std::string make_converted_synthetic_vgg19(const std::string& folder) {
  const std::string caffemodel = folder + "/synthetic_vgg19.caffemodel";
  SyntheticOptions synthetic;
  synthetic.format = CaffeFormat::LegacyV1;
  synthetic.seed = 19;
  write_synthetic_caffemodel(caffemodel, "VGG_ILSVRC_19_layers", vgg19_layers(false), synthetic);
  ConvertOptions options;
  options.caffemodel_path = caffemodel;
  options.output_path = folder + "/synthetic_vgg19.safetensors";
  convert_caffe(options);
  return options.output_path;
}

}  // namespace nsrg::test
