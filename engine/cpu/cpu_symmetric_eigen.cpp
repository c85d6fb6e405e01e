// decompose_symmetric: LAPACKE dsyevd on the widened column-major copy (the layout rules of
// engine/core/square_matrix_rules.h, which the CUDA backend runs around cuSOLVER too).
#include "engine/cpu/cpu_symmetric_eigen.h"

#include <lapacke.h>

#include "engine/core/error.h"
#include "engine/core/square_matrix_rules.h"

namespace nsrg {

DoubleEigen decompose_symmetric(const Tensor& matrix, int channels, const char* op) {
  const size_t c = size_t(channels);
  DoubleEigen eigen;
  // Column-major copy; dsyevd reads its upper triangle, i.e. the row-major upper triangle.
  eigen.vectors.resize(c * c);
  bool finite = true;
  for (size_t i = 0; i < c; ++i) {
    for (size_t j = 0; j < c; ++j) {
      const bool entry_finite =
          widen_to_column_major_element(matrix.data(), eigen.vectors.data(), c, i, j);
      finite = finite && entry_finite;
    }
  }
  NSRG_CHECK(finite, op, ": the matrix has a non-finite entry");
  eigen.values.resize(c);
  const lapack_int info = LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'V', 'U', channels, eigen.vectors.data(),
                                         channels, eigen.values.data());
  NSRG_CHECK(info == 0, "LAPACKE_dsyevd returned ", info, " for a ", c, "x", c, " matrix");
  return eigen;
}

}  // namespace nsrg
