// A plain Asio program (no loopcheck) that completes everything it starts: a coroutine waiting
// on a short timer, a posted handler, and a wait cancelled before the context runs out of work.
// `loopcheck analyze` must report nothing.
#include <boost/asio.hpp>
#include <chrono>

namespace asio = boost::asio;

asio::awaitable<void> short_wait() {
  asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(1));
  co_await timer.async_wait(asio::use_awaitable_t<>());
}

int main() {
  asio::io_context context;
  asio::co_spawn(context, short_wait(), asio::detached);
  asio::post(context, [] {});
  asio::steady_timer cancelled(context, std::chrono::hours(1));
  cancelled.async_wait([](boost::system::error_code) {});
  cancelled.cancel();
  context.run();
  return 0;
}
