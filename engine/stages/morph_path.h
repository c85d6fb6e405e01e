// A morph path ([path]): where each frame lies on the path through the kept styles, and a
// frame's style Grams, the blend of its segment's two ends made by the blend code of
// style.targets (style_blend.h), so a frame is what style.targets = [the two files] with
// style.blend_weights = [1 - s, s] in path.space gives.
//
// The path runs through styles[0], styles[1], ..., styles[m] (m segments; segment k joins
// styles[k] and styles[k + 1]); its parameter u goes from 0 to m. N frames are spread evenly
// over it: frame i at u = i m / (N - 1), both ends included; a closed loop (the last style is
// the first) at u = i m / N, so the first frame is not repeated at the end.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/core/backend.h"
#include "engine/net/network.h"
#include "engine/stages/style_blend.h"

namespace nsrg {

struct PathFrame {
  int index = 0;
  double t = 0.0;        // along the whole path: u / m, 0 at styles[0], 1 at the last style
  int segment = 0;       // between styles[segment] and styles[segment + 1]
  double segment_t = 0;  // s = u - segment in [0, 1]: the weight of styles[segment + 1]
};

// True when the path's last style is its first (the same resolved file).
bool is_closed_path(const MorphPath& path);

// The path's frames in order (path.frames of them). Computed in integers where it matters:
// a frame that lands on a style has segment_t exactly 0 (exactly 1 for the open path's end).
std::vector<PathFrame> path_frames(const MorphPath& path);

// The blend a frame's Grams are: styles[segment] and styles[segment + 1] with weights
// 1 - segment_t and segment_t in path.space (files not checked by SHA-256).
StyleBlendStep frame_blend_step(const MorphPath& path, const PathFrame& frame);

// The frame's Grams of `layers` (blend_kept_styles of frame_blend_step; a frame on a style
// is that file's Grams exactly).
std::map<std::string, Tensor> frame_grams(Backend& backend, const Network& network,
                                          const MorphPath& path, const PathFrame& frame,
                                          const std::vector<std::string>& layers,
                                          std::vector<std::string>& notes);

}  // namespace nsrg
