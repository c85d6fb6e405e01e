// The explore work queue: newest first, bounded, withdrawable, held back while nobody
// watches, and stopped.
#include <gtest/gtest.h>

#include <thread>

#include "engine/explore/work_queue.h"

namespace nsrg {
namespace {

using std::chrono::milliseconds;
const auto always = [] { return true; };

TEST(WorkQueue, TakesTheNewestFirst) {
  WorkQueue queue(10);
  ASSERT_TRUE(queue.push("t1"));
  ASSERT_TRUE(queue.push_all({"t2", "t3"}));
  EXPECT_EQ(*queue.take_newest(always, milliseconds(10)), "t3");
  ASSERT_TRUE(queue.push("t4"));
  EXPECT_EQ(*queue.take_newest(always, milliseconds(10)), "t4");
  EXPECT_EQ(*queue.take_newest(always, milliseconds(10)), "t2");
  EXPECT_EQ(queue.waiting(), 1u);
}

TEST(WorkQueue, RefusesBeyondItsLimitAllOrNothing) {
  WorkQueue queue(3);
  ASSERT_TRUE(queue.push_all({"t1", "t2"}));
  EXPECT_FALSE(queue.push_all({"t3", "t4"}));
  EXPECT_EQ(queue.waiting(), 2u);
  EXPECT_TRUE(queue.push("t3"));
  EXPECT_FALSE(queue.push("t4"));
}

TEST(WorkQueue, AWithdrawnJobIsNotTaken) {
  WorkQueue queue(10);
  queue.push_all({"t1", "t2"});
  EXPECT_TRUE(queue.withdraw("t2"));
  EXPECT_FALSE(queue.withdraw("t2"));
  EXPECT_EQ(*queue.take_newest(always, milliseconds(10)), "t1");
}

TEST(WorkQueue, WaitsWhileNobodyWatchesAndStopEndsTheWait) {
  WorkQueue queue(10);
  queue.push("t1");
  std::atomic<bool> watching{false};
  std::optional<std::string> taken = std::string("unset");
  std::thread taker(
      [&] { taken = queue.take_newest([&] { return watching.load(); }, milliseconds(5)); });
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(queue.waiting(), 1u);  // held back
  watching = true;
  taker.join();
  EXPECT_EQ(*taken, "t1");
  std::thread stopped([&] { taken = queue.take_newest(always, milliseconds(5)); });
  queue.stop();
  stopped.join();
  EXPECT_FALSE(taken);
}

}  // namespace
}  // namespace nsrg
