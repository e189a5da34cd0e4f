#pragma once
// A list of parked coroutines waiting for a condition: the one waiting primitive under task
// scopes, lazy slots and serial queues. A waiter completes with success when notified and with
// operation_aborted when its own cancellation slot fires. Completions are always posted, never
// run inside notify(). The parked task's registry entry says what it waits on, so deadlock and
// leak reports name the wait.
//
// Asio 1.26's experimental::channel is not used: its close() neither completes blocked senders
// nor keeps buffered messages, and those are exactly the cases loopcheck must get right.
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <string>

#include "loopcheck/runtime/asio.hpp"
#include "loopcheck/runtime/task_registry.hpp"

namespace loopcheck {

class waiter_list {
 public:
  using handler_type = asio::any_completion_handler<void(boost::system::error_code)>;

  waiter_list(const asio::any_io_executor& ex, std::string label);
  ~waiter_list();
  waiter_list(const waiter_list&) = delete;
  waiter_list& operator=(const waiter_list&) = delete;

  // Completes once notified, or at once (posted) when `ready()` already holds. `ready` is
  // checked under the list's lock, so a notify that follows a state change is never missed.
  template <typename Ready, typename CompletionToken>
  auto async_wait_until(Ready ready, CompletionToken&& token) {
    return asio::async_initiate<CompletionToken, void(boost::system::error_code)>(
        [this, ready = std::move(ready)](auto handler) mutable {
          park(handler_type(std::move(handler)), std::function<bool()>(std::move(ready)));
        },
        token);
  }

  void notify_one();
  void notify_all();
  std::size_t size() const;
  const std::string& label() const { return label_; }

  // Destroys every parked handler without running it (the context is going away).
  void abandon();

 private:
  struct waiter {
    std::uint64_t ticket;
    handler_type handler;
  };
  class cancel_handler;

  void park(handler_type handler, const std::function<bool()>& ready);
  void complete(std::list<waiter>& batch, boost::system::error_code ec);
  void cancel(std::uint64_t ticket);

  asio::any_io_executor executor_;
  task_registry& registry_;
  std::string label_;
  mutable std::mutex mutex_;
  std::list<waiter> waiters_;
  std::uint64_t next_ticket_ = 0;
};

}  // namespace loopcheck
