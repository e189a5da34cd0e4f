#pragma once
// Plain Asio code as a user writes it — co_spawn(..., detached), steady_timer, posted handlers,
// no loopcheck spawn — each pattern done wrong and done right. Compiled with
// loopcheck_track_asio, the wrong ones must be reported naming the line marked below them, the
// right ones must stay silent. tracking_test.cpp checks the findings; tracking_demo.cpp runs
// them under the fixture, where exactly the wrong ones fail.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <stdexcept>

namespace plain_asio {

namespace asio = boost::asio;
using namespace std::chrono_literals;

inline asio::awaitable<void> sleep(std::chrono::milliseconds duration) {
  asio::steady_timer timer(co_await asio::this_coro::executor, duration);
  co_await timer.async_wait(asio::use_awaitable);
}

// The coroutine is still waiting on its timer when the io_context is destroyed.
inline constexpr unsigned pending_coroutine_line = __LINE__ + 4;
inline void leave_a_coroutine_pending() {
  asio::io_context context;
  auto sleep_an_hour = sleep(1h);
  asio::co_spawn(context, std::move(sleep_an_hour), asio::detached);
  context.run_for(20ms);
}

inline void let_the_coroutine_finish() {
  asio::io_context context;
  auto sleep_briefly = sleep(1ms);
  asio::co_spawn(context, std::move(sleep_briefly), asio::detached);
  context.run();
}

// Cancelled and completed (with operation_aborted): deliberate, so silent.
inline asio::awaitable<void> wait_until_cancelled(asio::steady_timer& timer) {
  boost::system::error_code error;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, error));
}
inline void cancel_the_coroutine_then_finish() {
  asio::io_context context;
  asio::steady_timer timer(context, 1h);
  auto waiter = wait_until_cancelled(timer);
  asio::co_spawn(context, std::move(waiter), asio::detached);
  context.run_for(20ms);
  timer.cancel();
  context.run();
}

// A posted handler leaves by exception: it escapes run(), which the caller swallows.
inline constexpr unsigned throwing_handler_line = __LINE__ + 3;
inline void post_a_throwing_handler() {
  asio::io_context context;
  asio::post(context, [] { throw std::runtime_error("lost"); });
  try {
    context.run();
  } catch (const std::runtime_error&) {
  }
}

inline void post_a_handler_that_catches() {
  asio::io_context context;
  asio::post(context, [] {
    try {
      throw std::runtime_error("handled");
    } catch (const std::runtime_error&) {
    }
  });
  context.run();
}

// Work handed to a context that is destroyed without running it.
inline constexpr unsigned never_run_line = __LINE__ + 3;
inline void post_to_a_context_never_run() {
  asio::io_context context;
  asio::post(context, [] {});
}

// A detached coroutine ends by an exception: asio::detached drops it.
inline asio::awaitable<void> fail(const char* why) {
  const auto executor = co_await asio::this_coro::executor;
  co_await asio::post(executor, asio::use_awaitable);  // fails after a suspension, as real code does
  throw std::runtime_error(why);
}
inline asio::awaitable<int> fail_with_no_value(const char* why) {
  co_await fail(why);
  co_return 0;
}
inline asio::awaitable<void> fail_and_catch(const char* why) {
  try {
    co_await fail(why);
  } catch (const std::runtime_error&) {
  }
}

// Spawns `coroutine("lost in detached")` with asio::detached and runs the context.
inline constexpr unsigned detached_spawn_line = __LINE__ + 5;
template <typename Result>
void run_detached(asio::awaitable<Result> (*coroutine)(const char*)) {
  asio::io_context context;
  auto spawned = coroutine("lost in detached");
  asio::co_spawn(context, std::move(spawned), asio::detached);
  context.run();
}

inline void lose_a_detached_exception() { run_detached(fail); }
// co_spawn of an awaitable<int>: its completion is void(std::exception_ptr, int).
inline void lose_a_detached_exception_of_a_value_coroutine() { run_detached(fail_with_no_value); }
inline void catch_inside_the_detached_coroutine() { run_detached(fail_and_catch); }

}  // namespace plain_asio
