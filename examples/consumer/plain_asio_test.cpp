// Plain Asio code — a detached coroutine and a steady_timer, no loopcheck spawn — under the
// fixture, compiled with loopcheck_track_asio: a coroutine left waiting when its io_context is
// destroyed fails the case, naming the line that co_spawns it.
#define BOOST_TEST_MODULE plain asio
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>

#include "loopcheck/fixtures/task_hygiene.hpp"

LOOPCHECK_TASK_HYGIENE_FOR_EVERY_TEST();

namespace {
boost::asio::awaitable<void> flush_after(std::chrono::milliseconds delay) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, delay);
  co_await timer.async_wait(boost::asio::use_awaitable);
}
}  // namespace

BOOST_AUTO_TEST_CASE(flushes_before_the_context_goes) {
  boost::asio::io_context context;
#ifdef CONSUMER_PLANT_BUG
  const auto delay = std::chrono::hours(1);  // still waiting when the context is destroyed
#else
  const auto delay = std::chrono::milliseconds(1);
#endif
  auto flush = flush_after(delay);
  boost::asio::co_spawn(context, std::move(flush), boost::asio::detached);
  context.run_for(std::chrono::milliseconds(50));
}
