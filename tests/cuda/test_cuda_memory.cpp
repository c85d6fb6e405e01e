// CUDA backend memory and identity: round trips, fill, copy, scalar reads, peak tracking,
// event timing, an impossible allocation turned into a clear UserError (and no error left
// behind for the next launch check), and the available-memory figure the memory plan uses.
// Without a device every test skips with "no CUDA device: skipped".
#include <cstdio>
#include <string>
#include <vector>

#include "engine/core/error.h"
#include "tests/cuda/cuda_test_support.h"

namespace nsrg::test {
namespace {

using CudaMemory = CudaParityTest;

TEST(CudaAvailability, ReportsWhyTestsSkip) {
  const std::string reason = cuda_skip_reason();
  if (!reason.empty()) GTEST_SKIP() << reason;
  auto backend = make_test_cuda_backend();
  ASSERT_NE(backend, nullptr);
  EXPECT_EQ(backend->kind(), BackendKind::Cuda);
  EXPECT_EQ(backend->description().rfind("cuda: ", 0), 0u) << backend->description();
}

TEST_F(CudaMemory, UploadDownloadRoundTripIsExact) {
  const Shape shape{1, 3, 17, 29};
  const std::vector<float> values = random_values(shape.numel(), 1);
  Tensor t = cuda->from_host(shape, values.data());
  EXPECT_EQ(cuda->to_host(t), values);
}

TEST_F(CudaMemory, FillCopyAndReadScalar) {
  const Shape shape{1, 2, 33, 65};
  Tensor a = cuda->empty(shape);
  cuda->fill(a, 2.5f);
  for (float v : cuda->to_host(a)) ASSERT_EQ(v, 2.5f);
  cuda->fill(a, 0.0f);
  for (float v : cuda->to_host(a)) ASSERT_EQ(v, 0.0f);
  const std::vector<float> values = random_values(shape.numel(), 2);
  Tensor b = cuda->from_host(shape, values.data());
  cuda->copy(b, a);
  EXPECT_EQ(cuda->to_host(a), values);
  EXPECT_EQ(cuda->read_scalar(a, 7), values[7]);
  EXPECT_EQ(cuda->read_scalar(a, int(shape.numel()) - 1), values.back());
  EXPECT_THROW(cuda->read_scalar(a, int(shape.numel())), InternalError);
}

TEST_F(CudaMemory, PeakTracksTensorBytes) {
  const size_t before = cuda->peak_memory_bytes();
  {
    Tensor big = cuda->empty(Shape{1, 4, 256, 256});
    EXPECT_GE(cuda->peak_memory_bytes(), size_t(4) * 256 * 256 * sizeof(float));
  }
  Tensor small = cuda->empty(Shape{1, 1, 1, 1});
  EXPECT_GE(cuda->peak_memory_bytes(), before);
  EXPECT_GE(cuda->peak_memory_bytes(), size_t(4) * 256 * 256 * sizeof(float));
}

TEST_F(CudaMemory, ImpossibleAllocationIsAUserErrorAndTheBackendGoesOn) {
  // Twice the device's total memory, whole MiB of floats: no device can hold it, and the pool
  // may refuse it either as out of memory or as an invalid size; both must read as a user error.
  const size_t total_bytes = cuda_device_memory_bytes();
  ASSERT_GT(total_bytes, 0u);
  const int mebibytes = int(2 * total_bytes / (size_t(1) << 20)) + 1;
  const Shape shape{1, mebibytes, 1 << 18, 1};  // 2^18 floats = 1 MiB per channel
  const std::string bytes_text = std::to_string(shape.numel() * sizeof(float)) + " bytes";
  try {
    Tensor huge = cuda->empty(shape);
    FAIL() << "an allocation of twice the device's memory succeeded";
  } catch (const UserError& error) {
    const std::string text = error.what();
    EXPECT_NE(text.find("out of GPU memory"), std::string::npos) << text;
    EXPECT_NE(text.find(bytes_text), std::string::npos) << text;
    EXPECT_NE(text.find("image_size"), std::string::npos) << text;
    EXPECT_NE(text.find("optimizer.history"), std::string::npos) << text;
  }
  Tensor after = cuda->empty(Shape{1, 1, 8, 8});
  cuda->fill(after, 1.0f);
  EXPECT_EQ(cuda->read_scalar(after, 63), 1.0f);
}

// available_memory_bytes = the device's free memory + what this backend's pool holds: memory
// this backend's tensors take stays available to it (the pool reuses it), memory another
// backend holds does not. Slack: the pool reserves in chunks; the other backend's handles and
// cuBLAS workspace are taken before the comparison that involves it.
TEST_F(CudaMemory, AvailableMemoryCountsThisPoolButNotAnotherBackends) {
  constexpr double kSlack = 64.0 * (1 << 20);
  constexpr double kGiB = double(size_t(1) << 30);
  const Shape gib{1, 256, 1024, 1024};  // 2^28 floats = 1 GiB
  const double total = double(cuda_device_memory_bytes());
  const double before = double(cuda->available_memory_bytes());
  const double free_before = double(cuda_device_free_bytes());
  ASSERT_GT(free_before, 3.0 * kGiB) << "too little free device memory for this test";
  EXPECT_GE(before, free_before);
  EXPECT_LE(before, total);
  {
    Tensor held = cuda->empty(gib);
    cuda->fill(held, 0.0f);
    cuda->synchronize();
    EXPECT_LE(double(cuda_device_free_bytes()), free_before - kGiB + kSlack)
        << "the device lost it";
    EXPECT_NEAR(double(cuda->available_memory_bytes()), before, kSlack) << "held by this pool";
    auto other = make_test_cuda_backend();
    const double with_other = double(cuda->available_memory_bytes());
    EXPECT_LE(with_other, before + kSlack) << "another backend takes memory, never gives it";
    Tensor elsewhere = other->empty(gib);
    other->fill(elsewhere, 0.0f);
    other->synchronize();
    const double now = double(cuda->available_memory_bytes());
    std::printf("available: %.0f MiB; a second backend: %.0f MiB; its 1 GiB tensor: %.0f MiB\n",
                before / (1 << 20), with_other / (1 << 20), now / (1 << 20));
    EXPECT_NEAR(now, with_other - kGiB, kSlack) << "another backend's memory is available";
    // Each holds a 1 GiB tensor and a cuBLAS workspace: the same figure both ways.
    EXPECT_NEAR(double(other->available_memory_bytes()), now, kSlack);
  }
  EXPECT_NEAR(double(cuda->available_memory_bytes()), before, kSlack) << "cached, still available";
}

TEST_F(CudaMemory, TimesWorkWithEvents) {
  Tensor a = cuda->empty(Shape{1, 8, 128, 128});
  const double ms = cuda->time_ms([&] { cuda->fill(a, 3.0f); });
  EXPECT_GE(ms, 0.0);
  EXPECT_EQ(cuda->read_scalar(a, 5), 3.0f);
}

}  // namespace
}  // namespace nsrg::test
