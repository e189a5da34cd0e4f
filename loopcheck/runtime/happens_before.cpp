#include "loopcheck/runtime/happens_before.hpp"

#include <atomic>

#include "loopcheck/runtime/task_registry.hpp"

namespace loopcheck {

namespace {

// Code outside tracked tasks (a test body started with plain co_spawn, a thread of its own)
// shares one clock: edges through it are kept (a task it joined happens before the tasks it
// spawns next), it never races with itself, and it makes no accesses of its own. Bounded: past
// max_entries the oldest tasks' entries go (their accesses are long forgotten, their contexts
// shut down, or they are reported as races they are).
class untracked_clock {
 public:
  static constexpr std::size_t max_entries = 4096;

  void release_into(vector_clock& into) {
    if (!nonempty_.load(std::memory_order_acquire)) return;
    std::lock_guard lock(mutex_);
    into.join(clock_);
  }
  void acquire(const vector_clock& from) {
    std::lock_guard lock(mutex_);
    clock_.join(from);
    clock_.keep_newest(max_entries);
    nonempty_.store(!clock_.empty(), std::memory_order_release);
  }

 private:
  std::mutex mutex_;  // innermost: taken under waiter lists' and ordering points' locks
  vector_clock clock_;
  std::atomic<bool> nonempty_{false};
};

untracked_clock& untracked() {
  static untracked_clock clock;
  return clock;
}

}  // namespace

void release_current_clock(vector_clock& into) {
  if (task_record* task = current_task()) task->release_clock(into);
  else untracked().release_into(into);
}

void acquire_into_current_task(const vector_clock& from) {
  if (from.empty()) return;
  if (task_record* task = current_task()) task->clock().join(from);
  else untracked().acquire(from);
}

void ordering_point::release() {
  std::lock_guard lock(mutex_);
  release_current_clock(clock_);
}

void ordering_point::acquire() const {
  std::lock_guard lock(mutex_);
  acquire_into_current_task(clock_);
}

void ordering_point::join(const vector_clock& clock) {
  if (clock.empty()) return;
  std::lock_guard lock(mutex_);
  clock_.join(clock);
}

}  // namespace loopcheck
