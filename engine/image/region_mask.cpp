// Reading a region's mask as grey values in [0,1] at the size of the image it masks.
#include "engine/image/region_mask.h"

#include <algorithm>
#include <cmath>

#include "engine/core/error.h"
#include "engine/image/color_transfer.h"

namespace nsrg {

std::vector<float> mask_plane(const Image& image) {
  std::vector<float> plane(size_t(image.width) * size_t(image.height));
  for (size_t i = 0; i < plane.size(); ++i)
    plane[i] = float(std::clamp(luma(&image.rgb[i * 3]), 0.0, 1.0));
  return plane;
}

double mask_mass(const std::vector<float>& plane) {
  double mass = 0;
  for (float value : plane) mass += double(value) * double(value);
  return mass;
}

std::vector<float> load_region_mask(const std::string& path, int width, int height,
                                    const std::string& fitted_to, std::string& note) {
  const Image image = read_image(path);
  const double aspect = double(image.width) / image.height;
  const double wanted = double(width) / height;
  note.clear();
  if (std::fabs(aspect / wanted - 1.0) > 0.01)
    note = msg("note: ", path, " is ", image.width, "x", image.height,
               ", another aspect ratio than ", fitted_to, "; stretched to ", width, "x", height);
  return mask_plane(resize(image, width, height));
}

}  // namespace nsrg
