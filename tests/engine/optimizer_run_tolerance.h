// The tolerance of the CPU-vs-GPU comparison of whole optimizer runs (largest relative
// difference of the best total loss so far over kOptimizerRunSteps evaluations:
// run_difference in optimizer_run_support.h), and the margin by which the CPU's own
// rounding-level spread must stay under it (tests/engine/test_fp32_sensitivity).
//
// Why 2e-2: on the CPU backend, scaling the start image by (1 + 1e-6), a few float32 ulps
// per element, moves the 20-step history by a machine-dependent amount: 3.9e-5 (L-BFGS) and
// 1.7e-4 (Adam) on the 2-core development machine of 2026-11-27; 8.1e-4 and 6.0e-5 on the
// AMD EPYC one of 2026-12-05, where the L-BFGS run overshoots once (one evaluation 75x
// above the one before) and parts ways a little more after it. A GPU differs from the CPU
// by rounding of that kind (other convolution algorithms and summation orders), so its
// histories should stay within a small multiple of the largest spread seen; 2e-2 leaves a
// factor of 10 over a spread of 2e-3 (the sensitivity test fails on a machine where the
// spread exceeds that) and still catches a wrong step or gradient, which changes a history
// that falls 1.5x (L-BFGS) or 20x (Adam) in 20 steps by far more.
#pragma once

namespace nsrg::testing {

inline constexpr int kOptimizerRunSteps = 20;
inline constexpr double kOptimizerRunTolerance = 2e-2;
inline constexpr double kOptimizerRunMargin = 10.0;

}  // namespace nsrg::testing
