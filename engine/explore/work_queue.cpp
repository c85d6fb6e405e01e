// WorkQueue: a bounded LIFO of job ids under one mutex.
#include "engine/explore/work_queue.h"

#include <algorithm>

namespace nsrg {

bool WorkQueue::push(const std::string& id) {
  return push_all({id});
}

bool WorkQueue::push_all(const std::vector<std::string>& ids) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (jobs_.size() + ids.size() > limit_) return false;
    for (const std::string& id : ids) jobs_.push_back(id);
  }
  changed_.notify_all();
  return true;
}

std::optional<std::string> WorkQueue::take_newest(const std::function<bool()>& may_start,
                                                  std::chrono::milliseconds poll) {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    if (stopped_) return std::nullopt;
    if (!jobs_.empty() && may_start()) {
      std::string id = jobs_.back();
      jobs_.pop_back();
      return id;
    }
    changed_.wait_for(lock, poll);
  }
}

bool WorkQueue::withdraw(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto at = std::find(jobs_.begin(), jobs_.end(), id);
  if (at == jobs_.end()) return false;
  jobs_.erase(at);
  return true;
}

size_t WorkQueue::waiting() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return jobs_.size();
}

void WorkQueue::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopped_ = true;
  }
  changed_.notify_all();
}

}  // namespace nsrg
