#pragma once
// Time as an execution context sees it. Library code never names a clock: it asks the context
// (`now(ex)`, `sleep_for(d)`), so the same code runs on a real io_context in real time and on
// the simulator in virtual time. A simulated context installs its own clock_service subclass
// with asio::add_service<clock_service>(ctx, ...).
#include <chrono>

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

 private:
  void shutdown() override {}

  std::chrono::steady_clock::time_point epoch_;
};

clock_service& clock_of(const asio::any_io_executor& ex);
std::chrono::nanoseconds now(const asio::any_io_executor& ex);

// Suspends the calling coroutine for `duration` on its executor's clock.
asio::awaitable<void> sleep_for(std::chrono::nanoseconds duration);

}  // namespace loopcheck
