// What a caller may watch and stop of a render while it runs (the explore page's tiles):
// after each evaluation the observer can ask for the current image to be written to a file,
// and it can cancel the render, which then ends as Ctrl-C ends it (the image saved, the
// summary written, Interrupted thrown). A render without an observer is unchanged.
#pragma once

#include <string>

namespace nsrg {

// Where a render is: evaluation `iteration` of `iterations` in stage `stage` (0-based) of
// `stage_count`.
struct RenderProgress {
  int stage = 0, stage_count = 1;
  int iteration = 0, iterations = 0;
};

class RenderObserver {
 public:
  virtual ~RenderObserver() = default;
  // After each evaluation: a path to write the current image to now (with the output's
  // levels, atomically), or "" for none.
  virtual std::string preview_path(const RenderProgress& progress) = 0;
  // After that image was written (or, with an empty path, after an evaluation without one).
  virtual void on_progress(const RenderProgress& progress, const std::string& written) = 0;
  // Polled after each evaluation, as Ctrl-C is: true stops the render.
  virtual bool cancelled() const = 0;
};

}  // namespace nsrg
