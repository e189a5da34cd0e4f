#pragma once
// Time as an execution context sees it. Library code never names a clock: it asks the context
// (`now(ex)`, `sleep_for(d)`), so the same code runs on a real io_context in real time and on
// the simulator in virtual time. A simulated context installs its own clock_service subclass
// with asio::add_service<clock_service>(ctx, ...).
#include <chrono>
#include <cstdint>

#include "loopcheck/runtime/asio.hpp"

namespace loopcheck {

class clock_service : public asio::execution_context::service {
 public:
  static inline asio::execution_context::id id;

  explicit clock_service(asio::execution_context& ctx);

  // Time since this context's clock started.
  virtual std::chrono::nanoseconds now() const;

  // Completes after `duration` on this clock; honours the awaiting task's cancellation.
  virtual asio::awaitable<void> sleep_for(asio::any_io_executor ex, std::chrono::nanoseconds duration);

  // Virtual timers, kept by a clock whose time is virtual (the simulator's) in place of Asio's
  // timers, which need io_context's reactor (loopcheck::steady_timer uses them). A real clock
  // keeps none: is_virtual() is false and park_timer() must not be called.
  using timer_handler = asio::any_completion_handler<void(boost::system::error_code)>;
  struct timer_id {
    std::chrono::nanoseconds deadline{0};
    std::uint64_t sequence = 0;
  };
  virtual bool is_virtual() const noexcept { return false; }
  // Completes `handler` at `deadline` on this clock with success, or with operation_aborted
  // when cancel_timer(id) or its cancellation slot cancels it first.
  virtual timer_id park_timer(timer_handler handler, std::chrono::nanoseconds deadline);
  // Completes the timer with operation_aborted; false when it already completed.
  virtual bool cancel_timer(const timer_id& id);
  // False once the timer completed or was cancelled.
  virtual bool timer_pending(const timer_id& id) const;

 private:
  void shutdown() override {}

  std::chrono::steady_clock::time_point epoch_;
};

clock_service& clock_of(const asio::any_io_executor& ex);
clock_service& clock_of(asio::execution_context& ctx);
std::chrono::nanoseconds now(const asio::any_io_executor& ex);

// Suspends the calling coroutine for `duration` on its executor's clock.
asio::awaitable<void> sleep_for(std::chrono::nanoseconds duration);

}  // namespace loopcheck
