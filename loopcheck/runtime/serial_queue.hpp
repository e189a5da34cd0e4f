#pragma once
// serial_queue<T>: a bounded FIFO with one consumer task that the queue owns. Producers wait
// while it is full (backpressure). The fix for seed 001's deadlock: when the consumer fails,
// every blocked producer and every later one gets queue_consumer_failed (carrying the
// consumer's error) instead of waiting forever. close() refuses new items and lets the
// consumer finish what is queued; drain() closes and waits for that. Nothing is dropped
// silently: items a failed consumer never processed are counted in the error, and a failure
// nobody can observe (the queue destroyed first) is reported as unobserved_exception.
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <source_location>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "loopcheck/runtime/asio.hpp"
#include "loopcheck/runtime/happens_before.hpp"
#include "loopcheck/runtime/spawn.hpp"
#include "loopcheck/runtime/waiter_list.hpp"

namespace loopcheck {

class queue_closed_error : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

class queue_consumer_failed : public std::runtime_error {
 public:
  queue_consumer_failed(const std::string& queue, std::exception_ptr cause, std::size_t unprocessed)
      : std::runtime_error(fmt::format("serial queue '{}': the consumer failed ({}); {} queued item(s) were not processed",
                                       queue, detail::describe(cause), unprocessed)),
        cause_(std::move(cause)),
        unprocessed_(unprocessed) {}
  const std::exception_ptr& cause() const { return cause_; }
  std::size_t unprocessed() const { return unprocessed_; }

 private:
  std::exception_ptr cause_;
  std::size_t unprocessed_;
};

template <typename T>
class serial_queue {
 public:
  using consumer = std::function<asio::awaitable<void>(T)>;

  serial_queue(asio::any_io_executor ex, std::string name, std::size_t capacity, consumer consume,
               std::source_location site = std::source_location::current())
      : state_(std::make_shared<state>(ex, std::move(name), capacity, std::move(consume))) {
    if (capacity == 0) throw std::invalid_argument("serial_queue capacity must be at least 1");
    auto st = state_;
    spawn_tracked(st->executor, st->name + " consumer", consume_loop(st),
                  [st](task_record& task, std::exception_ptr error) { st->consumer_finished(task, std::move(error)); },
                  site);
  }

  // Closes the queue so the consumer ends once it has processed what is queued. A consumer
  // failure nobody observed, now or after the queue is gone, is reported as
  // unobserved_exception.
  ~serial_queue() {
    close();
    std::lock_guard lock(state_->mutex);
    state_->queue_destroyed = true;
    if (state_->consumer_error && !state_->error_observed && state_->consumer_task) {
      detail::report_unobserved(*state_->consumer_task, state_->consumer_error,
                                fmt::format("serial queue '{}': the consumer failed", state_->name));
    }
  }
  serial_queue(const serial_queue&) = delete;
  serial_queue& operator=(const serial_queue&) = delete;

  // Appends `item`, waiting while the queue is full. Throws queue_consumer_failed once the
  // consumer has failed, queue_closed_error after close().
  asio::awaitable<void> push(T item) {
    auto st = state_;
    // Each wake-up follows a pop, a failure or close(); another producer may take the freed
    // place first, so this retries, once per place lost to a competitor.
    for (;;) {
      const auto seen = st->space.epoch();
      if (!st->push_can_proceed()) co_await st->space.async_wait(seen, asio::use_awaitable);
      std::exception_ptr refusal;
      bool pushed = false;
      {
        std::lock_guard lock(st->mutex);
        if (st->consumer_error) {
          st->error_observed = true;
          refusal = st->failure_for_callers();
        } else if (st->closed) {
          refusal = std::make_exception_ptr(queue_closed_error(fmt::format("serial queue '{}' is closed", st->name)));
        } else if (st->items.size() < st->capacity) {
          st->items.push_back(std::move(item));
          pushed = true;
        }
      }
      if (refusal) std::rethrow_exception(refusal);
      if (pushed) {
        st->items_ready.notify_one();
        co_return;
      }
    }
  }

  // Refuses further pushes (blocked producers get queue_closed_error); queued items are still
  // processed. Thread-safe.
  void close() {
    {
      std::lock_guard lock(state_->mutex);
      state_->closed = true;
    }
    state_->space.notify_all();
    state_->items_ready.notify_all();
  }

  // close(), then wait until the consumer has processed every queued item. Throws
  // queue_consumer_failed if the consumer failed.
  asio::awaitable<void> drain() {
    auto st = state_;
    close();
    for (;;) {  // consumer_done is notified once, when the consumer ends
      const auto seen = st->consumer_done.epoch();
      if (st->finished()) break;
      co_await st->consumer_done.async_wait(seen, asio::use_awaitable);
    }
    st->consumer_end.acquire();
    std::exception_ptr failure;
    {
      std::lock_guard lock(st->mutex);
      if (st->consumer_error) {
        st->error_observed = true;
        failure = st->failure_for_callers();
      }
    }
    if (failure) std::rethrow_exception(failure);
  }

  std::size_t size() const {
    std::lock_guard lock(state_->mutex);
    return state_->items.size();
  }
  std::uint64_t processed() const {
    std::lock_guard lock(state_->mutex);
    return state_->processed;
  }

 private:
  struct state {
    state(const asio::any_io_executor& ex, std::string queue_name, std::size_t cap, consumer fn)
        : executor(untracked(ex)),
          name(std::move(queue_name)),
          capacity(cap),
          consume(std::move(fn)),
          space(executor, fmt::format("serial_queue '{}' push (queue full)", name)),
          items_ready(executor, fmt::format("serial_queue '{}' pop (queue empty)", name)),
          consumer_done(executor, fmt::format("serial_queue '{}' drain", name)) {}

    bool push_can_proceed() {
      std::lock_guard lock(mutex);
      return consumer_error || closed || items.size() < capacity;
    }
    bool finished() {
      std::lock_guard lock(mutex);
      return consumer_ended;
    }
    // Call with mutex held.
    std::exception_ptr failure_for_callers() const {
      return std::make_exception_ptr(queue_consumer_failed(name, consumer_error, items.size()));
    }
    struct next_item {
      std::optional<T> item;
      bool closed = false;
      // Something for the consumer to do: an item, or the end.
      bool settled() const { return item || closed; }
    };
    // The oldest item, and whether the queue is closed, in one look: empty and closed means
    // the consumer is done; empty and open, that it waits.
    next_item pop() {
      std::lock_guard lock(mutex);
      if (items.empty()) return {std::nullopt, closed};
      next_item next{std::move(items.front()), closed};
      items.pop_front();
      return next;
    }
    void consumer_finished(task_record& task, std::exception_ptr error) {
      consumer_end.join(task.clock());
      std::exception_ptr orphaned;  // a failure after the queue was destroyed: nobody can observe it
      std::size_t unprocessed = 0;
      {
        std::lock_guard lock(mutex);
        consumer_ended = true;
        consumer_error = std::move(error);
        consumer_task = task_ref(&task);
        if (queue_destroyed) orphaned = consumer_error;
        unprocessed = items.size();
      }
      if (orphaned) {
        detail::report_unobserved(task, orphaned,
                                  fmt::format("serial queue '{}' was destroyed before its consumer failed ({} queued "
                                              "item(s) were not processed)", name, unprocessed));
      }
      space.notify_all();
      consumer_done.notify_all();
    }

    const asio::any_io_executor executor;
    const std::string name;
    const std::size_t capacity;
    const consumer consume;
    mutable std::mutex mutex;
    std::deque<T> items;                       // guarded by mutex; at most `capacity`
    bool closed = false;                       // guarded by mutex
    bool consumer_ended = false;               // guarded by mutex
    std::exception_ptr consumer_error;         // guarded by mutex
    task_ref consumer_task;                    // guarded by mutex
    bool error_observed = false;               // guarded by mutex
    bool queue_destroyed = false;              // guarded by mutex; a consumer failing after it reports itself
    std::uint64_t processed = 0;               // guarded by mutex
    waiter_list space;
    waiter_list items_ready;
    waiter_list consumer_done;
    ordering_point consumer_end;  // the consumer's end happens before drain() returns
  };

  static asio::awaitable<void> consume_loop(std::shared_ptr<state> st) {
    for (;;) {
      // A wake-up can find the queue empty and open: a producer notifies after its push, so
      // this consumer may already have taken the item the notification was for. It waits
      // again; each such stale wake-up matches one push, which bounds them.
      typename state::next_item next;
      for (;;) {
        const auto seen = st->items_ready.epoch();
        next = st->pop();
        if (next.settled()) break;
        co_await st->items_ready.async_wait(seen, asio::use_awaitable);
        // Popped before another epoch read: the wake-up acquired what the push that woke it
        // released, and a second read would also acquire notifies made after it (a close()
        // after the producer's next access), ordering accesses that race.
        next = st->pop();
        if (next.settled()) break;
      }
      if (!next.item) co_return;  // closed and empty
      st->space.notify_one();
      co_await st->consume(std::move(*next.item));
      std::lock_guard lock(st->mutex);
      ++st->processed;
    }
  }

  std::shared_ptr<state> state_;
};

}  // namespace loopcheck
