// The frames of a morph path and each frame's blended Grams.
#include "engine/stages/morph_path.h"

#include "engine/core/error.h"

namespace nsrg {

bool is_closed_path(const MorphPath& path) {
  return path.styles.size() > 2 && path.styles.front() == path.styles.back();
}

std::vector<PathFrame> path_frames(const MorphPath& path) {
  NSRG_CHECK(path.styles.size() >= 2 && path.frames >= 2, "path_frames: ", path.styles.size(),
             " styles and ", path.frames, " frames (checked when the config was loaded)");
  const long long segments = static_cast<long long>(path.styles.size()) - 1;
  // Frame i lies at u = i * segments / denominator.
  const long long denominator = is_closed_path(path) ? path.frames : path.frames - 1;
  std::vector<PathFrame> frames;
  for (int i = 0; i < path.frames; ++i) {
    const long long numerator = i * segments;
    PathFrame frame;
    frame.index = i;
    frame.segment = static_cast<int>(numerator / denominator);
    long long remainder = numerator % denominator;
    if (frame.segment == segments) {  // the open path's last frame: the end of the last segment
      frame.segment = static_cast<int>(segments - 1);
      remainder = denominator;
    }
    frame.segment_t = double(remainder) / double(denominator);
    frame.t = double(numerator) / double(denominator * segments);
    frames.push_back(frame);
  }
  return frames;
}

StyleBlendStep frame_blend_step(const MorphPath& path, const PathFrame& frame) {
  NSRG_CHECK(frame.segment >= 0 && size_t(frame.segment) + 1 < path.styles.size(),
             "frame_blend_step: segment ", frame.segment, " of a path of ", path.styles.size(),
             " styles");
  StyleBlendStep step;
  step.space = path.space;
  const float to = static_cast<float>(frame.segment_t);
  const float from = static_cast<float>(1.0 - frame.segment_t);
  step.parents = {{path.styles[size_t(frame.segment)], "", from},
                  {path.styles[size_t(frame.segment) + 1], "", to}};
  return step;
}

std::map<std::string, Tensor> frame_grams(Backend& backend, const Network& network,
                                          const MorphPath& path, const PathFrame& frame,
                                          const std::vector<std::string>& layers,
                                          std::vector<std::string>& notes) {
  return blend_kept_styles(backend, network, frame_blend_step(path, frame), layers, notes);
}

}  // namespace nsrg
