// Helpers for the [[regions]] render tests: plain-colour images, column masks and a small
// two-region config (left half red, right half blue) written into a scratch folder.
#pragma once

#include <array>
#include <filesystem>
#include <fstream>
#include <string>

#include "engine/image/image.h"
#include "tests/engine/render_test_support.h"

namespace nsrg::testing {

inline Image plain_image(int width, int height, float r, float g, float b) {
  Image image;
  image.width = width;
  image.height = height;
  image.rgb.resize(size_t(width) * height * 3);
  for (size_t i = 0; i < image.rgb.size(); i += 3) {
    image.rgb[i] = r;
    image.rgb[i + 1] = g;
    image.rgb[i + 2] = b;
  }
  return image;
}

// White where `inside(x)` for the mask's column x, black elsewhere.
template <class Inside>
Image column_mask(int width, int height, Inside inside) {
  Image mask = plain_image(width, height, 0, 0, 0);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      for (int c = 0; c < 3; ++c) mask.at(x, y, c) = inside(x) ? 1.0f : 0.0f;
  return mask;
}

inline const std::string kTwoRegions =
    "[[regions]]\nmask = \"left.png\"\nimages = [\"red.png\"]\n"
    "[[regions]]\nmask = \"right.png\"\nimages = [\"blue.png\"]\n";

// Writes red.png, blue.png (40x40 plain colours) and left.png, right.png (the halves of
// chelsea.png's 451x300) into `dir`.
inline void write_two_region_images(const std::filesystem::path& dir) {
  write_image((dir / "red.png").string(), plain_image(40, 40, 0.9f, 0.1f, 0.1f));
  write_image((dir / "blue.png").string(), plain_image(40, 40, 0.1f, 0.1f, 0.9f));
  write_image((dir / "left.png").string(), column_mask(451, 300, [](int x) { return x < 225; }));
  write_image((dir / "right.png").string(), column_mask(451, 300, [](int x) { return x >= 225; }));
}

// A config of `regions` at 32 px: style alone (content weight 0), Adam from noise on
// relu1_1 and relu2_1 (40 steps).
inline std::filesystem::path write_regions_config(const std::filesystem::path& dir,
                                                  const std::string& regions = kTwoRegions) {
  const std::filesystem::path path = dir / "regions.toml";
  std::ofstream out(path);
  out << "backend = \"cpu\"\nseed = 3\nimage_size = 32\n"
      << regions << "[content]\nimage = \"" << example_image("chelsea.png") << "\"\n"
      << "layers = [\"relu2_1\"]\nweight = 0.0\n"
      << "[style]\nlayers = [\"relu1_1\", \"relu2_1\"]\nweight = 1000.0\n"
      << "[optimizer]\nkind = \"adam\"\niterations = 40\n"
      << "[output]\npath = \"out/regions.png\"\nprint_iter = 0\nsave_iter = 0\n"
      << "levels = \"clamp\"\ncontact_sheet = false\n";
  return path;
}

// The mean colour of the columns x in [x0, x1) of `image`.
inline std::array<double, 3> mean_colour(const Image& image, int x0, int x1) {
  std::array<double, 3> mean = {0, 0, 0};
  size_t count = 0;
  for (int y = 0; y < image.height; ++y)
    for (int x = x0; x < x1; ++x, ++count)
      for (int c = 0; c < 3; ++c) mean[c] += image.at(x, y, c);
  for (double& m : mean) m /= double(count);
  return mean;
}

}  // namespace nsrg::testing
