// cpu::YieldingBarrier (engine/cpu/cpu_yielding_barrier.h): over many rounds, every thread of a
// team sees what every other thread wrote before the barrier, and no thread passes a barrier
// before the whole team has reached it (a value written after it is never seen before it).
#include <gtest/gtest.h>
#include <omp.h>

#include <vector>

#include "engine/cpu/cpu_yielding_barrier.h"

namespace nsrg {
namespace {

TEST(CpuYieldingBarrier, EveryRoundSeesTheWholeTeamsWrites) {
  constexpr int kRounds = 2000;
  for (int threads : {1, 2, 3}) {
    cpu::YieldingBarrier barrier;
    std::vector<int> written(size_t(threads), -1);
    std::vector<int> wrong(size_t(threads), 0);
#pragma omp parallel num_threads(threads)
    {
      const int team = omp_get_num_threads(), me = omp_get_thread_num();
      for (int round = 0; round < kRounds; ++round) {
        written[size_t(me)] = round;
        barrier.arrive_and_wait(team);
        for (int other = 0; other < team; ++other)
          if (written[size_t(other)] != round) ++wrong[size_t(me)];
        barrier.arrive_and_wait(team);  // nobody writes round + 1 before all have read round
      }
    }
    for (int me = 0; me < threads; ++me)
      EXPECT_EQ(wrong[size_t(me)], 0) << "thread " << me << " of " << threads;
  }
}

}  // namespace
}  // namespace nsrg
