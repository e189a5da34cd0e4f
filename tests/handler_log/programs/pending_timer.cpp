// A plain Asio program (no loopcheck) whose detached coroutine still waits on a timer when its
// io_context goes: `loopcheck analyze` must report the wait at this file's marked line.
// With the argument `exit`, the program ends without destroying the context (as a kill or a
// crash would), so the wait is still pending when the log ends.
#include <boost/asio.hpp>
#include <chrono>
#include <cstdlib>
#include <string_view>

namespace asio = boost::asio;

asio::awaitable<void> wait_for_an_hour() {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(std::chrono::hours(1));
  co_await timer.async_wait(asio::use_awaitable_t<>());  // analyze: the leaked wait
}

int main(int argc, char** argv) {
  const bool exit_without_cleanup = argc > 1 && std::string_view(argv[1]) == "exit";
  asio::io_context context;
  asio::co_spawn(context, wait_for_an_hour(), asio::detached);
  context.run_for(std::chrono::milliseconds(10));
  if (exit_without_cleanup) std::_Exit(0);
  return 0;  // destroying the context destroys the pending wait without invoking it
}
