// Row-major single-precision GEMM for the CPU backend, on oneDNN's dnnl_sgemm.
//
// oneDNN picks its kernels from the CPU's instruction set at run time. OpenBLAS is not used
// for these products: on virtual machines whose CPU model it does not recognise it falls
// back to old (SSE3 "Prescott") kernels, measured 3-10x slower here, and its own thread
// pool competes with OpenMP's.
#pragma once

#include <oneapi/dnnl/dnnl.h>

#include "engine/core/error.h"

namespace nsrg::cpu {

// C [m x n] = alpha op(A) op(B) + beta C, all row-major; op transposes when trans_* is set.
inline void sgemm(bool trans_a, bool trans_b, long m, long n, long k, float alpha, const float* a,
                  long lda, const float* b, long ldb, float beta, float* c, long ldc) {
  const dnnl_status_t status = dnnl_sgemm(trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', m, n, k, alpha,
                                          a, lda, b, ldb, beta, c, ldc);
  NSRG_CHECK(status == dnnl_success, "dnnl_sgemm ", m, "x", n, "x", k, " status ", int(status));
}

}  // namespace nsrg::cpu
