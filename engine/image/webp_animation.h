// The animated WebP of a morph path: frames of one size written as a lossless, endlessly
// looping animation (libwebpmux's WebPAnimEncoder).
#pragma once

#include <string>
#include <vector>

#include "engine/image/image.h"

namespace nsrg {

// Writes `frames` (at least one, all of the first's size) to `path` atomically: lossless
// (exact 8-bit RGB after the PNG writer's clamping and rounding), each frame shown for
// `frame_ms` milliseconds (>= 1), looping forever. UserError naming the path when the
// encoder fails; InternalError for frames of different sizes.
void write_animated_webp(const std::string& path, const std::vector<Image>& frames, int frame_ms);

}  // namespace nsrg
