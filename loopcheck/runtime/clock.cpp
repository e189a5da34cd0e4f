#include "loopcheck/runtime/clock.hpp"

#include <stdexcept>

namespace loopcheck {

clock_service::clock_service(asio::execution_context& ctx)
    : asio::execution_context::service(ctx), epoch_(std::chrono::steady_clock::now()) {}

std::chrono::nanoseconds clock_service::now() const {
  return std::chrono::steady_clock::now() - epoch_;
}

asio::awaitable<void> clock_service::sleep_for(asio::any_io_executor ex, std::chrono::nanoseconds duration) {
  asio::steady_timer timer(ex, duration);
  co_await timer.async_wait(asio::use_awaitable);
}

clock_service::timer_id clock_service::park_timer(timer_handler, std::chrono::nanoseconds) {
  throw std::logic_error("clock_service::park_timer on a real clock: only a virtual clock keeps timers");
}

bool clock_service::cancel_timer(const timer_id&) { return false; }

bool clock_service::timer_pending(const timer_id&) const { return false; }

clock_service& clock_of(const asio::any_io_executor& ex) { return clock_of(asio::query(ex, asio::execution::context)); }

clock_service& clock_of(asio::execution_context& ctx) { return asio::use_service<clock_service>(ctx); }

std::chrono::nanoseconds now(const asio::any_io_executor& ex) { return clock_of(ex).now(); }

asio::awaitable<void> sleep_for(std::chrono::nanoseconds duration) {
  auto ex = co_await asio::this_coro::executor;
  co_await clock_of(ex).sleep_for(ex, duration);
}

}  // namespace loopcheck
