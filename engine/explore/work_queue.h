// The explore session's queue of tile renders: bounded (a request beyond the limit is
// refused, not queued), newest first (the tile the user just asked for renders before older
// ones), waiting jobs can be withdrawn, and a taker can hold back while nobody watches.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace nsrg {

class WorkQueue {
 public:
  explicit WorkQueue(size_t limit) : limit_(limit) {}
  // Queues `id` as the newest job; false (nothing queued) when `limit` jobs wait already.
  bool push(const std::string& id);
  // Queues several at once, or none when they do not all fit.
  bool push_all(const std::vector<std::string>& ids);
  // The newest job, once there is one and `may_start()` is true (asked again every
  // `poll`); nullopt after stop().
  std::optional<std::string> take_newest(const std::function<bool()>& may_start,
                                         std::chrono::milliseconds poll);
  // Withdraws a waiting job; false when it was not waiting.
  bool withdraw(const std::string& id);
  size_t waiting() const;
  void stop();

 private:
  const size_t limit_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> jobs_;  // oldest first
  bool stopped_ = false;
};

}  // namespace nsrg
