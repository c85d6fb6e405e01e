// Image <-> tensor conversion at the edges of a render, and the final picture's look.
#include "engine/image/image_output.h"

#include <algorithm>

namespace nsrg {

Image tensor_to_image(Backend& backend, const Tensor& x, const Preprocess& preprocess) {
  const std::vector<float> chw = backend.to_host(x);
  return deprocess_image(chw.data(), x.shape().w, x.shape().h, preprocess);
}

Image finish_and_write(const Image& raw, const OutputLook& look, const std::string& path) {
  Image picture = raw;
  apply_levels(picture, look.levels, look.low_percentile, look.high_percentile);
  if (look.original_colors_from != nullptr) {
    picture = original_colors(picture, *look.original_colors_from);
    apply_levels(picture, LevelsMode::Clamp);
  }
  write_image(path, picture);
  return picture;
}

Image load_image_at_size(const std::string& path, int longest) {
  const Image image = read_image(path);
  if (std::max(image.width, image.height) == longest) return image;
  return resize_longest_side(image, longest);
}

Tensor image_to_tensor(Backend& backend, const Image& image, const Preprocess& preprocess) {
  const std::vector<float> chw = preprocess_image(image, preprocess);
  return backend.from_host({1, 3, image.height, image.width}, chw.data());
}

}  // namespace nsrg
