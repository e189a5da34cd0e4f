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
#include <list>
#include <memory>
#include <mutex>
#include <string>

#include "loopcheck/runtime/asio.hpp"
#include "loopcheck/runtime/task_registry.hpp"
#include "loopcheck/runtime/vector_clock.hpp"

namespace loopcheck {

class waiter_list {
 public:
  using handler_type = asio::any_completion_handler<void(boost::system::error_code)>;

  waiter_list(const asio::any_io_executor& ex, std::string label);
  ~waiter_list();
  waiter_list(const waiter_list&) = delete;
  waiter_list& operator=(const waiter_list&) = delete;

  // Notifications so far. Read it before checking the condition you wait for, then pass it to
  // async_wait: a notify in between completes the wait at once, so none is ever missed.
  // Happens-before: a woken waiter, and every later epoch read, acquire what the notifies so
  // far released, as locking a mutex acquires what its unlocks released.
  std::uint64_t epoch() const;

  // Completes (always posted) at the next notify after `seen_epoch`, at once if one happened
  // already, or with operation_aborted when the waiter's cancellation slot fires. Callers loop:
  //   for (;;) { auto seen = list.epoch(); if (ready()) break; co_await list.async_wait(seen, use_awaitable); }
  // (No predicate callback on purpose: g++ 12 destroys a lambda temporary inside a co_await
  // expression twice, so an API taking one would invite that bug.)
  template <typename CompletionToken>
  auto async_wait(std::uint64_t seen_epoch, CompletionToken&& token) {
    return asio::async_initiate<CompletionToken, void(boost::system::error_code)>(
        [this, seen_epoch](auto handler) { park(handler_type(std::move(handler)), seen_epoch); }, token);
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
  // Lets a parked waiter's cancellation handler, which may outlive the list (a waiter is
  // notified, then the list destroyed before the wake runs), find whether the list is alive.
  struct liveness {
    explicit liveness(waiter_list* alive) : list(alive) {}
    std::mutex mutex;
    waiter_list* list;  // guarded by mutex; null once the list is destroyed
  };

  void park(handler_type handler, std::uint64_t seen_epoch);
  // `notified`: the notifiers' clocks, acquired by each waiter as it wakes.
  void complete(std::list<waiter>& batch, boost::system::error_code ec, const vector_clock& notified = {});
  void cancel(std::uint64_t ticket);

  asio::any_io_executor executor_;
  std::shared_ptr<liveness> liveness_;
  std::shared_ptr<registry_core> core_;  // outlives the context if this list does
  std::string label_;
  mutable std::mutex mutex_;
  std::list<waiter> waiters_;
  std::uint64_t next_ticket_ = 0;
  std::uint64_t epoch_ = 0;  // guarded by mutex_
  vector_clock notified_;    // guarded by mutex_; the clocks of every notifier so far
};

}  // namespace loopcheck
