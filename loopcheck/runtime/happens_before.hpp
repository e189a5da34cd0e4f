#pragma once
// Happens-before between tracked tasks, for the file-race detector (vfs/file_race_detector.hpp).
// Each task carries a vector clock. The runtime's ordering edges move clocks: a sender
// *releases* (its clock goes along; its own entry then advances, so its later accesses are not
// ordered before the receiver) and a receiver *acquires* (joins what was released). The edges
// the runtime knows are listed in docs/runtime.md; code outside tracked tasks (a plain Asio
// handler, a thread of its own) has no clock, so its edges are lost unless declared with an
// ordering_point.
#include <mutex>

#include "loopcheck/runtime/vector_clock.hpp"

namespace loopcheck {

class task_record;

// Joins the current task's clock into `into`, then advances the task's own entry. Code
// outside tracked tasks shares one clock (docs/runtime.md).
void release_current_clock(vector_clock& into);
// Joins `from` into the current task's clock (outside tracked tasks: into the shared one).
void acquire_into_current_task(const vector_clock& from);

// An ordering edge a program declares where the runtime cannot see one, as a mutex's unlock
// and lock order what they guard: everything a task did before release() happens before
// everything a task does after a later acquire(). Thread-safe. Also the runtime's own
// accumulation point for edges with many senders (a scope's ended tasks, a slot's runs).
class ordering_point {
 public:
  void release();
  void acquire() const;
  // Joins an explicit clock (a task's final clock, handed over when it ends).
  void join(const vector_clock& clock);

 private:
  mutable std::mutex mutex_;
  vector_clock clock_;  // guarded by mutex_
};

}  // namespace loopcheck
