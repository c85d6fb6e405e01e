// The built-in VGG-19's gain table is the calibration it claims to be: with the default
// recipe, every ReLU's mean activation over the example images at 256 px is 1000.
#include <gtest/gtest.h>

#include "engine/cpu/cpu_backend.h"
#include "engine/image/image_output.h"
#include "engine/net/network.h"
#include "weights/builtin_vgg19.h"

namespace nsrg {
namespace {

TEST(BuiltinCalibration, EveryReluAveragesTheTargetLevel) {
  auto backend = make_cpu_backend();
  const Model model = make_builtin_vgg19(BuiltinVggRecipe{}, "relu5_4");
  Network network(*backend, model, PoolKind::Max);
  const std::string dir = std::string(NSRG_SOURCE_DIR) + "/examples/images/";
  const std::vector<std::string> images{"brick.png", "chelsea.png", "coffee.png", "gravel.png",
                                        "hubble_deep_field.jpg"};
  std::vector<double> means(size_t(network.layer_count()), 0.0);
  const int last = network.index_of("relu5_4");
  for (const std::string& file : images) {
    const Tensor x =
        image_to_tensor(*backend, load_image_at_size(dir + file, 256), model.preprocess);
    network.forward(x, last);
    for (int i = 0; i <= last; ++i) {
      if (network.layer(i).type != LayerType::Relu) continue;
      const std::vector<float> values = backend->to_host(network.activation(i));
      double sum = 0;
      for (float v : values) sum += v;
      means[size_t(i)] += sum / double(values.size()) / double(images.size());
    }
  }
  for (int i = 0; i <= last; ++i) {
    if (network.layer(i).type == LayerType::Relu) {
      EXPECT_NEAR(means[size_t(i)], 1000.0, 1.0) << network.layer(i).name;
    }
  }
}

}  // namespace
}  // namespace nsrg
