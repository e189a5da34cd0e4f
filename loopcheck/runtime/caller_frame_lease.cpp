#include "loopcheck/runtime/caller_frame_lease.hpp"

namespace loopcheck::detail {

bool caller_frame_lease::begin_work() {
  std::lock_guard lock(mutex_);
  if (phase_ == phase::revoked) return false;
  phase_ = phase::begun;
  return true;
}

bool caller_frame_lease::revoke_unless_begun() {
  std::lock_guard lock(mutex_);
  if (phase_ == phase::begun) return false;
  phase_ = phase::revoked;
  return true;
}

}  // namespace loopcheck::detail
