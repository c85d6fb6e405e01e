// Region masks ([[regions]]): a mask file is an image read as grey, its luma clamped to
// [0,1] (white = the region, grey = partly, black = outside), at the size of the image it
// masks (the content image's, or a style mask's style image's).
#pragma once

#include <string>
#include <vector>

#include "engine/image/image.h"

namespace nsrg {

// The mask of `image`: each pixel's luma (engine/image/color_transfer.h) clamped to [0,1],
// row-major, width * height values.
std::vector<float> mask_plane(const Image& image);

// The sum of the squared mask values (a region's mass), in double.
double mask_mass(const std::vector<float>& plane);

// The mask of the image file at `path` resized (the image resizer, then clamped) to width x
// height, the size of `fitted_to` (the image it masks, named in the note). When the file's
// aspect ratio differs from width:height by more than 1%, `note` is set to a line saying that
// it was stretched (else cleared). UserError from read_image.
std::vector<float> load_region_mask(const std::string& path, int width, int height,
                                    const std::string& fitted_to, std::string& note);

}  // namespace nsrg
