// CpuBackend: the factory, identity (description, threads) and memory (64-byte aligned
// allocations with live/peak byte counts, upload/download/copy/fill, scalar reads).
// Writing a tensor through upload/copy/fill drops any cached oneDNN layout of it as weights.
#include "engine/cpu/cpu_backend.h"

#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <new>

#include "engine/core/elementwise_rules.h"
#include "engine/core/error.h"
#include "engine/cpu/cpu_backend_impl.h"
#include "engine/cpu/cpu_bf16_gemm.h"
#include "engine/cpu/cpu_conv_state.h"
#include "engine/cpu/cpu_features.h"
#include "engine/cpu/cpu_gemm.h"
#include "engine/cpu/cpu_parallel.h"

namespace nsrg {

namespace {
// Every allocation carries its byte count in a 64-byte prefix, so release() knows the size
// and the data stay 64-byte aligned.
constexpr size_t kAlignment = 64;

size_t& allocation_size(float* data) {
  return *reinterpret_cast<size_t*>(reinterpret_cast<char*>(data) - kAlignment);
}
}  // namespace

std::unique_ptr<Backend> make_cpu_backend(const BackendOptions& options) {
  return std::make_unique<CpuBackend>(options);
}

CpuBackend::CpuBackend(const BackendOptions& options) {
  NSRG_REQUIRE(options.threads >= 0, "backend threads must be >= 0, got ", options.threads);
  threads_ = options.threads > 0 ? options.threads : std::max(1, omp_get_num_procs());
  NSRG_CHECK(options.gram_tile_depth >= 0, "gram_tile_depth ", options.gram_tile_depth);
  gram_tile_depth_ = options.gram_tile_depth > 0 ? options.gram_tile_depth : cpu::kGemmTileDepth;
  precision_ = options.precision == Precision::Tf32 ? Precision::Fp32 : options.precision;
  use_threads();
  conv_ = std::make_unique<CpuConvState>(precision_);
  if (precision_ == Precision::Bf16) bf16_gemm_ = std::make_unique<cpu::Bf16Gemm>();
  const std::string note = cpu::bf16_speed_note(precision_, cpu::read_cpu_flags());
  if (!note.empty()) std::cerr << note << std::endl;
}

CpuBackend::~CpuBackend() = default;

std::string CpuBackend::description() const {
  const dnnl_version_t* version = dnnl_version();
  std::string text = msg("cpu: oneDNN ", version->major, ".", version->minor, ", ", threads_,
                         threads_ == 1 ? " thread" : " threads");
  if (precision_ != Precision::Fp32) text += msg(", ", name_in(kPrecisionNames, precision_));
  return text;
}

Tensor CpuBackend::empty(const Shape& shape) {
  NSRG_CHECK(shape.n > 0 && shape.c > 0 && shape.h > 0 && shape.w > 0, "tensor shape ",
             shape.str());
  const size_t bytes = shape.numel() * sizeof(float);
  const size_t padded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  void* base = std::aligned_alloc(kAlignment, kAlignment + padded);
  if (base == nullptr) throw std::bad_alloc();
  float* data = reinterpret_cast<float*>(static_cast<char*>(base) + kAlignment);
  allocation_size(data) = bytes;
  const size_t live = live_bytes_.fetch_add(bytes) + bytes;
  size_t peak = peak_bytes_.load();
  while (live > peak && !peak_bytes_.compare_exchange_weak(peak, live)) {
  }
  return Tensor(this, shape, data);
}

void CpuBackend::release(float* data) noexcept {
  if (data == nullptr) return;
  live_bytes_.fetch_sub(allocation_size(data));
  if (conv_) conv_->forget_weights(data);
  layouts_.forget(data);
  std::free(reinterpret_cast<char*>(data) - kAlignment);
}

void CpuBackend::upload(const float* host, Tensor& dst) {
  NSRG_CHECK(!dst.empty(), "upload into an empty tensor");
  conv_->forget_weights(dst.data());
  std::memcpy(float_output(dst), host, dst.bytes());
}

void CpuBackend::download(const Tensor& src, float* host) {
  NSRG_CHECK(!src.empty(), "download from an empty tensor");
  std::memcpy(host, float_values(src), src.bytes());
}

void CpuBackend::copy(const Tensor& src, Tensor& dst) {
  NSRG_CHECK(src.numel() == dst.numel(), "copy ", src.shape().str(), " to ", dst.shape().str());
  const float* in = float_values(src);
  if (src.data() == dst.data()) return;
  conv_->forget_weights(dst.data());
  float* out = float_output(dst);
  cpu::parallel_for(threads_, ptrdiff_t(src.numel()), [=](ptrdiff_t i) { out[i] = in[i]; });
}

void CpuBackend::fill(Tensor& dst, float value) {
  NSRG_CHECK(!dst.empty(), "fill of an empty tensor");
  conv_->forget_weights(dst.data());
  float* out = float_output(dst);
  cpu::parallel_for(threads_, ptrdiff_t(dst.numel()),
                    [=](ptrdiff_t i) { fill_element(out, size_t(i), value); });
}

float CpuBackend::read_scalar(const Tensor& scalars, int index) {
  NSRG_CHECK(index >= 0 && size_t(index) < scalars.numel(), "scalar index ", index, " of ",
             scalars.shape().str());
  return float_values(scalars)[index];
}

const float* CpuBackend::float_values(const Tensor& tensor) {
  const cpu::LaidOut* entry = layouts_.find(tensor.data());
  if (entry == nullptr) return tensor.data();
  const cpu::LaidOut written = *entry;
  const size_t count = written.shape.numel();
  const bool bf16 = written.layout == cpu::PrivateLayout::Bf16Nhwc;
  const size_t bytes = count * (bf16 ? sizeof(uint16_t) : sizeof(float));
  layout_scratch_.resize((bytes + sizeof(float) - 1) / sizeof(float));
  std::memcpy(layout_scratch_.data(), tensor.data(), bytes);
  float* storage = const_cast<float*>(tensor.data());
  if (bf16)
    cpu::bf16_nhwc_to_nchw(written.shape, reinterpret_cast<const uint16_t*>(layout_scratch_.data()),
                           storage, threads_);
  else
    cpu::f32_nhwc_to_nchw(written.shape, layout_scratch_.data(), storage, threads_);
  layouts_.forget(storage);
  return storage;
}

void CpuBackend::to_f32_nhwc(const Tensor& tensor) {
  if (holds_nhwc(tensor)) return;
  const Shape shape = tensor.shape();
  const float* values = float_values(tensor);
  layout_scratch_.assign(values, values + tensor.numel());
  cpu::nchw_to_f32_nhwc(shape, layout_scratch_.data(), const_cast<float*>(values), threads_);
  layouts_.mark(values, shape, cpu::PrivateLayout::F32Nhwc);
}

float* CpuBackend::float_output(Tensor& tensor) {
  layouts_.forget(tensor.data());
  return tensor.data();
}

void CpuBackend::use_threads() const {
  if (omp_get_max_threads() != threads_) omp_set_num_threads(threads_);
  // OpenBLAS (dsyevd, dgemm of the randomization) on one thread: its threaded symv and
  // reductions add per-thread partials, so its results would depend on the thread count.
  if (openblas_get_num_threads() != 1) openblas_set_num_threads(1);
}

float CpuBackend::coef_value(const Coef& coef) {
  if (coef.array == nullptr) return coef.constant;
  NSRG_CHECK(coef.index >= 0 && size_t(coef.index) < coef.array->numel(), "coefficient index ",
             coef.index, " of ", coef.array->shape().str());
  return coefficient_value(coef.constant, coef.array->data() + coef.index);
}

void CpuBackend::store_scalar(ScalarSlot slot, double value) {
  NSRG_CHECK(slot.array != nullptr, "scalar slot without an array");
  NSRG_CHECK(slot.index >= 0 && size_t(slot.index) < slot.array->numel(), "scalar slot ",
             slot.index, " of ", slot.array->shape().str());
  slot.array->data()[slot.index] = float(value);
}

}  // namespace nsrg
