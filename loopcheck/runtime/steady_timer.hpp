#pragma once
// loopcheck::steady_timer: asio::steady_timer's API on any execution context. On a context with
// a real clock (io_context, thread_pool, strands on them) it is an asio::steady_timer; on one
// whose clock is virtual (the simulator) its waits are virtual timers on that clock, ordered
// with sleep_for's by (deadline, order set). An asio::steady_timer cannot run there: it needs
// io_context's reactor (loopcheck/runtime/foreign_io.hpp).
//
// Time points: on a virtual clock, time_point is the context's virtual time since its start
// (loopcheck::now(ex)), not std::chrono::steady_clock::now(): use expires_after, or compute
// expires_at from expiry() or now(ex), for code that runs on both.
//
// Destroying the timer cancels its pending waits: they complete with operation_aborted, as
// asio::steady_timer's do. Not movable: a pending virtual wait is known by the timer's address.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "loopcheck/runtime/asio.hpp"
#include "loopcheck/runtime/clock.hpp"

namespace loopcheck {

class steady_timer {
 public:
  using executor_type = asio::any_io_executor;
  using clock_type = std::chrono::steady_clock;
  using duration = clock_type::duration;
  using time_point = clock_type::time_point;

  // A program waiting on one timer more often than this at once is a runaway.
  static constexpr std::size_t capacity_waits = std::size_t{1} << 16;

  // Expires at time_point() (already expired), as asio::steady_timer does.
  explicit steady_timer(const executor_type& ex);
  steady_timer(const executor_type& ex, duration expiry_after);
  template <typename ExecutionContext>
    requires std::is_convertible_v<ExecutionContext&, asio::execution_context&>
  explicit steady_timer(ExecutionContext& context) : steady_timer(executor_type(context.get_executor())) {}
  ~steady_timer();
  steady_timer(const steady_timer&) = delete;
  steady_timer& operator=(const steady_timer&) = delete;

  executor_type get_executor() const noexcept { return ex_; }
  // True when the waits are virtual timers (the context's clock is virtual).
  bool is_virtual() const noexcept { return virtual_clock_ != nullptr; }

  // Each completes every pending wait with operation_aborted and returns how many it completed.
  std::size_t cancel();
  std::size_t expires_at(time_point expiry);
  std::size_t expires_after(duration expiry_after);
  time_point expiry() const;

  // Completion signature void(boost::system::error_code), any completion token. The handler
  // runs on its associated executor, by default the timer's.
  template <typename CompletionToken = asio::default_completion_token_t<executor_type>>
  auto async_wait(CompletionToken&& token = asio::default_completion_token_t<executor_type>()) {
    return asio::async_initiate<CompletionToken, void(boost::system::error_code)>(wait_initiation{this}, token);
  }

 private:
  class wait_initiation {
   public:
    using executor_type = steady_timer::executor_type;
    explicit wait_initiation(steady_timer* timer) : timer_(timer) {}
    executor_type get_executor() const noexcept { return timer_->ex_; }

    template <typename Handler>
    void operator()(Handler&& handler) const {
      if (timer_->real_) return timer_->real_->async_wait(std::forward<Handler>(handler));
      // Bound to its associated executor (the timer's unless it names one), as asio's timer
      // completes it; the bound handler keeps its other associations (cancellation slot).
      auto handler_ex = asio::get_associated_executor(handler, timer_->ex_);
      timer_->park(clock_service::timer_handler(asio::bind_executor(handler_ex, std::forward<Handler>(handler))));
    }

   private:
    steady_timer* timer_;
  };

  void park(clock_service::timer_handler handler);
  std::chrono::nanoseconds virtual_deadline() const;

  executor_type ex_;
  clock_service* virtual_clock_ = nullptr;  // the context's clock when it is virtual
  std::optional<asio::steady_timer> real_;  // engaged exactly when the clock is real
  time_point virtual_expiry_{};
  // Sequence numbers of the waits parked at virtual_expiry_ that may still be pending.
  std::vector<std::uint64_t> virtual_waits_;
};

}  // namespace loopcheck
