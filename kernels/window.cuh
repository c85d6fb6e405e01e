// The kernel of Backend::copy_window: a window of every channel copied or added into another
// tensor by engine/core/window_rules.h. The launcher enqueues on `stream` and returns at once.
#pragma once

#include <cuda_runtime.h>

#include "engine/core/window_rules.h"

namespace nsrg::kernels {

// The copy.from.h x copy.from.w window of `channels` planes of src into dst.
void launch_copy_window(const float* src, float* dst, const WindowCopy& copy, int channels,
                        cudaStream_t stream);

}  // namespace nsrg::kernels
