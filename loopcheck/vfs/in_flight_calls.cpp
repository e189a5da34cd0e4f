#include "loopcheck/vfs/in_flight_calls.hpp"

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "loopcheck/runtime/invariant.hpp"

namespace loopcheck::vfs {

void call_ledger::begin_call() {
  std::lock_guard lock(mutex_);
  // A call started on a context that is being destroyed has a caller that cannot await it.
  LOOPCHECK_INVARIANT(!shutting_down_);
  ++calls_in_flight_;
}

bool call_ledger::caller_alive() {
  std::lock_guard lock(mutex_);
  return !shutting_down_;
}

void call_ledger::end_call(std::unique_ptr<pending_completion> completion) {
  std::lock_guard lock(mutex_);
  LOOPCHECK_INVARIANT(calls_in_flight_ > 0);
  --calls_in_flight_;
  if (shutting_down_) {
    undelivered_.push_back(std::move(completion));
    call_ended_.notify_all();
    return;
  }
  // Posted and released under the lock: shut_down cannot begin between the check above and the
  // post, so the completion is queued while the context is still whole (its shutdown then
  // destroys the queued handler) or never posted at all.
  completion->post();
  completion.reset();
}

void call_ledger::shut_down() {
  std::vector<std::unique_ptr<pending_completion>> undelivered;
  {
    std::unique_lock lock(mutex_);
    shutting_down_ = true;
    if (!call_ended_.wait_for(lock, max_shutdown_wait_ms, [&] { return calls_in_flight_ == 0; })) {
      std::fprintf(stderr,
                   "loopcheck::vfs: %zu file operation(s) still inside a system call %lld ms after their "
                   "execution context began shutting down; the calls may still use buffers in the awaiting "
                   "coroutine frames this shutdown must destroy, so the process aborts\n",
                   calls_in_flight_, static_cast<long long>(max_shutdown_wait_ms.count()));
      std::abort();
    }
    undelivered.swap(undelivered_);
  }
  // Destroyed outside the lock: destroying a handler may run arbitrary destructors.
  undelivered.clear();
}

in_flight_calls::in_flight_calls(asio::execution_context& owner) : asio::execution_context::service(owner) {}

std::shared_ptr<call_ledger> in_flight_calls::ledger_of(asio::execution_context& context) {
  return asio::use_service<in_flight_calls>(context).ledger_;
}

void in_flight_calls::shutdown() { ledger_->shut_down(); }

}  // namespace loopcheck::vfs
