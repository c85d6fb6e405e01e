// NSRG_HOST_DEVICE: marks a small function that compiles for the host and, under nvcc, for
// the device too, so one definition serves the CPU backend and the CUDA kernels.
#pragma once

#if defined(__CUDACC__)
#define NSRG_HOST_DEVICE __host__ __device__ __forceinline__
#else
#define NSRG_HOST_DEVICE inline
#endif
