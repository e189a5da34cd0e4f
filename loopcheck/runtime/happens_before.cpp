#include "loopcheck/runtime/happens_before.hpp"

#include "loopcheck/runtime/task_registry.hpp"

namespace loopcheck {

void release_current_clock(vector_clock& into) {
  if (task_record* task = current_task()) task->release_clock(into);
}

void acquire_into_current_task(const vector_clock& from) {
  if (from.empty()) return;
  if (task_record* task = current_task()) task->clock().join(from);
}

void ordering_point::release() {
  task_record* task = current_task();
  if (task == nullptr) return;
  std::lock_guard lock(mutex_);
  task->release_clock(clock_);
}

void ordering_point::acquire() const {
  task_record* task = current_task();
  if (task == nullptr) return;
  std::lock_guard lock(mutex_);
  task->clock().join(clock_);
}

void ordering_point::join(const vector_clock& clock) {
  if (clock.empty()) return;
  std::lock_guard lock(mutex_);
  clock_.join(clock);
}

}  // namespace loopcheck
