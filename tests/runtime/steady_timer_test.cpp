// loopcheck::steady_timer on an io_context: an asio::steady_timer underneath, in real time.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <vector>

#include "loopcheck/runtime/steady_timer.hpp"

using namespace std::chrono_literals;
namespace asio = boost::asio;

BOOST_AUTO_TEST_SUITE(steady_timer_on_io_context)

BOOST_AUTO_TEST_CASE(waits_in_real_time_and_cancels_like_asios_timer) {
  asio::io_context io;
  loopcheck::steady_timer timer(io);
  BOOST_TEST(!timer.is_virtual());
  // Taken before arming: the expiry counts from expires_after, not from this line.
  const auto started = std::chrono::steady_clock::now();
  BOOST_TEST(timer.expires_after(20ms) == 0u);
  std::vector<boost::system::error_code> seen;
  auto on_wait = [&](boost::system::error_code ec) { seen.push_back(ec); };
  timer.async_wait(on_wait);
  io.run();
  BOOST_TEST(seen.size() == 1u);
  BOOST_TEST(!seen.front());
  BOOST_TEST((std::chrono::steady_clock::now() - started >= 20ms));
  BOOST_TEST((timer.expiry() <= std::chrono::steady_clock::now()));

  io.restart();
  timer.expires_after(1h);
  timer.async_wait(on_wait);
  timer.async_wait(on_wait);
  BOOST_TEST(timer.cancel() == 2u);
  io.run();
  BOOST_TEST(seen.size() == 3u);
  BOOST_TEST((seen[1] == asio::error::operation_aborted));
  BOOST_TEST((seen[2] == asio::error::operation_aborted));
}

BOOST_AUTO_TEST_SUITE_END()
