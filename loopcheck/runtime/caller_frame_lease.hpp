#pragma once
// Whether a task may still start work that uses its caller's frame. run_sync's task refers to
// the caller's stack (its awaitable's arguments, captured references); once run_sync gives up
// waiting, the task must not begin using a frame that is about to be gone. Thread-safe: the
// task starts on its loop's thread, the caller gives up on its own.
#include <mutex>

namespace loopcheck::detail {

class caller_frame_lease {
 public:
  // The task, before its work begins: false once the caller gave up (then it must not begin).
  bool begin_work();
  // The caller, giving up: true when the work never began and now never will; false when it
  // already began (it may be using the frame: the caller must cancel it and wait for its end).
  bool revoke_unless_begun();

 private:
  enum class phase { waiting, begun, revoked };
  std::mutex mutex_;
  phase phase_ = phase::waiting;  // guarded by mutex_
};

}  // namespace loopcheck::detail
