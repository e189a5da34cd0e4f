// A plain Asio program (no loopcheck) whose coroutine, after a short wait, posts a handler that
// throws: the exception leaves io_context::run, which main swallows. `loopcheck analyze` must
// report the handler that left by exception, at this file's marked line (where the coroutine
// that posted it last resumed: the posted handler has no location of its own).
#include <boost/asio.hpp>
#include <chrono>
#include <stdexcept>

namespace asio = boost::asio;

void fail() { throw std::runtime_error("nobody sees this"); }

asio::awaitable<void> schedule_failing_work() {
  const auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor, std::chrono::milliseconds(1));
  co_await timer.async_wait(asio::use_awaitable_t<>());  // analyze: the exception's site
  asio::post(executor, &fail);
}

int main() {
  asio::io_context context;
  asio::co_spawn(context, schedule_failing_work(), asio::detached);
  try {
    context.run();
  } catch (const std::runtime_error&) {
    // Swallowed, as a careless main loop would.
  }
  return 0;
}
